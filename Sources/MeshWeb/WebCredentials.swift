import Foundation
import HummingbirdBcrypt

/// The web sign-in secrets of one department, as bcrypt hashes in a private file of the data
/// dir: the ward passcode staff share on a ward PC, and the own passwords of the people who
/// have one (leaders and admins must). Kept on this node only: secrets never join the mesh.
///
///     # ideamesh web sign-in (ideameshd web-password); bcrypt hashes
///     passcode $2b$12$…
///     user alice $2b$12$…
public struct WebCredentials: Sendable, Equatable {
    public var passcode: String?
    public var users: [String: String]

    /// The file's name in the data dir.
    public static let fileName = "web-passwords"

    public init(passcode: String? = nil, users: [String: String] = [:]) {
        self.passcode = passcode
        self.users = users
    }

    public struct FileError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// Reads `path`; a missing file holds no secrets (no one can sign in yet).
    public static func load(path: String) throws(FileError) -> WebCredentials {
        guard FileManager.default.fileExists(atPath: path) else { return WebCredentials() }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw FileError(path: path, problem: "cannot read it")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(FileError) -> WebCredentials {
        var credentials = WebCredentials()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            switch (words.first, words.count) {
            case ("passcode"?, 2) where isHash(words[1]): credentials.passcode = words[1]
            case ("user"?, 3) where isHash(words[2]) && validUser(words[1]) == nil: credentials.users[words[1]] = words[2]
            default: throw FileError(path: path, problem: "line \(index + 1) is neither `passcode HASH` nor `user NAME HASH` (set them with `ideameshd web-password`)")
            }
        }
        return credentials
    }

    public var text: String {
        var lines = ["# ideamesh web sign-in (ideameshd web-password): bcrypt hashes, never the secrets"]
        if let passcode { lines.append("passcode \(passcode)") }
        for (user, hash) in users.sorted(by: { $0.key < $1.key }) { lines.append("user \(user) \(hash)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func isHash(_ text: String) -> Bool { text.hasPrefix("$2") && text.count == 60 }

    /// Why `user` cannot be a user name (the login the department's roles name); nil when it can.
    public static func validUser(_ user: String) -> String? {
        if user.isEmpty { return "Enter your user name." }
        if user.unicodeScalars.count > 64 { return "A user name has at most 64 characters." }
        if user.unicodeScalars.contains(where: { $0.value < 0x20 || $0.properties.isWhitespace }) {
            return "A user name has no spaces (it is your login, such as jsmith)."
        }
        return nil
    }

    /// Shortest passcode and password accepted.
    public static let minimumLength = 8

    public static func hash(_ secret: String) -> String { Bcrypt.hash(secret, cost: 12) }

    public static func verify(_ secret: String, hash: String) -> Bool { Bcrypt.verify(secret, hash: hash) }
}
