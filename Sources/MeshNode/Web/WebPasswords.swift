import Foundation
import MeshWeb

/// `ideameshd web-password`: sets the ward passcode or a person's own password for the web
/// pages, as a bcrypt hash in the data dir's `web-passwords` (mode 0600, replaced atomically).
/// The running daemon reads the file at each sign-in, so no restart is needed.
public enum WebPasswords {
    public enum Target: Sendable, Equatable {
        case passcode
        case user(String)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Hashes `secret` and stores it for `target`; returns the file's path.
    @discardableResult
    public static func set(_ target: Target, secret: String, dataDirectory: String) throws(Failure) -> String {
        let directory = DataDirectory(path: dataDirectory)
        guard FileManager.default.fileExists(atPath: directory.identityPath) else {
            throw Failure(description: "\(dataDirectory) is not a node's data dir (no identity.key; see `ideameshd init`)")
        }
        guard secret.count >= WebCredentials.minimumLength else {
            throw Failure(description: "too short: a passcode or password has at least \(WebCredentials.minimumLength) characters")
        }
        if case .user(let user) = target, let problem = WebCredentials.validUser(user) {
            throw Failure(description: "--user \(user): \(problem)")
        }
        let path = directory.url.appendingPathComponent(WebCredentials.fileName).path
        var credentials: WebCredentials
        do { credentials = try WebCredentials.load(path: path) } catch { throw Failure(description: "\(error)") }
        let hash = WebCredentials.hash(secret)
        switch target {
        case .passcode: credentials.passcode = hash
        case .user(let user): credentials.users[user] = hash
        }
        let temporary = path + ".new-\(getpid())"
        unlink(temporary)
        do { try PrivateFile.create(temporary, mode: 0o600, contents: credentials.text) } catch {
            throw Failure(description: "\(temporary): cannot write: \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "\(path): cannot replace: \(reason)")
        }
        return path
    }
}
