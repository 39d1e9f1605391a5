import MeshControl

/// The control methods the daemon serves, by name: for each, who may call it (from its
/// `ControlMethod` declaration) and a typed handler. `ControlHandler` checks the access once,
/// decodes the params (refusing unknown keys), looks through the text staff typed for patient
/// data (`PatientDataScreen`) and hands them to the handler.
struct MethodTable {
    typealias Run = (ControlRequest, LocalUser, @escaping ControlHandler.Reply) throws(ControlError) -> Void

    struct Route {
        let access: ControlAccess
        let run: Run
    }

    private var routes: [String: Route] = [:]

    /// Serves `method` with `handler`, which answers through its `Replier` with the method's
    /// result type.
    mutating func register<M: ControlMethod>(
        _ method: M.Type, _ handler: @escaping (M.Params, LocalUser, Replier<M.Result>) throws(ControlError) -> Void
    ) {
        precondition(routes[M.name] == nil, "\(M.name) is registered twice")
        routes[M.name] = Route(access: M.access) { request, user, reply throws(ControlError) in
            let params = try request.decode(M.Params.self)
            try PatientDataScreen.check(params)
            try handler(params, user, Replier(send: reply))
        }
    }

    subscript(name: String) -> Route? { routes[name] }

    /// The names served, for tests.
    var names: Set<String> { Set(routes.keys) }
}
