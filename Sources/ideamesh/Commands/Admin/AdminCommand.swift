import MeshCharts
import ArgumentParser

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Inspect and manage this department's node: peers, replication, forks, trust.",
        discussion: """
            For admins only: root, the daemon's own user, and the users and groups in \
            [control] admin_users and admin_groups of the daemon's config. The daemon refuses \
            anyone else.
            """,
        subcommands: [
            AdminStatusCommand.self, AdminPeersCommand.self, AdminReplicationCommand.self, AdminWhereCommand.self,
            AdminConflictsCommand.self, AdminForksCommand.self, AdminTrustCommand.self, AdminVerifyCommand.self,
            AdminDigestCommand.self, AdminMetricsCommand.self, AdminBackupCommand.self, AdminResumeWritesCommand.self,
        ])
}
