import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started the way a shell or a service manager starts a daemon: an empty signal
/// mask, every signal at its default disposition, stdin from a file, stdout and stderr appended
/// to files, and no other file descriptor inherited. Used by `ideamesh demo`, the benchmarks and
/// the end-to-end tests to run `ideameshd` and `ideamesh`.
///
/// Not Foundation's `Process`: a child it spawns from a thread that blocks signals (Dispatch
/// workers, test runners) inherits that mask, so SIGTERM and SIGHUP would never reach it
/// (`blockedSignals` reproduces that on purpose, for a test). And a child that inherited another
/// pipe would keep its reader waiting for end of file. The child is killed when this is freed.
public final class ChildProcess {
    public let pid: pid_t
    public let executable: String
    public private(set) var exit: Exit?

    /// How a process ended.
    public struct Exit: Equatable, Sendable, CustomStringConvertible {
        public var status: Int32
        public var signaled: Bool

        public init(status: Int32, signaled: Bool) {
            self.status = status
            self.signaled = signaled
        }

        public var clean: Bool { !signaled && status == 0 }
        public var description: String { signaled ? "killed by signal \(status)" : "exit status \(status)" }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// glibc ≥ 2.34 has it, but Swift's Glibc module does not declare it. Without it, a child
    /// inherits only descriptors opened without close-on-exec.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Starts `executable`. `stderr` nil: stderr goes where stdout goes. `environment` nil: this
    /// process's. `newProcessGroup`: a terminal's Ctrl-C then reaches only the parent, which stops
    /// the child in its own time.
    public init(
        executable: String, arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String? = nil,
        environment: [String: String]? = nil, blockedSignals: [Int32] = [], newProcessGroup: Bool = false
    ) throws(SpawnError) {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }

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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for entry in envp ?? [] { free(entry) } }
        var pid = pid_t()
        let rc = envp.map { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Reaps the child if it has ended.
    public var isRunning: Bool {
        reap(blocking: false)
        return exit == nil
    }

    /// Sends `signal`; false when the child has already ended.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        guard isRunning else { return false }
        return kill(pid, signal) == 0
    }

    /// Waits (polling, without blocking the thread) up to `timeout` for the end.
    public func waitForExit(timeout: Duration) async throws -> Exit? {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return exit
    }

    /// SIGKILL and reap (synchronously: for teardown).
    public func killAndReap() {
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
