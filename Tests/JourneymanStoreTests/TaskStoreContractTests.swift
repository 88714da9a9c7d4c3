import Foundation
import JourneymanCore
import JourneymanStore
import Testing

/// A fresh SQLite store in its own temporary directory.
func makeSQLiteStore() throws -> SQLiteTaskStore {
    try SQLiteTaskStore(path: makeSQLitePath())
}

/// The path of a database file in a new, empty temporary directory.
func makeSQLitePath(_ name: String = "store") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("journeyman.sqlite").path
}

func makeApplication(_ store: some TaskStore, credits: Int = 10) async throws -> Application {
    let application = Application(id: UUID().uuidString.lowercased(), name: "app", credits: credits, webhookSecret: "whsec_x", createdAt: 1)
    try await store.createApplication(application)
    return application
}

func makeTask(_ applicationID: String, createdAt: Double, cost: Int = 2, traceID: String = UUID().uuidString) -> TaskSnapshot {
    TaskSnapshot(
        id: UUID().uuidString.lowercased(), objectID: "668aae3f550a4144a540803b", applicationID: applicationID,
        credentialID: "c", traceID: traceID, command: .imagine(ImagineCommand(action: .generate, prompt: "x", seed: 7)),
        acceptedRequest: #"{"prompt":"x"}"#, imageID: String(Int64(createdAt * 1000) + 1_000_000_000_000_000_000), jobID: "j",
        createdAt: createdAt, cost: cost
    )
}

/// An outcome with an empty result (or a failure, for the states that are not success).
func outcome(_ state: TaskState, finishedAt: Double, webhookID: String = WebhookIDs.make()) -> TaskOutcome {
    let result = state == .succeeded ? TaskResult(seed: 7) : TaskResult.failed(state == .cancelled ? .cancelled : .internalError, "no")
    return TaskOutcome(state: state, result: result, finishedAt: finishedAt, webhookID: webhookID)
}

