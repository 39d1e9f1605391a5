import Foundation
import Logging
import MeshCRDT
import MeshModel
import MeshNet
import MeshStore

/// Answers control requests (Protocol/CONTROL.md). Loop thread only; store work runs on the
/// `StoreWorker`'s threads and the reply comes back to the loop.
final class ControlHandler: @unchecked Sendable {
    typealias Done = (ControlReply) -> Void

    let loop: EventLoop
    let worker: StoreWorker
    unowned let mesh: Mesh
    let logger: Logger
    /// The admin-managed part of the trust list (`admin.trust.*`).
    let trustFile: TrustFile
    /// Replaced on SIGHUP.
    var adminPolicy: AdminPolicy

    init(loop: EventLoop, worker: StoreWorker, mesh: Mesh, trustFile: TrustFile, adminPolicy: AdminPolicy, logger: Logger) {
        self.loop = loop
        self.worker = worker
        self.mesh = mesh
        self.trustFile = trustFile
        self.adminPolicy = adminPolicy
        self.logger = logger
    }

    func handle(line: [UInt8], user: LocalUser, _ done: @escaping Done) {
        let request: ControlRequest
        switch ControlRequest.parse(line) {
        case .failure(let failure):
            return done(.failure(id: failure.id, failure.error))
        case .success(let parsed):
            request = parsed
        }
        let reply: (Result<any Encodable & Sendable, ControlError>) -> Void = { done(ControlReply(id: request.id, outcome: $0)) }
        do throws(ControlError) {
            if request.method.hasPrefix("admin.") && !adminPolicy.allows(user) {
                throw ControlError(.forbidden, "\(request.method) is for admins; user \(user.name) is not one (see [control] admin_users and admin_groups in the daemon's config)")
            }
            try dispatch(request, user: user, reply)
        } catch {
            reply(.failure(error))
        }
    }

