import Crypto
import Foundation
import MeshCRDT
import MeshModel
@testable import MeshWire
import Testing

/// Protocol/vectors/*.json: every value rebuilt from the code and compared with the files, byte for
/// byte (Protocol/vectors/README.md says what each file holds). Run with IDEAMESH_UPDATE_VECTORS=1
/// to rewrite the files from the code instead (after a deliberate change of an encoding, e.g. new
/// Hello fields), then review the diff. `independentCheckerAgrees` runs Protocol/vectors/check.py,
/// which rebuilds the same values with Python's `cryptography` and `noiseprotocol` and a protobuf
/// encoder of its own, not with this code.
struct ConformanceVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Protocol/vectors")
    static let updating = ProcessInfo.processInfo.environment["IDEAMESH_UPDATE_VECTORS"] == "1"

    @Test(arguments: ConformanceVectors.files.map(\.name))
    func vectorFileMatchesTheCode(_ name: String) throws {
        let file = try #require(ConformanceVectors.files.first { $0.name == name })
        let expected = try file.build().rendered() + "\n"
        let url = Self.directory.appendingPathComponent(name)
        if Self.updating {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let actual = try String(contentsOf: url, encoding: .utf8)
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(a, e)).firstIndex { $0 != $1 } ?? min(a.count, e.count)
        Issue.record("""
            \(name) differs from what the code builds, first at line \(line + 1):
              file: \(line < a.count ? String(a[line]) : "<end of file>")
              code: \(line < e.count ? String(e[line]) : "<end of file>")
            (IDEAMESH_UPDATE_VECTORS=1 swift test --filter ConformanceVectorTests rewrites the files)
            """)
    }

    /// No stale or unchecked vector file: the directory holds exactly the files built here.
    @Test func everyVectorFileIsChecked() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(Set(names) == Set(ConformanceVectors.files.map(\.name)))
    }

    /// The vectors' own consistency, as another implementation would use them: the handshake
    /// really completes between two channels with these keys, each side learns the other's id.
    @Test func theHandshakeVectorIsAWorkingHandshake() throws {
        let run = try ConformanceVectors.HandshakeRun()
        #expect(run.initiatorEvents == [.established(peer: ConformanceVectors.responder.nodeID, department: "Cardiology")])
        #expect(run.responderEvents == [.established(peer: ConformanceVectors.initiator.nodeID, department: "Renal Ward")])
        #expect(run.initiatorHash == run.responderHash)
        #expect(run.firstReceived == [.message(.digestRequest(token: 7))])
        #expect(run.secondReceived == [.message(.goodbye(reason: "conformance vector"))])
    }

    static let checker = directory.appendingPathComponent("check.py")

    /// python3 with `cryptography` and `noiseprotocol` (pip install cryptography noiseprotocol).
    static let pythonCheckerAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import cryptography, noise.connection"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(.enabled(if: pythonCheckerAvailable, "needs python3 with cryptography and noiseprotocol"))
    func independentCheckerAgrees() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.checker.path, Self.directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check.py failed:\n\(text)")
        #expect(text.contains("noise-handshake.json: ok"), "\(text)")
    }
}

// MARK: - Building the vectors

