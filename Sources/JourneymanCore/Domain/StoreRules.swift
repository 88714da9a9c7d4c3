/// The rules every store applies inside its transactions, written once; each dialect supplies only the SQL.
public enum StoreRules {
    /// The queue counts from per-application rows: an application's pending tasks are holding while its running
    /// tasks reach the running limit in force for it.
    public static func queueCounts(_ rows: [QueueCountRow], limits: TaskLimits) -> QueueCounts {
        var counts = QueueCounts()
        var perApplication: [String: (pending: Int, running: Int, maxRunning: Int?)] = [:]
        for row in rows {
            var entry = perApplication[row.applicationID] ?? (0, 0, row.maxRunning)
            switch row.state {
            case .pending: entry.pending += row.count
            case .running: entry.running += row.count
            default: continue
            }
            perApplication[row.applicationID] = entry
        }
        for entry in perApplication.values {
            counts.pending += entry.pending
            counts.running += entry.running
            if let limit = runningLimit(own: entry.maxRunning, limits: limits), entry.running >= limit { counts.holding += entry.pending }
        }
        return counts
    }

    /// The pending-task limit in force for an application: its own, else the server's (nil: none).
    public static func pendingLimit(own: Int?, limits: TaskLimits) -> Int? {
        own ?? limits.maxPendingPerApplication
    }

    /// The running-task limit in force for an application: its own, else the server's (nil: none).
    public static func runningLimit(own: Int?, limits: TaskLimits) -> Int? {
        own ?? limits.maxRunningPerApplication
    }

    /// Refuses a new task when its application's queue is full; `pending` counts its pending tasks now.
    public static func checkQueue(pending: Int, limit: Int?) throws {
        if let limit, pending >= limit { throw StoreError.queueFull(limit: limit) }
    }

    /// The credits a finished task gives back: its whole cost unless it succeeded.
    public static func refund(cost: Int, outcome: TaskOutcome) -> Int {
        outcome.state == .succeeded ? 0 : cost
    }

    /// The progress a finish records: 100 for a success, else what the task had reached.
    public static func finalProgress(_ current: Int, outcome: TaskOutcome) -> Int {
        outcome.state == .succeeded ? 100 : current
    }

    /// The delivery a finish queues for a task with a `callback_url`.
    public static func finishedDelivery(_ task: TaskSnapshot, outcome: TaskOutcome) -> WebhookDelivery? {
        guard let url = task.callbackURL else { return nil }
        return WebhookDelivery(
            id: outcome.webhookID, taskID: task.id, applicationID: task.applicationID, url: url, format: task.callbackFormat,
            kind: .finished, nextAttemptAt: outcome.finishedAt, createdAt: outcome.finishedAt
        )
    }

    /// The delivery a progress update queues: only for tasks with progress webhooks, and only when progress grew.
    public static func progressDelivery(_ task: TaskSnapshot, from before: Int, to progress: Int, now: Double) -> WebhookDelivery? {
        guard task.progressWebhooks, let url = task.callbackURL, progress > before else { return nil }
        return WebhookDelivery(
            id: WebhookIDs.make(), taskID: task.id, applicationID: task.applicationID, url: url, format: task.callbackFormat,
            progress: progress, kind: .progress, nextAttemptAt: now, createdAt: now
        )
    }

    /// The task as a claim leaves it: running, held by `owner` until the lease lapses, started once.
    public static func claimedTask(_ task: TaskSnapshot, owner: String, now: Double, leaseSeconds: Double) -> TaskSnapshot {
        var claimed = task
        claimed.state = .running
        claimed.leaseOwner = owner
        claimed.leaseExpiresAt = now + leaseSeconds
        claimed.startedAt = task.startedAt ?? now
        return claimed
    }
}
