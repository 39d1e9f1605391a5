import MeshControl
import MeshCRDT
import MeshNet
import MeshModel
import MeshStore

/// Helpers of the staff and admin methods: names of departments, resolving node ids and
/// department names, leader checks, and store work that continues on the loop.
extension ControlHandler {
    /// Department names known here: this node's, those peers gave in their handshakes since the
    /// daemon started, and (for nodes it has not linked to) those trusted peers told of in peer
    /// exchange. Loop thread.
    func departments() -> Departments { mesh.departmentNames() }

    /// A node: its department's name (any case), its full id, or a prefix of at least 4
    /// characters of one of `candidates`. Loop thread (it reads the names known here).
    func resolveNode(_ text: String, among candidates: [NodeID], what: String) throws(ControlError) -> NodeID {
        let names = departments()
        if !candidates.contains(mesh.selfID),
           names[mesh.selfID]?.caseInsensitiveCompare(text) == .orderedSame || mesh.selfID.base32 == text.lowercased() {
            throw ControlError(.invalid, "\"\(text)\" is this node (\(mesh.selfID.short)); name another department's")
        }
        return try Self.resolveNode(text, among: candidates, names: names, what: what)
    }

    /// `resolveNode` with the department names given, for work off the loop.
    static func resolveNode(_ text: String, among candidates: [NodeID], names: Departments, what: String) throws(ControlError) -> NodeID {
        let named = Set(candidates.filter { names[$0]?.caseInsensitiveCompare(text) == .orderedSame })
        if named.count == 1 { return named.first! }
        if named.count > 1 {
            let ids = named.map(\.short).sorted().joined(separator: ", ")
            throw ControlError(.invalid, "\(named.count) nodes are called \"\(text)\" (\(ids)); give the node id instead")
        }
        let prefix = text.lowercased()
        if let node = NodeID(base32: prefix) { return node }
        guard prefix.count >= 4 else {
            throw ControlError(.notFound, "no \(what) \"\(text)\" here: give a department's name, a node id or at least 4 of its first characters")
        }
        let matches = Set(candidates.filter { $0.base32.hasPrefix(prefix) })
        guard matches.count == 1 else {
            throw matches.isEmpty
                ? ControlError(.notFound, "no \(what) \"\(text)\" here")
                : ControlError(.invalid, "\"\(text)\" matches \(matches.count) nodes; give more characters")
        }
        return matches.first!
    }

    /// The origins an `origin` filter names: a department name (any case; several nodes when
    /// they share it), a node id, or a prefix of one of the origins held here.
    func resolveOrigins(_ text: String) throws(ControlError) -> Set<NodeID> {
        let named = departments().filter { $0.value.caseInsensitiveCompare(text) == .orderedSame }.map(\.key)
        if !named.isEmpty { return Set(named) }
        let candidates = mesh.localVector.origins + [mesh.selfID] + Array(departments().keys)
        return [try resolveNode(text, among: candidates, what: "department or node")]
    }

    /// Runs `body` off the loop, then `next` with its value back on the loop; an error of either
    /// is the reply.
    func read<T: Sendable, R>(
        _ reply: Replier<R>, _ body: @escaping @Sendable (IdeaStore) throws(ControlError) -> T,
        then next: @escaping (T) throws(ControlError) -> Void
    ) {
        let loop = loop
        let carried = LoopBound((reply, next), loop: loop)
        worker.read({ store -> Result<T, ControlError> in
            do throws(ControlError) { return .success(try body(store)) } catch { return .failure(error) }
        }) { result in
            loop.execute {
                let (reply, next) = carried.value()
                switch result {
                case .success(.success(let value)):
                    do throws(ControlError) { try next(value) } catch { reply(.failure(error)) }
                case .success(.failure(let error)): reply(.failure(error))
                case .failure(let error): reply(.failure(ControlError.store(error)))
                }
            }
        }
    }

    /// Runs `body` on the store's writer, alone, then answers with what it returns.
    func exclusive<T: Encodable & Sendable>(_ reply: Replier<T>, _ body: @escaping @Sendable (IdeaStore) throws(ControlError) -> T) {
        let loop = loop
        let reply = LoopBound(reply, loop: loop)
        worker.exclusive({ store -> Result<T, ControlError> in
            do throws(ControlError) { return .success(try body(store)) } catch { return .failure(error) }
        }) { result in
            let outcome: Result<T, ControlError> = switch result {
            case .success(let answer): answer
            case .failure(let error): .failure(ControlError.store(error))
            }
            loop.execute { reply.value()(outcome) }
        }
    }

    /// A store call whose errors are the store's failures (`unavailable`); a `ControlError` it
    /// throws passes through as it is.
    static func store<T>(_ body: () throws -> T) throws(ControlError) -> T {
        do { return try body() } catch let error as ControlError { throw error } catch { throw ControlError.store(error) }
    }
}
