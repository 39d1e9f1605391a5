import Foundation

/// The bytes of one fuzz input, read as a script: each read takes what it needs and past the end
/// reads zeros (and `isAtEnd` is true), so every input, even an empty one, is a complete script.
///
/// Shared by the libFuzzer targets (Tests/Fuzz, where this folder is the `WireFuzzChecks`
/// module) and the regression tests that replay the corpus (MeshWireTests).
package struct FuzzInput {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { offset >= bytes.count }

    package mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }

    /// Up to `count` bytes (fewer at the end).
    package mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, offset + max(0, count))
        defer { offset = max(offset, end) }
        return offset < end ? Array(bytes[offset..<end]) : []
    }

    /// A length in `0...max`, from two bytes.
    package mutating func length(max: Int) -> Int {
        let raw = Int(byte()) << 8 | Int(byte())
        return max == 0 ? 0 : raw % (max + 1)
    }

    /// A chunk: a 2-byte length (bounded by `max`) and that many bytes.
    package mutating func chunk(max: Int = 4_096) -> [UInt8] { bytes(length(max: max)) }

    /// Everything not read yet.
    package mutating func rest() -> [UInt8] { bytes(bytes.count - offset) }
}

/// What a fuzz check concluded about one input. Either is a clean outcome; anything else is a
/// `FuzzViolation` (an invariant broken) or a crash.
package enum FuzzVerdict: Equatable, Sendable {
    /// The input was read to the end without being refused (e.g. a handshake completed and
    /// every message decoded).
    case accepted
    /// The input was refused with a typed error (its description).
    case refused(String)
}

/// An invariant of the code under test does not hold for this input: a bug. The fuzz targets
/// trap on it (so libFuzzer saves the input); the regression tests record it as a failure.
package struct FuzzViolation: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Throws a `FuzzViolation` unless `condition` holds.
package func fuzzRequire(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzViolation) {
    if !condition { throw FuzzViolation(message()) }
}

/// Builds fuzz inputs in the layout `FuzzInput` reads (for the seed corpus).
package struct FuzzScript {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// A length as `FuzzInput.length` reads it (exact while `value <= max`).
    package mutating func length(_ value: Int) { bytes += [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)] }

    package mutating func chunk(_ value: [UInt8]) {
        length(value.count)
        bytes += value
    }

    package mutating func raw(_ value: [UInt8]) { bytes += value }
}

/// A named seed input. Names say what the check must conclude: `accept-…` inputs must be
/// accepted, `refuse-…` inputs refused (the regression tests hold the corpus to that); other
/// names (`seed-…`, crash files) only need a clean outcome.
package struct FuzzSeed: Sendable {
    package let name: String
    package let bytes: [UInt8]

    package init(_ name: String, _ bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// The verdict this seed's name asks for, if any.
    package var expected: Expected {
        name.hasPrefix("accept-") ? .accepted : name.hasPrefix("refuse-") ? .refused : .any
    }

    package enum Expected: Sendable { case accepted, refused, any }

    /// Whether `verdict` is what the name asks for.
    package func admits(_ verdict: FuzzVerdict) -> Bool {
        switch (expected, verdict) {
        case (.any, _), (.accepted, .accepted), (.refused, .refused): true
        default: false
        }
    }
}

extension FuzzSeed {
    /// The variable that makes a fuzz target write its seeds instead of fuzzing (run.sh --seeds).
    package static let writeVariable = "IDEAMESH_FUZZ_WRITE_SEEDS"

    /// When `IDEAMESH_FUZZ_WRITE_SEEDS` names a directory: writes `seeds` there, one file each
    /// named after it, and exits. Called from a fuzz target's `LLVMFuzzerInitialize`.
    package static func writeIfAsked(_ seeds: [FuzzSeed]) {
        guard let directory = ProcessInfo.processInfo.environment[writeVariable] else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for seed in seeds { try Data(seed.bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(seed.name)) }
        } catch {
            FileHandle.standardError.write(Data("cannot write the seeds to \(directory): \(error)\n".utf8))
            exit(1)
        }
        FileHandle.standardError.write(Data("wrote \(seeds.count) seeds to \(directory)\n".utf8))
        exit(0)
    }
}

/// Replays a fuzz target's committed inputs through its check, for the regression tests
/// (MeshWireTests, MeshStoreTests, IdeameshdTests `FuzzRegressionTests`).
package enum FuzzReplay {
    /// Tests/Fuzz, from this file's path (Tests/<target>/FuzzChecks/FuzzInput.swift).
    static let fuzzRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The longest one input may take in a debug build (each check bounds its work per input).
    package static let bound: Duration = .seconds(5)

    /// Every committed input of `target`: Corpus/<target>/ (seeds and what fuzzing kept) and
    /// Regressions/<target>/ (inputs that once crashed).
    package static func committed(_ target: String) throws -> [FuzzSeed] {
        var seeds = [FuzzSeed]()
        for folder in ["Corpus", "Regressions"] {
            let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
                seeds.append(FuzzSeed(folder == "Corpus" ? name : "regression-\(name)", Array(bytes)))
            }
        }
        return seeds
    }

    /// Runs `check` on every committed input of `target` and on `seeds` (what the generator makes
    /// now); returns what went wrong: a broken invariant, a verdict other than the name asks
    /// for, an input slower than `bound`, or a corpus without seeds.
    package static func problems(
        target: String, seeds: [FuzzSeed], _ check: ([UInt8]) throws(FuzzViolation) -> FuzzVerdict
    ) throws -> (replayed: Int, problems: [String]) {
        let committed = try committed(target)
        var problems = [String]()
        if !committed.contains(where: { $0.name.hasPrefix("accept-") }) {
            problems.append("\(fuzzRoot.path)/Corpus/\(target) holds no seed corpus (Tests/Fuzz/run.sh --seeds makes it)")
        }
        let clock = ContinuousClock()
        for seed in committed + seeds {
            var verdict: FuzzVerdict?
            let elapsed = clock.measure {
                do { verdict = try check(seed.bytes) } catch { problems.append("\(target)/\(seed.name): \(error)") }
            }
            if elapsed > bound { problems.append("\(target)/\(seed.name) took \(elapsed)") }
            if let verdict, !seed.admits(verdict) { problems.append("\(target)/\(seed.name): \(verdict)") }
        }
        return (committed.count + seeds.count, problems)
    }
}
