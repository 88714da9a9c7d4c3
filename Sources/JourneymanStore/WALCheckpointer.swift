import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file on a connection of its own, so that the writer never waits
/// for a checkpoint (SQLite's automatic one runs inside the COMMIT that crosses the threshold: a group of submits
/// would wait for the copy and its fsync before any of them is answered).
///
/// The writer's WAL hook reports the log's length after each commit; from `soon` frames on it wakes this
/// checkpointer, which runs a PASSIVE checkpoint (it takes no lock the writer needs, and copies what no reader still
/// needs). Should the checkpointer fall behind, the hook checkpoints in the writer itself from `atMost` frames on, as
/// SQLite's own automatic checkpoint would: the log stays bounded whatever happens.
final class WALCheckpointer: Sendable {
    /// Frames (pages) in the log from which the checkpointer is woken.
    let soon: Int32
    /// Frames in the log from which the writer checkpoints itself.
    let atMost: Int32
    private let wakeUps: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>
    private let passes = PassCount()

    /// Checkpoints run beside the writer so far (for tests).
    var passesMade: Int { passes.value.load(ordering: .relaxed) }

    /// `path`: the database; its connection is opened at the first wake-up (a store that is only read never needs it).
    init(path: String, soon: Int32 = 1000, atMost: Int32 = 4000) {
        self.soon = soon
        self.atMost = atMost
        let (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeUps = continuation
        let passes = passes
        loop = Task.detached(priority: .utility) {
            var connection: DatabaseQueue?
            for await _ in wakeUps {
                do {
                    if connection == nil {
                        var configuration = Configuration()
                        configuration.busyMode = .timeout(10)
                        connection = try DatabaseQueue(path: path, configuration: configuration)
                    }
                    // A PASSIVE checkpoint neither waits for locks nor blocks the writer; what it cannot copy yet
                    // (pages a reader still needs) the next one copies.
                    _ = try await connection?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                    passes.value.add(1, ordering: .relaxed)
                } catch {
                    // Not copied this time: the next wake-up tries again, and past `atMost` the writer checkpoints.
                }
            }
            try? connection?.close()
        }
    }

    /// Has the writer's connection report each commit here (instead of SQLite's automatic checkpoint).
    func watch(_ writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// After a commit that left `frames` frames in the log.
    fileprivate func committed(frames: Int32, writer: OpaquePointer?) {
        if frames >= atMost {
            sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if frames >= soon {
            wakeUps.yield()
        }
    }

    /// Stops the checkpointer and closes its connection (before the store's final checkpoint).
    func close() async {
        wakeUps.finish()
        await loop.value
    }
}

/// How many checkpoints the checkpointer's loop has run.
private final class PassCount: Sendable {
    let value = Atomic<Int>(0)
}

/// The writer's WAL hook: `context` is the store's `WALCheckpointer`, not retained. SQLite calls the hook only after a
/// commit, and every commit is made for a caller of the store, which holds the store (and so the checkpointer) until
/// it is answered; closing the pool checkpoints without a commit.
private func walHook(_ context: UnsafeMutableRawPointer?, _ db: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ frames: Int32) -> Int32 {
    guard let context else { return SQLITE_OK }
    Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: frames, writer: db)
    return SQLITE_OK
}
