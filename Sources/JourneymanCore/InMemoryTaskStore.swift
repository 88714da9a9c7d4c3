/// A store in memory, for the domain's unit tests and for trying things out: the same contract as the SQLite and
/// PostgreSQL stores (the store contract tests run against all three), nothing kept across restarts.
public actor InMemoryTaskStore: TaskStore {
    private var applicationsByID: [String: Application] = [:]
    private var credentialsByID: [String: Credential] = [:]
    private var tasksByID: [String: TaskSnapshot] = [:]
    private var deliveriesByID: [String: WebhookDelivery] = [:]
    private var deliveryLeases: [String: Double] = [:]
    private var engineStates: [String: String] = [:]

    /// An empty store.
    public init() {}

    // MARK: Accounts

    public func createApplication(_ application: Application) {
        applicationsByID[application.id] = application
    }

    public func application(id: String) -> Application? { applicationsByID[id] }

    public func applications() -> [Application] {
        applicationsByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func addCredits(applicationID: String, amount: Int) -> Int? {
        guard var application = applicationsByID[applicationID] else { return nil }
        application.credits = max(0, application.credits + amount)
        applicationsByID[applicationID] = application
        return application.credits
    }

    public func setLimits(applicationID: String, maxRunning: Int?, maxPending: Int?) -> Bool {
        guard applicationsByID[applicationID] != nil else { return false }
        applicationsByID[applicationID]?.maxRunning = maxRunning
        applicationsByID[applicationID]?.maxPending = maxPending
        return true
    }

    public func setAdministrator(applicationID: String, administrator: Bool) -> Bool {
        guard applicationsByID[applicationID] != nil else { return false }
        applicationsByID[applicationID]?.administrator = administrator
        return true
    }

    public func usage() -> [ApplicationUsage] {
        var usage: [String: ApplicationUsage] = [:]
        for id in applicationsByID.keys { usage[id] = ApplicationUsage(applicationID: id, tasksByState: [:], creditsSpent: 0) }
        for task in tasksByID.values {
            usage[task.applicationID, default: ApplicationUsage(applicationID: task.applicationID, tasksByState: [:], creditsSpent: 0)]
                .tasksByState[task.state.rawValue, default: 0] += 1
            if task.state != .failed && task.state != .cancelled { usage[task.applicationID]?.creditsSpent += task.cost }
        }
        return usage.values.sorted { $0.applicationID < $1.applicationID }
    }

    public func createCredential(_ credential: Credential) throws {
        guard applicationsByID[credential.applicationID] != nil else { throw StoreError.unknownApplication(credential.applicationID) }
        credentialsByID[credential.id] = credential
    }

    public func credential(tokenHash: String) -> Credential? {
        credentialsByID.values.first { $0.tokenHash == tokenHash }
    }

    public func credentials() -> [Credential] {
        credentialsByID.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func revokeCredential(id: String) -> Bool {
        guard credentialsByID[id] != nil else { return false }
        credentialsByID[id]?.revoked = true
        return true
    }

    public func setRateLimit(credentialID: String, perSecond: Double?, burst: Int?) -> Bool {
        guard credentialsByID[credentialID] != nil else { return false }
        credentialsByID[credentialID]?.ratePerSecond = perSecond
        credentialsByID[credentialID]?.rateBurst = burst
        return true
    }

    // MARK: Queue

    public func insertTask(_ task: TaskSnapshot, limits: TaskLimits) throws {
        guard let application = applicationsByID[task.applicationID] else { throw StoreError.unknownApplication(task.applicationID) }
        let pending = tasksByID.values.filter { $0.applicationID == task.applicationID && $0.state == .pending }.count
        try StoreRules.checkQueue(pending: pending, limit: StoreRules.pendingLimit(own: application.maxPending, limits: limits))
        if task.cost > 0 {
            guard application.credits >= task.cost else {
                throw StoreError.insufficientCredits(balance: application.credits, cost: task.cost)
            }
            applicationsByID[task.applicationID]?.credits -= task.cost
        }
        tasksByID[task.id] = task
    }

    public func claimTask(owner: String, now: Double, leaseSeconds: Double, limits: TaskLimits) -> TaskSnapshot? {
        let candidates = tasksByID.values
            .filter { $0.state == .pending || ($0.state == .running && ($0.leaseExpiresAt ?? 0) < now) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        for candidate in candidates {
            let own = applicationsByID[candidate.applicationID]?.maxRunning
            if let limit = StoreRules.runningLimit(own: own, limits: limits) {
                let running = tasksByID.values.filter {
                    $0.applicationID == candidate.applicationID && $0.state == .running && ($0.leaseExpiresAt ?? 0) >= now
                }.count
                if running >= limit { continue }
            }
            let claimed = StoreRules.claimedTask(candidate, owner: owner, now: now, leaseSeconds: leaseSeconds)
            tasksByID[candidate.id] = claimed
            return claimed
        }
        return nil
    }

    public func updateProgress(id: String, owner: String, progress: Int, now: Double, leaseSeconds: Double) -> Bool {
        guard var task = tasksByID[id], task.state == .running, task.leaseOwner == owner else { return false }
        let before = task.progress
        task.progress = max(task.progress, progress)
        task.leaseExpiresAt = now + leaseSeconds
        tasksByID[id] = task
        if let delivery = StoreRules.progressDelivery(task, from: before, to: progress, now: now) { enqueue(delivery) }
        return true
    }

    public func engineState(taskID id: String) -> String? { engineStates[id] }

    public func recordEngineState(taskID id: String, owner: String, state: String) -> Bool {
        guard let task = tasksByID[id], task.state == .running, task.leaseOwner == owner else { return false }
        engineStates[id] = state
        return true
    }

    public func finishTask(id: String, owner: String?, outcome: TaskOutcome) -> Bool {
        guard var task = tasksByID[id], !task.state.isFinished else { return false }
        if let owner, task.leaseOwner != owner { return false }
        task.state = outcome.state
        task.progress = StoreRules.finalProgress(task.progress, outcome: outcome)
        task.result = outcome.result
        task.finishedAt = outcome.finishedAt
        task.leaseOwner = nil
        task.leaseExpiresAt = nil
        tasksByID[id] = task
        if let delivery = StoreRules.finishedDelivery(task, outcome: outcome) { enqueue(delivery) }
        let refund = StoreRules.refund(cost: task.cost, outcome: outcome)
        if refund > 0 { applicationsByID[task.applicationID]?.credits += refund }
        return true
    }

    public func releaseTasks(owner: String) -> Int {
        var released = 0
        for (id, task) in tasksByID where task.state == .running && task.leaseOwner == owner {
            tasksByID[id]?.state = .pending
            tasksByID[id]?.leaseOwner = nil
            tasksByID[id]?.leaseExpiresAt = nil
            released += 1
        }
        return released
    }

    public func unfinishedTaskCount() -> Int {
        tasksByID.values.filter { !$0.state.isFinished }.count
    }

    // MARK: Queries

    public func task(id: String, applicationID: String) -> TaskSnapshot? {
        tasksByID[id].flatMap { $0.applicationID == applicationID ? $0 : nil }
    }

    public func task(traceID: String, applicationID: String) -> TaskSnapshot? {
        tasksByID.values.filter { $0.applicationID == applicationID && $0.traceID == traceID }.min { $0.createdAt < $1.createdAt }
    }

    public func task(imageID: String, applicationID: String) -> TaskSnapshot? {
        tasksByID.values.first { $0.applicationID == applicationID && $0.imageID == imageID }
    }

    public func tasks(ids: [String], applicationID: String) -> [TaskSnapshot] {
        ids.compactMap { task(id: $0, applicationID: applicationID) }
    }

    public func tasks(traceIDs: [String], applicationID: String) -> [TaskSnapshot] {
        let wanted = Set(traceIDs)
        return tasksByID.values.filter { $0.applicationID == applicationID && wanted.contains($0.traceID) }
            .sorted { $0.createdAt < $1.createdAt }
    }

    public func tasks(applicationID: String, offset: Int, limit: Int) -> [TaskSnapshot] {
        let own = tasksByID.values.filter { $0.applicationID == applicationID }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return Array(own.dropFirst(offset).prefix(limit))
    }

    public func taskIDs(applicationID: String, offset: Int, limit: Int) -> [String] {
        tasks(applicationID: applicationID, offset: offset, limit: limit).map(\.id)
    }

    public func task(id: String) -> TaskSnapshot? { tasksByID[id] }

    public func runningTasks(limit: Int) -> [TaskSnapshot] {
        let running = tasksByID.values.filter { $0.state == .running }
        return Array(running.sorted { ($0.startedAt ?? 0, $0.id) < ($1.startedAt ?? 0, $1.id) }.prefix(limit))
    }

    // MARK: Outbox

    private func enqueue(_ delivery: WebhookDelivery) {
        var queued = delivery
        queued.sequence = (deliveriesByID.values.filter { $0.taskID == delivery.taskID }.map(\.sequence).max() ?? 0) + 1
        queued.state = .pending
        deliveriesByID[queued.id] = queued
    }

    public func claimDeliveries(owner: String, now: Double, limit: Int, leaseSeconds: Double) -> [WebhookDelivery] {
        let pending = deliveriesByID.values.filter { $0.state == .pending }
        let due = pending.filter { delivery in
            delivery.nextAttemptAt <= now && (deliveryLeases[delivery.id] ?? 0) < now
                && !pending.contains { $0.taskID == delivery.taskID && $0.sequence < delivery.sequence }
        }
        .sorted { ($0.nextAttemptAt, $0.sequence) < ($1.nextAttemptAt, $1.sequence) }
        .prefix(limit)
        for delivery in due { deliveryLeases[delivery.id] = now + leaseSeconds }
        return Array(due)
    }

    public func recordDelivered(id: String, now: Double) {
        guard var delivery = deliveriesByID[id], delivery.state == .pending else { return }
        delivery.state = .delivered
        delivery.attempts += 1
        delivery.deliveredAt = now
        delivery.lastError = nil
        deliveriesByID[id] = delivery
        deliveryLeases[id] = nil
    }

    public func recordFailedAttempt(id: String, error: String, nextAttemptAt: Double?) {
        guard var delivery = deliveriesByID[id], delivery.state == .pending else { return }
        delivery.attempts += 1
        delivery.lastError = error
        if let nextAttemptAt { delivery.nextAttemptAt = nextAttemptAt } else { delivery.state = .failed }
        deliveriesByID[id] = delivery
        deliveryLeases[id] = nil
    }

    public func deliveries(taskID: String?, limit: Int) -> [WebhookDelivery] {
        if let taskID {
            return Array(deliveriesByID.values.filter { $0.taskID == taskID }.sorted { $0.sequence < $1.sequence }.prefix(limit))
        }
        let newest = deliveriesByID.values.sorted { ($0.createdAt, $0.sequence) > ($1.createdAt, $1.sequence) }.prefix(limit)
        return newest.reversed()
    }

    public func nextDeliveryDue() -> Double? {
        deliveriesByID.values.filter { $0.state == .pending }.map(\.nextAttemptAt).min()
    }

    public func pendingDeliveryCount() -> Int {
        deliveriesByID.values.filter { $0.state == .pending }.count
    }

    public func queueCounts(limits: TaskLimits) -> QueueCounts {
        var rows: [String: QueueCountRow] = [:]
        for task in tasksByID.values where !task.state.isFinished {
            let key = "\(task.applicationID) \(task.state.rawValue)"
            var row =
                rows[key]
                ?? QueueCountRow(
                    applicationID: task.applicationID, state: task.state, count: 0,
                    maxRunning: applicationsByID[task.applicationID]?.maxRunning)
            row.count += 1
            rows[key] = row
        }
        return StoreRules.queueCounts(Array(rows.values), limits: limits)
    }

    public func isReachable() -> Bool { true }

    public func readiness() -> StoreReadiness { .ready }

    /// Nothing to close: the tasks live as long as the store.
    public func close() {}
}
