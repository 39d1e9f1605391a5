import MeshModel
import MeshStore
import MeshWire
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

    /// The fuzz target runs each input against an in-memory copy of an empty store: the same
    /// verdicts as on a real file, input for input.
    @Test func inMemoryStoresGiveTheVerdictsOfFileStores() throws {
        let dir = TempDir()
        var compared = 0
        for seed in OpApplyFuzzCheck.seeds() {
            let onFile = Result { () throws(FuzzViolation) in try OpApplyFuzzCheck.run(seed.bytes, directory: dir.path) }
            let inMemory = Result { () throws(FuzzViolation) in try OpApplyFuzzCheck.run(seed.bytes) }
            #expect("\(onFile)" == "\(inMemory)", "\(seed.name)")
            compared += 1
        }
        #expect(compared >= 10)
    }

    /// The fuzzer's store between inputs: emptied, it holds what a new store holds.
    @Test func anErasedStoreIsANewStore() throws {
        let store = try IdeaStore.inMemory(identity: NodeIdentity())
        let empty = try store.digestAndVector()
        let idea = try store.write(.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s")), author: "ann").decode().id
        try store.write(.commentAdd(idea: idea, text: "a comment"), author: "bob")
        #expect(try store.digestAndVector().vector != empty.vector)
        try store.eraseEverything()
        let erased = try store.digestAndVector()
        #expect(erased.digest == empty.digest && erased.vector == empty.vector)
        #expect(try store.search("comment").isEmpty, "the full-text indexes are empty too")
        let again = try store.write(.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s")), author: "ann").decode()
        #expect(again.seq == 1, "the next write starts a chain again")
    }
}
