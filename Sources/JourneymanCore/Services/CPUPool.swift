import NIOPosix

/// The one bounded thread pool for CPU-heavy and blocking work (codecs, thumbnails, masks, describe decoding,
/// DNS): the event loops and Swift's cooperative pool only wait for it.
public struct CPUPool: Sendable {
    /// The threads.
    public let threads: NIOThreadPool

    /// Work on `threads` (started by its owner, shut down with the server).
    public init(threads: NIOThreadPool) {
        self.threads = threads
    }

    /// NIO's process-wide pool (one thread a core): for tests and commands that make no pool of their own.
    public static var shared: CPUPool { CPUPool(threads: .singleton) }

    /// Runs `work` on a pool thread and answers its result.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await threads.runIfActive(work)
    }
}
