import Dispatch
import NIOPosix

/// Where CPU-heavy and blocking work runs (codecs, thumbnails, masks, describe decoding, rendering, DNS): never on
/// the event loops or Swift's cooperative pool, which only wait for it.
///
/// A server makes one bounded pool (`bounded(threads:)`) and hands it to every part that needs one; the pool's
/// threads end when the last holder lets go of it, or at once with `shutdown()`.
public struct CPUPool: Sendable {
    /// The threads, or nil for Dispatch's global concurrent queue.
    private let owner: CPUThreads?

    private init(owner: CPUThreads?) {
        self.owner = owner
    }

    /// A pool of exactly `threads` threads (at least one), started now.
    public static func bounded(threads: Int) -> CPUPool {
        CPUPool(owner: CPUThreads(count: max(1, threads)))
    }

    /// Dispatch's global queue, for callers that build parts without a server (a library caller, a benchmark).
    public static var shared: CPUPool { CPUPool(owner: nil) }

    /// How many threads the pool has; nil for Dispatch's queue.
    public var threadCount: Int? { owner?.count }

    /// Runs `work` off the caller's thread and answers its result. On a pool shut down, throws `CancellationError`.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        if let owner { return try await owner.pool.runIfActive(work) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// Stops the threads once the work running on them has finished; work still queued, and later `run` calls, throw
    /// `CancellationError`. Nothing for Dispatch's queue.
    public func shutdown() async {
        try? await owner?.pool.shutdownGracefully()
    }
}

/// Owns a started NIO thread pool, and shuts it down when the last `CPUPool` holding it goes away.
private final class CPUThreads: Sendable {
    let pool: NIOThreadPool
    let count: Int

    init(count: Int) {
        self.count = count
        pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
    }

    deinit {
        // Harmless on a pool already shut down; the threads end after the work they are running.
        pool.shutdownGracefully { _ in }
    }
}
