import Foundation
import Logging
import MeshControl
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
    /// The web pages' sign-in file (`[web]`), whose own-password logins may be given roles.
    let webCredentialsPath: String?
    /// Every method, by name, as `MeshControl` declares it (filled in `init`).
    var methods = MethodTable()

    init(
        loop: EventLoop, worker: StoreWorker, mesh: Mesh, trustFile: TrustFile, adminPolicy: AdminPolicy, logger: Logger,
        webCredentialsPath: String? = nil
    ) {
        self.loop = loop
        self.webCredentialsPath = webCredentialsPath
        self.worker = worker
        self.mesh = mesh
        self.trustFile = trustFile
        self.adminPolicy = adminPolicy
        self.logger = logger
        registerStaffWrites()
        registerStaffReads()
        registerGovernance()
        registerImprovementWrites()
        registerImprovementReads()
        registerAdminMethods()
        precondition(methods.names == Set(API.all.map { $0.name }), "the method table must serve every method MeshControl declares, and no other")
    }

    func handle(line: [UInt8], user: LocalUser, _ done: @escaping Done) {
        loop.preconditionOnLoopThread()
        switch ControlRequest.parse(line) {
        case .failure(let failure): done(.failure(id: failure.id, failure.error))
        case .success(let request): handle(request, user: user, done)
        }
    }

    /// Answers a parsed request: the control socket's lines, and the web pages' calls.
    func handle(_ request: ControlRequest, user: LocalUser, _ done: @escaping Done) {
        loop.preconditionOnLoopThread()
        let logger = logger
        let reply: Reply = { outcome in
            if case .failure(let error) = outcome, let detail = error.detail {
                logger.error("control: \(request.method) failed", metadata: ["user": "\(user.name)", "reply": "\(error.message)", "error": "\(detail)"])
            }
            done(ControlReply(id: request.id, outcome: outcome))
        }
        do throws(ControlError) {
            if let route = methods[request.method] {
                if user.web != nil {
                    // Web pages: rights come from the person's role here, never the admin policy.
                    guard let least = Self.webRole(route.access, method: request.method) else {
                        throw ControlError(.forbidden, "\(request.method) is not open to the web pages; admins use `ideamesh` on the department's machine")
                    }
                    if user.web == .passcode, Self.ownPasswordOnly.contains(request.method) {
                        throw ControlError(.forbidden, "\(request.method) needs your own password: the ward passcode proves no one in particular, so it gives staff rights only (sign out and sign in with your own password)")
                    }
                    guard least > .staff else { return try route.run(request, user, reply) }
                    return checkRole(least, access: route.access, method: request.method, user: user, reply) { () throws(ControlError) in
                        try route.run(request, user, reply)
                    }
                }
                if let least = Self.departmentRole(route.access), !adminPolicy.allows(user) {
                    // Not one of the node's admins: the department's roles may still allow it.
                    return checkRole(least, access: route.access, method: request.method, user: user, reply) { () throws(ControlError) in
                        try route.run(request, user, reply)
                    }
                }
                try check(route.access, method: request.method, user: user)
                return try route.run(request, user, reply)
            }
            // Every admin.* name is the admins' own: anyone else is refused it, known or not.
            if request.method.hasPrefix("admin.") { try check(.admin, method: request.method, user: user) }
            throw ControlError(.unknownMethod, "unknown method \"\(request.method)\" (see Protocol/CONTROL.md)")
        } catch {
            reply(.failure(error))
        }
    }

    /// The least role at this department that opens a method of `access` to someone who is not
    /// one of the node's admins; nil when roles do not open it.
    static func departmentRole(_ access: ControlAccess) -> Role? {
        switch access {
        case .leader: .leader
        case .departmentAdmin: .admin
        case .anyone, .admin: nil
        }
    }

    /// The admin methods the web pages may call, for people this department made admins: the
    /// ones that only read. Changing trust, resolving forks, backups and the rest stay with the
    /// node's admins at the control socket.
    static let webAdminReads: Set<String> = [
        API.AdminStatus.name, API.AdminPeers.name, API.AdminReplication.name, API.AdminForks.name,
        API.AdminTrustList.name, API.AdminConflicts.name, API.AdminWhere.name,
    ]

    /// Methods open to anyone at the control socket that a web caller signed in with the ward
    /// passcode may not call: their rules at apply time go by the author's role (and, until a
    /// department gives roles, let everyone move a status), and a passcode proves no name.
    static let ownPasswordOnly: Set<String> = [API.IdeaSetStatus.name, API.IdeaRedact.name]

    /// The least role at this department that opens a method of `access` to a web caller; nil
    /// when the web pages may not call it at all.
    static func webRole(_ access: ControlAccess, method: String) -> Role? {
        switch access {
        case .anyone: .staff
        case .leader: .leader
        case .departmentAdmin: .admin
        case .admin: webAdminReads.contains(method) ? .admin : nil
        }
    }

    /// Runs `next` when `user`'s role at this department is at least `least`, else refuses.
    private func checkRole(
        _ least: Role, access: ControlAccess, method: String, user: LocalUser, _ reply: @escaping Reply,
        then next: @escaping () throws(ControlError) -> Void
    ) {
        let loop = loop, selfID = mesh.selfID
        let carried = LoopBound((reply, next), loop: loop)
        worker.read({ store in try store.role(of: user.name, at: selfID) }) { result in
            loop.execute {
                let (reply, next) = carried.value()
                var role = (try? result.get()) ?? nil
                // The ward passcode proves no one in particular: staff rights at most.
                if user.web == .passcode { role = role.map { min($0, .staff) } }
                do throws(ControlError) {
                    if user.web == .passcode, least > .staff {
                        throw ControlError(.forbidden, "\(method) needs your own password: sign out and sign in with it (the ward passcode gives staff rights only)")
                    }
                    guard let role, role >= least else {
                        let what = least == .admin ? "the department's admins" : "the department's leaders and admins"
                        let has = role.map { "is \(GovernanceViolation.article($0))\($0.rawValue) here" } ?? "has no role here"
                        throw ControlError(
                            .forbidden,
                            "\(method) is for \(what); user \(user.name) \(has) (`ideamesh roles` lists them; the node's admins, "
                                + "[control] admin_users and admin_groups in the daemon's config, may too)")
                    }
                    try next()
                } catch {
                    reply(.failure(error))
                }
            }
        }
    }

    /// Refuses `user` a method of `access` they may not call, before its params are looked at.
    private func check(_ access: ControlAccess, method: String, user: LocalUser) throws(ControlError) {
        switch access {
        case .anyone, .leader, .departmentAdmin:
            // Roles were checked (`checkRole`) unless the user is one of the node's admins.
            return
        case .admin:
            guard adminPolicy.allows(user) else {
                throw ControlError(.forbidden, "\(method) is for admins; user \(user.name) is not one (see [control] admin_users and admin_groups in the daemon's config)")
            }
        }
    }

    /// Staff writes of the core methods, and `ping`.
    private func registerStaffWrites() {
        methods.register(API.Ping.self) { [unowned self] _, user, reply in
            reply(.success(PingInfo(
                nodeId: mesh.selfID.base32, department: mesh.settings.department, user: user.name,
                admin: adminPolicy.allows(user), protocolVersion: 1)))
        }
        methods.register(API.IdeaSubmit.self) { [unowned self] p, user, reply in
            let content = IdeaContent(title: p.title, problem: p.problem, solution: p.solution, theme: p.theme ?? "", tags: p.tags ?? [])
            write(.ideaCreate(content), author: p.anonymous == true ? "" : user.name, reply)
        }
        methods.register(API.IdeaSupport.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.support(idea: try resolve(p.id)), author: user.name, reply)
        }
        methods.register(API.IdeaUnsupport.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.unsupport(idea: try resolve(p.id), supports: []), author: user.name, reply)
        }
        methods.register(API.IdeaComment.self) { [unowned self] p, user, reply throws(ControlError) in
            write(.commentAdd(idea: try resolve(p.id), text: p.text), author: user.name, reply)
        }
        methods.register(API.IdeaSetStatus.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let status = IdeaStatus(rawValue: p.status) else {
                throw ControlError(.invalid, "unknown status \"\(p.status)\"; one of: \(IdeaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            write(.statusSet(idea: try resolve(p.id), status: status, reason: p.reason, seen: []), author: user.name, reply)
        }
        methods.register(API.IdeaSearch.self) { [unowned self] p, _, reply in
            let limit = min(max(p.limit ?? 20, 1), 500)
            read(reply) { store throws(ControlError) in
                do {
                    return SearchResults(hits: try store.search(p.text, limit: limit).map {
                        SearchResults.Hit(
                            kind: $0.kind.rawValue, idea: $0.idea.text, comment: $0.comment?.text, title: $0.title, snippet: $0.snippet,
                            rank: $0.rank)
                    })
                } catch let error as SearchQuery.NoWords {
                    throw ControlError(.invalid, error.description)
                } catch StoreError.searchIndexBuilding {
                    // Expected while a large history comes in: no store failure to log.
                    throw ControlError(.unavailable, StoreError.searchIndexBuilding.description)
                } catch {
                    throw ControlError.store(error)
                }
            }
        }
        registerStaffEdits()
    }

    // MARK: Running work

    /// How a reply leaves the handler, whatever the method's result type (`Replier` types it).
    typealias Reply = (Result<any Encodable & Sendable, ControlError>) -> Void

    /// Writes `body` and answers with the new op's id. `notFoundHint`, when given, is added to a
    /// `not_found` refusal's message (what to do, e.g. where the ids are listed).
    func write(_ body: OpBody, author: String, notFoundHint: String? = nil, _ reply: Replier<WrittenOp>) {
        let loop = loop, departments = departments()
        let reply = LoopBound(reply, loop: loop)
        worker.write(body, author: author) { result in
            let outcome: Result<WrittenOp, ControlError> = switch result {
            case .success(let signed):
                if let op = try? signed.decode() { .success(WrittenOp(id: op.id.text, shortId: op.id.short)) } else { .failure(ControlError(.unavailable, "written, but cannot read back")) }
            case .failure(let error):
                .failure(Self.controlError(error, departments: departments).adding(notFoundHint: notFoundHint))
            }
            loop.execute { reply.value()(outcome) }
        }
    }

    /// Runs `body` off the loop and answers with what it returns.
    func read<T: Encodable & Sendable>(_ reply: Replier<T>, _ body: @escaping @Sendable (IdeaStore) throws(ControlError) -> T) {
        let loop = loop
        let reply = LoopBound(reply, loop: loop)
        worker.read({ store -> Result<T, ControlError> in
            do throws(ControlError) { return .success(try body(store)) } catch { return .failure(error) }
        }) { result in
            let outcome: Result<T, ControlError> = switch result {
            case .success(let answer): answer
            case .failure(let error): .failure(ControlError.store(error))
            }
            loop.execute { reply.value()(outcome) }
        }
    }

    /// A store's refusal of a write as the control API gives it; `departments` name the
    /// department an idea belongs to.
    static func controlError(_ error: any Error, departments: Departments = [:]) -> ControlError {
        switch error as? StoreError {
        case .othersIdea(let idea)?: othersIdea(idea, owner: departments[idea.origin] ?? "department \(idea.origin.short)")
        case .governance(let violation)?: ControlError(.notAllowed, violation.refusal)
        case .invalid(let validation)?: ControlError(.invalid, "\(validation)")
        case .notFound?, .notOwnFound?: ControlError(.notFound, "\(error)")
        case .notAllowed(let why)?, .writesPaused(let why)?: ControlError(.notAllowed, why)
        default: ControlError.store(error)
        }
    }

    /// The refusal of a change to another department's idea: whose it is, and what the caller
    /// can do instead.
    static func othersIdea(_ idea: OpID, owner: String) -> ControlError {
        ControlError(
            .notAllowed,
            "\(idea.short) is \(owner)'s idea: only \(owner) changes its \(RightsViolation.owned). You can support it, "
                + "comment on it, link it, or adopt it to run a copy of your own (`ideamesh adopt \(idea.short)`).")
    }

    /// An id of what an op made (an idea unless `what` says otherwise): `<origin base32>-<seq>`, or
    /// the short form `<origin prefix>-<seq>` as people see it, resolved among the origins this node
    /// holds. `hint` (where such ids are listed) ends the refusals.
    func resolve(_ text: String, what: String = "idea", hint: String? = nil) throws(ControlError) -> OpID {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = UInt64(parts[1]), seq >= 1 else {
            throw ControlError(.invalid, "\"\(text)\" is not \("aeiou".contains(what.prefix(1)) ? "an" : "a") \(what) id (ORIGIN-SEQ, e.g. \"25njqamcwe-12\")"
                + (hint.map { ": \($0)" } ?? ""))
        }
        let prefix = parts[0].lowercased()
        if let node = NodeID(base32: prefix) { return OpID(origin: node, seq: seq) }
        guard prefix.count >= 4 else { throw ControlError(.invalid, "\"\(text)\": the origin part needs at least 4 characters") }
        var origins = mesh.localVector.origins.filter { $0.base32.hasPrefix(prefix) }
        if origins.isEmpty && mesh.selfID.base32.hasPrefix(prefix) { origins = [mesh.selfID] }
        guard origins.count == 1 else {
            throw origins.isEmpty
                ? ControlError(.notFound, "no \(what) \(text) here (yet)" + (hint.map { ": \($0)" } ?? ""))
                : ControlError(.invalid, "\"\(prefix)\" matches \(origins.count) departments' nodes; give more characters")
        }
        return OpID(origin: origins[0], seq: seq)
    }

    func peersReport() -> PeersReport {
        let mesh = mesh.snapshot()
        let now = mesh.nowMillis
        let local = mesh.localVector
        let peers = mesh.links.map { link in
            let behind = local.origins.reduce(UInt64(0)) { sum, origin in
                sum + (local[origin].seq > link.peerVector[origin].seq ? local[origin].seq - link.peerVector[origin].seq : 0)
            }
            return PeersReport.Peer(
                nodeId: link.peer?.base32, department: link.department.isEmpty ? nil : link.department,
                address: link.remote, direction: link.isOutbound ? "out" : "in",
                state: link.isEstablished ? (link.isSyncing ? "syncing" : "hello") : "handshake",
                connectedSeconds: Int((now - link.stats.connectedMillis) / 1000),
                lastSeenMsAgo: Int(now - link.stats.lastSeenMillis),
                rttMs: link.stats.roundTripMillis.map { Int($0) },
                bytesIn: link.stats.bytesIn, bytesOut: link.stats.bytesOut,
                opsIn: link.stats.opsIn, opsOut: link.stats.opsOut,
                batchesRefused: link.stats.batchesRefused,
                opsBehind: link.isEstablished ? Int(behind) : nil,
                protocolVersion: link.negotiated.map { Int($0.protocolVersion) }, opFormat: link.negotiated.map { Int($0.opFormat) },
                messagesSkipped: link.isEstablished ? link.skippedMessages : nil)
        }
        let departments = mesh.departments
        let incompatible = mesh.incompatible.sorted { $0.key < $1.key }.map { node, record in
            PeersReport.Incompatible(
                nodeId: node.base32, department: record.department.isEmpty ? departments[node] : record.department,
                address: record.address, peerProtocols: "\(record.mismatch.theirs)", peerMaxOpFormat: Int(record.mismatch.theirs.maxOpFormat),
                protocols: "\(record.mismatch.ours)", upgrade: record.mismatch.peerTooOld ? "peer" : "this node",
                reason: "\(record.mismatch)", lastMs: Int(record.lastWallMillis), count: record.count)
        }
        let targets = mesh.targets.map { target in
            PeersReport.Address(
                address: target.address, nodeId: target.node?.base32, seed: target.isSeed, connected: target.isLinked,
                failures: target.failures, lastError: target.lastError,
                retryInMs: Int(target.notBeforeMillis > now ? target.notBeforeMillis - now : 0))
        }
        return PeersReport(peers: peers, addresses: targets, incompatible: incompatible)
    }
}
