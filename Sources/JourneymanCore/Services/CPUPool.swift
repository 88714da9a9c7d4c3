import Dispatch
import NIOCore
import NIOPosix
import Synchronization

/// Where CPU-heavy and blocking work runs (codecs, thumbnails, masks, describe decoding, rendering, DNS): never on
/// the event loops or Swift's cooperative pool, which only wait for it.
///
/// A server makes one bounded pool (`bounded(threads:)`) and hands it to every part that needs one; the pool's
/// threads end when the last holder lets go of it, or at once with `shutdown()`.
public struct CPUPool: Sendable {
    /// The threads, or nil for NIO's process-wide pool.
    private let owner: CPUThreads?

    private init(owner: CPUThreads?) {
        self.owner = owner
    }

    /// A pool of exactly `threads` threads (at least one), started now. `whenIdle` runs on a pool thread each time the
    /// last `run` in progress ends (a server gives freed memory back to the system there).
    public static func bounded(threads: Int, whenIdle: (@Sendable () -> Void)? = nil) -> CPUPool {
        CPUPool(owner: CPUThreads(count: max(1, threads), whenIdle: whenIdle))
    }

    /// NIO's process-wide thread pool, for callers that build parts without a server (a library caller, a benchmark).
    /// Never Dispatch's global queues: on Linux Swift's cooperative pool runs on their threads (one a core), so CPU work
    /// there stalls every task in the process.
    public static var shared: CPUPool { CPUPool(owner: nil) }

    /// How many threads the pool has; nil for NIO's process-wide pool.
    public var threadCount: Int? { owner?.count }

    private var threads: NIOThreadPool { owner?.pool ?? NIOThreadPool.singleton }

    /// How many threads may share one `perform`.
    private var width: Int { owner?.count ?? System.coreCount }

    /// Runs `work` off the caller's thread and answers its result. On a pool shut down, throws `CancellationError`.
    public func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        guard let owner else { return try await threads.runIfActive(work) }
        return try await owner.pool.runIfActive {
            owner.began()
            defer { owner.ended() }
            return try work()
        }
    }

    /// Runs `body` for every index in `0..<iterations` and returns when all have run: on the calling thread, and on as
    /// many of the pool's other threads as are free to help (a pool's threads calling it never wait for one another,
    /// since the caller takes whatever no helper has begun). For the parts of one piece of work run on the pool, such
    /// as the tiles of a grid.
    public func perform(iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        let work = SharedIterations(count: iterations, body: body)
        for _ in 0..<min(iterations, width) - 1 {
            threads.submit { state in
                guard state == .active else { return }
                work.runUntilTaken()
            }
        }
        work.runUntilTaken()
        work.waitUntilFinished()
    }

    /// Stops the threads once the work running on them has finished; work still queued, and later `run` calls, throw
    /// `CancellationError`. Nothing for NIO's process-wide pool.
    public func shutdown() async {
        try? await owner?.pool.shutdownGracefully()
    }
}

/// The iterations of one `perform`: taken one at a time by whichever thread comes, counted as they finish.
private final class SharedIterations: Sendable {
    private let count: Int
    private let body: @Sendable (Int) -> Void
    private let next = Atomic<Int>(0)
    /// Iterations not yet finished; the one that finishes last signals `finished`.
    private let unfinished: Atomic<Int>
    private let finished = DispatchSemaphore(value: 0)

    init(count: Int, body: @escaping @Sendable (Int) -> Void) {
        self.count = count
        self.body = body
        unfinished = Atomic(count)
    }

    func runUntilTaken() {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            body(index)
            if unfinished.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.signal() }
        }
    }

    /// Blocks the calling thread (never one of the cooperative pool's) until every iteration has run.
    func waitUntilFinished() {
        finished.wait()
    }
}

/// Owns a started NIO thread pool, and shuts it down when the last `CPUPool` holding it goes away.
private final class CPUThreads: Sendable {
    let pool: NIOThreadPool
    let count: Int
    private let whenIdle: (@Sendable () -> Void)?
    private let running = Atomic<Int>(0)

    init(count: Int, whenIdle: (@Sendable () -> Void)?) {
        self.count = count
        self.whenIdle = whenIdle
        pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
    }

    /// A `run` starts on a pool thread.
    func began() {
        running.add(1, ordering: .relaxed)
    }

    /// A `run` ended on a pool thread; the last one of those in progress calls `whenIdle`.
    func ended() {
        if running.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { whenIdle?() }
    }

    deinit {
        // Harmless on a pool already shut down; the threads end after the work they are running.
        pool.shutdownGracefully { _ in }
    }
}
