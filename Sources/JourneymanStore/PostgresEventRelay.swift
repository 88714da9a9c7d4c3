import JourneymanCore
import Logging
import ServiceLifecycle

/// Carries what other instances commit into this one: tasks stored wake the local workers, progress and
/// finishes reach the local waiters and streams, deliveries wake the local webhook sender.
///
/// Without it everything still works, only slower: workers, waiters and the sender poll the store as well.
public struct PostgresEventRelay: Service {
    private let store: PostgresTaskStore
    private let events: TaskEventHub
    private let workSignal: WorkSignal
    private let deliverySignal: WorkSignal
    private let logger: Logger

    /// Relays the store's notifications into this process's hub and signals.
    public init(store: PostgresTaskStore, events: TaskEventHub, workSignal: WorkSignal, deliverySignal: WorkSignal, logger: Logger) {
        self.store = store
        self.events = events
        self.workSignal = workSignal
        self.deliverySignal = deliverySignal
        self.logger = logger
    }

    /// Listens until shutdown, listening again (with a growing pause) whenever the connection is lost. At shutdown
    /// it stops listening and returns within five seconds: a LISTEN waiting on a pool that reconnects to a server
    /// that went away may notice its cancellation only later, and must not hold the service group (it ends on its
    /// own then, or with the pool).
    public func run() async throws {
        let listening = Task { await listenUntilCancelled() }
        try? await gracefulShutdown()
        listening.cancel()
        _ = await firstWithin(.seconds(5), otherwise: false) {
            await listening.value
            return true
        }
    }

    private func listenUntilCancelled() async {
        var pause = 0.25
        while !Task.isCancelled {
            do {
                try await store.listen(onListening: {
                    // Anything committed while nobody listened is found by one look now.
                    workSignal.notify()
                    deliverySignal.notify()
                }) { event in
                    await relay(event)
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("lost the PostgreSQL notification channel; listening again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(pause))
            pause = min(pause * 2, 5)
        }
    }

    private func relay(_ event: PostgresStoreEvent) async {
        switch event {
        case .taskQueued:
            workSignal.notify()
        case .progress(let taskID, let progress):
            events.publish(taskID, .progress(progress))
        case .finished(let taskID):
            // Waiters need the final row; a failed read is covered by their poll.
            if let row = try? await store.task(id: taskID), row.state.isFinished {
                events.publish(taskID, .finished(row))
            }
        case .deliveryQueued:
            deliverySignal.notify()
        }
    }
}
