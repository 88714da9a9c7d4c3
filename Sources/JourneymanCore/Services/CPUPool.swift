import Dispatch
import NIOPosix

/// Where CPU-heavy and blocking work runs (codecs, thumbnails, masks, describe decoding, rendering): never on the
/// event loops or Swift's cooperative pool, which only wait for it.
public struct CPUPool: Sendable {
    /// A bounded pool of threads, or nil for Dispatch's global concurrent queue.
    public let threads: NIOThreadPool?

    /// Work on `threads` (started by its owner, shut down with it).
    public init(threads: NIOThreadPool) {
        self.threads = threads
    }

    private init() {
        threads = nil
    }

    /// Dispatch's global queue. One bounded pool per process starved servers that share a process (the test
    /// suite's): a task queued behind another server's renders waited for all of them.
    public static var shared: CPUPool { CPUPool() }

    /// Runs `work` off the caller's thread and answers its result.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        if let threads { return try await threads.runIfActive(work) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
