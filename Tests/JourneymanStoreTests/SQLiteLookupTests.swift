import Foundation
import GRDB
import JourneymanCore
import Testing

@testable import JourneymanStore

/// How the SQLite store finds tasks: by the index that fits, so a big store answers as fast as a small one.
@Suite("SQLite lookups", .timeLimit(.minutes(2)))
struct SQLiteLookupTests {
    @Test("A batch of ids is read by primary key, never by scanning all of the application's tasks")
    func aBatchOfIDsIsReadByPrimaryKey() async throws {
        let path = try makeSQLitePath("lookup")
        let store = try SQLiteTaskStore(path: path)
        let application = try await makeApplication(store, credits: 1000)
        let tasks = (0..<30).map { makeTask(application.id, createdAt: Double($0)) }
        for task in tasks { try await store.insertTask(task, limits: .none) }

        let reader = try DatabaseQueue(path: path)
        let plan = try await reader.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + SQLiteTaskStore.tasksByIDsSQL(count: 3),
                arguments: StatementArguments([application.id, tasks[3].id, tasks[9].id, "unknown"])
            ).map { $0["detail"] as String }
        }
        #expect(plan == ["SEARCH tasks USING PRIMARY KEY (id=?)"], "\(plan)")

        // And the answer is still only that application's tasks among the ids.
        let found = try await store.tasks(ids: [tasks[3].id, tasks[9].id, "unknown"], applicationID: application.id)
        #expect(Set(found.map(\.id)) == [tasks[3].id, tasks[9].id])
        #expect(try await store.tasks(ids: [tasks[3].id], applicationID: "another application").isEmpty)
    }
}