/// A JSON value that keeps its keys in order, rendered the same way every time.
indirect enum VectorJSON {
    case string(String)
    case number(UInt64)
    case bool(Bool)
    case array([VectorJSON])
    case object([(String, VectorJSON)])

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> VectorJSON where Bytes.Element == UInt8 {
        .string(bytes.map { String(format: "%02x", $0) }.joined())
    }

    func rendered(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let text): return Self.quoted(text)
        case .number(let value): return "\(value)"
        case .bool(let value): return value ? "true" : "false"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            if items.allSatisfy({ if case .string = $0 { true } else if case .number = $0 { true } else { false } }) {
                return "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + Self.quoted($0.0) + ": " + $0.1.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

enum ConformanceVectors {
    struct File: Sendable {
        let name: String
        let build: @Sendable () throws -> VectorJSON
    }

    static let files: [File] = [
        File(name: "signed-op.json", build: signedOp),
        File(name: "op-chain.json", build: opChain),
        File(name: "hello.json", build: hello),
        File(name: "have.json", build: have),
        File(name: "noise-handshake.json", build: noiseHandshake),
        File(name: "sealed-op.json", build: sealedOp),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// RFC 8032 §7.1, TEST 1 and TEST 2: Ed25519 seeds whose public keys are published there.
    static let initiatorSeed = bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let responderSeed = bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
    static let initiator = try! NodeIdentity(seed: initiatorSeed)
    static let responder = try! NodeIdentity(seed: responderSeed)
    /// RFC 7748 §6.1: Alice's and Bob's X25519 private keys (public keys published there).
    static let initiatorStatic = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    static let responderStatic = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
    static let initiatorEphemeral = Array(UInt8(0x40)...UInt8(0x5f))
    static let responderEphemeral = Array(UInt8(0x60)...UInt8(0x7f))
    static let networkKey = Array(UInt8(0x00)...UInt8(0x1f))

    // MARK: ops

    /// 2024-03-01T08:00:00Z, counter 0.
    static let firstHLC = HLC(millis: 1_709_280_000_000, counter: 0)

    static let chainBodies: [(author: String, body: OpBody)] = [
        ("amara", .ideaCreate(IdeaContent(
            title: "Bedside handover checklist", problem: "Night handovers miss pending results",
            solution: "A five-item checklist read at the bedside", theme: "safety", tags: ["handover", "nights"]))),
        ("ben", .support(idea: OpID(origin: initiator.nodeID, seq: 1))),
        ("", .commentAdd(idea: OpID(origin: initiator.nodeID, seq: 1), text: "Tried it on ward 4: ten minutes saved")),
    ]

    /// The chain of `chainBodies` by the initiator's identity: seq 1…3, each prev the hash of the one before.
    static func chain() -> [(op: Op, signed: SignedOp)] {
        var out: [(Op, SignedOp)] = []
        var prev = Data()
        for (index, entry) in chainBodies.enumerated() {
            let seq = UInt64(index + 1)
            let hlc = HLC(millis: firstHLC.millis + UInt64(index) * 60_000, counter: UInt16(index))
            let signed = SignedOp.make(
                identity: initiator, seq: seq, prev: prev, hlc: hlc, author: entry.author, body: entry.body, format: 1)
            out.append((try! signed.decode(), signed))
            prev = signed.hash
        }
        return out
    }

    static func ref(_ id: OpID, in op: Op) -> VectorJSON {
        var members: [(String, VectorJSON)] = []
        if id.origin != op.origin { members.append(("origin", .hex(id.origin.bytes))) }
        members.append(("seq", .number(id.seq)))
        return .object(members)
    }

    /// The op's fields, named as in ops.proto (bytes in hex, the hlc as a decimal string).
    static func fields(_ op: Op) -> VectorJSON {
        let body: VectorJSON
        switch op.body {
        case .ideaCreate(let c):
            body = .object([("idea_create", .object([("content", .object([
                ("title", .string(c.title)), ("problem", .string(c.problem)), ("solution", .string(c.solution)),
                ("theme", .string(c.theme)), ("tags", .array(c.tags.map(VectorJSON.string))),
            ]))]))])
        case .support(let idea):
            body = .object([("support", .object([("idea", ref(idea, in: op))]))])
        case .commentAdd(let idea, let text):
            body = .object([("comment_add", .object([("idea", ref(idea, in: op)), ("text", .string(text))]))])
        default:
            preconditionFailure("no vector body for \(op.body.kind)")
        }
        return .object([
            ("origin", .hex(op.origin.bytes)), ("seq", .number(op.seq)), ("prev", .hex(op.prev)),
            ("hlc", .string("\(op.hlc.rawValue)")), ("hlc_millis", .number(op.hlc.millis)), ("hlc_counter", .number(UInt64(op.hlc.counter))),
            ("author", .string(op.author)), ("body", body),
        ])
    }

    static func opEntry(_ op: Op, _ signed: SignedOp) -> [(String, VectorJSON)] {
        let id = OpID(origin: op.origin, seq: op.seq)
        return [
            ("op", fields(op)),
            ("op_bytes", .hex(signed.bytes)),
            ("op_hash", .hex(signed.hash)),
            ("signature", .hex(signed.signature)),
            ("signed_op_bytes", .hex(try! signed.wire.serializedBytes() as [UInt8])),
            ("op_id", .string("\(op.origin.base32)-\(op.seq)")),
            ("op_id_short", .string(id.short)),
        ]
    }

    static func identity(_ seed: [UInt8], _ identity: NodeIdentity) -> [(String, VectorJSON)] {
        [
            ("ed25519_seed", .hex(seed)),
            ("ed25519_public_key", .hex(identity.nodeID.bytes)),
            ("node_id", .string(identity.nodeID.base32)),
            ("node_id_short", .string(identity.nodeID.short)),
        ]
    }

    static func signedOp() -> VectorJSON {
        let (op, signed) = chain()[0]
        return .object([
            ("description", .string("One signed op: the first op (seq 1, empty prev) of the origin whose Ed25519 key is RFC 8032's TEST 1. op_bytes is OpCodec's encoding of `op` (ops.proto Op); op_hash its SHA-256; signature the origin's Ed25519 signature over op_bytes; signed_op_bytes the SignedOp message.")),
        ] + identity(initiatorSeed, initiator) + opEntry(op, signed))
    }

    /// Salts that are easy to write down: each `next()` gives the next byte from 0xa0 on.
    struct CountingBytes: RandomNumberGenerator {
        var byte: UInt64 = 0xa0
        mutating func next() -> UInt64 {
            defer { byte += 1 }
            return byte
        }
    }

    /// The first op of `chainBodies` in op format 2, then with its problem erased.
    static func sealedOp() -> VectorJSON {
        let entry = chainBodies[0]
        var random = CountingBytes()
        let signed = SignedOp.make(
            identity: initiator, seq: 1, prev: Data(), hlc: firstHLC, author: entry.author, body: entry.body, format: 2, random: &random)
        let op = try! signed.decode()
        let body = try! WireBody(serializedBytes: signed.body)
        let erased = signed.erasing(slots: [1])!
        let header = try! WireOp(serializedBytes: signed.bytes)
        return .object(identity(initiatorSeed, initiator) + [
            ("description", .string("""
                Op format 2 (Protocol/README.md, "Op format 2"): the op of signed-op.json as a header (op_bytes: Op fields 1-5 and body_hash, \
                no body oneof) and a Body beside it. The skeleton is an Op holding only the body oneof, with the kind's erasable \
                texts (for idea_create: title, problem, solution) empty; each text is sealed with its salt (here the bytes \
                a0..af, b0..bf, c0..cf, in text order); commitment = SHA-256(salt || UTF-8 text); body_hash = \
                SHA-256(SHA-256(skeleton) || commitments in order). The signature covers op_bytes only. erased_body is the body \
                with text 1 (the problem) erased: salt and value gone, its commitment kept in `erased`; it hashes to the same \
                body_hash, so the op still verifies.
                """)),
            ("op", fields(op)),
            ("skeleton_bytes", .hex(body.skeleton)),
            ("texts", .array(body.texts.map { text in
                .object([
                    ("salt", .hex(text.salt)), ("value", .string(text.value)),
                    ("commitment", .hex(SealedBody.commitment(salt: text.salt, value: text.value))),
                ])
            })),
            ("body_hash", .hex(header.bodyHash)),
            ("op_bytes", .hex(signed.bytes)),
            ("op_hash", .hex(signed.hash)),
            ("signature", .hex(signed.signature)),
            ("body_bytes", .hex(signed.body)),
            ("signed_op_bytes", .hex(try! signed.wire.serializedBytes() as [UInt8])),
            ("erased_slot", .number(1)),
            ("erased_body_bytes", .hex(erased.body)),
            ("erased_signed_op_bytes", .hex(try! erased.wire.serializedBytes() as [UInt8])),
        ])
    }

    static func opChain() -> VectorJSON {
        let ops = chain()
        var batch = WireOpBatch()
        batch.ops = ops.map(\.signed.wire)
        return .object(identity(initiatorSeed, initiator) + [
            ("description", .string("Three ops of one origin, seq 1 to 3: each op's prev is the op_hash of the one before. An OpRef without origin names the op's own origin. batch_envelope is an Envelope carrying the three as one uncompressed OpBatch (the receiver checks only the last op's signature).")),
            ("ops", .array(ops.map { .object(opEntry($0.op, $0.signed)) })),
            ("batch_envelope", .hex(SyncMessage.batch(ops.map(\.signed)).encode(compressing: false))),
        ])
    }

    // MARK: sync messages

    static func originHead(_ origin: NodeID, _ head: OriginHead, withHash: Bool) -> VectorJSON {
        .object([("origin", .hex(origin.bytes)), ("seq", .number(head.seq))] + (withHash ? [("head", .hex(head.hash))] : []))
    }

    /// The Hello's fields are those of `SyncMessage.hello`: when it gains fields, add them here and
    /// regenerate (IDEAMESH_UPDATE_VECTORS=1).
    static func hello() -> VectorJSON {
        let ops = chain()
        var vector = VersionVector()
        vector[initiator.nodeID] = OriginHead(seq: 3, hash: Array(ops[2].signed.hash))
        vector[responder.nodeID] = OriginHead(seq: 300, hash: Array(repeating: 0xab, count: 32))
        // What this build says: protocol versions 1 to 2 (field 1 the lowest, so that a version-1
        // node reads it), op format 1 (left out: its absence says 1).
        let fields = ProtocolVersions.current.helloFields
        let message = SyncMessage.hello(
            version: fields.version, department: "Renal Ward", listenPort: 7420, vector: vector, maxVersion: fields.maxVersion,
            maxOpFormat: fields.maxOpFormat)
        let envelope = message.encode()
        return .object([
            ("description", .string("A Hello, as the first message after the handshake: its fields (sync.proto Hello, heads in ascending order of origin) and the Envelope bytes; message_bytes adds the 4-byte big-endian length that precedes each Envelope in the decrypted stream (PROTOCOL.md §1). A field of value 0 is absent from the bytes (proto3): here max_op_format, whose absence means op format 1.")),
            ("hello", .object([
                ("protocol_version", .number(UInt64(fields.version))),
                ("department", .string("Renal Ward")),
                ("heads", .array(vector.origins.map { originHead($0, vector[$0], withHash: true) })),
                ("listen_port", .number(7420)),
                ("max_protocol_version", .number(UInt64(fields.maxVersion))),
                ("max_op_format", .number(UInt64(fields.maxOpFormat))),
            ])),
            ("envelope_bytes", .hex(envelope)),
            ("message_bytes", .hex(LengthPrefixedDecoder.encode(envelope, prefix: .fourBytes))),
        ])
    }

    static func have() -> VectorJSON {
        let example = NodeID(bytes: [UInt8](repeating: 0x01, count: 32))!
        let high = NodeID(bytes: [0x80] + [UInt8](repeating: 0, count: 31))!
        let cases: [(String, [(NodeID, UInt64)])] = [
            ("the empty vector", []),
            ("PROTOCOL.md §4's example: origin 01…01 at seq 300", [(example, 300)]),
            ("several origins, listed here out of order: the digest sorts them by their bytes", [
                (initiator.nodeID, 3), (high, (1 << 40) - 1), (example, 300), (responder.nodeID, 1),
            ]),
        ]
        return .object([
            ("description", .string("Version vectors, their vector digest (PROTOCOL.md §4: SHA-256 of digest_input, 40 bytes per origin in ascending order of origin, seq 8 bytes big-endian) and the Have Envelopes that carry them: a digest Have, a full Have (heads with origin and seq, in ascending order of origin), and the full Have with want_full.")),
            ("vectors", .array(cases.map { name, entries in
                var vector = VersionVector()
                for (origin, seq) in entries { vector[origin] = OriginHead(seq: seq, hash: []) }
                let digest = SyncMessage.vectorDigest(vector)
                return .object([
                    ("name", .string(name)),
                    ("origins", .array(entries.map { .object([("origin", .hex($0.0.bytes)), ("seq", .number($0.1))]) })),
                    ("digest_input", .hex(SyncMessage.vectorDigestInput(vector))),
                    ("vector_digest", .hex(digest)),
                    ("digest_have_envelope", .hex(SyncMessage.haveDigest(digest).encode())),
                    ("full_have_envelope", .hex(SyncMessage.have(vector, wantFull: false).encode())),
                    ("full_have_want_full_envelope", .hex(SyncMessage.have(vector, wantFull: true).encode())),
                ])
            })),
        ])
    }

    // MARK: Noise

    static func key(_ raw: [UInt8]) -> Curve25519.KeyAgreement.PrivateKey {
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }

    /// Two real `SecureChannel`s with the fixed keys, run to the end of the handshake and one
    /// message each way.
    struct HandshakeRun {
        var frames: [[UInt8]] = []
        var initiatorEvents: [SecureChannel.Event] = []
        var responderEvents: [SecureChannel.Event] = []
        var initiatorHash: [UInt8] = []
        var responderHash: [UInt8] = []
        var transport: [[UInt8]] = []
        var firstReceived: [SecureChannel.Event] = []
        var secondReceived: [SecureChannel.Event] = []
        static let first = SyncMessage.digestRequest(token: 7)
        static let second = SyncMessage.goodbye(reason: "conformance vector")

        init() throws {
            var i = try SecureChannel(
                role: .initiator, identity: initiator, networkKey: networkKey, department: "Renal Ward",
                staticKey: key(initiatorStatic), ephemeral: key(initiatorEphemeral), isTrusted: { $0 == responder.nodeID })
            var r = try SecureChannel(
                role: .responder, identity: responder, networkKey: networkKey, department: "Cardiology",
                staticKey: key(responderStatic), ephemeral: key(responderEphemeral), isTrusted: { $0 == initiator.nodeID })
            let m1 = try i.start()
            let (m2, none) = try r.receive(m1)
            precondition(none.isEmpty)
            let (m3, established) = try i.receive(m2)
            initiatorEvents = established
            let (nothing, accepted) = try r.receive(m3)
            precondition(nothing.isEmpty)
            responderEvents = accepted
            frames = [m1, m2, m3]
            initiatorHash = i.handshakeHash
            responderHash = r.handshakeHash
            let t1 = try i.send(Self.first)
            firstReceived = try r.receive(t1).events
            let t2 = try r.send(Self.second)
            secondReceived = try i.receive(t2).events
            transport = [t1, t2]
        }
    }

    static func party(
        _ role: String, _ seed: [UInt8], _ identity: NodeIdentity, department: String, staticKey: [UInt8], ephemeral: [UInt8]
    ) -> VectorJSON {
        .object([("role", .string(role))] + Self.identity(seed, identity) + [
            ("department", .string(department)),
            ("static_private", .hex(staticKey)),
            ("static_public", .hex(key(staticKey).publicKey.rawRepresentation)),
            ("ephemeral_private", .hex(ephemeral)),
            ("ephemeral_public", .hex(key(ephemeral).publicKey.rawRepresentation)),
        ])
    }

    static func payload(_ identity: NodeIdentity, staticKey: [UInt8], department: String) -> (VectorJSON, [UInt8]) {
        let payload = HandshakePayload(identity: identity, staticKey: key(staticKey).publicKey, department: department)
        let signed = HandshakePayload.context + key(staticKey).publicKey.rawRepresentation
        return (.object([
            ("node_id", .hex(payload.nodeID.bytes)),
            ("signed_bytes", .hex(signed)),
            ("signature", .hex(payload.signature)),
            ("department", .string(department)),
        ]), payload.encode())
    }

    static func noiseHandshake() throws -> VectorJSON {
        let run = try HandshakeRun()
        precondition(run.initiatorHash == run.responderHash)
        let (fields2, payload2) = payload(responder, staticKey: responderStatic, department: "Cardiology")
        let (fields3, payload3) = payload(initiator, staticKey: initiatorStatic, department: "Renal Ward")
        func message(_ index: Int, _ sender: String, _ payload: [UInt8], _ fields: VectorJSON?) -> VectorJSON {
            .object([("sender", .string(sender)), ("payload", .hex(payload))] + (fields.map { [("payload_fields", $0)] } ?? []) + [
                ("message", .hex(run.frames[index].dropFirst(2))),
                ("frame", .hex(run.frames[index])),
            ])
        }
        func transport(_ index: Int, _ sender: String, _ message: SyncMessage, _ fields: VectorJSON) -> VectorJSON {
            let envelope = message.encode()
            return .object([
                ("sender", .string(sender)),
                ("envelope", fields),
                ("envelope_bytes", .hex(envelope)),
                ("plaintext", .hex(LengthPrefixedDecoder.encode(envelope, prefix: .fourBytes))),
                ("message", .hex(run.transport[index].dropFirst(2))),
                ("frame", .hex(run.transport[index])),
            ])
        }
        return .object([
            ("description", .string("A whole ideamesh handshake (PROTOCOL.md §2) with fixed keys: Ed25519 identities from RFC 8032 TEST 1 (initiator) and TEST 2 (responder), X25519 static keys from RFC 7748 §6.1 (Alice: initiator, Bob: responder), and fixed ephemeral keys (real nodes draw fresh static and ephemeral keys per connection). Each handshake message's payload is empty (message 1) or a HandshakePayload; `message` is the Noise message, `frame` adds the 2-byte big-endian length. Then the first transport message each way: `plaintext` is the 4-byte length and the Envelope, `message` its Noise transport encryption (nonce 0 of each direction's CipherState after Split), `frame` the bytes on the wire.")),
            ("protocol_name", .string(NoiseHandshake.protocolName)),
            ("prologue", .hex(HandshakePayload.noisePrologue)),
            ("prologue_ascii", .string(String(decoding: HandshakePayload.noisePrologue, as: UTF8.self))),
            ("psk", .hex(networkKey)),
            ("network_key_file", .string("ideamesh-network-key:" + networkKey.map { String(format: "%02x", $0) }.joined())),
            ("initiator", party("initiator", initiatorSeed, initiator, department: "Renal Ward", staticKey: initiatorStatic, ephemeral: initiatorEphemeral)),
            ("responder", party("responder", responderSeed, responder, department: "Cardiology", staticKey: responderStatic, ephemeral: responderEphemeral)),
            ("handshake_payload_context", .string(String(decoding: HandshakePayload.context, as: UTF8.self))),
            ("messages", .array([
                message(0, "initiator", [], nil),
                message(1, "responder", payload2, fields2),
                message(2, "initiator", payload3, fields3),
            ])),
            ("handshake_hash", .hex(run.initiatorHash)),
            ("transport", .array([
                transport(0, "initiator", HandshakeRun.first, .object([("digest_request", .object([("token", .number(7))]))])),
                transport(1, "responder", HandshakeRun.second, .object([("goodbye", .object([("reason", .string("conformance vector"))]))])),
            ])),
        ])
    }
}
