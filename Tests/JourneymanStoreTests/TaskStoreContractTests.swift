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
        try await store.insertTask(makeTask(application.id, createdAt: 1))
        try await store.insertTask(makeTask(application.id, createdAt: 2))
        await #expect(throws: StoreError.insufficientCredits(balance: 1, cost: 2)) {
            try await store.insertTask(makeTask(application.id, createdAt: 3))
        }
        #expect(try await store.application(id: application.id)?.credits == 1)
        #expect(try await store.tasks(applicationID: application.id, offset: 0, limit: 10).count == 2)
    }

    @Test func tasksAreOnlyVisibleToTheirOwnApplication() async throws {
        let store = try makeSQLiteStore()
        let mine = try await makeApplication(store)
        let theirs = try await makeApplication(store)
        let task = makeTask(mine.id, createdAt: 1)
        try await store.insertTask(task)
        #expect(try await store.task(id: task.id, applicationID: mine.id)?.id == task.id)
        #expect(try await store.task(id: task.id, applicationID: theirs.id) == nil)
        #expect(try await store.task(traceID: task.traceID, applicationID: theirs.id) == nil)
        #expect(try await store.task(imageID: task.imageID!, applicationID: theirs.id) == nil)
        #expect(try await store.tasks(ids: [task.id], applicationID: theirs.id).isEmpty)
    }

    @Test func listingIsNewestFirstAndPaged() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 100)
        for index in 1...5 { try await store.insertTask(makeTask(application.id, createdAt: Double(index))) }
        let page = try await store.tasks(applicationID: application.id, offset: 1, limit: 2)
        #expect(page.map(\.createdAt) == [4, 3])
    }

    @Test func workersClaimTheOldestPendingTaskOnce() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        let older = makeTask(application.id, createdAt: 1)
        let newer = makeTask(application.id, createdAt: 2)
        try await store.insertTask(newer)
        try await store.insertTask(older)
        let first = try await store.claimTask(owner: "a", now: 10, leaseSeconds: 30)
        let second = try await store.claimTask(owner: "b", now: 10, leaseSeconds: 30)
        let third = try await store.claimTask(owner: "c", now: 10, leaseSeconds: 30)
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
        try await store.insertTask(task)
        _ = try await store.claimTask(owner: "dead", now: 10, leaseSeconds: 30)
        #expect(try await store.claimTask(owner: "live", now: 20, leaseSeconds: 30) == nil)
        let reclaimed = try await store.claimTask(owner: "live", now: 41, leaseSeconds: 30)
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
        try await store.insertTask(task)
        #expect(try await store.application(id: application.id)?.credits == 0)
        let outcome = TaskOutcome(state: .failed, response: #"{"success":false}"#, finishedAt: 2)
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome))
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome) == false)
        #expect(try await store.application(id: application.id)?.credits == 4)
    }

    @Test func releasedTasksGoBackToPending() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store)
        try await store.insertTask(makeTask(application.id, createdAt: 1))
        let claimed = try #require(try await store.claimTask(owner: "w", now: 5, leaseSeconds: 30))
        #expect(try await store.releaseTasks(owner: "w") == 1)
        #expect(try await store.task(id: claimed.id)?.state == .pending)
        #expect(try await store.claimTask(owner: "x", now: 6, leaseSeconds: 30)?.id == claimed.id)
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
