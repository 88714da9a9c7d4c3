import ArgumentParser
import JourneymanServer

/// The `journeyman` command: the server, its administration, and the gallery.
@main
struct Journeyman: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeyman",
        abstract: "A self-hostable Midjourney-compatible task server.",
        subcommands: [ServeCommand.self, TokenCommand.self, AppCommand.self, WebhooksCommand.self, GalleryCommand.self],
        defaultSubcommand: nil
    )
}
