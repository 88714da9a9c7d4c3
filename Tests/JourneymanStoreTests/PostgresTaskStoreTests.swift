import Foundation
import JourneymanCore
import Testing

@testable import JourneymanStore

/// The PostgreSQL server the tests may use: `JOURNEYMAN_TEST_DATABASE_URL` (scripts/with-postgres sets it).
enum PostgresTestDatabase {
    /// The server's URL, when there is one.
    static var url: String? {
        ProcessInfo.processInfo.environment["JOURNEYMAN_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The location of a new, empty schema of its own (created on first use), so tests run in parallel safely.
    static func freshLocation() throws -> PostgresLocation {
        guard let url else { throw PostgresTestDatabaseMissing() }
        let schema = "js_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24)
        var location = try PostgresLocation(url: url).inSchema(String(schema))
        location.maxConnections = 6
        return location
    }

    /// A store over a new, empty schema.
    static func freshStore() throws -> PostgresTaskStore {
        PostgresTaskStore(location: try freshLocation())
    }
}

/// The first `count` elements of a stream, or fewer when `seconds` pass first (so a missing event fails, not hangs).
func collect<Element: Sendable>(_ stream: AsyncStream<Element>, count: Int, seconds: Double) async -> [Element] {
    await withTaskGroup(of: [Element]?.self) { group in
        group.addTask {
            var elements: [Element] = []
            for await element in stream {
                elements.append(element)
                if elements.count == count { break }
            }
            return elements
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        // On a timeout the collector stops at its next element or at cancellation; take what it had.
        if let first { return first }
        return await group.next()?.flatMap { $0 } ?? []
    }
}

/// A PostgreSQL test ran without a server (its suite's `.enabled(if:)` should have skipped it).
struct PostgresTestDatabaseMissing: Error {}

@Suite("Database URLs", .timeLimit(.minutes(10)))
struct PostgresLocationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let location = try PostgresLocation(
            url: "postgres://jm%40ops:p%2Fss@db.internal:6543/tasks?schema=blue&max_connections=7&sslmode=require")
        #expect(location.username == "jm@ops")
        #expect(location.password == "p/ss")
        #expect(location.host == "db.internal")
        #expect(location.port == 6543)
        #expect(location.database == "tasks")
        #expect(location.schema == "blue")
        #expect(location.maxConnections == 7)
        #expect(location.sslMode == "require")
        #expect(location.channel == "journeyman_blue")
    }

    @Test func aShortURLTakesTheDefaults() throws {
        let location = try PostgresLocation(url: "postgresql://me@localhost")
        #expect(location.port == 5432)
        #expect(location.database == nil)
        #expect(location.schema == nil)
        #expect(location.sslMode == "disable")
        #expect(location.channel == "journeyman_public")
    }

    @Test func urlsThatCannotWorkAreRefusedWithAReason() {
        for bad in [
            "mysql://me@localhost/db", "postgres:///db", "postgres://me@h/db?schema=Robert';DROP", "postgres://me@h/db?sslmode=maybe",
        ] {
            #expect(throws: PostgresLocationError.self, "\(bad)") { try PostgresLocation(url: bad) }
        }
    }

    @Test func aStoreWhoseServerIsDownIsNotReachable() async throws {
        let store = try PostgresTaskStore(url: "postgres://nobody@127.0.0.1:1/none")
        #expect(await store.isReachable() == false)
    }
}

// Skipped, with this reason in the test report, when no PostgreSQL server is given: never passed silently.
@Suite(
    "The PostgreSQL store across instances",
    .serialized,
    .enabled(if: PostgresTestDatabase.url != nil, "JOURNEYMAN_TEST_DATABASE_URL is not set: there is no PostgreSQL server to test against")
)
struct PostgresTaskStoreTests {
    @Test func severalInstancesStartingAtOnceApplyEachMigrationOnce() async throws {
        let location = try PostgresTestDatabase.freshLocation()
        let stores = (0..<5).map { _ in PostgresTaskStore(location: location) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        let versions = try await stores[0].rows("SELECT version FROM journeyman_migrations ORDER BY version").map {
            try $0.decode(Int.self)
        }
        #expect(versions == PostgresMigrations.all.map(\.version))
        #expect(try await stores[4].applications().isEmpty)
    }

    @Test func changesCommittedByOneInstanceAreAnnouncedToAnotherInOrder() async throws {
        let location = try PostgresTestDatabase.freshLocation()
        let listener = PostgresTaskStore(location: location)
        let worker = PostgresTaskStore(location: location)
        let application = try await makeApplication(worker)
        var task = makeTask(application.id, createdAt: 1)
        task.callbackURL = "http://127.0.0.1:9/hook"
        let (heard, sink) = AsyncStream.makeStream(of: PostgresStoreEvent.self)
        let (listening, ready) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends (by cancellation) when the test has heard what it waits for.
                try? await listener.listen(onListening: { ready.yield() }) { event in sink.yield(event) }
            }
            var readiness = listening.makeAsyncIterator()
            _ = await readiness.next()
            try await worker.insertTask(task, limits: .none)
            _ = try await worker.claimTask(owner: "w", now: 2, leaseSeconds: 30, limits: .none)
            #expect(try await worker.updateProgress(id: task.id, owner: "w", progress: 40, now: 3, leaseSeconds: 30))
            #expect(
                try await worker.finishTask(id: task.id, owner: "w", outcome: outcome(.succeeded, finishedAt: 4))
            )
            let events = await collect(heard, count: 4, seconds: 60)
            group.cancelAll()
            #expect(
                events == [
                    .taskQueued(taskID: task.id), .progress(taskID: task.id, progress: 40), .deliveryQueued(taskID: task.id),
                    .finished(taskID: task.id),
                ]
            )
        }
    }

    @Test func theRelayTellsALocalWaiterOfProgressAndAFinishMadeElsewhere() async throws {
        let location = try PostgresTestDatabase.freshLocation()
        let here = PostgresTaskStore(location: location)
        let elsewhere = PostgresTaskStore(location: location)
        let hub = TaskEventHub()
        let workSignal = WorkSignal()
        let relay = PostgresEventRelay(
            store: here, events: hub, workSignal: workSignal, deliverySignal: WorkSignal(), logger: .init(label: "test")
        )
        let application = try await makeApplication(elsewhere)
        let task = makeTask(application.id, createdAt: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await relay.run() }
            // The relay wakes the workers once it listens (generous: a loaded CI machine connects slowly).
            await workSignal.wait(timeout: 60)
            let events = hub.subscribe(task.id)
            try await elsewhere.insertTask(task, limits: .none)
            _ = try await elsewhere.claimTask(owner: "w", now: 2, leaseSeconds: 30, limits: .none)
            #expect(try await elsewhere.updateProgress(id: task.id, owner: "w", progress: 60, now: 3, leaseSeconds: 30))
            #expect(
                try await elsewhere.finishTask(
                    id: task.id, owner: "w", outcome: outcome(.succeeded, finishedAt: 4)))
            // Nothing polls this hub: whatever arrives came through the relay.
            let heard = await collect(events, count: 2, seconds: 60)
            group.cancelAll()
            #expect(heard.first == .progress(60))
            guard case .finished(let row) = heard.last else {
                Issue.record("the finish was not relayed: \(heard)")
                return
            }
            #expect(row.state == .succeeded)
        }
    }

    @Test func imagesStoredByOneInstanceAreServedByAnother() async throws {
        let location = try PostgresTestDatabase.freshLocation()
        let writer = PostgresBlobStore(store: PostgresTaskStore(location: location))
        let reader = PostgresBlobStore(store: PostgresTaskStore(location: location))
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try await writer.put("task.png", bytes: bytes)
        #expect(try await reader.get("task.png") == bytes)
        try await writer.put("task.png", bytes: [1, 2, 3])
        #expect(try await reader.get("task.png") == [1, 2, 3], "a second put replaces the first")
        #expect(try await reader.get("missing.png") == nil)
    }
}
