/// Types that hold key material print and reflect without it: a test failure, a log line or a
/// debugger dump must never show a network key, a chaining key or a private key.
extension SecureChannel: CustomReflectable, CustomStringConvertible {
    public var customMirror: Mirror {
        Mirror(self, children: ["role": role, "established": isEstablished, "peer": peer as Any], displayStyle: .struct)
    }

    public var description: String {
        "SecureChannel(\(role), \(isEstablished ? "established with \(peer.map { $0.short } ?? "?")" : "handshaking"))"
    }
}

extension NoiseHandshake: CustomReflectable, CustomStringConvertible {
    public var customMirror: Mirror {
        Mirror(self, children: ["role": role, "complete": isComplete], displayStyle: .struct)
    }

    public var description: String { "NoiseHandshake(\(role), \(isComplete ? "complete" : "in progress"))" }
}

extension CipherState: CustomReflectable, CustomStringConvertible {
    public var customMirror: Mirror { Mirror(self, children: ["hasKey": hasKey], displayStyle: .struct) }
    public var description: String { "CipherState(\(hasKey ? "keyed" : "empty"))" }
}
