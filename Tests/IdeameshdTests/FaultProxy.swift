import Foundation
import Synchronization
import MeshLoopback
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fault-injecting TCP proxy on loopback, put between two daemons: the dialling daemon's seed
/// is the proxy's address, and the proxy forwards each connection it accepts to `target`.
///
/// Faults apply to every connection, open or new, and can change at any time:
/// - `latency`: each chunk read is forwarded this long after it arrived (both directions);
/// - `throttle(bytesPerSecond:)`: each direction of each connection forwards at most this rate;
/// - `stall(_:)`: stop forwarding one direction (nothing is read, so the sender's buffers fill);
/// - `cut()`: stall both directions, a black hole that keeps the sockets open: what was sent
///   arrives after `heal()`, as after a real partition TCP retransmits;
/// - `dropConnections()`: reset (RST) every open connection; `refuseNew`: reset new ones at once
///   (with a drop, a hard partition);
/// - `heal()`: no fault at all.
///
/// Bounded: a connection's thread holds at most `capacity` bytes per direction (it stops reading
/// while that is queued), at most `maxConnections` are open (more are reset), and the proxy stops
/// by itself after `lifetime` even if a test forgets `stop()`. One thread accepts; one thread per
/// connection polls both sockets (non-blocking), so a stalled direction never holds up the other.
final class FaultProxy: Sendable {
    enum Direction: Sendable, CustomStringConvertible {
        /// From the dialling side to the target.
        case upstream
        /// From the target back to the dialling side.
        case downstream
        var description: String { self == .upstream ? "upstream" : "downstream" }
    }

    struct Stats: Sendable, CustomStringConvertible {
        var accepted = 0
        var refused = 0
        var reset = 0
        var open = 0
        var bytesUpstream = 0
        var bytesDownstream = 0
        var description: String {
            "accepted=\(accepted) refused=\(refused) reset=\(reset) open=\(open) up=\(bytesUpstream)B down=\(bytesDownstream)B"
        }
    }

    private struct Faults: Sendable {
        var latency: Duration = .zero
        var bytesPerSecond: Int?
        var stalled: Set<Direction> = []
        var refuseNew = false
    }

    private struct State: Sendable {
        var faults = Faults()
        /// Incremented by `dropConnections()`: a connection older than the current epoch resets.
        var dropEpoch = 0
        var stopped = false
        var threads = 0
        var stats = Stats()
    }

    let port: Int
    let targetPort: Int
    let capacity: Int
    let maxConnections: Int
    private let listener: Int32
    private let state = Mutex(State())
    private let deadline: ContinuousClock.Instant
    private static let chunk = 16 * 1024

    var address: String { "127.0.0.1:\(port)" }

