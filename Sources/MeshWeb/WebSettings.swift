/// How a department's daemon serves its web pages (`[web]` in the config).
public struct WebSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// A session ends after this long without a request (a shared ward PC left signed in).
    public var sessionTimeoutSeconds: Int
    /// The certificate chain and private key, PEM: pages over HTTPS. Required when `host` is not
    /// a loopback address, so that no password or session crosses the LAN in clear.
    public var tls: TLSFiles?
    /// The file of bcrypt hashes: the ward passcode and people's own passwords
    /// (`ideameshd web-password`).
    public var credentialsPath: String
    /// Sign-in failures allowed per person and per address in `signInWindowSeconds`.
    public var signInAttempts = 5
    public var signInWindowSeconds = 300

    public struct TLSFiles: Sendable, Equatable {
        public var certificate: String
        public var key: String
        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8384
    public static let defaultSessionTimeoutSeconds = 900

    public init(host: String, port: Int, sessionTimeoutSeconds: Int, tls: TLSFiles?, credentialsPath: String) {
        self.host = host
        self.port = port
        self.sessionTimeoutSeconds = sessionTimeoutSeconds
        self.tls = tls
        self.credentialsPath = credentialsPath
    }

    /// Whether `host` is a loopback address (only this machine can reach it).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The pages' address as a browser opens it.
    public var url: String {
        let shown = host == "0.0.0.0" || host == "::" ? "localhost" : host
        return "\(tls == nil ? "http" : "https")://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)/"
    }
}
