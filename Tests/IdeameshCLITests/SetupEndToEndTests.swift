import Foundation
import Testing
import MeshLoopback

/// A department's node set up as README "Running a department's node" says, with the socket
/// where `init` and the CLI put it by default (/run/ideamesh/control.sock), in a mount namespace
/// of its own with a fresh tmpfs on /run: nothing of the machine's /run is touched, and the
/// daemon must make /run/ideamesh itself. Root, then a staff user (nobody) in and out of the
/// configured staff group, then a daemon killed and its socket left behind.
@Suite(.timeLimit(.minutes(3)))
struct SetupEndToEndTests {
    static let unshare = ["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Root, setpriv, unshare, and a private /run can be mounted.
    static let canRunSetup: Bool = {
        guard Harness.canRunAsNobody, let unshare else { return false }
        let probe = try? CLI.runSync(unshare, ["-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /run"], in: "/tmp")
        return probe?.status == 0
    }()

    @Test(.enabled(if: canRunSetup, "needs root, setpriv and unshare with a private mount namespace"))
    func theDocumentedSetupWorksForRootAndForStaff() async throws {
        let root = try Loopback.makeTempRoot("setup")
        defer { if !Loopback.keepDirectories { try? FileManager.default.removeItem(atPath: root) } }
        let port = try Loopback.freePort()
        let script = """
            set -u
            mount -t tmpfs -o mode=0755 tmpfs /run || exit 77
            IDEAMESHD='\(Loopback.ideameshd)' IDEAMESH='\(Loopback.ideamesh)' D='\(root)/dept'
            SOCK=/run/ideamesh/control.sock
            nobody() { G=$1; shift; setpriv --reuid=65534 --regid=65534 $G "$IDEAMESH" list "$@" 2>&1; echo "rc=$?"; }
            start() {
              "$IDEAMESHD" run --data "$D" 2>>'\(root)/daemon.log' & PID=$!
              for i in $(seq 1 300); do [ -S $SOCK ] && break; sleep 0.1; done
            }
            "$IDEAMESHD" init --data "$D" --dept "Renal Ward" --new-network || exit 3
            # The first "# listen" is [network]'s ([web] has one too).
            sed -i '0,/^# listen = .*/s//listen = "127.0.0.1:\(port)"/' "$D/ideameshd.toml"

            echo "== every local user"
            start
            "$IDEAMESH" list 2>&1; echo "rc=$?"
            nobody --clear-groups
            stat -c 'mode %a %G %n' /run/ideamesh $SOCK
            kill -TERM $PID; wait $PID

            echo "== staff group"
            echo 'staff_group = "staff"' >> "$D/ideameshd.toml"
            rm -rf /run/ideamesh
            start
            "$IDEAMESH" list 2>&1; echo "rc=$?"
            nobody --groups=$(getent group staff | cut -d: -f3)
            nobody --clear-groups
            stat -c 'mode %a %G %n' /run/ideamesh $SOCK

            echo "== stopped"
            kill -KILL $PID; wait $PID
            "$IDEAMESH" list 2>&1; echo "rc=$?"

            echo "== private"
            sed -i 's|^# socket = .*|socket = "control.sock"|' "$D/ideameshd.toml"
            SOCK="$D/control.sock"
            start
            nobody --groups=$(getent group staff | cut -d: -f3) --socket "$SOCK"
            kill -TERM $PID; wait $PID
            """
        let path = "\(root)/setup.sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try await CLI.runOffPool(try #require(Self.unshare), ["-m", "--propagation", "private", "sh", path], in: root)
        let log = (try? String(contentsOfFile: "\(root)/daemon.log", encoding: .utf8)) ?? ""
        let context = "\(run.stdout)\n--- stderr ---\n\(run.stderr)\n--- daemon ---\n\(log)"
        #expect(run.status == 0, "\(context)")
        #expect(run.stdout.contains("control:  /run/ideamesh/control.sock"), "init says where the socket is: \(context)")

        let sections = run.stdout.components(separatedBy: "== ")
        let open = try #require(sections.first { $0.hasPrefix("every local user") }, "\(context)")
        let staff = try #require(sections.first { $0.hasPrefix("staff group") }, "\(context)")
        let stopped = try #require(sections.first { $0.hasPrefix("stopped") }, "\(context)")

        // Without a staff group: root and any other user reach the daemon.
        #expect(open.components(separatedBy: "No ideas").count == 3 && !open.contains("rc=2"), "\(context)")
        #expect(open.contains("mode 755 root /run/ideamesh") && open.contains("mode 666 root /run/ideamesh/control.sock"), "\(context)")

        // With one: root and the group's members do; anyone else is told why, not "Is it running?".
        let runs = staff.components(separatedBy: "rc=")
        #expect(runs.count == 4, "\(context)")
        #expect(runs[0].contains("No ideas") && runs[1].hasPrefix("0") && runs[1].contains("No ideas"), "root and a member: \(context)")
        #expect(runs[2].hasPrefix("0") && runs[2].contains("permission denied (you are not in group staff"), "\(context)")
        #expect(runs[3].hasPrefix("2") && !staff.contains("Is it running?"), "\(context)")
        #expect(staff.contains("mode 750 staff /run/ideamesh") && staff.contains("mode 660 staff /run/ideamesh/control.sock"), "\(context)")

        // A daemon that died leaves its socket: the CLI says it stopped.
        #expect(stopped.contains("connection refused") && stopped.contains("rc=2") && !stopped.contains("Is it running?"), "\(context)")

        // The old trap: a socket inside the data dir (mode 0700). The daemon warns; the CLI says
        // no group would help.
        let hidden = try #require(sections.first { $0.hasPrefix("private") }, "\(context)")
        #expect(hidden.contains("permission denied (the socket or its directory lets no other user in)") && hidden.contains("rc=2"), "\(context)")
        #expect(log.contains("staff may not reach the control socket"), "\(context)")
    }
}
