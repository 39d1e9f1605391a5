import MeshCRDT
import MeshWire

/// The sync messages (sync.proto Envelopes, Hello's version ranges, unknown kinds, compressed
/// batches) decoded from arbitrary bytes and fed to a `SyncSession`, interleaved with the
/// adapter's reports (batches applied, refused, a fork met, time passing).
///
/// Input: a byte for this node's protocol range (low nibble: lowest version 1–4, high nibble: how
/// many more), a byte of its own vector (how many ops of each of three origins it holds), then
/// records: an op byte, then for op 0 a 2-byte length and that many bytes of an Envelope, for the
/// others adapter events. Invariants: decoding never fails but with a `SyncMessageError`, and
/// what decodes re-encodes to a message that decodes the same; the session never asks for ops it
/// does not hold, never sends ops of an origin forked on the link, and says nothing once closed;
/// a Hello that shares no version closes the link with a Goodbye naming both ranges; a session
/// past the Hello has negotiated the highest version both speak.
package enum SyncFuzzCheck {
    static let origins: [NodeID] = (1...3).map { NodeID(bytes: [UInt8](repeating: $0, count: 32))! }

    package static func run(_ data: [UInt8]) throws(FuzzViolation) -> FuzzVerdict {
        var input = FuzzInput(data)
        let range = input.byte()
        let low = UInt32(1 + range & 0x03), high = low + UInt32(range >> 4 & 0x03)
        guard let versions = ProtocolVersions(protocols: low...high) else { throw FuzzViolation("a valid range \(low)...\(high) was refused") }
        let held = input.byte()
        var local = VersionVector()
        for (index, origin) in origins.enumerated() {
            let seq = UInt64(held >> (index * 2) & 0x03) * 5
            if seq > 0 { local[origin] = OriginHead(seq: seq, hash: []) }
        }
        var session = SyncSession(config: .init(batchOps: 3, versions: versions))
        var now: UInt64 = 1_000
        var refusal: String?
        try check(session.start(local: local, department: "fuzz", listenPort: 7400, nowMillis: now), session, local)

        while !input.isAtEnd {
            let op = input.byte()
            switch op % 6 {
            case 0:
                let bytes = input.chunk(max: 4_096)
                let message: SyncMessage
                do { message = try SyncMessage.decode(bytes) } catch {
                    refusal = "\(error)"
                    continue
                }
                try roundTrip(message)
                let wasAwaiting = session.phase == .awaitingHello
                let actions = session.receive(message, nowMillis: now)
                try check(actions, session, local)
                if wasAwaiting, case .hello(let version, _, _, _, let maxVersion, let maxOpFormat) = message,
                   let theirs = ProtocolVersions(helloVersion: version, maxVersion: maxVersion, maxOpFormat: maxOpFormat) {
                    if versions.protocols.overlaps(theirs.protocols) {
                        let highest = min(versions.protocols.upperBound, theirs.protocols.upperBound)
                        try fuzzRequire(session.negotiated?.protocolVersion == highest, "negotiated \(String(describing: session.negotiated)) with \(theirs), not \(highest)")
                    } else {
                        try fuzzRequire(session.phase == .closed, "a Hello sharing no version (\(theirs) with \(versions)) did not close")
                        let goodbye = actions.compactMap { if case .send(.goodbye(let reason)) = $0 { reason } else { nil } }.first ?? ""
                        try fuzzRequire(goodbye.contains("\(versions)") && goodbye.contains("\(theirs)"), "the Goodbye does not name both ranges: \(goodbye)")
                    }
                }
            case 1:
                let origin = origins[Int(input.byte()) % origins.count]
                session.forkMet(origin: origin, seq: UInt64(input.byte() % 16))
            case 2:
                let origin = origins[Int(input.byte()) % origins.count]
                session.forkResolved(origin: origin)
            case 3:
                let origin = origins[Int(input.byte()) % origins.count]
                let seq = UInt64(input.byte() % 16)
                if seq > local[origin].seq { local[origin] = OriginHead(seq: seq, hash: []) }
                session.applied(origin: origin, through: seq, local: local)
            case 4:
                now += UInt64(input.byte()) * 1_000
                try check(session.tick(nowMillis: now), session, local)
            default:
                try check(session.rejected(resend: input.byte() & 1 == 0, reason: "fuzz", local: local, nowMillis: now), session, local)
            }
            // The adapter pumps after every event: at most a few batches each time.
            for _ in 0..<4 {
                guard let next = session.nextBatch() else { break }
                try check([next], session, local)
            }
        }
        return refusal.map { .refused($0) } ?? .accepted
    }

    /// A decoded message encodes to bytes that decode to it again.
    static func roundTrip(_ message: SyncMessage) throws(FuzzViolation) {
        for compressing in [false, true] {
            let again: SyncMessage
            do { again = try SyncMessage.decode(message.encode(compressing: compressing)) } catch {
                throw FuzzViolation("\(message) re-encoded (compressing: \(compressing)) does not decode: \(error)")
            }
            try fuzzRequire(again == message, "\(message) came back as \(again)")
        }
    }

    static func check(_ actions: [SyncSession.Action], _ session: SyncSession, _ local: VersionVector) throws(FuzzViolation) {
        for action in actions {
            if case .sendOps(let origin, let from, let count) = action {
                try fuzzRequire(from >= 1 && count >= 1, "asked for \(count) ops from \(from)")
                try fuzzRequire(from + UInt64(count) - 1 <= local[origin].seq, "asked for ops \(from)+\(count) of an origin held to \(local[origin].seq)")
                // Only the fork evidence (one op) goes out for a forked origin.
                if session.forked.contains(origin) { try fuzzRequire(count == 1, "streamed \(count) ops of a forked origin") }
            }
        }
        if session.phase == .closed {
            // Whatever closed it was the last thing it said.
            try fuzzRequire(actions.last.map { action in
                switch action {
                case .close, .peerLeft: true
                default: false
                }
            } ?? true, "actions after closing: \(actions)")
        }
    }
}
