import Foundation
import GRDB
import JourneymanCore
import Testing

@testable import JourneymanStore

/// Group commit in the SQLite store: submits that arrive while the writer is busy share its next transaction.
@Suite("SQLite group commit", .timeLimit(.minutes(2)))
struct GroupCommitTests {
    @Test("Submits queued behind a busy writer commit as one group, and each refusal in it undoes only its own statements")
    func submitsQueuedBehindABusyWriterCommitAsOneGroup() async throws {
        let path = try makeSQLitePath("group")
        let store = try SQLiteTaskStore(path: path)
        // 2 credits a task: room for 11 tasks, of which one is taken before the group.
        let application = try await makeApplication(store, credits: 22)
        let existing = makeTask(application.id, createdAt: 1)
        try await store.insertTask(existing, limits: .none)

        // Another process holds the write lock, so the next submit's transaction waits and the others queue behind it.
        // A second connection that keeps its write transaction open between accesses, as another process would.
        var blocking = Configuration()
        blocking.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: blocking)
        try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let groupsBefore = store.submitCounts.groupsWritten

        // 20 new tasks, and one that reuses the existing task's id: it is charged, then its INSERT fails.
        var newTasks = (0..<20).map { makeTask(application.id, createdAt: Double(10 + $0)) }
        var duplicate = makeTask(application.id, createdAt: 9)
        duplicate.id = existing.id
        newTasks.insert(duplicate, at: 7)
        let tasks = newTasks
        let outcomes = try await withThrowingTaskGroup(of: (String, String).self) { group in
            @Sendable func submit(_ task: TaskSnapshot) async -> (String, String) {
                do {
                    try await store.insertTask(task, limits: .none)
                    return (task.traceID, "stored")
                } catch StoreError.insufficientCredits {
                    return (task.traceID, "no credits")
                } catch {
                    return (task.traceID, "refused")
                }
            }
            // The first submit starts a transaction, which waits on the lock; the others then queue behind it.
            group.addTask { await submit(tasks[0]) }
            let deadline = Date().addingTimeInterval(5)
            while store.submitCounts.groupsWritten == groupsBefore, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
            for task in tasks.dropFirst() { group.addTask { await submit(task) } }
            while store.submitCounts.waiting < tasks.count - 1, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
            #expect(store.submitCounts.waiting == tasks.count - 1, "every submit but the first queued behind the busy writer")
            try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            return try await group.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
        }

        #expect(store.submitCounts.groupsWritten - groupsBefore == 2, "the first submit's transaction, then one for the rest")
        let stored = outcomes.filter { $0.value == "stored" }.map(\.key)
        #expect(stored.count == 10, "the credits paid for 10 of the 20 new tasks")
        #expect(outcomes.values.filter { $0 == "no credits" }.count == 10)
        #expect(outcomes[duplicate.traceID] == "refused", "a second task with an id already taken is refused")
        #expect(try await store.application(id: application.id)?.credits == 0, "the refused duplicate's charge was undone")
        let rows = try await store.tasks(applicationID: application.id, offset: 0, limit: 100)
        #expect(Set(rows.map(\.traceID)) == Set(stored + [existing.traceID]), "exactly the answered tasks are stored")
        #expect(rows.first { $0.id == existing.id }?.createdAt == existing.createdAt, "the existing task is untouched")
        await store.close()
    }

    @Test("A submit that finds the writer idle is written at once, alone")
    func aLoneSubmitIsWrittenAtOnce() async throws {
        let store = try makeSQLiteStore()
        let application = try await makeApplication(store, credits: 10)
        let before = store.submitCounts.groupsWritten
        for index in 0..<3 { try await store.insertTask(makeTask(application.id, createdAt: Double(index)), limits: .none) }
        #expect(store.submitCounts.groupsWritten - before == 3)
        #expect(store.submitCounts.waiting == 0)
        #expect(try await store.application(id: application.id)?.credits == 4)
        await store.close()
    }
}

/// The write-ahead log is copied back into the database file by a connection beside the writer.
@Suite("SQLite checkpoints beside the writer", .timeLimit(.minutes(2)))
struct CheckpointTests {
    @Test("Many group commits leave the log bounded, checkpointed beside the writer, with every task kept")
    func manyGroupCommitsLeaveTheLogBounded() async throws {
        let path = try makeSQLitePath("wal")
        let store = try SQLiteTaskStore(path: path)
        let application = try await makeApplication(store, credits: 1_000_000)
        let bounds = store.checkpoints
        // Tasks of about two pages each, submitted 64 at a time so that they commit in groups: half again the log's
        // bound in all.
        let request = "{\"prompt\":\"" + String(repeating: "a castle on a hill ", count: 200) + "\"}"
        var ids: [String] = []
        var largestLog = 0
        for round in 0..<(Int(bounds.atMost) * 3 / 4 / 64 + 1) {
            let tasks = (0..<64).map { index in
                var task = makeTask(application.id, createdAt: Double(round * 64 + index))
                task.acceptedRequest = request
                return task
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in tasks { group.addTask { try await store.insertTask(task, limits: .none) } }
                try await group.waitForAll()
            }
            ids += tasks.map(\.id)
            largestLog = max(largestLog, Self.fileSize(path + "-wal"))
        }
        // A frame is a 24-byte header and a 4 KiB page; the log may pass its bound by one group's commit.
        let frame = 24 + 4096
        #expect(largestLog <= (Int(bounds.atMost) + 64 * 8) * frame + 32, "the log stayed within its bound: \(largestLog) bytes")
        #expect(store.checkpoints.passes > 0, "checkpoints ran beside the writer")
        #expect(Self.fileSize(path) > ids.count * 2048, "the tasks' pages were copied into the database file")
        await store.close()
        #expect(Self.fileSize(path + "-wal") == 0, "closing empties the log")

        let reopened = try SQLiteTaskStore(path: path)
        let stored = try await reopened.tasks(ids: ids, applicationID: application.id)
        #expect(stored.count == ids.count, "every task answered is there after the store is reopened")
        await reopened.close()
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
