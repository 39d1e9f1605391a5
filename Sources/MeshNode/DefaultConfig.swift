/// The commented config `ideameshd init` writes.
enum DefaultConfig {
    static func text(department: String) -> String {
        """
        # ideameshd configuration (TOML). Written by `ideameshd init`; edit freely.
        # Paths are relative to this file's directory.

        [node]
        # The department this node serves: a label shown to people. The node's id is its key
        # (identity.key), not this name.
        department = "\(department)"

        """
    }
}
