/// Applications and their credentials.
public protocol AccountStore: Sendable {
    /// Adds an application, every field as given.
    func createApplication(_ application: Application) async throws
    /// One application by id.
    func application(id: String) async throws -> Application?
    /// Every application, oldest first.
    func applications() async throws -> [Application]
    /// Adds `amount` credits (negative takes away, never below zero); answers the new balance, nil for an unknown id.
    func addCredits(applicationID: String, amount: Int) async throws -> Int?
    /// Sets (or, with nil, clears) an application's own limits; false for an unknown id.
    func setLimits(applicationID: String, maxRunning: Int?, maxPending: Int?) async throws -> Bool
    /// Marks an application as administrator (its tokens operate the server in the web console) or not; false for an unknown id.
    func setAdministrator(applicationID: String, administrator: Bool) async throws -> Bool
    /// Per application: tasks by state and credits spent on succeeded tasks.
    func usage() async throws -> [ApplicationUsage]

    /// Adds a credential, every field as given; throws `StoreError.unknownApplication` for an unknown application.
    func createCredential(_ credential: Credential) async throws
    /// The credential whose token has this hash (revoked ones included).
    func credential(tokenHash: String) async throws -> Credential?
    /// Every credential, oldest first.
    func credentials() async throws -> [Credential]
    /// Revokes a credential; false when there is none with that id.
    func revokeCredential(id: String) async throws -> Bool
    /// Sets (or, with nil, clears) a credential's own rate limit; false for an unknown id.
    func setRateLimit(credentialID: String, perSecond: Double?, burst: Int?) async throws -> Bool
}

/// The tasks table as the work queue: accepting, claiming, progress, finishing once.
public protocol TaskQueue: Sendable {
    /// Stores a new pending task and charges its cost to its application in one transaction.
    /// Throws (and stores nothing) `StoreError.insufficientCredits` when the balance is short, and
    /// `StoreError.queueFull` when the application already has its limit of pending tasks
    /// (the application's own `maxPending`, else `limits.maxPendingPerApplication`).
    func insertTask(_ task: TaskSnapshot, limits: TaskLimits) async throws
    /// Claims the oldest pending task, or a running one whose lease lapsed, for `owner` until `now + leaseSeconds`,
    /// skipping applications that already run their limit of tasks (their own `maxRunning`, else `limits.maxRunningPerApplication`).
    func claimTask(owner: String, now: Double, leaseSeconds: Double, limits: TaskLimits) async throws -> TaskSnapshot?
    /// Records progress and renews the lease; false when `owner` no longer holds a running task `id`.
    /// A task with progress webhooks gets a progress delivery queued when the progress grew.
    func updateProgress(id: String, owner: String, progress: Int, now: Double, leaseSeconds: Double) async throws -> Bool
    /// Finishes a task exactly once: only while it is unfinished and (when `owner` is given) held by `owner`.
    /// In the same transaction: a failed or cancelled task's cost goes back to its application, and a task
    /// with a `callback_url` gets its finished delivery queued.
    func finishTask(id: String, owner: String?, outcome: TaskOutcome) async throws -> Bool
    /// Puts the running tasks held by `owner` back to pending (graceful shutdown); answers how many.
    func releaseTasks(owner: String) async throws -> Int
    /// How many tasks are pending or running.
    func unfinishedTaskCount() async throws -> Int
    /// The unfinished tasks counted by state, with the pending ones held back by their application's running limit.
    func queueCounts(limits: TaskLimits) async throws -> QueueCounts
}

/// The queue at one moment: what `/metrics` reports as `journeyman_tasks{state}`.
public struct QueueCounts: Sendable, Equatable {
    /// Tasks waiting for a worker (holding ones included).
    public var pending: Int
    /// Tasks a worker holds.
    public var running: Int
    /// Pending tasks whose application already runs as many tasks as its limit allows.
    public var holding: Int

    /// Creates counts.
    public init(pending: Int = 0, running: Int = 0, holding: Int = 0) {
        self.pending = pending
        self.running = running
        self.holding = holding
    }
}

/// One application's unfinished tasks in one state: the rows a store reads for `queueCounts`.
public struct QueueCountRow: Sendable {
    /// The application.
    public var applicationID: String
    /// `pending` or `running`.
    public var state: TaskState
    /// How many.
    public var count: Int
    /// The application's own running limit.
    public var maxRunning: Int?

    /// Creates a row.
    public init(applicationID: String, state: TaskState, count: Int, maxRunning: Int?) {
        self.applicationID = applicationID
        self.state = state
        self.count = count
        self.maxRunning = maxRunning
    }
}