    private func dispatch(
        _ request: ControlRequest, user: LocalUser, _ reply: @escaping (Result<any Encodable & Sendable, ControlError>) -> Void
    ) throws(ControlError) {
        switch request.method {
        case "ping":
            _ = try request.decode(NoParams.self)
            reply(.success(Ping(
                node_id: mesh.selfID.base32, department: mesh.settings.department, user: user.name,
                admin: adminPolicy.allows(user), protocol_version: 1)))

        case "idea.submit":
            let p = try request.decode(SubmitParams.self)
            let content = IdeaContent(title: p.title, problem: p.problem, solution: p.solution, theme: p.theme ?? "", tags: p.tags ?? [])
            write(.ideaCreate(content), author: p.anonymous == true ? "" : user.name, reply)
        case "idea.support":
            let p = try request.decode(IdeaRef.self)
            write(.support(idea: try resolve(p.id)), author: user.name, reply)
        case "idea.unsupport":
            let p = try request.decode(IdeaRef.self)
            write(.unsupport(idea: try resolve(p.id), supports: []), author: user.name, reply)
        case "idea.comment":
            let p = try request.decode(CommentParams.self)
            write(.commentAdd(idea: try resolve(p.id), text: p.text), author: user.name, reply)
        case "idea.status":
            let p = try request.decode(StatusParams.self)
            guard let status = IdeaStatus(rawValue: p.status) else {
                throw ControlError(.invalid, "unknown status \"\(p.status)\"; one of: \(IdeaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            write(.statusSet(idea: try resolve(p.id), status: status, reason: p.reason, seen: []), author: user.name, reply)

        case "idea.search":
            let p = try request.decode(SearchParams.self)
            let limit = min(max(p.limit ?? 20, 1), 500)
            guard !p.text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ControlError(.invalid, "search text is empty") }
            read(reply) { store throws(ControlError) in
                do {
                    return SearchResult(hits: try store.search(p.text, limit: limit).map(SearchHitJSON.init))
                } catch {
                    throw ControlError(.invalid, "search \"\(p.text)\": \(error)")
                }
            }

        case "admin.status":
            _ = try request.decode(NoParams.self)
            let base = AdminStatus(
                node_id: mesh.selfID.base32, department: mesh.settings.department,
                listen: mesh.settings.listen.map { PeerAddress(host: $0.host, port: Int(mesh.listenPort)).description },
                uptime_seconds: (Clock.wallMillis() - mesh.startedMillis) / 1000,
                ops: mesh.localVector.totalOps, origins: mesh.localVector.origins.count,
                db_bytes: 0, peers_connected: mesh.links.values.filter(\.isEstablished).count)
            read(reply) { store throws(ControlError) in
                var status = base
                do { status.db_bytes = try store.databaseBytes() } catch { throw ControlError(.unavailable, "store: \(error)") }
                return status
            }
        case "admin.digest":
            _ = try request.decode(NoParams.self)
            read(reply) { store throws(ControlError) in
                do {
                    let vector = try store.versionVector()
                    return DigestJSON(
                        digest: try store.digest().description, ops: vector.totalOps,
                        heads: Dictionary(uniqueKeysWithValues: vector.origins.map { ($0.base32, vector[$0].seq) }))
                } catch { throw ControlError(.unavailable, "store: \(error)") }
            }
        case "admin.peers":
            _ = try request.decode(NoParams.self)
            reply(.success(peersReport()))

        default:
            if request.method.hasPrefix("admin.") {
                try dispatchAdmin(request, user: user, reply)
            } else {
                try dispatchStaff(request, user: user, reply)
            }
        }
    }

    static func unknownMethod(_ request: ControlRequest) -> ControlError {
        ControlError(.unknownMethod, "unknown method \"\(request.method)\" (see Protocol/CONTROL.md)")
    }

    // MARK: Running work

    typealias Reply = (Result<any Encodable & Sendable, ControlError>) -> Void

    func write(_ body: OpBody, author: String, _ reply: @escaping (Result<any Encodable & Sendable, ControlError>) -> Void) {
        let loop = loop
        let reply = UnsafeTransfer(reply)
        worker.write(body, author: author) { result in
            let outcome: Result<any Encodable & Sendable, ControlError> = switch result {
            case .success(let signed):
                if let op = try? signed.decode() { .success(Written(id: op.id.text, short_id: op.id.short)) } else { .failure(ControlError(.unavailable, "written, but cannot read back")) }
            case .failure(let error): .failure(Self.controlError(error))
            }
            loop.execute { reply.value(outcome) }
        }
    }

    func read<T: Encodable & Sendable>(
        _ reply: @escaping (Result<any Encodable & Sendable, ControlError>) -> Void,
        _ body: @escaping @Sendable (IdeaStore) throws(ControlError) -> T
    ) {
        let loop = loop
        let reply = UnsafeTransfer(reply)
        worker.read({ store -> Result<T, ControlError> in
            do throws(ControlError) { return .success(try body(store)) } catch { return .failure(error) }
        }) { result in
            let outcome: Result<any Encodable & Sendable, ControlError> = switch result {
            case .success(.success(let value)): .success(value)
            case .success(.failure(let error)): .failure(error)
            case .failure(let error): .failure(ControlError(.unavailable, "store: \(error)"))
            }
            loop.execute { reply.value(outcome) }
        }
    }

    static func controlError(_ error: any Error) -> ControlError {
        switch error as? StoreError {
        case .invalid(let validation)?: ControlError(.invalid, "\(validation)")
        case .notFound?: ControlError(.notFound, "\(error)")
        case .notAllowed(let why)?: ControlError(.notAllowed, why)
        default: ControlError(.unavailable, "store: \(error)")
        }
    }

    /// An idea id: `<origin base32>-<seq>`, or the short form `<origin prefix>-<seq>` as people see
    /// it, resolved among the origins this node holds.
    func resolve(_ text: String) throws(ControlError) -> OpID {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = UInt64(parts[1]), seq >= 1 else {
            throw ControlError(.invalid, "\"\(text)\" is not an idea id (ORIGIN-SEQ, e.g. \"k3v9x2b7qa-12\")")
        }
        let prefix = parts[0].lowercased()
        if let node = NodeID(base32: prefix) { return OpID(origin: node, seq: seq) }
        guard prefix.count >= 4 else { throw ControlError(.invalid, "\"\(text)\": the origin part needs at least 4 characters") }
        var origins = mesh.localVector.origins.filter { $0.base32.hasPrefix(prefix) }
        if origins.isEmpty && mesh.selfID.base32.hasPrefix(prefix) { origins = [mesh.selfID] }
        guard origins.count == 1 else {
            throw origins.isEmpty
                ? ControlError(.notFound, "no idea \(text) here (yet)")
                : ControlError(.invalid, "\"\(prefix)\" matches \(origins.count) departments' nodes; give more characters")
        }
        return OpID(origin: origins[0], seq: seq)
    }

    private func peersReport() -> PeersReport {
        let now = mesh.nowMillis()
        let local = mesh.localVector
        let peers = mesh.links.values.sorted { $0.id < $1.id }.map { link in
            let behind = local.origins.reduce(UInt64(0)) { sum, origin in
                sum + (local[origin].seq > link.session.peer[origin].seq ? local[origin].seq - link.session.peer[origin].seq : 0)
            }
            return PeerJSON(
                node_id: link.peer?.base32, department: link.peerDepartment.isEmpty ? nil : link.peerDepartment,
                address: link.remote, direction: link.isOutbound ? "out" : "in",
                state: link.isEstablished ? (link.session.phase == .syncing ? "syncing" : "hello") : "handshake",
                connected_seconds: (now - link.stats.connectedMillis) / 1000,
                last_seen_ms_ago: now - link.stats.lastSeenMillis,
                rtt_ms: link.stats.roundTripMillis,
                bytes_in: link.stats.bytesIn, bytes_out: link.stats.bytesOut,
                ops_in: link.stats.opsIn, ops_out: link.stats.opsOut,
                batches_refused: link.stats.batchesRefused,
                ops_behind: link.isEstablished ? behind : nil)
        }
        let connected = Set(mesh.links.values.filter(\.isEstablished).compactMap(\.peer))
        let targets = mesh.membership.targets.sorted { $0.target.description < $1.target.description }.map { target in
            TargetJSON(
                address: target.target.description, node_id: target.node?.base32, seed: target.isSeed,
                connected: target.link.map { mesh.links[$0] != nil } == true || target.node.map(connected.contains) == true,
                failures: target.failures, last_error: mesh.lastErrors[target.target],
                retry_in_ms: target.notBeforeMillis > now ? target.notBeforeMillis - now : 0)
        }
        return PeersReport(peers: peers, addresses: targets)
    }
}

/// Carries a loop-thread closure through the store's threads back to the loop, where alone it
/// is called (the loop is the only thread that touches what it captures).
struct UnsafeTransfer<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

// MARK: Parameters

private struct SubmitParams: ControlParams {
    static let keys: Set<String> = ["title", "problem", "solution", "theme", "tags", "anonymous"]
    var title: String
    var problem: String
    var solution: String
    var theme: String?
    var tags: [String]?
    var anonymous: Bool?
}

struct IdeaRef: ControlParams {
    static let keys: Set<String> = ["id"]
    var id: String
}

private struct CommentParams: ControlParams {
    static let keys: Set<String> = ["id", "text"]
    var id: String
    var text: String
}

private struct StatusParams: ControlParams {
    static let keys: Set<String> = ["id", "status", "reason"]
    var id: String
    var status: String
    var reason: String
}

private struct SearchParams: ControlParams {
    static let keys: Set<String> = ["text", "limit"]
    var text: String
    var limit: Int?
}

// MARK: Results (snake_case keys, as CONTROL.md documents them)

private struct Ping: Encodable, Sendable {
    let node_id: String, department: String, user: String, admin: Bool, protocol_version: Int
}

struct Written: Encodable, Sendable {
    let id: String, short_id: String
}

private struct SearchHitJSON: Encodable, Sendable {
    let kind: String, idea: String, comment: String?, title: String, snippet: String, rank: Double

