/// Who may call a control method (CONTROL.md §5, §6). Leaders and admins are both the users and
/// groups of the daemon's admin policy today; the two are kept apart so that the refusal names
/// the right role, and so that roles can part later.
public enum ControlAccess: String, Sendable, CaseIterable {
    /// Any local user who can reach the socket.
    case anyone
    /// Department leaders (themes).
    case leader
    /// Admins (`admin.*`).
    case admin
}
