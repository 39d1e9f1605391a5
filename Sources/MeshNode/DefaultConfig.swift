/// The commented config `ideameshd init` writes (every key, documented; see NodeConfig).
enum DefaultConfig {
    static func text(department: String) -> String {
        """
        # ideameshd configuration (TOML). Written by `ideameshd init`; edit freely.
        # Relative paths are relative to this file's directory. Unknown keys are errors.

        [node]
        # The department this node serves: a label shown to people. The node's id is its key
        # (identity.key), not this name. 1-80 characters.
        department = "\(department)"
        # The data dir: identity.key, ideamesh.sqlite, the lock. Default: this file's directory.
        # data_dir = "/var/lib/ideamesh"

        [network]
        # Where to accept other departments' daemons, as host:port ("[::]:7420" for IPv6).
        # Leave it out to only dial out.
        # listen = "0.0.0.0:7420"
        # The organisation's network key: 32 bytes, the same file at every department, mode 0600.
        # network_key_file = "network.key"
        # Peers to dial at start, as host:port (a name or an IP literal). Trusted peers also tell
        # each other where they listen (peer exchange), so one reachable seed is enough.
        # seeds = ["ward-b.example.org:7420"]
        # The most peer connections kept open at once (1-256). Links beyond it are not dialled;
        # a few more inbound ones are accepted so a newcomer can always reach a seed.
        # max_connections = 8
        # Link rotation, every this many seconds on average (a random time in 50-150% of it; 0-86400,
        # 0: off). A full node dials one more peer at random and, once that link is up, closes another
        # at random ("rotating links"), so a mesh split by a long network partition joins up again after
        # it heals; it also closes links beyond max_connections then. A failed dial closes nothing.
        # rotate_interval_seconds = 300

        [trust]
        # Node ids (as `ideameshd init` prints them) allowed to connect to this node, and the only
        # ones it connects to. Ops of other departments still arrive, relayed and signed by their
        # origin. `kill -HUP` the daemon to reload this list (and the admin users and groups).
        # Admins can also trust nodes at run time (`ideamesh admin trust add|remove`); those are kept
        # in the data dir's `trusted-nodes` file and merged with this list.
        # nodes = []

        [clock]
        # How far ahead of this node's clock (seconds, 1-86400) another node's op may be stamped and
        # still take effect at once. An op stamped further ahead (a department whose clock is set
        # wrong, or a stolen key) is kept and passed on, but held back until this clock catches up,
        # and `ideamesh admin status` lists it: followed at once, it would stamp every later write
        # here (and at every node that saw it) ahead too. The default, 300 (5 minutes), is Kerberos's
        # clock-skew limit, which the machines of a Windows domain already keep to.
        # max_ahead_seconds = 300

        [web]
        # The department's web pages, for staff, leaders, QI managers and admins in a browser
        # (README "Web pages"). Sign-in: `ideameshd web-password --passcode` sets the ward passcode,
        # `--user LOGIN` a leader's or admin's own password.
        # enabled = true
        # Where to serve them, as host:port. Only a loopback address (127.0.0.1, the default, or
        # ::1): this build serves plain HTTP, so for the department's LAN put a TLS-terminating proxy
        # (nginx, Caddy) in front; any other address is refused at start.
        # listen = "127.0.0.1:8384"
        # A session ends after this many seconds without a request (30-86400; a ward PC left
        # signed in). Default 900 (15 minutes).
        # session_timeout_seconds = 900

        [control]
        # The control socket the `ideamesh` CLI talks to (Protocol/CONTROL.md). Any local user
        # who can reach it is staff: writes are authored by their OS user name. The default is
        # where the CLI looks; the daemon makes the directory when it is missing.
        # socket = "/run/ideamesh/control.sock"
        # The OS group of the staff who may use the CLI. Set, the socket's directory (when the
        # daemon makes it) is mode 0750 and the socket 0660, both in this group, and the daemon
        # must run as root or as a member of it. Unset, every local user may connect (0755, 0666).
        # Read at start: restart the daemon to change it.
        # staff_group = "ideamesh-staff"
        # OS users and groups whose requests may use `ideamesh admin` commands.
        # admin_users = []
        # admin_groups = ["ideamesh-admin"]

        """
    }
}
