import ArgumentParser
import Foundation
import JourneymanServer

/// The `journeyman` command: the server, its administration, the gallery, and the commands that call the API.
@main
struct Journeyman: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journeyman",
        abstract: "A self-hostable Midjourney-compatible task server, and a client for it and for the public service.",
        discussion: """
            Examples:
              journeyman serve --port 8080
              export JOURNEYMAN_URL=http://127.0.0.1:8080 JOURNEYMAN_TOKEN=jm_...
              journeyman imagine "a lighthouse at dusk --ar 3:2" --wait --output grid.png
              journeyman upscale <image_id> 2 --wait
            """,
        subcommands: [
            ServeCommand.self, StatusCommand.self, UpstreamsCommand.self, TokenCommand.self, AppCommand.self, WebhooksCommand.self,
            GalleryCommand.self,
        ],
        groupedSubcommands: [
            CommandGroup(
                name: "Calling the API (JOURNEYMAN_URL, JOURNEYMAN_TOKEN)",
                subcommands: [
                    ImagineCommand.self, UpscaleCommand.self, VaryCommand.self, ZoomCommand.self, PanCommand.self, RerollCommand.self,
                    EditCommand.self, VideoCommand.self, DescribeCommand.self, SeedCommand.self, ShortenCommand.self, ShowTaskCommand.self,
                    ListTasksCommand.self,
                    CancelCommand.self, WaitCommand.self,
                ]
            )
        ],
        defaultSubcommand: nil
    )

    /// Runs the command; a usage error exits 2 (ArgumentParser's default is 64), as the client commands document.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
