import Foundation
import GRDB
import HummingbirdTesting
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import Testing

// Stores written by release v3 (edffcb0), loaded into a fresh data directory or schema and opened with today's code:
// every answer the release gave over HTTP must come back the same. Fixtures/v3-*.sql are the stores as SQL text and
// Fixtures/v3-*-expected.json what the release answered; scripts/make-upgrade-fixture wrote both (its header says
// how). The fixtures hold no images, so nothing here needs an old task's pixels.

@Suite("Upgrade from v3", .timeLimit(.minutes(10)))
struct UpgradeTests {
    @Suite("A data directory written by v3 opens with today's SQLite store and answers as it did")
    struct SQLite {
        @Test func everyTaskAnswersItsRecordedRecordAndTheListingsAreUnchanged() async throws {
            try await UpgradeStory.everyTaskAnswersItsRecordedRecordAndTheListingsAreUnchanged(.sqlite)
        }

        @Test func theTokensOpenExactlyTheDoorsTheyDid() async throws {
            try await UpgradeStory.theTokensOpenExactlyTheDoorsTheyDid(.sqlite)
        }

        @Test func creditsLimitsRateLimitsAndTheWebhookOutboxAreWhatV3Stored() async throws {
            try await UpgradeStory.creditsLimitsRateLimitsAndTheWebhookOutboxAreWhatV3Stored(.sqlite)
        }

        @Test func theTaskLeftWaitingRunsAndSucceedsWhileTheFinishedOnesStayAsTheyWere() async throws {
            try await UpgradeStory.theTaskLeftWaitingRunsAndSucceedsWhileTheFinishedOnesStayAsTheyWere(.sqlite)
        }

        @Test func seedsAndFollowUpsOfOldTasksAnswerAsTheyDid() async throws {
            try await UpgradeStory.seedsAndFollowUpsOfOldTasksAnswerAsTheyDid(.sqlite)
        }
    }

    // Skipped, with this reason in the test report, when no PostgreSQL server is given: never passed silently.
    @Suite(
        "A PostgreSQL schema written by v3 opens with today's PostgreSQL store and answers as it did",
        .enabled(if: TestDatabase.url != nil, "JOURNEYMAN_TEST_DATABASE_URL is not set: there is no PostgreSQL server to test against")
    )
    struct PostgreSQL {
        @Test func everyTaskAnswersItsRecordedRecordAndTheListingsAreUnchanged() async throws {
            try await UpgradeStory.everyTaskAnswersItsRecordedRecordAndTheListingsAreUnchanged(.postgres)
        }

        @Test func theTokensOpenExactlyTheDoorsTheyDid() async throws {
            try await UpgradeStory.theTokensOpenExactlyTheDoorsTheyDid(.postgres)
        }

        @Test func creditsLimitsRateLimitsAndTheWebhookOutboxAreWhatV3Stored() async throws {
            try await UpgradeStory.creditsLimitsRateLimitsAndTheWebhookOutboxAreWhatV3Stored(.postgres)
        }

        @Test func theTaskLeftWaitingRunsAndSucceedsWhileTheFinishedOnesStayAsTheyWere() async throws {
            try await UpgradeStory.theTaskLeftWaitingRunsAndSucceedsWhileTheFinishedOnesStayAsTheyWere(.postgres)
        }

        @Test func seedsAndFollowUpsOfOldTasksAnswerAsTheyDid() async throws {
            try await UpgradeStory.seedsAndFollowUpsOfOldTasksAnswerAsTheyDid(.postgres)
        }
    }
}

