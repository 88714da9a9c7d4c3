/// What the domain tells an observer as it works: the seam that metrics hang on. Every call is made after the fact
/// it reports (the task is stored, the task has finished), from whichever task did the work; calls must be cheap.
public protocol TaskObserver: Sendable {
    /// A task was accepted and stored; its cost was charged.
    func taskSubmitted(_ task: TaskSnapshot)
    /// A task ended on this instance (a result, a failure, a timeout or a cancel).
    func taskFinished(_ task: TaskSnapshot)
    /// A request was refused because its token's rate limit was exceeded.
    func requestRateLimited()
    /// One webhook attempt ended: delivered, to be retried, or given up.
    func webhookAttempted(_ outcome: WebhookAttemptOutcome)
}

/// How one webhook attempt ended.
public enum WebhookAttemptOutcome: String, Sendable, CaseIterable {
    /// The receiver answered 2xx.
    case delivered
    /// It failed and another attempt is scheduled.
    case retried
    /// It failed and no attempt is left.
    case givenUp = "given_up"
}

/// The observer of a domain nobody watches.
public struct NoTaskObserver: TaskObserver {
    /// Creates it.
    public init() {}
    public func taskSubmitted(_ task: TaskSnapshot) {}
    public func taskFinished(_ task: TaskSnapshot) {}
    public func requestRateLimited() {}
    public func webhookAttempted(_ outcome: WebhookAttemptOutcome) {}
}
