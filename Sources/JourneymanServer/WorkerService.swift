import JourneymanCore
import Logging
import ServiceLifecycle
import Synchronization

/// Starts and stops the workers: each claims tasks from the store and runs them (`TaskWorker` does the work).
public struct WorkerService: Service {
    let worker: TaskWorker
    let signal: WorkSignal
    let count: Int
    let instanceID: String
    let logger: Logger

    /// Creates a pool of `count` workers named after `instanceID`.
    public init(worker: TaskWorker, signal: WorkSignal, count: Int, instanceID: String, logger: Logger) {
        self.worker = worker
        self.signal = signal
        self.count = count
        self.instanceID = instanceID
        self.logger = logger
    }

    /// Runs the workers until shutdown: on a graceful one they stop claiming and let running tasks finish;
    /// when the grace period ends, what still runs goes back to pending at once.
    public func run() async throws {
        logger.info("workers started", metadata: ["count": "\(count)", "instance": "\(instanceID)"])
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        await worker.work(owner: "\(instanceID)/\(index)", signal: signal) {
                            stopping.value.load(ordering: .relaxed)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            logger.info("shutdown requested: workers take no new tasks and let running ones finish")
            stopping.value.store(true, ordering: .relaxed)
            for _ in 0..<count { signal.notify() }
        }
        let queue = worker.queue
        let waiting = await Task.detached { (try? await queue.unfinishedTaskCount()) ?? 0 }.value
        logger.info("workers stopped", metadata: ["unfinished_tasks": "\(waiting)"])
    }
}

/// A flag the shutdown handler raises and the workers read.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
