import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started the way a shell or a service manager starts a daemon: an empty
/// signal mask, every signal at its default disposition, stdin from /dev/null, stdout and
/// stderr appended to files, and no other file descriptor inherited.
///
/// Not Foundation's `Process`: the test runner's threads (Dispatch workers) block most signals,
/// and a child spawned by `Process` inherits that mask, so SIGTERM and SIGHUP would never reach
/// the daemon. (`blockedSignals` reproduces that on purpose, for the test that checks the daemon
/// copes.) The fd hygiene matters too: a daemon that inherited another test's pipe would keep
/// that test waiting for end of file.
final class ChildProcess {
    let pid: pid_t
    let executable: String
    private(set) var exit: Exit?

    /// How a process ended.
    struct Exit: Equatable, CustomStringConvertible {
        var status: Int32
        var signaled: Bool
        var description: String { signaled ? "killed by signal \(status)" : "exit status \(status)" }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// glibc ≥ 2.34 has it, but Swift's Glibc module does not declare it.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    init(executable: String, arguments: [String], stdout: String, stderr: String, blockedSignals: [Int32] = []) throws {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard let addCloseFrom = Self.addCloseFrom else {
            throw HarnessError("posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34): cannot spawn without leaking fds")
        }
        _ = addCloseFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in blockedSignals { sigaddset(&mask, signal) }
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal: Int32 in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw HarnessError("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Reaps the child if it has ended.
    var isRunning: Bool {
        reap(blocking: false)
        return exit == nil
    }

    func send(_ signal: Int32) throws {
        guard isRunning else { throw HarnessError("\(executable) (pid \(pid)) is not running") }
        guard kill(pid, signal) == 0 else { throw HarnessError("kill(\(pid), \(signal)): \(String(cString: strerror(errno)))") }
    }

    /// Waits (polling, without blocking the thread) up to `timeout` for the end.
    func waitForExit(timeout: Duration) async throws -> Exit? {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return exit
    }

    /// SIGKILL and reap (synchronously: for teardown).
    func killAndReap() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        reap(blocking: true)
    }

    private func reap(blocking: Bool) {
        guard exit == nil else { return }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result < 0 && errno == EINTR
        guard result == pid else { return }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        exit = status & 0x7F == 0 ? Exit(status: (status >> 8) & 0xFF, signaled: false) : Exit(status: status & 0x7F, signaled: true)
    }

    deinit { killAndReap() }
}
