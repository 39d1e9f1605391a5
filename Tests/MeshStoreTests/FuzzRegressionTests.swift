import Testing

/// Replays the committed fuzz inputs of op decoding and apply (Tests/Fuzz/Corpus/FuzzOps and
/// Tests/Fuzz/Regressions/FuzzOps) through `OpApplyFuzzCheck`, each against a fresh store on a
/// real temp file: every one ends accepted or refused with a `BatchRejection`, as its name says,
/// changing nothing when refused.
@Suite(.timeLimit(.minutes(2)))
struct FuzzRegressionTests {
    @Test func opApplyInputs() throws {
        let dir = TempDir()
        let run = try FuzzReplay.problems(target: "FuzzOps", seeds: OpApplyFuzzCheck.seeds()) { (bytes) throws(FuzzViolation) in
            try OpApplyFuzzCheck.run(bytes, directory: dir.path)
        }
        #expect(run.problems.isEmpty, "\(run.problems.joined(separator: "\n"))")
        #expect(run.replayed >= 20)
    }
}