/// The stores the contract runs against: memory and SQLite always, PostgreSQL when a server is given.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, sqlite, postgres

    /// The kinds this run can make.
    static var available: [StoreKind] { PostgresTestDatabase.url == nil ? [.memory, .sqlite] : allCases }

    /// A fresh, empty store of this kind.
    func make() throws -> any TaskStore {
        switch self {
        case .memory: return InMemoryTaskStore()
        case .sqlite: return try makeSQLiteStore()
        case .postgres: return try PostgresTestDatabase.freshStore()
        }
    }

    var testDescription: String { rawValue }
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
        task.command = .imagine(ImagineCommand(action: .upscale2, parentTaskID: "parent", parentImageID: "123", seed: 9))
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
        #expect(try await store.taskIDs(applicationID: application.id, offset: 1, limit: 2) == page.map(\.id), "the ids list the same page")
        let other = try await makeApplication(store, credits: 100)
        #expect(try await store.taskIDs(applicationID: other.id, offset: 0, limit: 10).isEmpty)
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
        #expect(try await store.updateProgress(id: task.id, owner: "dead", progress: 50, now: 42, leaseSeconds: 30) == false)
        #expect(try await store.updateProgress(id: task.id, owner: "live", progress: 50, now: 42, leaseSeconds: 30))
        #expect(try await store.updateProgress(id: task.id, owner: "live", progress: 30, now: 43, leaseSeconds: 30))
        #expect(try await store.task(id: task.id)?.progress == 50, "progress never goes back")
        #expect(try await store.task(id: task.id)?.leaseExpiresAt == 73, "progress renews the lease")
        let outcome = outcome(.succeeded, finishedAt: 50)
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
        let outcome = outcome(.failed, finishedAt: 2)
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
                    let outcome = outcome(.cancelled, finishedAt: 2 + Double(racer) / 100)
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

    static func runningTasksAreWhatWorkersHoldAcrossApplicationsLongestRunningFirst(_ store: any TaskStore) async throws {
        let first = try await makeApplication(store)
        let second = try await makeApplication(store)
        for (application, created) in [(first, 1.0), (second, 2.0), (first, 3.0)] {
            try await store.insertTask(makeTask(application.id, createdAt: created), limits: .none)
        }
        #expect(try await store.runningTasks(limit: 10).isEmpty, "nothing runs before a claim")
        let older = try #require(try await store.claimTask(owner: "a/0", now: 5, leaseSeconds: 30, limits: .none))
        let newer = try #require(try await store.claimTask(owner: "b/1", now: 7, leaseSeconds: 30, limits: .none))
        let running = try await store.runningTasks(limit: 10)
        #expect(running.map(\.id) == [older.id, newer.id], "the pending third is not listed")
        #expect(running.map(\.leaseOwner) == ["a/0", "b/1"])
        #expect(Set(running.map(\.applicationID)) == [first.id, second.id])
        #expect(try await store.runningTasks(limit: 1).map(\.id) == [older.id])
        let outcome = outcome(.succeeded, finishedAt: 9)
        #expect(try await store.finishTask(id: older.id, owner: "a/0", outcome: outcome))
        #expect(try await store.runningTasks(limit: 10).map(\.id) == [newer.id], "a finished task leaves the list")
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

    static func theAdministratorFlagRoundTrips(_ store: any TaskStore) async throws {
        let plain = try await makeApplication(store)
        #expect(try await store.application(id: plain.id)?.administrator == false, "an application is no administrator by default")
        let admin = Application(
            id: UUID().uuidString.lowercased(), name: "ops", credits: 1, webhookSecret: "whsec_y", createdAt: 2, administrator: true)
        try await store.createApplication(admin)
        #expect(try await store.application(id: admin.id) == admin)
        #expect(try await store.setAdministrator(applicationID: plain.id, administrator: true))
        #expect(try await store.applications().map(\.administrator) == [true, true])
        #expect(try await store.setAdministrator(applicationID: admin.id, administrator: false))
        #expect(try await store.application(id: admin.id)?.administrator == false)
        #expect(try await store.setAdministrator(applicationID: "unknown", administrator: true) == false)
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
            try await store.finishTask(id: tasks[0].id, owner: nil, outcome: outcome(.succeeded, finishedAt: 9)))
        #expect(
            try await store.finishTask(id: tasks[1].id, owner: nil, outcome: outcome(.failed, finishedAt: 9)))
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
        #expect(try await store.updateProgress(id: task.id, owner: "w", progress: 50, now: 2, leaseSeconds: 30))
        #expect(try await store.updateProgress(id: task.id, owner: "w", progress: 50, now: 2, leaseSeconds: 30), "no growth, no delivery")
        #expect(try await store.finishTask(id: task.id, owner: "w", outcome: outcome(.succeeded, finishedAt: 3, webhookID: "msg_f")))
        #expect(try await store.nextDeliveryDue() == 2)
        // Only the earliest pending delivery of a task is due; the finished one waits for it.
        let first = try await store.claimDeliveries(owner: "s", now: 4, limit: 10, leaseSeconds: 10)
        #expect(first.map(\.kind) == [.progress])
        #expect(first.first?.progress == 50, "a progress delivery records the progress it tells")
        #expect(first.first?.body == nil, "bodies are rendered when sent")
        let progressID = try #require(first.first?.id)
        #expect(
            try await store.claimDeliveries(owner: "t", now: 4, limit: 10, leaseSeconds: 10).isEmpty,
            "a leased delivery is not claimed twice")
        try await store.recordFailedAttempt(id: progressID, error: "503", nextAttemptAt: 5)
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

    static func everyFieldOfEveryEntityRoundTrips(_ store: any TaskStore) async throws {
        let application = Application(
            id: UUID().uuidString.lowercased(), name: "every field", credits: 41, webhookSecret: "whsec_abc", createdAt: 12.5,
            maxRunning: 3, maxPending: 17
        )
        try await store.createApplication(application)
        #expect(try await store.application(id: application.id) == application)
        let credential = Credential(
            id: UUID().uuidString.lowercased(), applicationID: application.id, name: "ci", tokenHash: "ab" + UUID().uuidString,
            scopes: [.imagine, .tasks], revoked: true, expiresAt: 99.25, createdAt: 13.5, ratePerSecond: 0.75, rateBurst: 6
        )
        try await store.createCredential(credential)
        #expect(try await store.credential(tokenHash: credential.tokenHash) == credential)
        let result = TaskResult(
            images: [
                StoredImage(role: .full, name: "t.png", width: 2048, height: 1024),
                StoredImage(role: .thumbnail, name: "t@50.png", width: 1024, height: 512),
                StoredImage(role: .quadrant(3), name: "t-3.png", width: 1024, height: 512, format: "jpeg"),
            ],
            descriptions: ["a", "b"], seed: 4_000_000_000, lineage: #"{"tiles":[]}"#,
            failure: TaskFailure(code: .timeout, message: "slow")
        )
        let imagine = TaskSnapshot(
            id: UUID().uuidString.lowercased(), objectID: "668aae3f550a4144a540803c", applicationID: application.id,
            credentialID: credential.id, traceID: UUID().uuidString.lowercased(),
            command: .imagine(
                ImagineCommand(
                    action: .variationRegion, prompt: "a cat --ar 2:1", parentTaskID: "p", parentImageID: "1259525319472185344",
                    mask: Data([0x89, 0x50, 0x4e, 0x47, 0, 255]), mode: .turbo, splitImages: true, seed: 123)),
            acceptedRequest: #"{"action":"variation_region","mode":"turbo"}"#, state: .failed, progress: 64,
            imageID: "1259525319472185345", jobID: UUID().uuidString.lowercased(), createdAt: 20.125, startedAt: 21.5,
            finishedAt: 30.75, result: result, cost: 4, leaseOwner: "w/1", leaseExpiresAt: 50.5, callbackURL: "https://example.com/h",
            progressWebhooks: true, callbackFormat: "midjourney-proxy"
        )
        let describe = TaskSnapshot(
            id: UUID().uuidString.lowercased(), objectID: "668aae3f550a4144a540803d", applicationID: application.id,
            credentialID: credential.id, traceID: UUID().uuidString.lowercased(),
            command: .describe(DescribeCommand(imageURL: "https://example.com/cat.jpg")), acceptedRequest: "{}", imageID: nil,
            jobID: UUID().uuidString.lowercased(), createdAt: 22, cost: 1
        )
        try await store.insertTask(imagine, limits: .none)
        try await store.insertTask(describe, limits: .none)
        #expect(try await store.task(id: imagine.id) == imagine)
        #expect(try await store.task(id: describe.id) == describe)
        #expect(try await store.tasks(applicationID: application.id, offset: 0, limit: 10) == [describe, imagine])

        // A delivery's every field, as the finish queues it and a claim reads it back.
        var pending = describe
        pending.id = UUID().uuidString.lowercased()
        pending.callbackURL = "https://example.com/d"
        pending.callbackFormat = "midjourney-proxy"
        try await store.insertTask(pending, limits: .none)
        #expect(try await store.finishTask(id: pending.id, owner: nil, outcome: outcome(.cancelled, finishedAt: 40, webhookID: "msg_rt")))
        let claimed = try await store.claimDeliveries(owner: "s", now: 41, limit: 10, leaseSeconds: 5)
        #expect(
            claimed == [
                WebhookDelivery(
                    id: "msg_rt", taskID: pending.id, applicationID: application.id, url: "https://example.com/d",
                    format: "midjourney-proxy", kind: .finished, sequence: 1, nextAttemptAt: 40, createdAt: 40)
            ])
        #expect(try await store.task(id: pending.id)?.result == TaskResult.failed(.cancelled, "no"))
    }

    static func aReachableStoreSaysSo(_ store: any TaskStore) async throws {
        #expect(await store.isReachable())
    }

    static func anEngineStateIsKeptWithItsTaskAndOnlyItsHolderWritesIt(_ store: any TaskStore) async throws {
        let application = try await makeApplication(store)
        let task = makeTask(application.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)
        #expect(try await store.engineState(taskID: task.id) == nil)
        #expect(try await store.recordEngineState(taskID: task.id, owner: "w", state: "early") == false, "a pending task has no holder")
        _ = try await store.claimTask(owner: "dead", now: 10, leaseSeconds: 30, limits: .none)
        let state = #"{"submissions":1,"task_id":"upstream-1","upstream":"upstream"}"#
        #expect(try await store.recordEngineState(taskID: task.id, owner: "dead", state: state))
        #expect(try await store.engineState(taskID: task.id) == state)
        // The next holder reads what the crashed one wrote; the crashed one can no longer write.
        _ = try await store.claimTask(owner: "live", now: 41, leaseSeconds: 30, limits: .none)
        #expect(try await store.engineState(taskID: task.id) == state)
        #expect(try await store.recordEngineState(taskID: task.id, owner: "dead", state: "stale") == false)
        #expect(try await store.recordEngineState(taskID: task.id, owner: "live", state: state + " ") == true)
        #expect(try await store.engineState(taskID: task.id) == state + " ")
        #expect(try await store.finishTask(id: task.id, owner: "live", outcome: outcome(.succeeded, finishedAt: 50)))
        #expect(
            try await store.recordEngineState(taskID: task.id, owner: "live", state: "late") == false, "a finished task keeps its state")
        #expect(try await store.engineState(taskID: task.id) == state + " ")
    }
}

