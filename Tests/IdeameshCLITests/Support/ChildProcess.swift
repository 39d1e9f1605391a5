import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started the way a shell starts one: an empty signal mask, every signal at its
/// default disposition, stdin, stdout and stderr from and to files, no other file descriptor
/// inherited, and the environment given (not the test runner's).
///
/// Not Foundation's `Process`: the test runner's threads block most signals and a child would
/// inherit that mask; and a daemon that inherited another test's pipe would keep that test
/// waiting for end of file. (Adapted from Tests/IdeameshdTests/ChildProcess.swift, with stdin and
/// the environment as parameters.)
final class ChildProcess {
    let pid: pid_t
    let executable: String
    private(set) var exit: Exit?

    struct Exit: Equatable, CustomStringConvertible {
        var status: Int32
        var signaled: Bool
        var description: String { signaled ? "killed by signal \(status)" : "exit status \(status)" }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    init(executable: String, arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String, environment: [String: String]) throws {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
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
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal: Int32 in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for entry in envp { free(entry) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw HarnessError("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    var isRunning: Bool {
        reap(blocking: false)
        return exit == nil
    }

    /// Waits (polling, without blocking the thread) up to `timeout` for the end.
    func waitForExit(timeout: Duration) async throws -> Exit? {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return exit
    }

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
        exit = status & 0x7F == 0 ? Exit(status: (status >> 8) & 0xFF, signaled: false) : Exit(status: status & 0x7F, signaled: true)
    }

    deinit { killAndReap() }
}
