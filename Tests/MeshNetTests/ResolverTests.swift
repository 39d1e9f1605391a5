import Foundation
import MeshNet
import Testing

/// Resolves on the loop and waits for the outcome, checking the completion ran on the loop thread.
func resolve(_ host: String, port: Int, on loop: EventLoop) async throws -> Result<[SocketAddress], NetError> {
    let outcome = Locked<Result<[SocketAddress], NetError>?>(nil)
    let onLoopThread = Locked<Bool?>(nil)
    let sameTurn = try await onLoop(loop) { () -> Bool in
        Resolver.resolve(host: host, port: port, on: loop) { result in
            onLoopThread.withLock { $0 = loop.isOnLoopThread }
            outcome.withLock { $0 = result }
        }
        return outcome.current != nil
    }
    #expect(!sameTurn, "the completion must run on a later turn")
    try await eventually("resolve \(host)") { outcome.current != nil }
    #expect(onLoopThread.current == true)
    return outcome.current!
}

@Suite(.serialized) struct ResolverTests {
    @Test func ipv4LiteralResolvesToItself() async throws {
        try await withLoop { loop in
            let addresses = try await resolve("127.0.0.1", port: 7420, on: loop).get()
            #expect(addresses == [.ip(host: "127.0.0.1", port: 7420)])
        }
    }

    @Test func ipv6LiteralResolvesToItselfNormalised() async throws {
        try await withLoop { loop in
            let plain = try await resolve("::1", port: 80, on: loop).get()
            #expect(plain == [.ip(host: "::1", port: 80)])
            let spelledOut = try await resolve("0:0::0:1", port: 80, on: loop).get()
            #expect(spelledOut == [.ip(host: "::1", port: 80)])
        }
    }

    @Test func localhostIncludesTheIPv4Loopback() async throws {
        try await withLoop { loop in
            let addresses = try await resolve("localhost", port: 9, on: loop).get()
            #expect(addresses.contains(.ip(host: "127.0.0.1", port: 9)))
            #expect(Set(addresses).count == addresses.count, "duplicates in \(addresses)")
            for address in addresses {
                guard case .ip(let host, let port) = address else {
                    Issue.record("not an IP address: \(address)")
                    continue
                }
                #expect(port == 9)
                #expect(host == "127.0.0.1" || host == "::1" || host.hasPrefix("127."), "\(host)")
            }
        }
    }

    @Test func unknownHostFails() async throws {
        try await withLoop { loop in
            let result = try await resolve("no-such-host.invalid", port: 80, on: loop)
            guard case .failure(let error) = result else {
                Issue.record("no-such-host.invalid resolved: \(result)")
                return
            }
            // EAI_NONAME where a resolver answers (the .invalid TLD never exists); EAI_AGAIN offline.
            #expect(["EAI_NONAME", "EAI_NODATA", "EAI_AGAIN", "EAI_FAIL"].contains(error.name), "\(error)")
            #expect(error.operation == "resolve no-such-host.invalid")
            #expect(error.description == "resolve no-such-host.invalid: \(error.name) (\(error.message))")
            if error.name == "EAI_NONAME" {
                #expect(error.description == "resolve no-such-host.invalid: EAI_NONAME (unknown node or service)")
            }
        }
    }

    @Test func badPortOrHostIsEINVAL() async throws {
        try await withLoop { loop in
            for (host, port) in [("localhost", 70000), ("localhost", -1), ("local\0host", 80)] {
                let result = try await resolve(host, port: port, on: loop)
                guard case .failure(let error) = result else {
                    Issue.record("\(host):\(port) resolved: \(result)")
                    continue
                }
                #expect(error.name == "EINVAL")
            }
        }
    }

    /// Resolve "localhost", then connect to the echo server through the IPv4 loopback it returned.
    @Test func connectThroughAResolvedAddress() async throws {
        try await withLoop { loop in
            let listener = try await startEchoServer(on: loop, at: .ip(host: "127.0.0.1", port: 0))
            let port = try #require(try await onLoop(loop) { listener.port })
            let addresses = try await resolve("localhost", port: port, on: loop).get()
            let address = try #require(addresses.first { $0 == .ip(host: "127.0.0.1", port: port) })
            let received = Locked<[UInt8]>([])
            let connection = try await connect(on: loop, to: address, received: received).get()
            try await onLoop(loop) { connection.write(Array("hello".utf8)) }
            try await eventually("echo") { received.current.count >= 5 }
            #expect(received.current == Array("hello".utf8))
        }
    }

    /// Lookups that finish once shutdown began complete with ECANCELED during the shutdown, which finishes;
    /// nothing they hold outlives it.
    @Test func lookupsFinishingDuringShutdownAreCancelled() async throws {
        let loop = EventLoop()
        try loop.start()
        let results = Locked<[Result<[SocketAddress], NetError>]>([])
        let sentinel = Locked<WeakBox?>(nil)
        let issued = Locked(false)
        loop.execute {
            let object = Sentinel()
            sentinel.withLock { $0 = WeakBox(object) }
            for _ in 0..<16 {
                Resolver.resolve(host: "localhost", port: 80, on: loop) { result in
                    _ = object
                    results.withLock { $0.append(result) }
                }
            }
            issued.withLock { $0 = true }
            // Hold the loop thread until shutdown began (execute refuses work from then on), so every
            // lookup calls back after that.
            let deadline = ContinuousClock.now + .seconds(10)
            while loop.execute({}) && ContinuousClock.now < deadline { usleep(1000) }
        }
        try await eventually("lookups issued") { issued.current }
        loop.shutdown()
        #expect(results.current.count == 16)
        for result in results.current {
            guard case .failure(let error) = result else {
                Issue.record("resolved during shutdown: \(result)")
                continue
            }
            #expect(error.name == "ECANCELED")
            #expect(error.operation == "resolve localhost")
        }
        #expect(sentinel.current != nil)
        #expect(sentinel.current?.object == nil, "a completion outlived the shutdown")

        // The loop starts again and resolves as before.
        try loop.start()
        let again = try await resolve("localhost", port: 80, on: loop)
        loop.shutdown()
        let addresses = try again.get()
        #expect(addresses.contains(.ip(host: "127.0.0.1", port: 80)))
    }

    /// Many lookups, then an immediate shutdown: the queued ones are cancelled, the rest finish; every
    /// completion runs once and the shutdown finishes.
    @Test func shutdownWithLookupsInFlight() async throws {
        let loop = EventLoop()
        for round in 0..<3 {
            try loop.start()
            let count = 200
            let results = Locked<[Result<[SocketAddress], NetError>]>([])
            let sentinel = Locked<WeakBox?>(nil)
            loop.execute {
                let object = Sentinel()
                sentinel.withLock { $0 = WeakBox(object) }
                for _ in 0..<count {
                    Resolver.resolve(host: "localhost", port: 80, on: loop) { result in
                        _ = object
                        results.withLock { $0.append(result) }
                    }
                }
            }
            loop.shutdown()
            #expect(results.current.count == count, "round \(round)")
            for result in results.current {
                if case .failure(let error) = result { #expect(error.name == "ECANCELED", "\(error)") }
            }
            #expect(sentinel.current != nil)
            #expect(sentinel.current?.object == nil, "round \(round): a completion outlived the shutdown")
        }
    }
}

private final class Sentinel: @unchecked Sendable {}
