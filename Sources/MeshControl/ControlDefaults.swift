/// Where the daemon puts its control socket and the CLI looks for it, unless told otherwise
/// (Protocol/CONTROL.md §1): one constant, so the two cannot drift apart.
public enum ControlDefaults {
    public static let socketPath = "/run/ideamesh/control.sock"
}