// Serialized: each PostgreSQL test opens its own pool, and a burst of them at once would only measure connection set-up.
@Suite("Every task store keeps the store contract", .serialized, .timeLimit(.minutes(10)))
struct TaskStoreContractTests {
    @Test(arguments: StoreKind.available) func acceptingATaskChargesItsCostAtomically(_ kind: StoreKind) async throws {
        try await TaskStoreContract.acceptingATaskChargesItsCostAtomically(try kind.make())
    }
    @Test(arguments: StoreKind.available) func aTaskReadBackEqualsTheTaskStored(_ kind: StoreKind) async throws {
        try await TaskStoreContract.aTaskReadBackEqualsTheTaskStored(try kind.make())
    }
    @Test(arguments: StoreKind.available) func tasksAreOnlyVisibleToTheirOwnApplication(_ kind: StoreKind) async throws {
        try await TaskStoreContract.tasksAreOnlyVisibleToTheirOwnApplication(try kind.make())
    }
    @Test(arguments: StoreKind.available) func batchesFindTasksByIdsAndTraceIDs(_ kind: StoreKind) async throws {
        try await TaskStoreContract.batchesFindTasksByIdsAndTraceIDs(try kind.make())
    }
    @Test(arguments: StoreKind.available) func listingIsNewestFirstAndPaged(_ kind: StoreKind) async throws {
        try await TaskStoreContract.listingIsNewestFirstAndPaged(try kind.make())
    }
    @Test(arguments: StoreKind.available) func workersClaimTheOldestPendingTaskOnce(_ kind: StoreKind) async throws {
        try await TaskStoreContract.workersClaimTheOldestPendingTaskOnce(try kind.make())
    }
    @Test(arguments: StoreKind.available) func workersRacingForTasksClaimEachExactlyOnce(_ kind: StoreKind) async throws {
        try await TaskStoreContract.workersRacingForTasksClaimEachExactlyOnce(try kind.make())
    }
    @Test(arguments: StoreKind.available) func aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish(_ kind: StoreKind) async throws {
        try await TaskStoreContract.aLapsedLeaseIsClaimedAgainAndTheOldHolderCannotFinish(try kind.make())
    }
    @Test(arguments: StoreKind.available) func aFailedTaskRefundsItsCostOnce(_ kind: StoreKind) async throws {
        try await TaskStoreContract.aFailedTaskRefundsItsCostOnce(try kind.make())
    }
    @Test(arguments: StoreKind.available) func racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook(_ kind: StoreKind) async throws {
        try await TaskStoreContract.racingFinishersFinishATaskOnceWithOneRefundAndOneWebhook(try kind.make())
    }
    @Test(arguments: StoreKind.available) func releasedTasksGoBackToPending(_ kind: StoreKind) async throws {
        try await TaskStoreContract.releasedTasksGoBackToPending(try kind.make())
    }
    @Test(arguments: StoreKind.available) func credentialsAreFoundByTokenHashAndCanBeRevoked(_ kind: StoreKind) async throws {
        try await TaskStoreContract.credentialsAreFoundByTokenHashAndCanBeRevoked(try kind.make())
    }
    @Test(arguments: StoreKind.available) func theAdministratorFlagRoundTrips(_ kind: StoreKind) async throws {
        try await TaskStoreContract.theAdministratorFlagRoundTrips(try kind.make())
    }
    @Test(arguments: StoreKind.available) func creditsLimitsAndRateLimitsAreKeptPerApplication(_ kind: StoreKind) async throws {
        try await TaskStoreContract.creditsLimitsAndRateLimitsAreKeptPerApplication(try kind.make())
    }
    @Test(arguments: StoreKind.available) func usageCountsTasksByStateAndCreditsSpentOnSuccesses(_ kind: StoreKind) async throws {
        try await TaskStoreContract.usageCountsTasksByStateAndCreditsSpentOnSuccesses(try kind.make())
    }
    @Test(arguments: StoreKind.available) func anApplicationAtItsQueueLimitIsRefusedWithoutACharge(_ kind: StoreKind) async throws {
        try await TaskStoreContract.anApplicationAtItsQueueLimitIsRefusedWithoutACharge(try kind.make())
    }
    @Test(arguments: StoreKind.available) func concurrentSubmissionsNeverOverfillTheQueue(_ kind: StoreKind) async throws {
        try await TaskStoreContract.concurrentSubmissionsNeverOverfillTheQueue(try kind.make())
    }
    @Test(arguments: StoreKind.available) func anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun(_ kind: StoreKind) async throws {
        try await TaskStoreContract.anApplicationAtItsConcurrencyLimitWaitsWhileOthersRun(try kind.make())
    }
    @Test(arguments: StoreKind.available) func racingClaimsNeverRunMoreThanTheApplicationsLimit(_ kind: StoreKind) async throws {
        try await TaskStoreContract.racingClaimsNeverRunMoreThanTheApplicationsLimit(try kind.make())
    }
    @Test(arguments: StoreKind.available) func deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask(_ kind: StoreKind) async throws {
        try await TaskStoreContract.deliveriesAreQueuedWithTheFinishAndSentInOrderPerTask(try kind.make())
    }
    @Test(arguments: StoreKind.available) func runningTasksAreWhatWorkersHoldAcrossApplicationsLongestRunningFirst(
        _ kind: StoreKind
    ) async throws {
        try await TaskStoreContract.runningTasksAreWhatWorkersHoldAcrossApplicationsLongestRunningFirst(try kind.make())
    }
    @Test(arguments: StoreKind.available) func aReachableStoreSaysSo(_ kind: StoreKind) async throws {
        try await TaskStoreContract.aReachableStoreSaysSo(try kind.make())
    }
    @Test(arguments: StoreKind.available) func everyFieldOfEveryEntityRoundTrips(_ kind: StoreKind) async throws {
        try await TaskStoreContract.everyFieldOfEveryEntityRoundTrips(try kind.make())
    }
    @Test(arguments: StoreKind.available) func anEngineStateIsKeptWithItsTaskAndOnlyItsHolderWritesIt(_ kind: StoreKind) async throws {
        try await TaskStoreContract.anEngineStateIsKeptWithItsTaskAndOnlyItsHolderWritesIt(try kind.make())
    }
}

