import Foundation
import MeshControl
import MeshCRDT
import MeshWire
@testable import MeshNode
import Testing

/// The daemon's pure parts: reconnect backoff and control request parsing.
struct DaemonPartsTests {
    @Test func backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        let backoff = Backoff(baseMillis: 500, capMillis: 60_000)
        #expect((0...9).map { backoff.ceiling(failures: $0) } == [0, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
        #expect(backoff.ceiling(failures: 1_000) == 60_000, "no overflow however long a peer stays away")
        var random = SplitMix64(seed: 7)
        var delays = Set<UInt64>()
        for _ in 0..<200 {
            let delay = backoff.delay(failures: 4, using: &random)
            #expect((2_000...4_000).contains(delay))
            delays.insert(delay)
        }
        #expect(delays.count > 50, "jitter: peers that failed together do not retry together")
    }

    static func parse(_ line: String) -> Result<ControlRequest, ControlFailure> {
        ControlRequest.parse(Array(line.utf8))
    }

    @Test func aRequestIsAnObjectWithAMethod() throws {
        let request = try Self.parse(#"{"id": 4, "method": "idea.show", "params": {"id": "abcd-1"}}"#).get()
        #expect(request.id == .number(4) && request.method == "idea.show" && request.params["id"] == .string("abcd-1"))
        #expect(try Self.parse(#"{"method":"ping"}"#).get().id == .null)
    }

    @Test func malformedRequestsAreRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            ("[1,2]", "must be a JSON object"),
            (#"{"id": 1}"#, "\"method\" must be a string"),
            (#"{"id": [1], "method": "ping"}"#, "\"id\" must be a string or a number"),
            (#"{"method": "ping", "extra": 1}"#, "unknown key \"extra\""),
            (#"{"method": "ping", "params": 3}"#, "\"params\" must be an object"),
        ]
        for (line, reason) in cases {
            guard case .failure(let failure) = Self.parse(line) else {
                Issue.record("accepted \(line)")
                continue
            }
            #expect(failure.error.code == .badRequest && failure.error.message.contains(reason), "\(line): \(failure.error.message)")
        }
        // Bytes that are not UTF-8, even inside a string, are refused as such (not repaired).
        let latin1 = Array(#"{"id":1,"method":"idea.comment","params":{"id":"abcd-1","text":"caf"#.utf8) + [0xE9] + Array(#""}}"#.utf8)
        if case .failure(let failure) = ControlRequest.parse(latin1) {
            #expect(failure.error.code == .badRequest && failure.error.message.contains("not UTF-8 text"), "\(failure.error.message)")
        } else {
            Issue.record("accepted a request that is not UTF-8")
        }
        // The id is echoed when it could be read.
        if case .failure(let failure) = Self.parse(#"{"id": "x", "method": 5}"#) { #expect(failure.id == .string("x")) }
    }

    struct Params: ControlParams {
        static let keys: Set<String> = ["title", "tags"]
        var title: String
        var tags: [String]?
    }

    @Test func paramsAreTypedAndUnknownKeysRefused() throws {
        let ok = try Self.parse(#"{"method":"m","params":{"title":"t","tags":["a"]}}"#).get()
        #expect(try ok.decode(Params.self).tags == ["a"])
        let problems: [(String, String)] = [
            (#"{"method":"m","params":{}}"#, "missing parameter \"title\""),
            (#"{"method":"m","params":{"title":3}}"#, "\"title\" must be a string"),
            (#"{"method":"m","params":{"title":"t","tags":"a"}}"#, "\"tags\" must be"),
            (#"{"method":"m","params":{"title":"t","titel":"u"}}"#, "unknown parameter \"titel\""),
        ]
        for (line, reason) in problems {
            let request = try Self.parse(line).get()
            #expect(throws: ControlError.self) { try request.decode(Params.self) }
            do { _ = try request.decode(Params.self) } catch {
                #expect(error.code == .badRequest && error.message.contains(reason), "\(line): \(error.message)")
            }
        }
    }

    @Test func repliesAreOneLineOfJSON() throws {
        struct Result: Encodable, Sendable { let n: Int }
        let ok = ControlReply(id: .string("a"), outcome: .success(Result(n: 2))).line()
        #expect(ok.last == UInt8(ascii: "\n") && ok.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(ok)) as? [String: Any]
        #expect(object?["ok"] as? Bool == true && (object?["result"] as? [String: Any])?["n"] as? Int == 2 && object?["id"] as? String == "a")
        let failed = ControlReply.failure(id: .null, ControlError(.forbidden, "no")).line()
        let error = try JSONSerialization.jsonObject(with: Data(failed)) as? [String: Any]
        #expect(error?["ok"] as? Bool == false && (error?["error"] as? [String: Any])?["code"] as? String == "forbidden")
    }

    @Test func adminsAreRootTheDaemonsUserAndTheConfiguredOnes() {
        let policy = AdminPolicy(users: ["alice"], groups: ["qi-leads"])
        #expect(policy.allows(LocalUser(uid: 0, gid: 0)))
        #expect(policy.allows(LocalUser(uid: geteuid(), gid: getegid())))
        let nobody = LocalUser(uid: 65534, gid: 65534)
        #expect(nobody.name == "nobody" || nobody.name == "65534")
        #expect(!policy.allows(nobody) || geteuid() == 65534)
        #expect(AdminPolicy(users: [nobody.name], groups: []).allows(nobody))
        #expect(AdminPolicy(users: [], groups: nobody.groups).allows(nobody) == !nobody.groups.isEmpty)
    }

    /// The test-only switches: unset or empty change nothing; a value they do not take stops the
    /// daemon with a message naming the variable.
    @Test func testSwitchesAreReadFromTheEnvironmentAndCheckedStrictly() throws {
        #expect(try TestSwitches(environment: [:]) == TestSwitches())
        #expect(try TestSwitches(environment: ["IDEAMESH_TEST_PROTOCOL": "", "IDEAMESH_TEST_SEND_UNKNOWN_KIND": ""]) == TestSwitches())
        let switches = try TestSwitches(environment: ["IDEAMESH_TEST_PROTOCOL": "2-3", "IDEAMESH_TEST_SEND_UNKNOWN_KIND": "99"])
        #expect(switches.versions?.protocols == 2...3 && switches.unknownKind == 99)
        #expect(try TestSwitches(environment: ["IDEAMESH_TEST_PROTOCOL": "1"]).versions == .version1)
        for (variable, value) in [
            ("IDEAMESH_TEST_PROTOCOL", "3-2"), ("IDEAMESH_TEST_PROTOCOL", "0-1"), ("IDEAMESH_TEST_PROTOCOL", "1-2-3"), ("IDEAMESH_TEST_PROTOCOL", "two"),
            ("IDEAMESH_TEST_SEND_UNKNOWN_KIND", "3"), ("IDEAMESH_TEST_SEND_UNKNOWN_KIND", "x"),
        ] {
            do {
                _ = try TestSwitches(environment: [variable: value])
                Issue.record("\(variable)=\(value) accepted")
            } catch {
                #expect("\(error)".hasPrefix("\(variable)=\(value): expected "), "\(error)")
            }
        }
    }
}
