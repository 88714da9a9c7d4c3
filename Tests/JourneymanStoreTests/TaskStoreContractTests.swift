import Foundation
import JourneymanCore
import JourneymanStore
import MidjourneyAPI
import Testing

/// A fresh SQLite store in its own temporary directory.
func makeSQLiteStore() throws -> SQLiteTaskStore {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return try SQLiteTaskStore(path: directory.appendingPathComponent("journeyman.sqlite").path)
}

func makeApplication(_ store: some TaskStore, credits: Int = 10) async throws -> Application {
    let application = Application(id: UUID().uuidString.lowercased(), name: "app", credits: credits, webhookSecret: "whsec_x", createdAt: 1)
    try await store.createApplication(application)
    return application
}

func makeTask(_ applicationID: String, createdAt: Double, cost: Int = 2, traceID: String = UUID().uuidString) -> TaskRow {
    TaskRow(
        id: UUID().uuidString.lowercased(), objectID: "668aae3f550a4144a540803b", applicationID: applicationID,
        credentialID: "c", traceID: traceID, type: .imagine, request: #"{"prompt":"x"}"#,
        imageID: String(Int64(createdAt * 1000) + 1_000_000_000_000_000_000), jobID: "j", createdAt: createdAt,
        action: "generate", seed: 7, cost: cost
    )
}

@Suite("The SQLite task store")
struct TaskStoreContractTests {
    @Test func acceptingATaskChargesItsCostAtomically() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 5)
        try await store.insertTask(makeTask(application.id, createdAt: 1), limits: .none)
        try await store.insertTask(makeTask(application.id, createdAt: 2), limits: .none)
        await #expect(throws: StoreError.insufficientCredits(balance: 1, cost: 2)) {
            try await store.insertTask(makeTask(application.id, createdAt: 3), limits: .none)
        }
        #expect(try await store.application(id: application.id)?.credits == 1)
        #expect(try await store.tasks(applicationID: application.id, offset: 0, limit: 10).count == 2)
    }

    @Test func tasksAreOnlyVisibleToTheirOwnApplication() async throws {
        let store = try makeSQLiteStore()
        let mine = try await makeApplication(store)
        let theirs = try await makeApplication(store)
        let task = makeTask(mine.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)
        #expect(try await store.task(id: task.id, applicationID: mine.id)?.id == task.id)
        #expect(try await store.task(id: task.id, applicationID: theirs.id) == nil)
        #expect(try await store.task(traceID: task.traceID, applicationID: theirs.id) == nil)
        #expect(try await store.task(imageID: task.imageID!, applicationID: theirs.id) == nil)
        #expect(try await store.tasks(ids: [task.id], applicationID: theirs.id).isEmpty)
    }

    @Test func listingIsNewestFirstAndPaged() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 100)
        for index in 1...5 { try await store.insertTask(makeTask(application.id, createdAt: Double(index)), limits: .none) }
        let page = try await store.tasks(applicationID: application.id, offset: 1, limit: 2)
        #expect(page.map(\.createdAt) == [4, 3])
    }

    @Test func workersClaimTheOldestPendingTaskOnce() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        let older = makeTask(application.id, createdAt: 1)
        let newer = makeTask(application.id, createdAt: 2)
        try await store.insertTask(newer, limits: .none)
        try await store.insertTask(older, limits: .none)
        let first = try await store.claimTask(owner: "a", now: 10, leaseSeconds: 30, limits: .none)
        let second = try await store.claimTask(owner: "b", now: 10, leaseSeconds: 30, limits: .none)
        let third = try await store.claimTask(owner: "c", now: 10, leaseSeconds: 30, limits: .none)
        #expect(first?.id == older.id)
        #expect(first?.state == .running)
        #expect(first?.startedAt == 10)
        #expect(second?.id == newer.id)
        #expect(third == nil)
    }

    @Test func aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        let task = makeTask(application.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)
        _ = try await store.claimTask(owner: "dead", now: 10, leaseSeconds: 30, limits: .none)
        #expect(try await store.claimTask(owner: "live", now: 20, leaseSeconds: 30, limits: .none) == nil)
        let reclaimed = try await store.claimTask(owner: "live", now: 41, leaseSeconds: 30, limits: .none)
        #expect(reclaimed?.id == task.id)
        #expect(reclaimed?.startedAt == 10)
        #expect(try await store.updateProgress(id: task.id, owner: "dead", progress: 50, now: 42, leaseSeconds: 30, webhook: nil) == false)
        let outcome = TaskOutcome(state: .succeeded, response: "{}", finishedAt: 50)
        #expect(try await store.finishTask(id: task.id, owner: "dead", outcome: outcome) == false)
        #expect(try await store.finishTask(id: task.id, owner: "live", outcome: outcome) == true)
        #expect(try await store.finishTask(id: task.id, owner: "live", outcome: outcome) == false)
        let finished = try await store.task(id: task.id)
        #expect(finished?.state == .succeeded)
        #expect(finished?.progress == 100)
    }

    @Test func aFailedTaskRefundsItsCostOnce() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 4)
        let task = makeTask(application.id, createdAt: 1, cost: 4)
        try await store.insertTask(task, limits: .none)
        #expect(try await store.application(id: application.id)?.credits == 0)
        let outcome = TaskOutcome(state: .failed, response: #"{"success":false}"#, finishedAt: 2)
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome))
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome) == false)
        #expect(try await store.application(id: application.id)?.credits == 4)
    }

    @Test func releasedTasksGoBackToPending() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        try await store.insertTask(makeTask(application.id, createdAt: 1), limits: .none)
        let claimed = try #require(try await store.claimTask(owner: "w", now: 5, leaseSeconds: 30, limits: .none))
        #expect(try await store.releaseTasks(owner: "w") == 1)
        #expect(try await store.task(id: claimed.id)?.state == .pending)
        #expect(try await store.claimTask(owner: "x", now: 6, leaseSeconds: 30, limits: .none)?.id == claimed.id)
    }

    @Test func credentialsAreFoundByTokenHashAndCanBeRevoked() async throws {
        let store = try makeSQLiteStore()
        let administration = Administration(store: store)
        let created = try await administration.createCredential(name: "ci", applicationID: nil, scopes: [.tasks], credits: 3)
        let found = try await store.credential(tokenHash: TokenHasher.hash(created.token))
        #expect(found?.id == created.credential.id)
        #expect(found?.scopes == [.tasks])
        #expect(try await store.revokeCredential(id: created.credential.id))
        #expect(try await store.credential(tokenHash: TokenHasher.hash(created.token))?.revoked == true)
        let added = try await administration.createCredential(name: "second", applicationID: created.application.id, scopes: [.imagine], credits: 0)
        #expect(added.application.id == created.application.id)
        #expect(added.createdApplication == false)
    }
}

