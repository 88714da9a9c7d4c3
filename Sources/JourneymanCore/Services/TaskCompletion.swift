/// Completion: the one path by which a task ends (a worker's result, a failure, a cancel): the store finishes it
/// once (refund and outbox in the same transaction), then waiters, streams and the webhook sender are told.
public struct TaskCompletion: Sendable {
    /// The queue that finishes tasks.
    public let queue: any TaskQueue
    /// Where the finished task is read back.
    public let queries: any TaskQueries
    /// Tells this process's waiters and streams.
    public let events: TaskEventHub
    /// Wakes the webhook sender.
    public let deliverySignal: WorkSignal
    /// Unix seconds now.
    public let now: @Sendable () -> Double
    /// Told of every task that ends here.
    public let observer: any TaskObserver

    /// Creates the completion path.
    public init(
        queue: any TaskQueue, queries: any TaskQueries, events: TaskEventHub, deliverySignal: WorkSignal,
        observer: any TaskObserver = NoTaskObserver(), now: @escaping @Sendable () -> Double
    ) {
        self.queue = queue
        self.observer = observer
        self.queries = queries
        self.events = events
        self.deliverySignal = deliverySignal
        self.now = now
    }

    /// Finishes a task with `outcome` (held by `owner`, or by anyone when nil); answers the finished task,
    /// or nil when it had already finished (cancelled, or finished by another worker).
    @discardableResult
    public func finish(_ taskID: String, owner: String?, outcome: TaskOutcome) async throws -> TaskSnapshot? {
        guard try await queue.finishTask(id: taskID, owner: owner, outcome: outcome) else { return nil }
        guard let finished = try await queries.task(id: taskID) else {
            throw ServiceError(.internalError, "The task could not be read back.")
        }
        events.publish(taskID, .finished(finished))
        if finished.callbackURL != nil { deliverySignal.notify() }
        observer.taskFinished(finished)
        return finished
    }

    /// Cancels a pending or running task of the application; its credits come back.
    public func cancel(_ taskID: String, applicationID: String) async throws -> TaskSnapshot {
        guard let task = try await queries.task(id: taskID, applicationID: applicationID) else {
            throw ServiceError(.badRequest, "task '\(taskID.prefix(40))' is unknown")
        }
        guard !task.state.isFinished else {
            throw ServiceError(
                .badRequest,
                "task '\(taskID)' has already finished (\(task.state.rawValue)); only pending or running tasks can be cancelled")
        }
        let outcome = TaskOutcome(state: .cancelled, result: .failed(.cancelled, "The task was cancelled."), finishedAt: now())
        guard let finished = try await finish(taskID, owner: nil, outcome: outcome) else {
            throw ServiceError(.badRequest, "task '\(taskID)' has already finished; only pending or running tasks can be cancelled")
        }
        return finished
    }
}
