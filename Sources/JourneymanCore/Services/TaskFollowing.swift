/// Following: hears a task's progress and its end, at once from this process's workers and by polling
/// the store for the rest (other processes, other instances).
public struct TaskFollowing: Sendable {
    /// Where tasks are read.
    public let queries: any TaskQueries
    /// What this process's workers say.
    public let events: TaskEventHub

    /// Creates following over a store and a hub.
    public init(queries: any TaskQueries, events: TaskEventHub) {
        self.queries = queries
        self.events = events
    }

    /// Waits until the task finishes or `timeout` seconds pass; answers the finished task, or nil on timeout.
    public func waitUntilFinished(_ taskID: String, timeout: Double) async throws -> TaskSnapshot? {
        try await withThrowingTaskGroup(of: TaskSnapshot?.self) { group in
            group.addTask { try await follow(taskID) { _ in } }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Follows a task: calls `onEvent` with its current progress, then each growth of it, and last `.finished`
    /// (at once for a finished task); answers the finished task, or nil for an unknown one.
    /// Hears this process's workers at once and polls the store every `pollInterval` seconds for the rest.
    @discardableResult
    public func follow(_ taskID: String, pollInterval: Double = 2, _ onEvent: (TaskEvent) async throws -> Void) async throws
        -> TaskSnapshot?
    {
        let subscription = events.subscribe(taskID)
        // Subscribed first, then read: a finish between the two is not missed.
        guard let first = try await queries.task(id: taskID) else { return nil }
        if first.state.isFinished {
            try await onEvent(.finished(first))
            return first
        }
        try await onEvent(.progress(first.progress))
        let (merged, sink) = AsyncStream.makeStream(of: TaskEvent.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in subscription { sink.yield(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(pollInterval))
                    guard let task = try await queries.task(id: taskID) else { continue }
                    sink.yield(task.state.isFinished ? .finished(task) : .progress(task.progress))
                }
            }
            var last = first.progress
            for await event in merged {
                switch event {
                case .progress(let progress):
                    guard progress > last else { continue }
                    last = progress
                    try await onEvent(event)
                case .finished(let task):
                    try await onEvent(event)
                    group.cancelAll()
                    return task
                }
            }
            return nil
        }
    }
}