    /// Listens on a free loopback port and starts accepting.
    init(targetPort: Int, capacity: Int = 64 * 1024, maxConnections: Int = 32, lifetime: Duration = .seconds(600)) throws {
        self.targetPort = targetPort
        self.capacity = capacity
        self.maxConnections = maxConnections
        self.deadline = .now + lifetime
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("proxy socket: \(Self.errnoText())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0 && listen(fd, 64) == 0
            }
        }
        guard ok else {
            let text = Self.errnoText()
            close(fd)
            throw HarnessError("proxy bind/listen: \(text)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        state.withLock { $0.threads = 1 }
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fault-proxy-accept"
        thread.start()
    }

    // MARK: Controls

    var latency: Duration {
        get { state.withLock { $0.faults.latency } }
        set { state.withLock { $0.faults.latency = newValue } }
    }

    var refuseNew: Bool {
        get { state.withLock { $0.faults.refuseNew } }
        set { state.withLock { $0.faults.refuseNew = newValue } }
    }

    /// Each direction of each connection forwards at most `bytesPerSecond` (nil: no limit).
    func throttle(bytesPerSecond: Int?) { state.withLock { $0.faults.bytesPerSecond = bytesPerSecond } }

    func stall(_ direction: Direction) { state.withLock { _ = $0.faults.stalled.insert(direction) } }

    func resume(_ direction: Direction) { state.withLock { _ = $0.faults.stalled.remove(direction) } }

    /// A black hole: nothing is forwarded either way, every socket stays open.
    func cut() { state.withLock { $0.faults.stalled = [.upstream, .downstream] } }

    /// Resets every open connection (both sides see ECONNRESET).
    func dropConnections() { state.withLock { $0.dropEpoch += 1 } }

    /// Removes every fault.
    func heal() { state.withLock { $0.faults = Faults() } }

    var stats: Stats { state.withLock { $0.stats } }

    /// Stops accepting, resets every connection and waits (up to 5 s) for its threads to end.
    func stop() {
        state.withLock { $0.stopped = true }
        let until = ContinuousClock.now + .seconds(5)
        while state.withLock({ $0.threads }) > 0 && ContinuousClock.now < until { usleep(10_000) }
    }

    // MARK: Accepting

    private var shouldStop: Bool {
        state.withLock { $0.stopped } || ContinuousClock.now >= deadline
    }

    private func acceptLoop() {
        defer {
            close(listener)
            state.withLock { $0.threads -= 1 }
        }
        while !shouldStop {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = state.withLock { state -> Int? in
                if state.faults.refuseNew || state.stats.open >= maxConnections || state.stopped {
                    state.stats.refused += 1
                    return nil
                }
                state.stats.accepted += 1
                state.stats.open += 1
                state.threads += 1
                return state.dropEpoch
            }
            guard let epoch = admitted else {
                Self.reset(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client: client, epoch: epoch)
                state.withLock {
                    $0.stats.open -= 1
                    $0.threads -= 1
                }
            }
            thread.name = "fault-proxy-conn"
            thread.start()
        }
    }

    // MARK: Forwarding

    /// One direction of a connection: bytes read from `source`, queued, written to `destination`.
    private struct Pipe {
        let direction: Direction
        let source: Int32
        let destination: Int32
        var queue: [(due: ContinuousClock.Instant, bytes: [UInt8])] = []
        var queued = 0
        var offset = 0
        var endOfInput = false
        var shutDown = false
        var tokens = 0.0
        var refilled = ContinuousClock.now
    }

    private func serve(client: Int32, epoch: Int) {
        let upstream = Self.connectLoopback(port: targetPort)
        guard upstream >= 0 else {
            Self.reset(client)
            return
        }
        for fd in [client, upstream] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var pipes = [
            Pipe(direction: .upstream, source: client, destination: upstream),
            Pipe(direction: .downstream, source: upstream, destination: client),
        ]
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        func finish(reset: Bool) {
            if reset {
                Self.reset(client)
                Self.reset(upstream)
                state.withLock { $0.stats.reset += 1 }
            } else {
                close(client)
                close(upstream)
            }
        }
        while true {
            let (faults, current, stopped) = state.withLock { ($0.faults, $0.dropEpoch, $0.stopped) }
            if stopped || current != epoch || ContinuousClock.now >= deadline { return finish(reset: true) }
            let now = ContinuousClock.now
            var fds = [pollfd(fd: client, events: 0, revents: 0), pollfd(fd: upstream, events: 0, revents: 0)]
            var wait = Duration.milliseconds(100)
            for index in pipes.indices {
                let stalled = faults.stalled.contains(pipes[index].direction)
                let source = index, destination = 1 - index
                if let rate = faults.bytesPerSecond {
                    let elapsed = now - pipes[index].refilled
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    pipes[index].tokens = min(max(Double(rate) / 10, 512), pipes[index].tokens + seconds * Double(rate))
                } else {
                    pipes[index].tokens = 0
                }
                pipes[index].refilled = now
                if !stalled && !pipes[index].endOfInput && pipes[index].queued < capacity { fds[source].events |= Int16(POLLIN) }
                guard !stalled, let head = pipes[index].queue.first else { continue }
                if head.due > now {
                    wait = min(wait, head.due - now)
                } else if let rate = faults.bytesPerSecond, pipes[index].tokens < 1 {
                    wait = min(wait, .milliseconds(max(1, Int(1000 * (1 - pipes[index].tokens) / Double(rate)))))
                } else {
                    fds[destination].events |= Int16(POLLOUT)
                }
            }
            let millis = Int32(max(1, min(100, wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&fds, 2, millis)
            if ready < 0 && errno != EINTR { return finish(reset: true) }
            var progressed = false
            for index in pipes.indices {
                let source = index, destination = 1 - index
                // Read what the source sent, unless this direction is stalled or full.
                if fds[source].events & Int16(POLLIN) != 0 && fds[source].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    let room = min(Self.chunk, capacity - pipes[index].queued)
                    let count = read(pipes[index].source, &buffer, room)
                    if count > 0 {
                        pipes[index].queue.append((due: ContinuousClock.now + faults.latency, bytes: Array(buffer[0..<count])))
                        pipes[index].queued += count
                        progressed = true
                    } else if count == 0 {
                        pipes[index].endOfInput = true
                        progressed = true
                    } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                        return finish(reset: true)
                    }
                }
                // Write the head chunk once due, within the throttle's budget.
                if fds[destination].events & Int16(POLLOUT) != 0 && fds[destination].revents & Int16(POLLOUT | POLLERR | POLLHUP) != 0 {
                    let head = pipes[index].queue[0]
                    var length = head.bytes.count - pipes[index].offset
                    if faults.bytesPerSecond != nil { length = min(length, max(1, Int(pipes[index].tokens))) }
                    let written = head.bytes.withUnsafeBytes { raw in
                        send(pipes[index].destination, raw.baseAddress! + pipes[index].offset, length, Int32(MSG_NOSIGNAL))
                    }
                    if written > 0 {
                        progressed = true
                        pipes[index].offset += written
                        pipes[index].queued -= written
                        pipes[index].tokens -= Double(written)
                        state.withLock {
                            if index == 0 { $0.stats.bytesUpstream += written } else { $0.stats.bytesDownstream += written }
                        }
                        if pipes[index].offset == head.bytes.count {
                            pipes[index].queue.removeFirst()
                            pipes[index].offset = 0
                        }
                    } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                        return finish(reset: true)
                    }
                }
                // Pass an orderly end on once everything before it is through.
                if pipes[index].endOfInput && pipes[index].queue.isEmpty && !pipes[index].shutDown {
                    shutdown(pipes[index].destination, Int32(SHUT_WR))
                    pipes[index].shutDown = true
                }
            }
            if pipes.allSatisfy(\.shutDown) { return finish(reset: false) }
            // A socket that hung up while its direction is stalled keeps poll returning at once.
            if !progressed && ready > 0 { usleep(20_000) }
        }
    }

    // MARK: Sockets

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }

    /// A blocking connect to 127.0.0.1:`port`; -1 when refused.
    private static func connectLoopback(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(fd)
            return -1
        }
        return fd
    }

    /// Closes with a reset (SO_LINGER 0) rather than an orderly FIN.
    private static func reset(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