/// Reading tasks back: by id, trace id or image id, in batches, and as an application's list.
public protocol TaskQueries: Sendable {
    /// One task of an application by id.
    func task(id: String, applicationID: String) async throws -> TaskSnapshot?
    /// One task of an application by its creating request's trace id.
    func task(traceID: String, applicationID: String) async throws -> TaskSnapshot?
    /// One task of an application by the image id it produced.
    func task(imageID: String, applicationID: String) async throws -> TaskSnapshot?
    /// The application's tasks among `ids`, in any order.
    func tasks(ids: [String], applicationID: String) async throws -> [TaskSnapshot]
    /// The application's tasks among `traceIDs`, in any order.
    func tasks(traceIDs: [String], applicationID: String) async throws -> [TaskSnapshot]
    /// The application's tasks, newest first.
    func tasks(applicationID: String, offset: Int, limit: Int) async throws -> [TaskSnapshot]
    /// The ids of the application's tasks, newest first, in the order of `tasks(applicationID:offset:limit:)`.
    func taskIDs(applicationID: String, offset: Int, limit: Int) async throws -> [String]
    /// Any task by id, whatever its application (for workers and image serving).
    func task(id: String) async throws -> TaskSnapshot?
    /// The tasks workers hold now, whatever their application, longest-running first (for the operate panel).
    func runningTasks(limit: Int) async throws -> [TaskSnapshot]
}

/// Webhook deliveries waiting to be sent, sent, or given up.
public protocol DeliveryOutbox: Sendable {
    /// Claims up to `limit` deliveries that are due, each the earliest pending one of its task, for `owner`.
    func claimDeliveries(owner: String, now: Double, limit: Int, leaseSeconds: Double) async throws -> [WebhookDelivery]
    /// Records a successful attempt.
    func recordDelivered(id: String, now: Double) async throws
    /// Records a failed attempt: retried at `nextAttemptAt`, or given up when that is nil.
    func recordFailedAttempt(id: String, error: String, nextAttemptAt: Double?) async throws
    /// Deliveries of one task (or the newest of all, when `taskID` is nil), oldest first.
    func deliveries(taskID: String?, limit: Int) async throws -> [WebhookDelivery]
    /// Unix seconds of the earliest pending delivery, if any.
    func nextDeliveryDue() async throws -> Double?
    /// How many deliveries wait to be sent (the webhook backlog).
    func pendingDeliveryCount() async throws -> Int
}

/// Everything a server keeps durably: the four roles in one store (SQLite, PostgreSQL, or memory for tests).
public protocol TaskStore: AccountStore, TaskQueue, TaskQueries, DeliveryOutbox, EngineStateStore {
    /// Whether the store answers a trivial query now (`/readyz`).
    func isReachable() async -> Bool
    /// Whether the store can serve: it answers, and its schema has every migration of this release (`/readyz`).
    func readiness() async -> StoreReadiness
    /// Closes its connections (the server that opened it has stopped using it), in a bounded time; harmless when
    /// called again. What comes after it may fail.
    func close() async
}

/// Whether a store can serve now.
public enum StoreReadiness: Sendable, Equatable {
    /// It answers and its schema is current.
    case ready
    /// It does not answer (down, unreachable, or slower than the check allows).
    case unreachable
    /// It answers, but its schema lacks migrations of this release.
    case schemaBehind
}

/// Per-application limits on tasks, where the application has none of its own (nil: unlimited).
public struct TaskLimits: Sendable, Equatable {
    /// Most tasks of one application running at once.
    public var maxRunningPerApplication: Int?
    /// Most tasks of one application waiting at once.
    public var maxPendingPerApplication: Int?

    /// No limits.
    public static let none = TaskLimits()

    /// Creates limits.
    public init(maxRunningPerApplication: Int? = nil, maxPendingPerApplication: Int? = nil) {
        self.maxRunningPerApplication = maxRunningPerApplication
        self.maxPendingPerApplication = maxPendingPerApplication
    }
}

/// Failures a store reports in domain terms.
public enum StoreError: Error, Sendable, Equatable {
    /// The application's balance does not cover the task's cost.
    case insufficientCredits(balance: Int, cost: Int)
    /// The application already has `limit` pending tasks.
    case queueFull(limit: Int)
    /// The application does not exist.
    case unknownApplication(String)
}

/// Where images live, by name (`<task_id>.png`, `<task_id>-1.png`, ...).
public protocol BlobStore: Sendable {
    /// Stores bytes under a name, replacing any earlier ones; durable when it returns.
    func put(_ name: String, bytes: [UInt8]) async throws
    /// The bytes of a name, or nil.
    func get(_ name: String) async throws -> [UInt8]?
}
