import Synchronization

/// Something that happened to a task, as waiters, streams and webhooks hear it.
public enum TaskEvent: Sendable, Equatable {
    /// The task is running and has got this far.
    case progress(Int)
    /// The task finished (succeeded, failed or cancelled); the snapshot is final.
    case finished(TaskSnapshot)
}

/// Tells in-process listeners what happens to tasks, by task id.
public final class TaskEventHub: Sendable {
    private struct Listener {
        let id: Int
        let continuation: AsyncStream<TaskEvent>.Continuation
    }

    private let listeners = Mutex<(next: Int, byTask: [String: [Listener]])>((0, [:]))

    /// Creates an empty hub.
    public init() {}

    /// A stream of the task's events from now on; it ends after `.finished` or when the caller stops listening.
    public func subscribe(_ taskID: String) -> AsyncStream<TaskEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: TaskEvent.self, bufferingPolicy: .bufferingNewest(64))
        let id = listeners.withLock { state -> Int in
            state.next += 1
            state.byTask[taskID, default: []].append(Listener(id: state.next, continuation: continuation))
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.listeners.withLock { state in
                state.byTask[taskID]?.removeAll { $0.id == id }
                if state.byTask[taskID]?.isEmpty == true { state.byTask[taskID] = nil }
            }
        }
        return stream
    }

    /// Tells every listener of the task; a finished event also ends their streams.
    public func publish(_ taskID: String, _ event: TaskEvent) {
        let targets = listeners.withLock { state -> [Listener] in
            let targets = state.byTask[taskID] ?? []
            if case .finished = event { state.byTask[taskID] = nil }
            return targets
        }
        for listener in targets {
            listener.continuation.yield(event)
            if case .finished = event { listener.continuation.finish() }
        }
    }
}
