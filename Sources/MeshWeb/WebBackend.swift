import MeshControl

/// Who is signed in to the web pages, as the daemon's control methods see them: their user name
/// (the login the department's roles and authorship name) and how they proved it.
public struct WebCaller: Sendable, Equatable {
    public enum Proof: String, Sendable, Codable {
        /// The department's shared passcode, on a ward PC: staff rights only, whatever the
        /// person's role, since anyone at that PC could have typed the name.
        case passcode
        /// Their own password: the rights of their role at this department.
        case password
    }

    public let user: String
    public let proof: Proof

    public init(user: String, proof: Proof) {
        self.user = user
        self.proof = proof
    }
}

/// A control method's refusal, as the web pages show it.
public struct WebCallError: Error, Sendable, Equatable {
    public let code: ControlErrorCode
    public let message: String
    /// For `patient_data`: what looked like patient data.
    public let findings: [FlaggedText]

    public init(code: ControlErrorCode, message: String, findings: [FlaggedText] = []) {
        self.code = code
        self.message = message
        self.findings = findings
    }
}

/// The one way the web pages reach the store: a control method (Protocol/CONTROL.md) called
/// in-process, on the daemon's loop and store worker, with the signed-in person as the caller.
/// The daemon checks who may call what, and every rule, exactly as for the control socket.
public protocol WebBackend: Sendable {
    func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params, as caller: WebCaller) async throws(WebCallError) -> M.Result
}

extension WebBackend {
    public func call<M: ControlMethod>(_ method: M.Type, as caller: WebCaller) async throws(WebCallError) -> M.Result where M.Params == NoParams {
        try await call(method, NoParams(), as: caller)
    }

    /// The call's result or its refusal, as a value.
    public func result<M: ControlMethod>(_ method: M.Type, _ params: M.Params, as caller: WebCaller) async -> Result<M.Result, WebCallError> {
        do { return .success(try await call(method, params, as: caller)) } catch { return .failure(error) }
    }
}