@Suite("The SQLite task store's limits and outbox")
struct TaskStoreLimitsTests {
    @Test func anApplicationAtItsQueueLimitIsRefusedWithoutACharge() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 100)
        let limits = TaskLimits(maxPendingPerApplication: 2)
        try await store.insertTask(makeTask(application.id, createdAt: 1), limits: limits)
        try await store.insertTask(makeTask(application.id, createdAt: 2), limits: limits)
        await #expect(throws: StoreError.queueFull(limit: 2)) {
            try await store.insertTask(makeTask(application.id, createdAt: 3), limits: limits)
        }
        #expect(try await store.application(id: application.id)?.credits == 96)
        #expect(try await store.setLimits(applicationID: application.id, maxRunning: nil, maxPending: 3))
        try await store.insertTask(makeTask(application.id, createdAt: 3), limits: limits)
    }

    @Test func anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun() async throws {
        let store = try makeSQLiteStore()
        let busy = try await makeApplication(store, credits: 100)
        let other = try await makeApplication(store, credits: 100)
        for index in 1...3 { try await store.insertTask(makeTask(busy.id, createdAt: Double(index)), limits: .none) }
        try await store.insertTask(makeTask(other.id, createdAt: 10), limits: .none)
        let limits = TaskLimits(maxRunningPerApplication: 2)
        let claims = [
            try await store.claimTask(owner: "w1", now: 20, leaseSeconds: 30, limits: limits),
            try await store.claimTask(owner: "w2", now: 20, leaseSeconds: 30, limits: limits),
            try await store.claimTask(owner: "w3", now: 20, leaseSeconds: 30, limits: limits),
            try await store.claimTask(owner: "w4", now: 20, leaseSeconds: 30, limits: limits),
        ]
        #expect(claims.map { $0?.applicationID } == [busy.id, busy.id, other.id, nil])
    }

    @Test func deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        var task = makeTask(application.id, createdAt: 1)
        task.callbackURL = "http://127.0.0.1:9/hook"
        task.progressWebhooks = true
        try await store.insertTask(task, limits: .none)
        _ = try await store.claimTask(owner: "w", now: 2, leaseSeconds: 30, limits: .none)
        let progress = WebhookDelivery(
            id: "msg_p", taskID: task.id, applicationID: application.id, url: task.callbackURL!, body: #"{"progress":50}"#,
            kind: .progress, nextAttemptAt: 2, createdAt: 2
        )
        #expect(try await store.updateProgress(id: task.id, owner: "w", progress: 50, now: 2, leaseSeconds: 30, webhook: progress))
        #expect(try await store.finishTask(id: task.id, owner: "w", outcome: TaskOutcome(state: .succeeded, response: "{}", finishedAt: 3, webhookID: "msg_f")))
        // Only the earliest pending delivery of a task is due; the finished one waits for it.
        let first = try await store.claimDeliveries(owner: "s", now: 4, limit: 10, leaseSeconds: 10)
        #expect(first.map(\.id) == ["msg_p"])
        try await store.recordFailedAttempt(id: "msg_p", error: "503", nextAttemptAt: 5)
        #expect(try await store.claimDeliveries(owner: "s", now: 4.5, limit: 10, leaseSeconds: 10).isEmpty)
        try await store.recordDelivered(id: try #require(try await store.claimDeliveries(owner: "s", now: 5, limit: 10, leaseSeconds: 10).first?.id), now: 5)
        let second = try await store.claimDeliveries(owner: "s", now: 6, limit: 10, leaseSeconds: 10)
        #expect(second.map(\.id) == ["msg_f"])
        #expect(second.first?.kind == .finished)
        try await store.recordFailedAttempt(id: "msg_f", error: "gone", nextAttemptAt: nil)
        let all = try await store.deliveries(taskID: task.id, limit: 10)
        #expect(all.map(\.state) == [.delivered, .failed])
        #expect(all.map(\.attempts) == [2, 1])
    }
}
