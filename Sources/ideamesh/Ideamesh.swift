import ArgumentParser

/// The staff and admin CLI. It is only a client of the local daemon; its commands arrive with the
/// daemon's control socket (see the README's Status).
@main
struct Ideamesh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ideamesh",
        abstract: "Share improvement ideas across hospital departments.",
        discussion: """
            ideamesh talks to your department's ideameshd daemon. This build has no commands yet: \
            the daemon's control socket and the staff and admin commands come next (see README.md, \
            Status). To create a department node now: ideameshd init --data DIR --dept NAME.
            """,
        version: "0.1.0")
}
