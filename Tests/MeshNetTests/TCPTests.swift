import Foundation
import MeshNet
import Testing

/// Starts a listener on the loop that echoes every byte back on the same connection.
func startEchoServer(on loop: EventLoop, at address: SocketAddress) async throws -> StreamListener {
    try await onLoop(loop) {
        try StreamListener(on: address, loop: loop) { connection in
            connection.onRead = { bytes in connection.write(bytes) }
        }
    }
}

/// Connects on the loop and waits for the outcome.
func connect(
    on loop: EventLoop, to address: SocketAddress, received: Locked<[UInt8]>? = nil,
    closed: Locked<[NetError?]>? = nil
) async throws -> Result<Connection, NetError> {
    let outcome = Locked<Result<Connection, NetError>?>(nil)
    _ = try await onLoop(loop) {
        Connection.connect(to: address, on: loop) { result in
            if case .success(let connection) = result {
                connection.onRead = { bytes in received?.withLock { $0.append(contentsOf: bytes) } }
                connection.onClose = { error in closed?.withLock { $0.append(error) } }
            }
            outcome.withLock { $0 = result }
        }
    }
    try await eventually("connect to \(address)") { outcome.current != nil }
    return outcome.current!
}

@Suite(.serialized) struct TCPTests {
    /// 5 MB in random chunk sizes to an echo server: everything comes back, in order.
    func echo(at address: SocketAddress) async throws {
        try await withLoop { loop in
            let listener = try await startEchoServer(on: loop, at: address)
            let port = try await onLoop(loop) { listener.port }
            let host: String
            if case .ip(let h, _) = address { host = h } else { host = "" }
            let server = SocketAddress.ip(host: host, port: try #require(port))

            let received = Locked<[UInt8]>([])
            let closed = Locked<[NetError?]>([])
            let connection = try await connect(on: loop, to: server, received: received, closed: closed).get()

            let payload = randomBytes(5 * 1024 * 1024, seed: 42)
            let chunks = randomChunks(payload, maxChunk: 40_000, seed: 7)
            let completions = Locked<(ok: Int, failed: Int)>((0, 0))
            try await onLoop(loop) {
                for chunk in chunks {
                    connection.write(chunk) { error in
                        completions.withLock { error == nil ? ($0.ok += 1) : ($0.failed += 1) }
                    }
                }
            }
            try await eventually("echo of \(payload.count) bytes") { received.current.count >= payload.count }
            #expect(received.current.count == payload.count)
            #expect(received.current == payload)
            try await eventually("write completions") { completions.current.ok == chunks.count }
            #expect(completions.current.failed == 0)
            #expect(try await onLoop(loop) { connection.pendingWriteBytes } == 0)

            try await onLoop(loop) { connection.close() }
            try await eventually("client close") { closed.current.count == 1 }
            #expect(closed.current.first! == nil)
        }
    }

    @Test func echoOverIPv4() async throws {
        try await echo(at: .ip(host: "127.0.0.1", port: 0))
    }

    @Test func echoOverIPv6() async throws {
        try await echo(at: .ip(host: "::1", port: 0))
    }

    /// The server pauses reading: the client's write queue grows and stalls; after resume all arrives.
    @Test func backpressure() async throws {
        try await withLoop { loop in
            let serverSide = Locked<Connection?>(nil)
            let serverReceived = Locked<[UInt8]>([])
            let listener = try await onLoop(loop) {
                try TCPListener(on: .ip(host: "127.0.0.1", port: 0), loop: loop) { connection in
                    connection.pauseReading()
                    connection.onRead = { bytes in serverReceived.withLock { $0.append(contentsOf: bytes) } }
                    serverSide.withLock { $0 = connection }
                }
            }
            let port = try #require(try await onLoop(loop) { listener.port })
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port)).get()
            try await eventually("accept") { serverSide.current != nil }
            let server = serverSide.current!
            let (serverRemote, clientRemote) = try await onLoop(loop) { (server.remoteAddress, client.remoteAddress) }
            #expect(clientRemote == .ip(host: "127.0.0.1", port: port))
            guard case .ip("127.0.0.1", let clientPort) = serverRemote else {
                Issue.record("server side remote address \(String(describing: serverRemote))")
                return
            }
            #expect(clientPort != port && clientPort > 0)

            // Far more than loopback socket buffers hold.
            let payload = randomBytes(32 * 1024 * 1024, seed: 3)
            let chunks = randomChunks(payload, maxChunk: 128 * 1024, seed: 4)
            try await onLoop(loop) { for chunk in chunks { client.write(chunk) } }

            // The queue stops draining: it holds a large part of the payload and stays put.
            try await Task.sleep(for: .milliseconds(300))
            let stalled = try await onLoop(loop) { client.pendingWriteBytes }
            #expect(stalled > 8 * 1024 * 1024)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await onLoop(loop) { client.pendingWriteBytes } == stalled)
            #expect(serverReceived.current.isEmpty)
            #expect(try await onLoop(loop) { server.isReading } == false)

            try await onLoop(loop) { server.resumeReading() }
            try await eventually("all bytes after resume") { serverReceived.current.count >= payload.count }
            #expect(serverReceived.current == payload)
            try await eventually("write queue drained") {
                try await onLoop(loop) { client.pendingWriteBytes } == 0
            }
        }
    }

    @Test func connectToClosedPortIsRefused() async throws {
        try await withLoop { loop in
            // A port that was just free: bind it, note it, close the listener.
            let port = try await onLoop(loop) { () throws -> Int in
                let listener = try TCPListener(on: .ip(host: "127.0.0.1", port: 0), loop: loop) { _ in }
                defer { listener.close() }
                return listener.port!
            }
            let result = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port))
            guard case .failure(let error) = result else {
                Issue.record("connect to a closed port succeeded")
                return
            }
            #expect(error.name == "ECONNREFUSED")
            #expect(error.operation == "connect 127.0.0.1:\(port)")
            #expect(error.description == "connect 127.0.0.1:\(port): ECONNREFUSED (connection refused)")
        }
    }

    @Test func bindToPortInUseFails() async throws {
        try await withLoop { loop in
            let first = try await onLoop(loop) {
                try TCPListener(on: .ip(host: "127.0.0.1", port: 0), loop: loop) { _ in }
            }
            let port = try #require(try await onLoop(loop) { first.port })
            let outcome = try await onLoop(loop) { () -> NetError? in
                do throws(NetError) {
                    _ = try TCPListener(on: .ip(host: "127.0.0.1", port: port), loop: loop) { _ in }
                    return nil
                } catch {
                    return error
                }
            }
            let error = try #require(outcome)
            #expect(error.name == "EADDRINUSE")
            #expect(error.description.hasPrefix("bind 127.0.0.1:\(port): EADDRINUSE ("))
        }
    }

    @Test func invalidAddressIsATypedError() async throws {
        try await withLoop { loop in
            let result = try await connect(on: loop, to: .ip(host: "not-an-ip", port: 1))
            guard case .failure(let error) = result else {
                Issue.record("connect to a bad literal succeeded")
                return
            }
            #expect(error.name == "EINVAL")
        }
    }
}

