/// Who may call a control method (CONTROL.md §5, §6). Leaders and admins are both the users and
/// groups of the daemon's admin policy today; the two are kept apart so that the refusal names
/// the right role, and so that roles can part later.
public enum ControlAccess: String, Sendable, CaseIterable {
    /// Any local user who can reach the socket.
    case anyone
    /// Department leaders (themes): the node's admins (the admin policy), and whoever this
    /// department made a leader or an admin (its roles).
    case leader
    /// The department's admins (roles and the status workflow): the node's admins, and whoever
    /// this department made an admin.
    case departmentAdmin
    /// Admins (`admin.*`).
    case admin
}
