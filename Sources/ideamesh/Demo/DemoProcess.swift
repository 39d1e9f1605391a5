import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process of the demo, started the way a service manager starts a daemon: an empty
/// signal mask and every signal at its default action (whatever this process blocks or
/// catches), stdin from /dev/null, stdout and stderr appended to a log file, no other file
/// descriptor inherited, and a process group of its own, so a Ctrl-C in the terminal reaches
/// only the demo, which then stops its daemons in order.
///
/// Not Foundation's `Process`: a child it starts from a thread inherits that thread's signal
/// mask, and a daemon with SIGTERM blocked would never stop.
final class DemoProcess {
    let pid: pid_t
    let executable: String
    private(set) var exit: Exit?

    /// How a process ended.
    struct Exit: Equatable, CustomStringConvertible {
        var status: Int32
        var signaled: Bool
        var clean: Bool { !signaled && status == 0 }
        var description: String { signaled ? "killed by signal \(status)" : "exit status \(status)" }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// glibc ≥ 2.34 has it, but Swift's Glibc module does not declare it.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Starts `executable` with `arguments`; stdout and stderr are appended to `log`.
    init(executable: String, arguments: [String], log: String) throws(DemoError) {
        self.executable = executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let addCloseFrom = Self.addCloseFrom {
            _ = addCloseFrom(&actions, 3)
        }
        // Without closefrom (glibc < 2.34) it relies on the demo opening its descriptors close-on-exec.

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
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw DemoError("cannot start \(executable): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Whether it still runs (reaps it once it has ended).
    var isRunning: Bool {
        reap(blocking: false)
        return exit == nil
    }

    /// Sends `signal` unless it has already ended.
    func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGKILL and reap, waiting for it.
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

    /// Never leave a child behind, even on a path that forgot it.
    deinit { killAndReap() }
}
