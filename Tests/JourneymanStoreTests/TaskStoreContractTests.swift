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

/// What every `TaskStore` must do, written once; the suites below run it against SQLite and against PostgreSQL.
enum TaskStoreContract {
    static func acceptingATaskChargesItsCostAtomically(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 5)
        try await store.insertTask(makeTask(application.id, createdAt: 1), limits: .none)
        try await store.insertTask(makeTask(application.id, createdAt: 2), limits: .none)
        await #expect(throws: StoreError.insufficientCredits(balance: 1, cost: 2)) {
            try await store.insertTask(makeTask(application.id, createdAt: 3), limits: .none)
        }
        #expect(try await store.application(id: application.id)?.credits == 1)
        #expect(try await store.tasks(applicationID: application.id, offset: 0, limit: 10).count == 2)
    }

    static func aTaskReadBackEqualsTheTaskStored(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store)
        var task = makeTask(application.id, createdAt: 1_751_000_000.123)
        task.callbackURL = "http://127.0.0.1:9/hook"
        task.progressWebhooks = true
        task.parentID = "parent"
        task.lineage = #"{"note":"x"}"#
        try await store.insertTask(task, limits: .none)
        #expect(try await store.task(id: task.id) == task)
        #expect(try await store.task(traceID: task.traceID, applicationID: application.id) == task)
        #expect(try await store.task(imageID: task.imageID!, applicationID: application.id) == task)
        var charged = application
        charged.credits -= task.cost
        #expect(try await store.application(id: application.id) == charged)
    }

    static func tasksAreOnlyVisibleToTheirOwnApplication(_ store: any TaskStore) async throws {
        let mine = try await makeApplication(store)
        let theirs = try await makeApplication(store)
        let task = makeTask(mine.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)
        #expect(try await store.task(id: task.id, applicationID: mine.id)?.id == task.id)
        #expect(try await store.task(id: task.id, applicationID: theirs.id) == nil)
        #expect(try await store.task(traceID: task.traceID, applicationID: theirs.id) == nil)
        #expect(try await store.task(imageID: task.imageID!, applicationID: theirs.id) == nil)
        #expect(try await store.tasks(ids: [task.id], applicationID: theirs.id).isEmpty)
        #expect(try await store.tasks(traceIDs: [task.traceID], applicationID: theirs.id).isEmpty)
    }

    static func batchesFindTasksByIdsAndTraceIDs(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 100)
        let tasks = (1...5).map { makeTask(application.id, createdAt: Double($0)) }
        for task in tasks { try await store.insertTask(task, limits: .none) }
        let byID = try await store.tasks(ids: [tasks[3].id, tasks[0].id, "unknown"], applicationID: application.id)
        #expect(Set(byID.map(\.id)) == [tasks[3].id, tasks[0].id])
        let byTrace = try await store.tasks(traceIDs: [tasks[4].traceID, tasks[1].traceID], applicationID: application.id)
        #expect(byTrace.map(\.id) == [tasks[1].id, tasks[4].id], "oldest first")
        #expect(try await store.tasks(ids: [], applicationID: application.id).isEmpty)
    }

    static func listingIsNewestFirstAndPaged(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 100)
        for index in 1...5 { try await store.insertTask(makeTask(application.id, createdAt: Double(index)), limits: .none) }
        let page = try await store.tasks(applicationID: application.id, offset: 1, limit: 2)
        #expect(page.map(\.createdAt) == [4, 3])
    }

    static func workersClaimTheOldestPendingTaskOnce(_ store: any TaskStore) async throws {
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
        #expect(first?.leaseOwner == "a")
        #expect(first?.leaseExpiresAt == 40)
        #expect(second?.id == newer.id)
        #expect(third == nil)
        #expect(try await store.unfinishedTaskCount() == 2)
    }

    static func workersRacingForTasksClaimEachExactlyOnce(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 1000)
        let tasks = (1...40).map { makeTask(application.id, createdAt: Double($0)) }
        for task in tasks { try await store.insertTask(task, limits: .none) }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while let task = try await store.claimTask(owner: "w\(worker)", now: 100, leaseSeconds: 30, limits: .none) {
                        mine.append(task.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == tasks.count, "no task claimed twice")
        #expect(Set(claimed) == Set(tasks.map(\.id)))
    }

    static func aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store)
        let task = makeTask(application.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)
        _ = try await store.claimTask(owner: "dead", now: 10, leaseSeconds: 30, limits: .none)
        #expect(try await store.claimTask(owner: "live", now: 20, leaseSeconds: 30, limits: .none) == nil)
        let reclaimed = try await store.claimTask(owner: "live", now: 41, leaseSeconds: 30, limits: .none)
        #expect(reclaimed?.id == task.id)
        #expect(reclaimed?.startedAt == 10)
        #expect(try await store.updateProgress(id: task.id, owner: "dead", progress: 50, now: 42, leaseSeconds: 30, webhook: nil) == false)
        #expect(try await store.updateProgress(id: task.id, owner: "live", progress: 50, now: 42, leaseSeconds: 30, webhook: nil))
        #expect(try await store.updateProgress(id: task.id, owner: "live", progress: 30, now: 43, leaseSeconds: 30, webhook: nil))
        #expect(try await store.task(id: task.id)?.progress == 50, "progress never goes back")
        #expect(try await store.task(id: task.id)?.leaseExpiresAt == 73, "progress renews the lease")
        let outcome = TaskOutcome(state: .succeeded, response: "{}", finishedAt: 50)
        #expect(try await store.finishTask(id: task.id, owner: "dead", outcome: outcome) == false)
        #expect(try await store.finishTask(id: task.id, owner: "live", outcome: outcome) == true)
        #expect(try await store.finishTask(id: task.id, owner: "live", outcome: outcome) == false)
        let finished = try await store.task(id: task.id)
        #expect(finished?.state == .succeeded)
        #expect(finished?.progress == 100)
        #expect(finished?.leaseOwner == nil)
        #expect(try await store.unfinishedTaskCount() == 0)
    }

    static func aFailedTaskRefundsItsCostOnce(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 4)
        let task = makeTask(application.id, createdAt: 1, cost: 4)
        try await store.insertTask(task, limits: .none)
        #expect(try await store.application(id: application.id)?.credits == 0)
        let outcome = TaskOutcome(state: .failed, response: #"{"success":false}"#, finishedAt: 2)
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome))
        #expect(try await store.finishTask(id: task.id, owner: nil, outcome: outcome) == false)
        #expect(try await store.application(id: application.id)?.credits == 4)
    }

    static func racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 3)
        var task = makeTask(application.id, createdAt: 1, cost: 3)
        task.callbackURL = "http://127.0.0.1:9/hook"
        try await store.insertTask(task, limits: .none)
        let taskID = task.id
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for racer in 0..<10 {
                group.addTask {
                    let outcome = TaskOutcome(state: .cancelled, response: #"{"racer":\#(racer)}"#, finishedAt: 2)
                    return try await store.finishTask(id: taskID, owner: nil, outcome: outcome)
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(try await store.application(id: application.id)?.credits == 3, "refunded once")
        #expect(try await store.deliveries(taskID: task.id, limit: 10).count == 1, "one finished webhook")
    }

    static func releasedTasksGoBackToPending(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store)
        try await store.insertTask(makeTask(application.id, createdAt: 1), limits: .none)
        let claimed = try #require(try await store.claimTask(owner: "w", now: 5, leaseSeconds: 30, limits: .none))
        #expect(try await store.releaseTasks(owner: "w") == 1)
        #expect(try await store.task(id: claimed.id)?.state == .pending)
        #expect(try await store.claimTask(owner: "x", now: 6, leaseSeconds: 30, limits: .none)?.id == claimed.id)
    }

    static func credentialsAreFoundByTokenHashAndCanBeRevoked(_ store: any TaskStore) async throws {
        let administration = Administration(store: store)
        let created = try await administration.createCredential(name: "ci", applicationID: nil, scopes: [.tasks], credits: 3)
        let found = try await store.credential(tokenHash: TokenHasher.hash(created.token))
        #expect(found?.id == created.credential.id)
        #expect(found?.scopes == [.tasks])
        #expect(try await store.revokeCredential(id: created.credential.id))
        #expect(try await store.revokeCredential(id: "unknown") == false)
        #expect(try await store.credential(tokenHash: TokenHasher.hash(created.token))?.revoked == true)
        let added = try await administration.createCredential(
            name: "second", applicationID: created.application.id, scopes: [.imagine], credits: 0)
        #expect(added.application.id == created.application.id)
        #expect(added.createdApplication == false)
        #expect(try await store.credentials().count == 2)
        await #expect(throws: StoreError.unknownApplication("nowhere")) {
            try await administration.createCredential(name: "x", applicationID: "nowhere", scopes: [.tasks], credits: 0)
        }
    }

    static func creditsLimitsAndRateLimitsAreKeptPerApplication(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 5)
        #expect(try await store.addCredits(applicationID: application.id, amount: -9) == 0, "never below zero")
        #expect(try await store.addCredits(applicationID: application.id, amount: 7) == 7)
        #expect(try await store.addCredits(applicationID: "unknown", amount: 1) == nil)
        #expect(try await store.setLimits(applicationID: application.id, maxRunning: 2, maxPending: nil))
        #expect(try await store.application(id: application.id)?.maxRunning == 2)
        #expect(try await store.application(id: application.id)?.maxPending == nil)
        #expect(try await store.setLimits(applicationID: "unknown", maxRunning: 1, maxPending: 1) == false)
        let created = try await Administration(store: store).createCredential(
            name: "r", applicationID: application.id, scopes: [.tasks], credits: 0)
        #expect(try await store.setRateLimit(credentialID: created.credential.id, perSecond: 0.5, burst: 3))
        let credential = try await store.credential(tokenHash: created.credential.tokenHash)
        #expect(credential?.ratePerSecond == 0.5)
        #expect(credential?.rateBurst == 3)
        #expect(try await store.setRateLimit(credentialID: "unknown", perSecond: nil, burst: nil) == false)
    }

    static func usageCountsTasksByStateAndCreditsSpentOnSuccesses(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 100)
        let idle = try await makeApplication(store, credits: 100)
        let tasks = (1...4).map { makeTask(application.id, createdAt: Double($0), cost: 2) }
        for task in tasks { try await store.insertTask(task, limits: .none) }
        #expect(
            try await store.finishTask(id: tasks[0].id, owner: nil, outcome: TaskOutcome(state: .succeeded, response: "{}", finishedAt: 9)))
        #expect(
            try await store.finishTask(id: tasks[1].id, owner: nil, outcome: TaskOutcome(state: .failed, response: "{}", finishedAt: 9)))
        _ = try await store.claimTask(owner: "w", now: 10, leaseSeconds: 30, limits: .none)
        let usage = try await store.usage()
        let mine = try #require(usage.first { $0.applicationID == application.id })
        #expect(mine.tasksByState == ["succeeded": 1, "failed": 1, "running": 1, "pending": 1])
        #expect(mine.creditsSpent == 6, "succeeded, running and pending tasks; the failed one was refunded")
        #expect(usage.first { $0.applicationID == idle.id }?.tasksByState == [:])
    }

    static func anApplicationAtItsQueueLimitIsRefusedWithoutACharge(_ store: any TaskStore) async throws {
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

    static func concurrentSubmissionsNeverOverfillTheQueue(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 1000)
        let limits = TaskLimits(maxPendingPerApplication: 5)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        try await store.insertTask(makeTask(application.id, createdAt: Double(index)), limits: limits)
                        return true
                    } catch StoreError.queueFull {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 5)
        #expect(try await store.application(id: application.id)?.credits == 1000 - 5 * 2)
    }

    static func anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun(_ store: any TaskStore) async throws {
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

    static func racingClaimsNeverRunMoreThanTheApplicationsLimit(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store, credits: 100)
        for index in 1...10 { try await store.insertTask(makeTask(application.id, createdAt: Double(index)), limits: .none) }
        #expect(try await store.setLimits(applicationID: application.id, maxRunning: 3, maxPending: nil))
        let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    try await store.claimTask(owner: "w\(worker)", now: 20, leaseSeconds: 30, limits: .none) == nil ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(claimed == 3)
    }

    static func deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask(_ store: any TaskStore) async throws {
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
        #expect(
            try await store.finishTask(
                id: task.id, owner: "w", outcome: TaskOutcome(state: .succeeded, response: "{}", finishedAt: 3, webhookID: "msg_f")))
        #expect(try await store.nextDeliveryDue() == 2)
        // Only the earliest pending delivery of a task is due; the finished one waits for it.
        let first = try await store.claimDeliveries(owner: "s", now: 4, limit: 10, leaseSeconds: 10)
        #expect(first.map(\.id) == ["msg_p"])
        #expect(
            try await store.claimDeliveries(owner: "t", now: 4, limit: 10, leaseSeconds: 10).isEmpty,
            "a leased delivery is not claimed twice")
        try await store.recordFailedAttempt(id: "msg_p", error: "503", nextAttemptAt: 5)
        #expect(try await store.claimDeliveries(owner: "s", now: 4.5, limit: 10, leaseSeconds: 10).isEmpty)
        try await store.recordDelivered(
            id: try #require(try await store.claimDeliveries(owner: "s", now: 5, limit: 10, leaseSeconds: 10).first?.id), now: 5)
        let second = try await store.claimDeliveries(owner: "s", now: 6, limit: 10, leaseSeconds: 10)
        #expect(second.map(\.id) == ["msg_f"])
        #expect(second.first?.kind == .finished)
        #expect(second.first?.sequence == 2)
        try await store.recordFailedAttempt(id: "msg_f", error: "gone", nextAttemptAt: nil)
        let all = try await store.deliveries(taskID: task.id, limit: 10)
        #expect(all.map(\.state) == [.delivered, .failed])
        #expect(all.map(\.attempts) == [2, 1])
        #expect(all.last?.lastError == "gone")
        #expect(try await store.deliveries(taskID: nil, limit: 1).map(\.id) == ["msg_f"], "the newest of all")
        #expect(try await store.nextDeliveryDue() == nil)
    }

    static func aReachableStoreSaysSo(_ store: any TaskStore) async throws {
        #expect(await store.isReachable())
    }
}

