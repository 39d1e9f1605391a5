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

        [network]
        # Where to accept other departments' daemons, as host:port ("[::]:7420" for IPv6).
        # Leave it out to only dial out.
        # listen = "0.0.0.0:7420"
        # The organisation's network key: 32 bytes, the same file at every department, mode 0600.
        # network_key_file = "network.key"
        # Peers to dial at start, as host:port.
        # seeds = ["ward-b.example.org:7420"]
        # The most peer connections kept open at once (1-256).
        # max_connections = 8

        [trust]
        # Node ids (as `ideameshd init` prints them) allowed to connect to this node.
        # nodes = []

        [control]
        # The control socket the `ideamesh` CLI talks to.
        # socket = "control.sock"
        # OS users and groups whose requests may use `ideamesh admin` commands.
        # admin_users = []
        # admin_groups = ["ideamesh-admin"]

        """
    }
}
