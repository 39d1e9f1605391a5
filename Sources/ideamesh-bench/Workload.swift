import Foundation

/// One line of a workload file (shared/bench/workload.py).
struct WorkloadOp: Decodable {
    let op: String
    let dept: String
    let by: String
    let id: String?
    let idea: String?
    let measure: String?
    let title: String?
    let problem: String?
    let solution: String?
    let theme: String?
    let anonymous: Bool?
    let text: String?
    let status: String?
    let name: String?
    let unit: String?
    let better: String?
    let date: String?
    let value: Double?
}

/// Reads a JSON-lines file one line at a time (the file is never held in memory whole).
struct LineReader: Sequence, IteratorProtocol {
    let file: UnsafeMutablePointer<FILE>
    var line: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    var number = 0

    init(path: String) throws {
        guard let file = fopen(path, "r") else {
            throw BenchError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
    }

    mutating func next() -> (number: Int, bytes: Data)? {
        let length = getline(&line, &capacity, file)
        guard length > 0, let line else {
            fclose(file)
            return nil
        }
        number += 1
        return (number, Data(bytes: line, count: length))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
