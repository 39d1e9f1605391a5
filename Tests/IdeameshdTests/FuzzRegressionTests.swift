import Testing

/// Replays the committed fuzz inputs of the control request parser (Tests/Fuzz/Corpus/FuzzControl
/// and Tests/Fuzz/Regressions/FuzzControl) through `ControlFuzzCheck`: each line is parsed or
/// refused with a code of CONTROL.md §3, and answered with one line of JSON.
@Suite(.timeLimit(.minutes(2)))
struct FuzzRegressionTests {
    @Test func controlRequestInputs() throws {
        let run = try FuzzReplay.problems(target: "FuzzControl", seeds: ControlFuzzCheck.seeds(), ControlFuzzCheck.run)
        #expect(run.problems.isEmpty, "\(run.problems.joined(separator: "\n"))")
        #expect(run.replayed >= 26)
    }
}
