import Testing

/// Replays the committed fuzz inputs of the frame decoder and the handshake state machine
/// (Tests/Fuzz/Corpus/<target>/ and Tests/Fuzz/Regressions/<target>/, see Tests/Fuzz/README.md)
/// through the checks the fuzz targets run, without a sanitizer: each must end cleanly (accepted,
/// or refused with a typed error), as its name says where it says (`accept-…`, `refuse-…`), no
/// invariant broken, each within a time bound.
@Suite(.timeLimit(.minutes(2)))
struct FuzzRegressionTests {
    @Test func frameDecoderInputs() throws {
        let run = try FuzzReplay.problems(target: "FuzzFrames", seeds: FrameFuzzCheck.seeds(), FrameFuzzCheck.run)
        #expect(run.problems.isEmpty, "\(run.problems.joined(separator: "\n"))")
        #expect(run.replayed >= 10)
    }

    @Test func handshakeInputs() throws {
        let run = try FuzzReplay.problems(target: "FuzzHandshake", seeds: HandshakeFuzzCheck.seeds(), HandshakeFuzzCheck.run)
        #expect(run.problems.isEmpty, "\(run.problems.joined(separator: "\n"))")
        #expect(run.replayed >= 30)
    }

    @Test func syncSessionInputs() throws {
        let run = try FuzzReplay.problems(target: "FuzzSync", seeds: SyncFuzzCheck.seeds(), SyncFuzzCheck.run)
        #expect(run.problems.isEmpty, "\(run.problems.joined(separator: "\n"))")
        #expect(run.replayed >= 5)
    }
}
