import Foundation
import Logging
import MeshNet

/// The control socket (Protocol/CONTROL.md): a Unix domain socket the `ideamesh` CLI talks to
/// in JSON lines. The caller's uid comes from the socket (SO_PEERCRED), never from the request.
/// Loop thread only.
final class ControlServer {
    /// Longest request line; a longer one is answered with an error and the connection closed.
    static let maxLineBytes = 1 << 20
    /// Connections served at once.
    static let maxConnections = 64

    let access: ControlSocketAccess
    var path: String { access.path }
    private let loop: EventLoop
    private let handler: ControlHandler
    private let logger: Logger
    private var listener: StreamListener?
    private var clients: [ObjectIdentifier: ControlClient] = [:]

    init(access: ControlSocketAccess, loop: EventLoop, handler: ControlHandler, logger: Logger) {
        self.access = access
        self.loop = loop
        self.handler = handler
        self.logger = logger
    }

    /// Binds the socket. The data-dir lock guarantees no other daemon uses this path, so a file
    /// left there by a daemon that died is removed first. Who may connect is `access` (every
    /// local user, or the staff group); what each may do is decided per request from its uid.
    func start() throws(DaemonError) {
        loop.preconditionOnLoopThread()
        try access.prepareDirectory(logger: logger)
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        do throws(NetError) {
            listener = try StreamListener(
                on: .unix(path: path), loop: loop,
                onError: { [logger] error in logger.warning("control: accept failed", metadata: ["error": "\(error)"]) },
                onAccept: { [unowned self] connection in accepted(connection) })
        } catch {
            throw .network(what: "control socket \(path)", underlying: error)
        }
        try access.secureSocket()
        logger.info("control socket ready", metadata: [
            "path": "\(path)", "mode": "\(String(access.socketMode, radix: 8))", "group": "\(access.staff?.name ?? "-")",
        ])
    }

    func stop() {
        listener?.close()
        listener = nil
        for client in clients.values { client.connection.close() }
    }

    private func accepted(_ connection: Connection) {
        let credentials: PeerCredentials
        do { credentials = try connection.peerCredentials() } catch {
            logger.warning("control: cannot read the caller's credentials; closing", metadata: ["error": "\(error)"])
            connection.close()
            return
        }
        guard clients.count < Self.maxConnections else {
            logger.warning("control: too many connections; closing one", metadata: ["uid": "\(credentials.uid)"])
            connection.close()
            return
        }
        let user = LocalUser(uid: credentials.uid, gid: credentials.gid)
        let client = ControlClient(connection: connection, user: user, handler: handler, logger: logger)
        let key = ObjectIdentifier(client)
        clients[key] = client
        connection.onRead = { [weak client] bytes in client?.received(bytes) }
        connection.onClose = { [weak self] _ in self?.clients[key] = nil }
    }
}

/// One CLI connection: splits lines, answers each request in order, one at a time.
final class ControlClient {
    let connection: Connection
    let user: LocalUser
    private let handler: ControlHandler
    private let logger: Logger
    private var buffer = [UInt8]()
    private var queue: [[UInt8]] = []
    private var busy = false
    private var refused = false

    init(connection: Connection, user: LocalUser, handler: ControlHandler, logger: Logger) {
        self.connection = connection
        self.user = user
        self.handler = handler
        self.logger = logger
    }

    func received(_ bytes: [UInt8]) {
        guard !refused else { return }
        buffer += bytes
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            guard newline <= ControlServer.maxLineBytes else { return refuseLongLine() }
            let line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
                queue.append(line)
            }
        }
        // A line still without its newline may already be too long.
        if buffer.count > ControlServer.maxLineBytes { return refuseLongLine() }
        // Bound the work one client can queue: stop reading until it is answered.
        if queue.count > 64 { connection.pauseReading() }
        next()
    }

    /// Answers `too_large` after the replies already due, then closes: the stream cannot be
    /// resynchronised past a line it did not read.
    private func refuseLongLine() {
        refused = true
        buffer = []
        connection.pauseReading()
        next()
    }

    private func next() {
        guard !busy else { return }
        guard !queue.isEmpty else {
            if refused {
                let reply = ControlReply.failure(id: .null, ControlError(.tooLarge, "request line longer than \(ControlServer.maxLineBytes) bytes"))
                let connection = connection
                connection.write(reply.line()) { _ in connection.close() }
            }
            return
        }
        busy = true
        let line = queue.removeFirst()
        handler.handle(line: line, user: user) { [weak self] reply in
            guard let self else { return }
            busy = false
            connection.write(reply.line())
            if queue.count <= 16 && !refused && !connection.isReading && !connection.isClosing { connection.resumeReading() }
            next()
        }
    }
}
