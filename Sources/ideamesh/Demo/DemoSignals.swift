#if canImport(Glibc)
import MeshCharts
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the demo hears Ctrl-C (SIGINT), SIGTERM and SIGHUP: a handler that only writes the
/// signal's number to a pipe (the self-pipe trick), so that whichever thread the signal lands
/// on, the demo is never killed by its default action and can stop its daemons first. Every wait
/// of the demo is a `poll` on that pipe, so a signal ends any wait at once.
///
/// Used from the main thread (other threads may only ask `pending`); the handler touches
/// nothing but the pipe's write end.
enum DemoSignals {
    /// The signals that stop the demo.
    static let stopping: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The signal that arrived first, once one has.
    nonisolated(unsafe) private(set) static var received: Int32?
    nonisolated(unsafe) private static var readEnd: Int32 = -1
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    /// Installs the handlers (once). Also ignores SIGPIPE, so that output to a closed pipe
    /// (`ideamesh demo | head`) cannot kill the demo with its daemons still running.
    static func install() throws(DemoError) {
        guard readEnd < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw DemoError("cannot make a pipe for signals: \(String(cString: strerror(errno)))") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
        for signo in stopping {
            _ = signal(signo) { signo in
                var byte = UInt8(truncatingIfNeeded: signo)
                let saved = errno
                _ = write(DemoSignals.writeEnd, &byte, 1)
                errno = saved
            }
        }
        // A parent may have started us with them blocked (a blocked mask survives exec).
        var set = sigset_t()
        sigemptyset(&set)
        for signo in stopping { sigaddset(&set, signo) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `seconds` (nil: for ever) for a stopping signal; returns it, or nil when the
    /// time is up. Once one has arrived, returns it at once.
    static func wait(seconds: Double?) -> Int32? {
        if let received { return received }
        let deadline = seconds.map { DemoDeadline(after: $0) }
        while true {
            var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let timeout: Int32 = deadline.map { Int32(clamping: $0.remainingMilliseconds) } ?? -1
            let ready = poll(&entry, 1, timeout)
            if ready > 0 {
                var byte: UInt8 = 0
                if read(readEnd, &byte, 1) == 1 {
                    received = Int32(byte)
                    return received
                }
            } else if ready < 0 && errno != EINTR {
                // The pipe itself failed: nothing sensible left but to stop.
                received = SIGTERM
                return received
            }
            if let deadline, deadline.remainingMilliseconds <= 0 { return nil }
        }
    }

    /// Sleeps `milliseconds`, unless a stopping signal arrives (or already has): then throws.
    static func pause(milliseconds: Int) throws(DemoInterrupted) {
        if let signo = wait(seconds: Double(milliseconds) / 1000) { throw DemoInterrupted(signal: signo) }
    }

    /// Whether a stopping signal has arrived that the main thread has not taken yet (it takes it
    /// in `check`, `pause` or `wait`). Safe from any thread: it only looks at the pipe.
    static var pending: Bool {
        var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Throws if a stopping signal has arrived.
    static func check() throws(DemoInterrupted) {
        try pause(milliseconds: 0)
    }

    static func name(_ signo: Int32) -> String {
        switch signo {
        case SIGINT: "Ctrl-C"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signo)"
        }
    }
}