@Suite("The SQLite task store keeps the store contract")
struct SQLiteTaskStoreContractTests {
    @Test func acceptingATaskChargesItsCostAtomically() async throws {
        try await TaskStoreContract.acceptingATaskChargesItsCostAtomically(try makeSQLiteStore())
    }
    @Test func aTaskReadBackEqualsTheTaskStored() async throws {
        try await TaskStoreContract.aTaskReadBackEqualsTheTaskStored(try makeSQLiteStore())
    }
    @Test func tasksAreOnlyVisibleToTheirOwnApplication() async throws {
        try await TaskStoreContract.tasksAreOnlyVisibleToTheirOwnApplication(try makeSQLiteStore())
    }
    @Test func batchesFindTasksByIdsAndTraceIDs() async throws {
        try await TaskStoreContract.batchesFindTasksByIdsAndTraceIDs(try makeSQLiteStore())
    }
    @Test func listingIsNewestFirstAndPaged() async throws {
        try await TaskStoreContract.listingIsNewestFirstAndPaged(try makeSQLiteStore())
    }
    @Test func workersClaimTheOldestPendingTaskOnce() async throws {
        try await TaskStoreContract.workersClaimTheOldestPendingTaskOnce(try makeSQLiteStore())
    }
    @Test func workersRacingForTasksClaimEachExactlyOnce() async throws {
        try await TaskStoreContract.workersRacingForTasksClaimEachExactlyOnce(try makeSQLiteStore())
    }
    @Test func aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish() async throws {
        try await TaskStoreContract.aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish(try makeSQLiteStore())
    }
    @Test func aFailedTaskRefundsItsCostOnce() async throws {
        try await TaskStoreContract.aFailedTaskRefundsItsCostOnce(try makeSQLiteStore())
    }
    @Test func racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook() async throws {
        try await TaskStoreContract.racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook(try makeSQLiteStore())
    }
    @Test func releasedTasksGoBackToPending() async throws {
        try await TaskStoreContract.releasedTasksGoBackToPending(try makeSQLiteStore())
    }
    @Test func credentialsAreFoundByTokenHashAndCanBeRevoked() async throws {
        try await TaskStoreContract.credentialsAreFoundByTokenHashAndCanBeRevoked(try makeSQLiteStore())
    }
    @Test func creditsLimitsAndRateLimitsAreKeptPerApplication() async throws {
        try await TaskStoreContract.creditsLimitsAndRateLimitsAreKeptPerApplication(try makeSQLiteStore())
    }
    @Test func usageCountsTasksByStateAndCreditsSpentOnSuccesses() async throws {
        try await TaskStoreContract.usageCountsTasksByStateAndCreditsSpentOnSuccesses(try makeSQLiteStore())
    }
    @Test func anApplicationAtItsQueueLimitIsRefusedWithoutACharge() async throws {
        try await TaskStoreContract.anApplicationAtItsQueueLimitIsRefusedWithoutACharge(try makeSQLiteStore())
    }
    @Test func concurrentSubmissionsNeverOverfillTheQueue() async throws {
        try await TaskStoreContract.concurrentSubmissionsNeverOverfillTheQueue(try makeSQLiteStore())
    }
    @Test func anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun() async throws {
        try await TaskStoreContract.anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun(try makeSQLiteStore())
    }
    @Test func racingClaimsNeverRunMoreThanTheApplicationsLimit() async throws {
        try await TaskStoreContract.racingClaimsNeverRunMoreThanTheApplicationsLimit(try makeSQLiteStore())
    }
    @Test func deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask() async throws {
        try await TaskStoreContract.deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask(try makeSQLiteStore())
    }
    @Test func aReachableStoreSaysSo() async throws {
        try await TaskStoreContract.aReachableStoreSaysSo(try makeSQLiteStore())
    }
}

