import Foundation
import MeshNet
import Testing

@Suite(.serialized) struct UnixSocketTests {
    @Test func exchangeBytesAndReadPeerCredentials() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/control.sock"
        try await withLoop { loop in
            let serverSide = Locked<Connection?>(nil)
            let serverReceived = Locked<[UInt8]>([])
            _ = try await onLoop(loop) {
                try UnixListener(on: .unix(path: path), loop: loop) { connection in
                    connection.onRead = { bytes in
                        serverReceived.withLock { $0.append(contentsOf: bytes) }
                        connection.write(Array("pong".utf8))
                    }
                    serverSide.withLock { $0 = connection }
                }
            }
            #expect(FileManager.default.fileExists(atPath: path))

            let clientReceived = Locked<[UInt8]>([])
            let client = try await connect(on: loop, to: .unix(path: path), received: clientReceived).get()
            try await onLoop(loop) { client.write(Array("ping".utf8)) }
            try await eventually("pong") { clientReceived.current.count >= 4 }
            #expect(clientReceived.current == Array("pong".utf8))
            #expect(serverReceived.current == Array("ping".utf8))

            let server = try #require(serverSide.current)
            let credentials = try await onLoop(loop) { try server.peerCredentials() }
            #expect(credentials.uid == getuid())
            #expect(credentials.gid == getgid())
            #expect(credentials.pid == getpid())
        }
        // Closing the listener (here: the loop's shutdown) removes the socket file.
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func connectToMissingSocketFails() async throws {
        let directory = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withLoop { loop in
            let result = try await connect(on: loop, to: .unix(path: directory + "/absent.sock"))
            guard case .failure(let error) = result else {
                Issue.record("connect to a missing socket succeeded")
                return
            }
            #expect(error.name == "ENOENT")
            #expect(error.operation == "connect \(directory)/absent.sock")
        }
    }
}
