import JourneymanCore
import Logging
import ServiceLifecycle
import Synchronization

/// The pool of workers that claim pending tasks from the store and run them.
public struct WorkerService: Service {
    let store: any TaskStore
    let runner: TaskRunner
    let signal: WorkSignal
    let count: Int
    let instanceID: String
    let leaseSeconds: Double
    let logger: Logger

    /// Creates a pool of `count` workers named after `instanceID`.
    public init(
        store: any TaskStore, runner: TaskRunner, signal: WorkSignal, count: Int, instanceID: String, leaseSeconds: Double, logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.signal = signal
        self.count = count
        self.instanceID = instanceID
        self.leaseSeconds = leaseSeconds
        self.logger = logger
    }

    /// Runs the workers until shutdown: on a graceful one they stop claiming and let running tasks finish.
    public func run() async throws {
        logger.info("workers started", metadata: ["count": "\(count)", "instance": "\(instanceID)"])
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask { await work(owner: "\(instanceID)/\(index)", stopping: stopping) }
                }
            }
        } onGracefulShutdown: {
            logger.info("shutdown requested: workers take no new tasks and let running ones finish")
            stopping.value.store(true, ordering: .relaxed)
            for _ in 0..<count { signal.notify() }
        }
        let waiting = (try? await store.unfinishedTaskCount()) ?? 0
        logger.info("workers stopped", metadata: ["unfinished_tasks": "\(waiting)"])
    }

    private func work(owner: String, stopping: StopFlag) async {
        while !Task.isCancelled && !stopping.value.load(ordering: .relaxed) {
            do {
                if let task = try await store.claimTask(
                    owner: owner, now: runner.service.now(), leaseSeconds: leaseSeconds, limits: runner.service.limits)
                {
                    await runner.run(task, owner: owner)
                    continue
                }
            } catch {
                logger.error("could not claim work", metadata: ["error": "\(error)"])
            }
            await signal.wait(timeout: 1)
        }
    }
}

/// A flag the shutdown handler raises and the workers read.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