// Says loudly in the test report that the PostgreSQL store was not tested, rather than passing silently.
@Suite(
    "The PostgreSQL store is tested when a server is given",
    .enabled(if: PostgresTestDatabase.url != nil, "JOURNEYMAN_TEST_DATABASE_URL is not set: there is no PostgreSQL server to test against")
)
struct PostgresStoreAvailabilityTests {
    @Test func theContractRunsAgainstPostgreSQL() {
        #expect(StoreKind.available.contains(.postgres))
    }
}

/// Closing: what a server does last, and what every command does when it is done.
@Suite("A closed store", .serialized, .timeLimit(.minutes(10)))
struct ClosedStoreTests {
    /// The durable stores this run can make, each with a way to open it again.
    static var durable: [StoreKind] { StoreKind.available.filter { $0 != .memory } }

    @Test(arguments: durable)
    func closesPromptlyTwiceAndKeepsEverythingForTheNextOpening(_ kind: StoreKind) async throws {
        let store: any TaskStore
        let reopen: () throws -> any TaskStore
        switch kind {
        case .sqlite:
            let path = try makeSQLitePath("close")
            store = try SQLiteTaskStore(path: path)
            reopen = { try SQLiteTaskStore(path: path) }
        default:
            let postgres = try PostgresTestDatabase.freshStore()
            store = postgres
            reopen = { PostgresTaskStore(location: postgres.location) }
        }
        let application = try await makeApplication(store, credits: 10)
        let task = makeTask(application.id, createdAt: 1)
        try await store.insertTask(task, limits: .none)

        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            await store.close()
            await store.close()
        }
        #expect(elapsed < .seconds(6), "closing is bounded (five seconds at most for a pool that lingers)")

        let again = try reopen()
        #expect(try await again.task(id: task.id) == task)
        #expect(try await again.application(id: application.id)?.credits == 8)
        await again.close()
    }

    @Test func closingTheEmbeddedStoreMergesItsWriteAheadLogIntoTheFile() async throws {
        let path = try makeSQLitePath("wal")
        let store = try SQLiteTaskStore(path: path)
        _ = try await makeApplication(store)
        let size = { ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0 }
        #expect(size() > 0, "writes go through the log first")
        await store.close()
        #expect(size() == 0)
    }
}