    init(_ hit: SearchHit) {
        kind = hit.kind.rawValue
        idea = hit.idea.text
        comment = hit.comment?.text
        title = hit.title
        snippet = hit.snippet
        rank = hit.rank
    }
}

private struct SearchResult: Encodable, Sendable {
    let hits: [SearchHitJSON]
}

private struct AdminStatus: Encodable, Sendable {
    let node_id: String, department: String, listen: String?, uptime_seconds: UInt64
    let ops: UInt64, origins: Int
    var db_bytes: Int64
    let peers_connected: Int
}

private struct DigestJSON: Encodable, Sendable {
    let digest: String, ops: UInt64, heads: [String: UInt64]
}

private struct PeerJSON: Encodable, Sendable {
    let node_id: String?, department: String?, address: String, direction: String, state: String
    let connected_seconds: UInt64, last_seen_ms_ago: UInt64, rtt_ms: UInt64?
    let bytes_in: Int, bytes_out: Int, ops_in: Int, ops_out: Int, batches_refused: Int, ops_behind: UInt64?
}

private struct TargetJSON: Encodable, Sendable {
    let address: String, node_id: String?, seed: Bool, connected: Bool, failures: Int, last_error: String?, retry_in_ms: UInt64
}

private struct PeersReport: Encodable, Sendable {
    let peers: [PeerJSON]
    let addresses: [TargetJSON]
}
