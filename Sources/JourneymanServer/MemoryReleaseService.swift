import NIOPosix
import ServiceLifecycle
import Synchronization

/// Marks that work has freed memory: the CPU pool calls `workEnded()` each time it goes idle.
final class FreedMemory: Sendable {
    private let freed = Atomic<Bool>(false)

    /// Work ended; what it allocated is freed now or soon (its answer and files are written after it).
    func workEnded() { freed.store(true, ordering: .relaxed) }

    /// Clears the mark, answering whether it was set.
    func take() -> Bool { freed.exchange(false, ordering: .relaxed) }
}

/// Gives memory freed by finished work back to the system, at most once every `interval`.
///
/// glibc keeps blocks under its mapping threshold in the freeing thread's arena: 18 grids rendered three at a time left
/// 27 MB of them resident at rest. Trimming when the CPU pool goes idle would come too early (a render's PNG bytes are
/// freed after they are stored, outside the pool) and, after each small job, too often; so the pool only marks, and
/// this service trims on the next tick, on NIO's thread pool (a trim can take a millisecond: never on the
/// cooperative pool).
struct MemoryReleaseService: Service {
    let freed: FreedMemory
    var interval: Duration = .seconds(1)

    func run() async throws {
        // Ends quietly at a graceful shutdown (the sleep is cancelled then), like any other cancellation.
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                if freed.take() { _ = try? await NIOThreadPool.singleton.runIfActive { ProcessMemory.releaseFreeMemory() } }
            }
        }
    }
}
