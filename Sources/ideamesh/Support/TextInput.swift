import MeshCharts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text from outside the CLI: its arguments, files, stdin, answers at a prompt. It must be
/// UTF-8; anything else is refused here, with one message, before a request is sent, so nothing
/// changes. (Swift's own readers repair bad bytes into U+FFFD without a word: CommandLine.arguments,
/// readLine, String(decoding:). Every text the CLI takes passes through this instead.)
enum TextInput {
    /// `bytes` as a String, or the refusal naming `source` and the first bad byte.
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, from source: @autoclosure () -> String) throws(CLIError) -> String {
        if let offset = firstInvalidOffset(bytes) {
            let index = bytes.index(bytes.startIndex, offsetBy: offset)
            throw notUTF8(source(), byte: bytes[index], offset: offset)
        }
        // Text saved on Windows ends its lines with CR LF: a line break is a line break.
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    static func notUTF8(_ source: String, byte: UInt8, offset: Int) -> CLIError {
        CLIError(
            "\(source) is not UTF-8 text (byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset)); nothing was changed",
            hint: "Use UTF-8: save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\"), or set the terminal to UTF-8 (e.g. LANG=C.UTF-8), and try again.")
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil when all are.
    static func firstInvalidOffset<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Checks every argument as the process received it (CommandLine.arguments has already
    /// repaired them). Run before parsing, for every command.
    static func checkArguments(count: Int32 = CommandLine.argc, values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = CommandLine.unsafeArgv) throws(CLIError) {
        for index in 1..<Int(max(count, 1)) {
            guard let pointer = values[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            _ = try decode(bytes, from: "the argument \(escaped(bytes))")
        }
    }

    /// Bytes as text a terminal can show: valid UTF-8 as it is, other bytes as \xNN.
    static func escaped<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var out = "", rest = Array(bytes)[...]
        while !rest.isEmpty {
            let valid = firstInvalidOffset(rest) ?? rest.count
            out += String(decoding: rest.prefix(valid), as: UTF8.self)
            rest = rest.dropFirst(valid)
            if let byte = rest.first {
                out += "\\x" + String(byte, radix: 16, uppercase: true)
                rest = rest.dropFirst()
            }
        }
        return "\"" + out + "\""
    }

    /// The whole of `path` ("-": stdin) as UTF-8 text.
    static func readFile(_ path: String) throws(CLIError) -> String {
        let data: Data
        var isDirectory: ObjCBool = false
        if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("cannot read \(path): it is a directory", hint: "Give the path of a text file, or - for standard input.")
        }
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let why = FileManager.default.fileExists(atPath: path) ? "you may not read it" : "there is no such file"
            throw CLIError("cannot read \(path): \(why)", hint: "Check the path.")
        }
        return try decode(data, from: path == "-" ? "standard input" : path)
    }

    /// One line of stdin without its newline; nil at the end of input.
    static func readLine() throws(CLIError) -> String? {
        var bytes = [UInt8]()
        while true {
            let next = getchar()
            if next == EOF {
                if bytes.isEmpty { return nil }
                break
            }
            if next == 0x0A { break }
            bytes.append(UInt8(next))
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return try decode(bytes, from: "what was typed")
    }
}
