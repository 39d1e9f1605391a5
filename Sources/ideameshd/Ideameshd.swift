import ArgumentParser
import Foundation
import MeshNode

@main
struct Ideameshd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ideameshd",
        abstract: "The ideamesh department daemon: holds the idea store and shares it with other departments.",
        discussion: """
            Every department runs one ideameshd. It keeps the whole organisation's ideas in a local \
            SQLite store and gossips with other departments' daemons; staff and admins use the \
            `ideamesh` CLI against it.

            Start with `ideameshd init --data DIR --dept NAME`, add the other departments' node ids \
            to [trust] in DIR/ideameshd.toml, then `ideameshd run --data DIR`. Its web pages are at \
            http://127.0.0.1:8384/ once `ideameshd web-password` has set the ward passcode.
            """,
        version: "0.1.0",
        subcommands: [Init.self, Run.self, Restore.self, WebPassword.self])
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a node: a new identity, a commented config and an empty store in DIR.",
        discussion: """
            Writes DIR/identity.key (the node's Ed25519 key, mode 0600), DIR/ideameshd.toml and \
            DIR/ideamesh.sqlite. Refuses to overwrite an existing identity: a node's identity is its id \
            in the mesh, and replacing it would orphan everything it wrote.
            """)

    @Option(name: .customLong("data"), help: ArgumentHelp("The node's data directory (created if missing).", valueName: "dir"))
    var data: String

    @Option(name: .customLong("dept"), help: ArgumentHelp("The department's name, e.g. \"Renal Ward\".", valueName: "name"))
    var department: String

    @Option(help: ArgumentHelp("Copy the organisation's network key from this file.", valueName: "file"))
    var networkKey: String?

    @Flag(help: "Make a new network key: this is the organisation's first department.")
    var newNetwork = false

    func validate() throws {
        if networkKey != nil && newNetwork {
            throw ValidationError("use either --network-key FILE (join an organisation) or --new-network (start one), not both")
        }
    }

    func run() throws {
        let dir = DataDirectory(path: data)
        let source: DataDirectory.NetworkKeySource = newNetwork ? .generate : networkKey.map { .copy(from: $0) } ?? .none
        let made = try dir.initialize(department: department, networkKey: source)
        let socket = (try? NodeConfig.load(path: dir.configPath)).map { "\n  control:  \($0.controlSocket) (where `ideamesh` looks by default; [control] in the config)" } ?? ""
        print("""
            created node \(made.nodeID.short) for "\(department)" in \(dir.url.path)
              node id:  \(made.nodeID.base32)
              identity: \(dir.identityPath) (mode 0600, keep it secret)
              config:   \(dir.configPath)\(made.wroteConfig ? "" : " (kept the existing one)")
              store:    \(dir.storePath)
              network:  \(made.hasNetworkKey ? dir.networkKeyPath : "no network key yet: copy your organisation's key to \(dir.networkKeyPath) (mode 0600)")\(socket)
            """)
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place of a stopped node's store; the node then waits to hear its own history before it writes.",
        discussion: """
            FILE is a copy made by `ideamesh admin backup`. The daemon must be stopped. The backup is \
            copied and checked first (an ideamesh store of this node, readable by this version, \
            intact); a backup that fails a check changes nothing. The store in place is kept beside \
            it as DIR/ideamesh.sqlite.replaced-<time>, never deleted.

            A backup usually lacks the node's latest writes, which its peers still hold. Had it \
            written again before getting them back, its new ops would reuse their numbers with other \
            content: a fork of its own history. So a restored node refuses staff writes until a peer \
            has told it how far its own history goes and it holds that much again; it syncs as usual \
            meanwhile. Start it with `ideameshd run` as usual; `ideamesh admin status` shows the \
            pause. Only if no peer will ever hold its later ops may an admin lift it with \
            `ideamesh admin resume-writes`.
            """)

    @Option(name: .customLong("data"), help: ArgumentHelp("The node's data directory (its daemon stopped).", valueName: "dir"))
    var data: String

    @Option(name: .customLong("from"), help: ArgumentHelp("The backup to restore, from `ideamesh admin backup`.", valueName: "file"))
    var from: String

    func run() throws {
        let dir = DataDirectory(path: data)
        let restored = try StoreRestore.restore(dataDirectory: dir, from: from)
        print("""
            restored \(dir.storePath) from \(from)
              ops:      \(restored.ops), \(restored.ownOps) of them this node's own
              replaced: \(restored.replacedPath ?? "no store was in place")
            Writes are paused until a peer has told this node how far its own history goes.
            Start it with `ideameshd run --data \(data)`; `ideamesh admin status` shows when writes resume.
            """)
    }
}

struct WebPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web-password",
        abstract: "Set the ward passcode, or a person's own password, for the department's web pages.",
        discussion: """
            The secret is read from the terminal without echo, or from standard input's first line \
            (for scripts: `echo "$PASSCODE" | ideameshd web-password --data DIR --passcode`); never \
            from the command line, where other users could see it. Only its bcrypt hash is kept, in \
            DIR/web-passwords (mode 0600), on this node alone: secrets never join the mesh. The \
            running daemon reads the file at each sign-in.

            Staff sign in with their user name and the ward passcode and get staff rights. People \
            this department made leaders or admins (`ideamesh role LOGIN ROLE`) must have their own \
            password, and get their role's rights with it.
            """)

    @Option(name: .customLong("data"), help: ArgumentHelp("The node's data directory.", valueName: "dir"))
    var data: String

    @Flag(help: "Set the department's shared ward passcode.")
    var passcode = false

    @Option(help: ArgumentHelp("Set this person's own password (their login, as `ideamesh roles` lists it).", valueName: "login"))
    var user: String?

    func validate() throws {
        guard passcode != (user != nil) else { throw ValidationError("give either --passcode or --user LOGIN") }
    }

    func run() throws {
        let target: WebPasswords.Target = user.map { .user($0) } ?? .passcode
        let what = user.map { "password for \($0)" } ?? "ward passcode"
        var secret: String
        if isatty(STDIN_FILENO) == 1 {
            guard let first = getpass("New \(what): ").map({ String(cString: $0) }),
                  let second = getpass("Again: ").map({ String(cString: $0) }) else { throw ValidationError("no input") }
            guard first == second else { throw ValidationError("the two did not match; nothing was changed") }
            secret = first
        } else {
            secret = readLine(strippingNewline: true) ?? ""
        }
        let path = try WebPasswords.set(target, secret: secret, dataDirectory: data)
        secret = ""
        print("set the \(what) in \(path)")
    }
}
