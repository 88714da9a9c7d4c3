import ArgumentParser
import Foundation
import JourneymanCore

/// `journeyman app`: applications, their credits, limits and usage.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "List applications with their usage, show one, and change credits and limits.",
        subcommands: [List.self, Show.self, Credits.self, Limits.self, RateLimit.self, Admin.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every application with its credits, limits and tasks by state.")

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            try await self.store.withStore { store in
                let usage = Dictionary(uniqueKeysWithValues: try await store.usage().map { ($0.applicationID, $0) })
                let applications = try await store.applications()
                if applications.isEmpty {
                    print("no applications yet: `journeyman token create --name NAME` makes one")
                    return
                }
                let table = TextTable(columns: [
                    ("APPLICATION", 38), ("NAME", 17), ("CREDITS", 9), ("SPENT", 9), ("LIMITS (run/wait)", 19), ("TASKS", 0),
                ])
                print(table.header)
                for application in applications {
                    let used = usage[application.id]
                    let tasks = (used?.tasksByState ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", ")
                    let limits = "\(application.maxRunning.map(String.init) ?? "-")/\(application.maxPending.map(String.init) ?? "-")"
                    print(
                        table.row([
                            application.id, application.name, String(application.credits), String(used?.creditsSpent ?? 0), limits,
                            tasks.isEmpty ? "none" : tasks,
                        ])
                    )
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One application, with its webhook secret and credentials.")

        @Argument(help: "The application id (see `journeyman app list`).")
        var application: String

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            try await self.store.withStore { store in
                guard let found = try await store.application(id: application) else {
                    throw ValidationError("there is no application \(application)")
                }
                let usage = try await store.usage().first { $0.applicationID == found.id }
                print("application:    \(found.id) (\(found.name))")
                print("credits:        \(found.credits) (spent \(usage?.creditsSpent ?? 0))")
                print(
                    "limits:         running \(found.maxRunning.map(String.init) ?? "server default"), waiting \(found.maxPending.map(String.init) ?? "server default")"
                )
                print("administrator:  \(found.administrator ? "yes (operates the server in the web console)" : "no")")
                print("webhook secret: \(found.webhookSecret)")
                for credential in try await store.credentials() where credential.applicationID == found.id {
                    let rate = credential.ratePerSecond.map { "\($0)/s burst \(credential.rateBurst ?? 0)" } ?? "server default"
                    print(
                        "credential:     \(credential.id) \(credential.name) [\(credential.scopes.map(\.rawValue).sorted().joined(separator: ","))] rate \(rate)\(credential.revoked ? " revoked" : "")"
                    )
                }
            }
        }
    }

    struct Credits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add credits to an application (a negative number takes some away).")

        @Argument(help: "The application id.")
        var application: String

        @Option(help: "Credits to add.")
        var add: Int

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            guard let balance = try await store.withStore({ try await $0.addCredits(applicationID: application, amount: add) }) else {
                throw ValidationError("there is no application \(application)")
            }
            print("credits: \(balance)")
        }
    }

    struct Limits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an application's own limits on running and waiting tasks (leave one out to use the server's)."
        )

        @Argument(help: "The application id.")
        var application: String

        @Option(help: "Most tasks running at once; more wait with hold: true.")
        var maxRunning: Int?

        @Option(help: "Most tasks waiting; more are refused with 429.")
        var maxPending: Int?

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            guard maxRunning.map({ $0 >= 1 }) ?? true, maxPending.map({ $0 >= 0 }) ?? true else {
                throw ValidationError("--max-running must be at least 1 and --max-pending 0 or more")
            }
            guard
                try await store.withStore({
                    try await $0.setLimits(applicationID: application, maxRunning: maxRunning, maxPending: maxPending)
                })
            else {
                throw ValidationError("there is no application \(application)")
            }
            print(
                "limits: running \(maxRunning.map(String.init) ?? "server default"), waiting \(maxPending.map(String.init) ?? "server default")"
            )
        }
    }

    struct RateLimit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rate-limit",
            abstract: "Give one credential its own rate limit (leave both out to use the server's)."
        )

        @Argument(help: "The credential id (see `journeyman token list`).")
        var credential: String

        @Option(help: "Requests a second on average.")
        var perSecond: Double?

        @Option(help: "Requests at once.")
        var burst: Int?

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            guard perSecond.map({ $0 > 0 }) ?? true, burst.map({ $0 >= 1 }) ?? true else {
                throw ValidationError("--per-second must be above 0 and --burst at least 1")
            }
            guard try await store.withStore({ try await $0.setRateLimit(credentialID: credential, perSecond: perSecond, burst: burst) })
            else {
                throw ValidationError("there is no credential \(credential)")
            }
            print("rate limit: \(perSecond.map { "\($0)/s" } ?? "server default"), burst \(burst.map(String.init) ?? "server default")")
        }
    }

    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an application as administrator: its tokens operate the server in the web console.",
            discussion: """
                An administrator's tokens see every application, token, webhook delivery and the queue at /console, and may
                create and revoke tokens there. Examples:
                  journeyman app admin 9dec7b2a-1cad-41ff-8536-d4ddaf2525d4
                  journeyman app admin 9dec7b2a-1cad-41ff-8536-d4ddaf2525d4 --off
                """
        )

        @Argument(help: "The application id (see `journeyman app list`).")
        var application: String

        @Flag(help: "Take the administrator mark away instead.")
        var off = false

        @OptionGroup var store: TokenCommand.StoreOptions

        func run() async throws {
            guard try await store.withStore({ try await $0.setAdministrator(applicationID: application, administrator: !off) }) else {
                throw ValidationError("there is no application \(application)")
            }
            print("administrator: \(off ? "no" : "yes")")
        }
    }
}
