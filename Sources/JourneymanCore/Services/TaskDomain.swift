import Foundation

/// The domain as the contracts see it: access, submission, queries, following and completion over one store.
/// Handlers call these; none of them reaches into the store.
public struct TaskDomain: Sendable {
    /// Tokens, scopes and rate limits.
    public let access: AccessControl
    /// New tasks.
    public let submission: TaskSubmission
    /// Reading tasks back.
    public let reader: TaskReader
    /// Waiting for tasks.
    public let following: TaskFollowing
    /// Ending tasks (cancel).
    public let completion: TaskCompletion
    /// What this process's workers say about tasks.
    public let events: TaskEventHub
    /// Wakes workers when a task is stored.
    public let workSignal: WorkSignal
    /// Wakes the webhook sender when a delivery is queued.
    public let deliverySignal: WorkSignal
    /// Unix seconds now.
    public let now: @Sendable () -> Double
    /// Told what the domain does (metrics).
    public let observer: any TaskObserver

    /// Builds the domain over `store`.
    public init(
        store: any TaskStore, ratePolicy: RatePolicy = RatePolicy(perSecond: 10, burst: 40), limits: TaskLimits = .none,
        moderation: ModerationList = ModerationList(words: []), identifiers: IdentifierFactory = IdentifierFactory(),
        events: TaskEventHub = TaskEventHub(), workSignal: WorkSignal = WorkSignal(), deliverySignal: WorkSignal = WorkSignal(),
        observer: any TaskObserver = NoTaskObserver(), pool: CPUPool = .shared,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.access = AccessControl(accounts: store, ratePolicy: ratePolicy, observer: observer, now: now)
        self.submission = TaskSubmission(
            queue: store, queries: store, workSignal: workSignal, identifiers: identifiers, limits: limits, moderation: moderation,
            observer: observer, pool: pool,
            now: now
        )
        self.reader = TaskReader(queries: store)
        self.following = TaskFollowing(queries: store, events: events)
        self.completion = TaskCompletion(
            queue: store, queries: store, events: events, deliverySignal: deliverySignal, observer: observer, now: now)
        self.events = events
        self.workSignal = workSignal
        self.deliverySignal = deliverySignal
        self.now = now
        self.observer = observer
    }
}
