import ArgumentParser
import Foundation
import JourneymanCore
import JourneymanServer
import JourneymanStore

/// `journeyman token`: credentials of applications.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke tokens. Works while a server runs on the same data directory.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Where the store is.
    struct StoreOptions: ParsableArguments {
        @Option(help: "Data directory of the server. (env: JOURNEYMAN_DATA, default: ./journeyman-data)")
        var data: String?

        @Option(
            help:
                "The servers' PostgreSQL database instead of the data directory: postgres://user:password@host:5432/database. (env: JOURNEYMAN_DATABASE_URL)"
        )
        var databaseURL: String?

        /// Runs `body` with the store open, and closes it afterwards (after a failure too): the SQLite file's log is
        /// checkpointed, a PostgreSQL pool's connections end.
        func withStore<Value: Sendable>(_ body: (any TaskStore) async throws -> Value) async throws -> Value {
            let store = try openStore()
            do {
                let value = try await body(store)
                await store.close()
                return value
            } catch {
                await store.close()
                throw error
            }
        }

        /// The one place commands open the store: PostgreSQL when a database URL is given, else the data directory's
        /// SQLite file. Commands use it through `withStore`, which closes it.
        private func openStore() throws -> any TaskStore {
            let environment = ProcessInfo.processInfo.environment
            if let url = (databaseURL ?? environment["JOURNEYMAN_DATABASE_URL"]).flatMap({ $0.isEmpty ? nil : $0 }) {
                do {
                    return try PostgresTaskStore(url: url)
                } catch {
                    throw ValidationError("--database-url: \(error)")
                }
            }
            var configuration = ServerConfiguration()
            configuration.dataDirectory = data ?? environment["JOURNEYMAN_DATA"] ?? configuration.dataDirectory
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            return try SQLiteTaskStore(path: configuration.databasePath)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token: for a new application named NAME, or added to --application.",
            discussion: "The token is printed alone on the last line of standard output, so scripts can capture it with `| tail -n 1`."
        )

        @Option(help: "Name of the new application (or of the token, with --application).")
        var name: String

        @Option(help: "Add the token to this existing application id instead of creating one.")
        var application: String?

        @Option(help: "APIs the token may call, comma-separated: imagine, describe, tasks.")
        var scopes: String = "imagine,describe,tasks"

        @Option(help: "Credits of a new application.")
        var credits: Int = 100

        @Option(help: "When the token stops working: a number of days from now (30d), hours (12h), or an ISO 8601 date-time.")
        var expires: String?

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let scopeSet = APIScope.parseList(scopes) else {
                throw ValidationError("--scopes takes a comma-separated list of imagine, describe, tasks")
            }
            guard credits >= 0 else { throw ValidationError("--credits must be 0 or more") }
            let expiresAt = try expires.map(Self.expiry)
            let created: Administration.CreatedCredential
            do {
                created = try await store.withStore { store in
                    try await Administration(store: store).createCredential(
                        name: name, applicationID: application, scopes: scopeSet, credits: credits, expiresAt: expiresAt
                    )
                }
            } catch StoreError.unknownApplication(let id) {
                throw ValidationError("there is no application \(id); `journeyman token list` shows them")
            }
            print("application: \(created.application.id) (\(created.application.name))")
            print("credential:  \(created.credential.id)")
            print("scopes:      \(created.credential.scopes.map(\.rawValue).sorted().joined(separator: ","))")
            if created.createdApplication {
                print("credits:     \(created.application.credits)")
                print("webhook secret: \(created.application.webhookSecret)")
            }
            if let expiresAt {
                print("expires:     \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: expiresAt)))")
            }
            print("The token below is shown only this once:")
            print(created.token)
        }

        /// Unix seconds of `30d`, `12h`, `45m` from now, or of an ISO 8601 date-time.
        static func expiry(_ text: String) throws -> Double {
            let units: [Character: Double] = ["d": 86400, "h": 3600, "m": 60]
            if let unit = text.last, let seconds = units[unit], let count = Double(text.dropLast()), count > 0 {
                return Date().timeIntervalSince1970 + count * seconds
            }
            if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
            throw ValidationError("--expires takes 30d, 12h, 45m or an ISO 8601 date-time such as 2027-01-31T00:00:00Z")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every credential with its application, scopes and state.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await self.store.withStore { store in
                let applications = Dictionary(uniqueKeysWithValues: try await store.applications().map { ($0.id, $0) })
                let credentials = try await store.credentials()
                if credentials.isEmpty {
                    print("no credentials yet: `journeyman token create --name NAME` makes one")
                    return
                }
                let table = TextTable(columns: [
                    ("CREDENTIAL", 38), ("APPLICATION", 38), ("NAME", 17), ("CREDITS", 9), ("SCOPES", 24), ("STATE", 0),
                ])
                print(table.header)
                let now = Date().timeIntervalSince1970
                for credential in credentials {
                    let application = applications[credential.applicationID]
                    let state = credential.revoked ? "revoked" : (credential.expiresAt.map { $0 <= now } == true ? "expired" : "active")
                    print(
                        table.row([
                            credential.id, credential.applicationID, credential.name, String(application?.credits ?? 0),
                            credential.scopes.map(\.rawValue).sorted().joined(separator: ","), state,
                        ])
                    )
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a credential by id: its token stops working at once.")

        @Argument(help: "The credential id (see `journeyman token list`).")
        var id: String

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard try await store.withStore({ try await $0.revokeCredential(id: id) }) else {
                throw ValidationError("there is no credential \(id)")
            }
            print("revoked \(id)")
        }
    }
}