/// What both stores are checked for; each test loads its own copy of the fixture.
enum UpgradeStory {
    static func everyTaskAnswersItsRecordedRecordAndTheListingsAreUnchanged(_ kind: FixtureStore) async throws {
        let fixture = try await UpgradeFixture.load(kind)
        // No workers: the task v3 left waiting must still be waiting when its record is compared.
        try await fixture.withAPI(workers: 0) { api in
            try await expectRecordsAsRecorded(fixture, api)
            let listing = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#)
            #expect(listing.status == .ok)
            #expect(listing.object == fixture.answer("listing"), "the default listing (newest first) differs")
            let ids = try #require(fixture.answers["batch_ids"])
            let batch = try await api.post(
                "/midjourney/tasks", #"{"action":"retrieve_batch","ids":\#(String(decoding: ids.encoded(), as: UTF8.self))}"#)
            #expect(batch.status == .ok)
            #expect(batch.object == fixture.answer("batch"), "the batch by ids differs")
        }
    }

    static func theTokensOpenExactlyTheDoorsTheyDid(_ kind: FixtureStore) async throws {
        let fixture = try await UpgradeFixture.load(kind)
        try await fixture.withAPI(workers: 0) { api in
            let retrieveGrid = #"{"action":"retrieve","id":"\#(fixture.task("grid"))"}"#

            let refused = try await api.post("/midjourney/imagine", #"{"prompt":"a kite"}"#, token: fixture.token("tasks_only"))
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "token_mismatched")
            expectSame(refused, fixture.answer("tasks_only_imagine"), "the tasks-only token on imagine")

            let allowed = try await api.post("/midjourney/tasks", retrieveGrid, token: fixture.token("tasks_only"))
            expectSame(allowed, fixture.answer("tasks_only_retrieve"), "the tasks-only token on tasks")

            let expiring = try await api.post("/midjourney/tasks", retrieveGrid, token: fixture.token("expiring"))
            expectSame(expiring, fixture.answer("expiring_retrieve"), "the token that expires in 2099")

            let revoked = try await api.post("/midjourney/tasks", retrieveGrid, token: fixture.token("revoked"))
            #expect(revoked.status == .unauthorized)
            #expect(revoked.errorCode == "invalid_token")
            expectSame(revoked, fixture.answer("revoked_retrieve"), "the revoked token")
        }
    }

    static func creditsLimitsRateLimitsAndTheWebhookOutboxAreWhatV3Stored(_ kind: FixtureStore) async throws {
        let fixture = try await UpgradeFixture.load(kind)
        let server = try await fixture.server(workers: 0)
        let stored = try await StoredAccount.read(server, applicationID: fixture.applicationID, webhookTaskID: fixture.task("webhook"))
        let expected = try fixture.storedAccount()
        #expect(stored.application == expected.application)
        #expect(stored.credentials == expected.credentials)
        #expect(stored.tasksByState == expected.tasksByState)
        #expect(stored.creditsSpent == expected.creditsSpent)
        // The finished delivery v3 failed once is still pending, due in years: the new server's outbox does not try it.
        try #require(stored.deliveries.count == 1 && expected.deliveries.count == 1, "deliveries: \(stored.deliveries)")
        let (delivery, recorded) = (stored.deliveries[0], expected.deliveries[0])
        #expect(delivery.withoutBody == recorded.withoutBody)
        #expect(abs(delivery.nextAttemptAt - recorded.nextAttemptAt) < 0.001)
        // Its body is the task's finished response, as retrieve answers it.
        let body = try JSONValue.parse(Array(delivery.body.utf8))
        #expect(body.objectValue == fixture.retrieve(fixture.task("webhook"))["response"]?.objectValue)
    }

    static func theTaskLeftWaitingRunsAndSucceedsWhileTheFinishedOnesStayAsTheyWere(_ kind: FixtureStore) async throws {
        let fixture = try await UpgradeFixture.load(kind)
        let pending = fixture.task("pending")
        let before = fixture.retrieve(pending)
        #expect(before.string("state") == "pending")
        let server = try await fixture.server(workers: 2)
        try await fixture.withAPI(server) { api in
            let record = try await api.waitForRecord(pending)
            #expect(record.string("state") == "succeeded", "the waiting task: \(record["response"] ?? .null)")
            for key in ["id", "_id", "application_id", "credential_id", "trace_id", "job_id", "image_id", "type", "request", "created_at"] {
                #expect(record[key] == before[key], "the waiting task's \(key) changed when it ran")
            }
            let response = record.response()
            #expect(response.string("task_id") == pending)
            #expect(response.string("raw_image_url") == "\(TestServer.publicURL)/midjourney/images/\(pending).png")
            let image = try await api.image(try #require(response.string("raw_image_url")))
            #expect(image.status == .ok)
            #expect(try pngSize(image.bytes) == (2048, 1152))
            // Workers that ran beside the old tasks left them alone: every finished record reads as v3 answered it.
            for name in ["grid", "upscale", "describe", "failed", "webhook", "cancelled"] {
                let id = fixture.task(name)
                #expect(try await api.retrieve(id) == fixture.retrieve(id), "the \(name) task \(id) changed")
            }
        }
        // It was charged when v3 accepted it: running it now takes nothing more.
        let stored = try await StoredAccount.read(server, applicationID: fixture.applicationID, webhookTaskID: fixture.task("webhook"))
        let credits = try fixture.storedAccount().application.credits
        #expect(stored.application.credits == credits)
    }

    static func seedsAndFollowUpsOfOldTasksAnswerAsTheyDid(_ kind: FixtureStore) async throws {
        let fixture = try await UpgradeFixture.load(kind)
        let server = try await fixture.server(workers: 0)
        let grid = fixture.retrieve(fixture.task("grid"))
        try await fixture.withAPI(server) { api in
            let seeds = try #require(fixture.answers["seeds"]?.objectValue)
            for id in seeds.keys {
                let imageID = try #require(fixture.retrieve(id).string("image_id"))
                let reply = try await api.post("/midjourney/seed", #"{"image_id":"\#(imageID)"}"#)
                expectSame(reply, try #require(seeds[id]?.objectValue), "the seed of task \(id)")
            }
            let refused = try await api.post("/midjourney/imagine", #"{"action":"upscale_2x","image_id":"\#(grid.string("image_id")!)"}"#)
            expectSame(refused, fixture.answer("refused_follow_up"), "a follow-up a grid does not offer")
            let waiting = fixture.retrieve(fixture.task("pending")).string("image_id")!
            let early = try await api.post("/midjourney/imagine", #"{"action":"upscale1","image_id":"\#(waiting)"}"#)
            expectSame(early, fixture.answer("pending_follow_up"), "a follow-up of the task still waiting")

            // The old grid's stored action, state and image id are what let it be upscaled. The fixture has no images, so
            // the follow-up is only submitted, not run: its worker would find no parent pixels and fail for that alone.
            let id = try await api.submit(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#)
            let record = try await api.retrieve(id)
            #expect(record.string("state") == "pending")
            #expect(record["request"]?.objectValue?["action"]?.stringValue == "upscale1")
            #expect(record["request"]?.objectValue?["image_id"] == grid["image_id"])
        }
        // A fast follow-up costs 2 of the balance v3 left.
        let stored = try await StoredAccount.read(server, applicationID: fixture.applicationID, webhookTaskID: fixture.task("webhook"))
        let credits = try fixture.storedAccount().application.credits
        #expect(stored.application.credits == credits - 2)
    }

    /// Every recorded retrieve answer comes back equal as JSON (members in any order).
    static func expectRecordsAsRecorded(_ fixture: UpgradeFixture, _ api: APIClient) async throws {
        let recorded = try #require(fixture.answers["retrieve"]?.objectValue)
        #expect(recorded.keys.count == 7)
        for id in recorded.keys {
            let reply = try await api.post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#)
            #expect(reply.status == .ok)
            #expect(reply.object == recorded[id]?.objectValue, "task \(id) answers differently")
        }
    }

    /// `reply` has the recorded status and body. An error's `trace_id` names the request that got it, so it is new on
    /// every request and left out; a task record's `trace_id` is the task's and is compared.
    static func expectSame(_ reply: Reply, _ recorded: JSONObject, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let status = recorded["status"]?.doubleValue.map { Int($0) }
        #expect(reply.status.code == status, "\(what): status", sourceLocation: sourceLocation)
        var body = reply.object
        var expected = recorded["body"]?.objectValue ?? JSONObject()
        if reply.status.code >= 400 {
            body["trace_id"] = nil
            expected["trace_id"] = nil
        }
        #expect(body == expected, "\(what): body", sourceLocation: sourceLocation)
    }
}

/// Where a fixture is loaded.
enum FixtureStore: String, Sendable {
    case sqlite, postgres
}

/// One fresh copy of a release's store, and what that release answered.
struct UpgradeFixture: Sendable {
    /// The fixture's public URL (image links in records depend on it).
    static let publicURL = "http://journeyman.test"

    let kind: FixtureStore
    let expected: JSONObject
    /// The data directory: the SQLite database, or only the logs beside a PostgreSQL schema.
    let dataDirectory: String
    /// The schema's URL (PostgreSQL), else nil.
    let databaseURL: String?

    /// Loads `Fixtures/<release>-<kind>.sql` into a new data directory (SQLite) or a new schema (PostgreSQL).
    static func load(_ kind: FixtureStore, release: String = "v3") async throws -> UpgradeFixture {
        let fixtures = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        let dump = try String(contentsOf: fixtures.appendingPathComponent("\(release)-\(kind.rawValue).sql"), encoding: .utf8)
        let expectedJSON = try Data(contentsOf: fixtures.appendingPathComponent("\(release)-\(kind.rawValue)-expected.json"))
        let expected = try #require(try JSONValue.parse(expectedJSON).objectValue)
        #expect(expected["public_url"]?.stringValue == publicURL && publicURL == TestServer.publicURL)
        try UpgradeFixture(kind: kind, expected: expected, dataDirectory: "", databaseURL: nil).requireComplete()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-upgrade-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        switch kind {
        case .sqlite:
            // The dump has its own BEGIN/COMMIT; journal mode and the rest are the store's to set when it opens.
            let queue = try DatabaseQueue(path: URL(fileURLWithPath: directory).appendingPathComponent("journeyman.sqlite").path)
            try await queue.writeWithoutTransaction { db in try db.execute(sql: dump) }
            try queue.close()
            return UpgradeFixture(kind: kind, expected: expected, dataDirectory: directory, databaseURL: nil)
        case .postgres:
            let base = try #require(TestDatabase.url)
            let schema = TestDatabase.schemaName(directory)
            let file = URL(fileURLWithPath: directory).appendingPathComponent("fixture.sql")
            try dump.replacingOccurrences(of: "__SCHEMA__", with: schema).write(to: file, atomically: true, encoding: .utf8)
            let path = file.path
            try await blocking { try runPSQL(base, file: path) }
            return UpgradeFixture(
                kind: kind, expected: expected, dataDirectory: directory, databaseURL: try TestDatabase.schemaURL(directory))
        }
    }

    /// Runs a SQL file with `psql` (from PATH), stopping at the first error.
    private static func runPSQL(_ url: String, file: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--file", file]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandLineFailure(message: "psql could not load the fixture: \(message)") }
    }

    /// Today's server on this copy, with no application of its own: the fixture's tokens are the ones to use.
    func server(workers: Int) async throws -> TestServer {
        try await TestServer.make(workers: workers, dataDirectory: dataDirectory, createsApplication: false) { configuration in
            configuration.databaseURL = databaseURL
        }
    }

    /// Runs `body` against a new server's real router and workers, as the fixture's full token.
    func withAPI(workers: Int, _ body: @Sendable (APIClient) async throws -> Void) async throws {
        try await withAPI(try await server(workers: workers), body)
    }

    /// Runs `body` against `server`'s real router and workers, as the fixture's full token.
    func withAPI(_ server: TestServer, _ body: @Sendable (APIClient) async throws -> Void) async throws {
        try await server.server.application.test(.router) { client in try await body(APIClient(client: client, token: token("full"))) }
    }

    var applicationID: String { expected["application"]?.objectValue?.string("id") ?? "" }
    var answers: JSONObject { expected["answers"]?.objectValue ?? JSONObject() }
    var stored: JSONObject { expected["stored"]?.objectValue ?? JSONObject() }

    /// A token by its role: full, tasks_only, expiring, revoked.
    func token(_ role: String) -> String { expected["tokens"]?.objectValue?.string(role) ?? "" }
    /// A task id by its role: grid, upscale, describe, failed, webhook, cancelled, pending.
    func task(_ role: String) -> String { expected["tasks"]?.objectValue?.string(role) ?? "" }
    /// The recorded answer named `name` (an object).
    func answer(_ name: String) -> JSONObject { answers[name]?.objectValue ?? JSONObject() }
    /// The recorded retrieve answer of task `id`.
    func retrieve(_ id: String) -> JSONObject { answers["retrieve"]?.objectValue?[id]?.objectValue ?? JSONObject() }

    /// Fails unless every entry the tests read is there: an empty expectation would match an empty reply.
    private func requireComplete() throws {
        try #require(!applicationID.isEmpty)
        for role in ["full", "tasks_only", "expiring", "revoked"] { try #require(!token(role).isEmpty, "no token \(role)") }
        for role in ["grid", "upscale", "describe", "failed", "webhook", "cancelled", "pending"] {
            try #require(!retrieve(task(role)).isEmpty, "no recorded record of the \(role) task")
        }
        for name in [
            "listing", "batch", "tasks_only_imagine", "tasks_only_retrieve", "expiring_retrieve", "revoked_retrieve", "seeds",
            "refused_follow_up", "pending_follow_up",
        ] {
            try #require(!answer(name).isEmpty, "no recorded answer \(name)")
        }
    }

    /// What the release's store held, as read with its own SQL client when the fixture was made, in the terms
    /// `StoredAccount` reads today's store in.
    func storedAccount() throws -> StoredAccount {
        let application = try #require(stored["applications"]?.array?.first?.objectValue)
        let credentials = try (stored["credentials"]?.array ?? []).map { value in
            let row = try #require(value.objectValue)
            return StoredAccount.CredentialState(
                id: row.string("id") ?? "", name: row.string("name") ?? "",
                scopes: (row.string("scopes") ?? "").split(separator: ",").map(String.init).sorted(),
                // 0/1 in SQLite, a boolean in PostgreSQL.
                revoked: row["revoked"]?.boolValue ?? (row["revoked"]?.doubleValue.map { $0 != 0 } ?? false),
                expiresAt: row["expires_at"]?.doubleValue, ratePerSecond: row["rate_per_second"]?.doubleValue,
                rateBurst: row.int("rate_burst")
            )
        }
        let deliveries = try (stored["deliveries"]?.array ?? []).map { value in
            let row = try #require(value.objectValue)
            return StoredAccount.DeliveryState(
                id: row.string("id") ?? "", taskID: row.string("task_id") ?? "", url: row.string("url") ?? "",
                kind: row.string("kind") ?? "", state: row.string("state") ?? "", attempts: row.int("attempts") ?? -1,
                nextAttemptAt: row["next_attempt_at"]?.doubleValue ?? 0, lastError: row.string("last_error"),
                deliveredAt: row["delivered_at"]?.doubleValue, body: ""
            )
        }
        // Tasks by state, from the records v3 answered; credits spent, from what `journeyman app show` printed.
        var tasksByState: [String: Int] = [:]
        for id in answers["retrieve"]?.objectValue?.keys ?? [] {
            tasksByState[retrieve(id).string("state") ?? "?", default: 0] += 1
        }
        let show = expected["cli"]?.objectValue?.string("app_show") ?? ""
        let spent = show.split(separator: "\n").first { $0.hasPrefix("credits:") }.flatMap { line in
            line.split(separator: "spent ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        }
        return StoredAccount(
            application: StoredAccount.ApplicationState(
                credits: application.int("credits") ?? -1, maxRunning: application.int("max_running"),
                maxPending: application.int("max_pending"),
                webhookSecret: expected["application"]?.objectValue?.string("webhook_secret") ?? ""
            ),
            credentials: credentials, deliveries: deliveries, tasksByState: tasksByState, creditsSpent: try #require(spent)
        )
    }
}

/// What an application's account holds in the store: the fields of v3's store that HTTP does not show.
struct StoredAccount: Sendable {
    struct ApplicationState: Sendable, Equatable {
        var credits: Int
        var maxRunning: Int?
        var maxPending: Int?
        var webhookSecret: String
    }

    struct CredentialState: Sendable, Equatable {
        var id: String
        var name: String
        var scopes: [String]
        var revoked: Bool
        var expiresAt: Double?
        var ratePerSecond: Double?
        var rateBurst: Int?
    }

    struct DeliveryState: Sendable, Equatable {
        var id: String
        var taskID: String
        var url: String
        var kind: String
        var state: String
        var attempts: Int
        var nextAttemptAt: Double
        var lastError: String?
        var deliveredAt: Double?
        var body: String

        /// Everything but the body and the exact next attempt (compared apart).
        var withoutBody: DeliveryState {
            var copy = self
            copy.body = ""
            copy.nextAttemptAt = 0
            return copy
        }
    }

    var application: ApplicationState
    var credentials: [CredentialState]
    var deliveries: [DeliveryState]
    var tasksByState: [String: Int]
    var creditsSpent: Int

    /// Reads the account through today's store protocol: the one place this test calls the store's API, which the
    /// storage rewrite changes. Adapt it here, keeping what it answers.
    static func read(_ server: TestServer, applicationID: String, webhookTaskID: String) async throws -> StoredAccount {
        let store = server.server.store
        let application = try #require(try await store.application(id: applicationID))
        let credentials = try await store.credentials().filter { $0.applicationID == applicationID }
        let deliveries = try await store.deliveries(taskID: webhookTaskID, limit: 100)
        let usage = try await store.usage().first { $0.applicationID == applicationID }
        return StoredAccount(
            application: ApplicationState(
                credits: application.credits, maxRunning: application.maxRunning, maxPending: application.maxPending,
                webhookSecret: application.webhookSecret
            ),
            credentials: credentials.map {
                CredentialState(
                    id: $0.id, name: $0.name, scopes: $0.scopes.map(\.rawValue).sorted(), revoked: $0.revoked, expiresAt: $0.expiresAt,
                    ratePerSecond: $0.ratePerSecond, rateBurst: $0.rateBurst
                )
            },
            deliveries: deliveries.map {
                DeliveryState(
                    id: $0.id, taskID: $0.taskID, url: $0.url, kind: $0.kind.rawValue, state: $0.state.rawValue, attempts: $0.attempts,
                    nextAttemptAt: $0.nextAttemptAt, lastError: $0.lastError, deliveredAt: $0.deliveredAt, body: $0.body ?? ""
                )
            },
            tasksByState: usage?.tasksByState ?? [:], creditsSpent: usage?.creditsSpent ?? 0
        )
    }
}

extension JSONValue {
    /// The array's elements, or nil for any other value.
    fileprivate var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