// Skipped, with this reason in the test report, when no PostgreSQL server is given: never passed silently.
// Serialized: each test opens its own pool, and a burst of them at once would only measure connection set-up.
@Suite(
    "The PostgreSQL task store keeps the store contract",
    .serialized,
    .enabled(if: PostgresTestDatabase.url != nil, "JOURNEYMAN_TEST_DATABASE_URL is not set: there is no PostgreSQL server to test against")
)
struct PostgresTaskStoreContractTests {
    @Test func acceptingATaskChargesItsCostAtomically() async throws {
        try await TaskStoreContract.acceptingATaskChargesItsCostAtomically(try PostgresTestDatabase.freshStore())
    }
    @Test func aTaskReadBackEqualsTheTaskStored() async throws {
        try await TaskStoreContract.aTaskReadBackEqualsTheTaskStored(try PostgresTestDatabase.freshStore())
    }
    @Test func tasksAreOnlyVisibleToTheirOwnApplication() async throws {
        try await TaskStoreContract.tasksAreOnlyVisibleToTheirOwnApplication(try PostgresTestDatabase.freshStore())
    }
    @Test func batchesFindTasksByIdsAndTraceIDs() async throws {
        try await TaskStoreContract.batchesFindTasksByIdsAndTraceIDs(try PostgresTestDatabase.freshStore())
    }
    @Test func listingIsNewestFirstAndPaged() async throws {
        try await TaskStoreContract.listingIsNewestFirstAndPaged(try PostgresTestDatabase.freshStore())
    }
    @Test func workersClaimTheOldestPendingTaskOnce() async throws {
        try await TaskStoreContract.workersClaimTheOldestPendingTaskOnce(try PostgresTestDatabase.freshStore())
    }
    @Test func workersRacingForTasksClaimEachExactlyOnce() async throws {
        try await TaskStoreContract.workersRacingForTasksClaimEachExactlyOnce(try PostgresTestDatabase.freshStore())
    }
    @Test func aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish() async throws {
        try await TaskStoreContract.aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish(try PostgresTestDatabase.freshStore())
    }
    @Test func aFailedTaskRefundsItsCostOnce() async throws {
        try await TaskStoreContract.aFailedTaskRefundsItsCostOnce(try PostgresTestDatabase.freshStore())
    }
    @Test func racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook() async throws {
        try await TaskStoreContract.racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook(try PostgresTestDatabase.freshStore())
    }
    @Test func releasedTasksGoBackToPending() async throws {
        try await TaskStoreContract.releasedTasksGoBackToPending(try PostgresTestDatabase.freshStore())
    }
    @Test func credentialsAreFoundByTokenHashAndCanBeRevoked() async throws {
        try await TaskStoreContract.credentialsAreFoundByTokenHashAndCanBeRevoked(try PostgresTestDatabase.freshStore())
    }
    @Test func creditsLimitsAndRateLimitsAreKeptPerApplication() async throws {
        try await TaskStoreContract.creditsLimitsAndRateLimitsAreKeptPerApplication(try PostgresTestDatabase.freshStore())
    }
    @Test func usageCountsTasksByStateAndCreditsSpentOnSuccesses() async throws {
        try await TaskStoreContract.usageCountsTasksByStateAndCreditsSpentOnSuccesses(try PostgresTestDatabase.freshStore())
    }
    @Test func anApplicationAtItsQueueLimitIsRefusedWithoutACharge() async throws {
        try await TaskStoreContract.anApplicationAtItsQueueLimitIsRefusedWithoutACharge(try PostgresTestDatabase.freshStore())
    }
    @Test func concurrentSubmissionsNeverOverfillTheQueue() async throws {
        try await TaskStoreContract.concurrentSubmissionsNeverOverfillTheQueue(try PostgresTestDatabase.freshStore())
    }
    @Test func anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun() async throws {
        try await TaskStoreContract.anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun(try PostgresTestDatabase.freshStore())
    }
    @Test func racingClaimsNeverRunMoreThanTheApplicationsLimit() async throws {
        try await TaskStoreContract.racingClaimsNeverRunMoreThanTheApplicationsLimit(try PostgresTestDatabase.freshStore())
    }
    @Test func deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask() async throws {
        try await TaskStoreContract.deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask(try PostgresTestDatabase.freshStore())
    }
    @Test func aReachableStoreSaysSo() async throws {
        try await TaskStoreContract.aReachableStoreSaysSo(try PostgresTestDatabase.freshStore())
    }
}
