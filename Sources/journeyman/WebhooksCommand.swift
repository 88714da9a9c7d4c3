import ArgumentParser
import Foundation
import JourneymanCore

/// `journeyman webhooks`: the outbox of webhook deliveries.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Look at webhook deliveries: their attempts, state and last error.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries, newest last: of one task, or the latest of all.")

        @Option(help: "Only the deliveries of this task.")
        var task: String?

        @Option(help: "How many at most.")
        var limit: Int = 50

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
            let deliveries = try await store.withStore { try await $0.deliveries(taskID: task, limit: limit) }
            if deliveries.isEmpty {
                print("no webhook deliveries\(task.map { " for task \($0)" } ?? "")")
                return
            }
            let formatter = ISO8601DateFormatter()
            let table = TextTable(columns: [
                ("WEBHOOK ID", 38), ("TASK", 38), ("KIND", 10), ("STATE", 11), ("ATTEMPTS", 10), ("NEXT/DONE", 22), ("LAST ERROR", 0),
            ])
            print(table.header)
            for delivery in deliveries {
                let when = formatter.string(from: Date(timeIntervalSince1970: delivery.deliveredAt ?? delivery.nextAttemptAt))
                print(
                    table.row([
                        delivery.id, delivery.taskID, delivery.kind.rawValue, delivery.state.rawValue, String(delivery.attempts), when,
                        delivery.lastError ?? "",
                    ])
                )
            }
        }
    }
}
