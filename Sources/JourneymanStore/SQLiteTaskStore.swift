import Foundation
import GRDB
import GRDBSQLite
import JourneymanCore
import Synchronization

/// The embedded store: one SQLite file in WAL mode, shared safely with `journeyman token` run beside a server.
public final class SQLiteTaskStore: TaskStore {
    private let pool: DatabasePool
    private let closed = Atomic<Bool>(false)
    private let submits: SubmitGroup<PendingInsert>
    /// Read-only connections for the reads of the request path (one statement each), taken in turn: a read makes one
    /// hop to its connection's queue and one back. A read of the pool makes two hops out, one to wait for a free reader
    /// and one to that reader's queue: the hand-offs between threads were most of a pending retrieve's time.
    private let readLanes: [DatabaseQueue]
    private let nextReadLane = Atomic<UInt>(0)
    /// Copies the log into the database file beside the writer instead of inside its commits.
    private let checkpointer: WALCheckpointer

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Each submit of a group runs in a savepoint, whose undo journal SQLite otherwise keeps in a temporary
            // file: a page write and a 4-byte write per page touched, more system calls than the log itself.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        self.pool = pool
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(10)
        readLanes = try (0..<2).map { _ in try DatabaseQueue(path: path, configuration: readOnly) }
        submits = SubmitGroup { items in try await pool.write { db in try Self.insertGroup(items, db) } }
        let checkpointer = WALCheckpointer(path: path)
        pool.writeWithoutTransaction { db in checkpointer.watch(db) }
        self.checkpointer = checkpointer
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: applications, credentials, tasks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE applications (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        credits INTEGER NOT NULL,
                        webhook_secret TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE credentials (
                        id TEXT PRIMARY KEY NOT NULL,
                        application_id TEXT NOT NULL REFERENCES applications(id),
                        name TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        scopes TEXT NOT NULL,
                        revoked INTEGER NOT NULL DEFAULT 0,
                        expires_at REAL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE tasks (
                        id TEXT PRIMARY KEY NOT NULL,
                        object_id TEXT NOT NULL,
                        application_id TEXT NOT NULL REFERENCES applications(id),
                        credential_id TEXT NOT NULL,
                        trace_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        request TEXT NOT NULL,
                        state TEXT NOT NULL,
                        progress INTEGER NOT NULL,
                        image_id TEXT,
                        job_id TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        started_at REAL,
                        finished_at REAL,
                        response TEXT,
                        action TEXT NOT NULL,
                        parent_id TEXT,
                        seed INTEGER,
                        lineage TEXT,
                        cost INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at REAL
                    ) WITHOUT ROWID;
                    CREATE INDEX tasks_by_application ON tasks(application_id, created_at);
                    CREATE INDEX tasks_by_trace ON tasks(application_id, trace_id);
                    CREATE INDEX tasks_by_image ON tasks(image_id) WHERE image_id IS NOT NULL;
                    CREATE INDEX tasks_unfinished ON tasks(created_at) WHERE state IN ('pending', 'running');
                    """
            )
        }
        migrator.registerMigration("v2: webhooks outbox") { db in
            try db.execute(
                sql: """
                    ALTER TABLE tasks ADD COLUMN callback_url TEXT;
                    ALTER TABLE tasks ADD COLUMN progress_webhooks INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE deliveries (
                        id TEXT PRIMARY KEY NOT NULL,
                        task_id TEXT NOT NULL,
                        application_id TEXT NOT NULL,
                        url TEXT NOT NULL,
                        body TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT,
                        created_at REAL NOT NULL,
                        delivered_at REAL,
                        lease_owner TEXT,
                        lease_expires_at REAL,
                        UNIQUE (task_id, sequence)
                    );
                    CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX deliveries_by_task ON deliveries(task_id, sequence);
                    """
            )
        }
        migrator.registerMigration("v3: limits") { db in
            try db.execute(
                sql: """
                    ALTER TABLE applications ADD COLUMN max_running INTEGER;
                    ALTER TABLE applications ADD COLUMN max_pending INTEGER;
                    ALTER TABLE credentials ADD COLUMN rate_per_second REAL;
                    ALTER TABLE credentials ADD COLUMN rate_burst INTEGER;
                    CREATE INDEX tasks_by_application_state ON tasks(application_id, state);
                    """
            )
        }
        migrator.registerMigration("v4: domain commands and results; bodies rendered when sent") { db in
            try db.execute(
                sql: """
                    ALTER TABLE tasks ADD COLUMN command TEXT;
                    ALTER TABLE tasks ADD COLUMN result TEXT;
                    ALTER TABLE tasks ADD COLUMN callback_format TEXT NOT NULL DEFAULT 'midjourney';
                    CREATE TABLE deliveries_v4 (
                        id TEXT PRIMARY KEY NOT NULL,
                        task_id TEXT NOT NULL,
                        application_id TEXT NOT NULL,
                        url TEXT NOT NULL,
                        body TEXT,
                        format TEXT NOT NULL DEFAULT 'midjourney',
                        progress INTEGER,
                        kind TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT,
                        created_at REAL NOT NULL,
                        delivered_at REAL,
                        lease_owner TEXT,
                        lease_expires_at REAL,
                        UNIQUE (task_id, sequence)
                    );
                    INSERT INTO deliveries_v4 (id, task_id, application_id, url, body, kind, sequence, state, attempts,
                        next_attempt_at, last_error, created_at, delivered_at, lease_owner, lease_expires_at)
                    SELECT id, task_id, application_id, url, body, kind, sequence, state, attempts,
                        next_attempt_at, last_error, created_at, delivered_at, lease_owner, lease_expires_at FROM deliveries;
                    DROP TABLE deliveries;
                    ALTER TABLE deliveries_v4 RENAME TO deliveries;
                    CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX deliveries_by_task ON deliveries(task_id, sequence);
                    """
            )
            // Tasks of earlier releases kept the wire's request and finished body: translated once, here.
            let old = try Row.fetchAll(
                db, sql: "SELECT id, type, action, state, request, response, parent_id, seed, lineage FROM tasks WHERE command IS NULL")
            for row in old {
                let translated = try LegacyTaskTranslation.translate(
                    LegacyTaskTranslation.OldTask(
                        id: row["id"], type: row["type"], action: row["action"], state: row["state"], request: row["request"],
                        response: row["response"], parentID: row["parent_id"], seed: row["seed"], lineage: row["lineage"]
                    ))
                try db.execute(
                    sql: "UPDATE tasks SET command = ?, result = ? WHERE id = ?",
                    arguments: [translated.command, translated.result, row["id"] as String]
                )
            }
        }
        migrator.registerMigration("v5: engine state (an upstream's task id) kept with the task") { db in
            try db.execute(sql: "ALTER TABLE tasks ADD COLUMN engine_state TEXT")
        }
        migrator.registerMigration("v6: administrator applications") { db in
            try db.execute(sql: "ALTER TABLE applications ADD COLUMN administrator INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v7: an application's tasks of one state indexed in the order they came") { db in
            // The index ended in the task id (random), so each new pending task went to a random page of it: with
            // thousands in flight a group of submits rewrote one page of it per task. In order of creation the new
            // entries go to the end of their application's range, a page or two for a whole group.
            try db.execute(
                sql: """
                    DROP INDEX tasks_by_application_state;
                    CREATE INDEX tasks_by_application_state ON tasks(application_id, state, created_at);
                    """
            )
        }
        return migrator
    }

    // MARK: Applications and credentials

    public func createApplication(_ application: Application) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO applications (id, name, credits, webhook_secret, created_at, max_running, max_pending, administrator)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    application.id, application.name, application.credits, application.webhookSecret, application.createdAt,
                    application.maxRunning, application.maxPending, application.administrator,
                ]
            )
        }
    }

    public func application(id: String) async throws -> Application? {
        try await quickRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM applications WHERE id = ?"), arguments: [id]).map(Self.application)
        }
    }

    public func applications() async throws -> [Application] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM applications ORDER BY created_at, id").map(Self.application)
        }
    }

    public func addCredits(applicationID: String, amount: Int) async throws -> Int? {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE applications SET credits = MAX(0, credits + ?) WHERE id = ?",
                arguments: [amount, applicationID]
            )
            return try Int.fetchOne(db, sql: "SELECT credits FROM applications WHERE id = ?", arguments: [applicationID])
        }
    }

    public func setLimits(applicationID: String, maxRunning: Int?, maxPending: Int?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE applications SET max_running = ?, max_pending = ? WHERE id = ?",
                arguments: [maxRunning, maxPending, applicationID]
            )
            return db.changesCount > 0
        }
    }

    public func setAdministrator(applicationID: String, administrator: Bool) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE applications SET administrator = ? WHERE id = ?", arguments: [administrator, applicationID])
            return db.changesCount > 0
        }
    }

    public func usage() async throws -> [ApplicationUsage] {
        try await pool.read { db in
            var usage: [String: ApplicationUsage] = [:]
            for id in try String.fetchAll(db, sql: "SELECT id FROM applications ORDER BY created_at, id") {
                usage[id] = ApplicationUsage(applicationID: id, tasksByState: [:], creditsSpent: 0)
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT application_id, state, COUNT(*) AS count, SUM(cost) AS cost
                    FROM tasks GROUP BY application_id, state
                    """
            )
            for row in rows {
                let id: String = row["application_id"]
                let state: String = row["state"]
                usage[id, default: ApplicationUsage(applicationID: id, tasksByState: [:], creditsSpent: 0)].tasksByState[state] =
                    row["count"]
                if state != "failed" && state != "cancelled" {
                    usage[id]?.creditsSpent += row["cost"] as Int
                }
            }
            return usage.values.sorted { $0.applicationID < $1.applicationID }
        }
    }

    public func setRateLimit(credentialID: String, perSecond: Double?, burst: Int?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE credentials SET rate_per_second = ?, rate_burst = ? WHERE id = ?",
                arguments: [perSecond, burst, credentialID]
            )
            return db.changesCount > 0
        }
    }

    public func createCredential(_ credential: Credential) async throws {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM applications WHERE id = ?", arguments: [credential.applicationID]) != nil else {
                throw StoreError.unknownApplication(credential.applicationID)
            }
            try db.execute(
                sql: """
                    INSERT INTO credentials (id, application_id, name, token_hash, scopes, revoked, expires_at, created_at,
                        rate_per_second, rate_burst)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    credential.id, credential.applicationID, credential.name, credential.tokenHash,
                    credential.scopes.map(\.rawValue).sorted().joined(separator: ","), credential.revoked,
                    credential.expiresAt, credential.createdAt, credential.ratePerSecond, credential.rateBurst,
                ]
            )
        }
    }

    public func credential(tokenHash: String) async throws -> Credential? {
        try await quickRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM credentials WHERE token_hash = ?"), arguments: [tokenHash])
                .map(Self.credential)
        }
    }

    public func credentials() async throws -> [Credential] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM credentials ORDER BY created_at, id").map(Self.credential)
        }
    }

    public func revokeCredential(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE credentials SET revoked = 1 WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Tasks

    public func insertTask(_ task: TaskSnapshot, limits: TaskLimits) async throws {
        let command = try DomainCoding.encode(task.command)
        let result = try task.result.map { try DomainCoding.encode($0) }
        try await submits.submit(PendingInsert(task: task, limits: limits, command: command, result: result))
    }

    /// Submits waiting for the writer, and write transactions of submits so far (for tests).
    var submitCounts: (waiting: Int, groupsWritten: Int) { submits.counts }

    /// Checkpoints run beside the writer so far, and the log's bounds in frames (for tests).
    var checkpoints: (passes: Int, soon: Int32, atMost: Int32) { (checkpointer.passesMade, checkpointer.soon, checkpointer.atMost) }

    /// One submit waiting for its group's transaction (`SubmitGroup`), with its stored texts already encoded.
    private struct PendingInsert: Sendable {
        let task: TaskSnapshot
        let limits: TaskLimits
        let command: String
        let result: String?
    }

    /// The submits of one group, each in its own savepoint so that a refusal (credits, a full queue) undoes only its
    /// own statements. A failure that ends the whole transaction (SQLite rolls back on some I/O errors) fails them
    /// all: nothing of the group is then stored.
    private static func insertGroup(_ items: [PendingInsert], _ db: Database) throws -> [Result<Void, any Error>] {
        var outcomes: [Result<Void, any Error>] = []
        outcomes.reserveCapacity(items.count)
        for item in items {
            try db.cachedStatement(sql: "SAVEPOINT submit").execute()
            do {
                try insertOne(item, db)
                try db.cachedStatement(sql: "RELEASE submit").execute()
                outcomes.append(.success(()))
            } catch {
                guard db.isInsideTransaction else { throw error }
                try db.cachedStatement(sql: "ROLLBACK TO submit").execute()
                try db.cachedStatement(sql: "RELEASE submit").execute()
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// One submit's statements (prepared once and kept): the queue limit, the credits, the row.
    private static func insertOne(_ item: PendingInsert, _ db: Database) throws {
        let task = item.task
        let ownLimit = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT max_pending FROM applications WHERE id = ?"), arguments: [task.applicationID])
        if let limit = StoreRules.pendingLimit(own: ownLimit, limits: item.limits) {
            let pending =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM tasks WHERE application_id = ? AND state = 'pending'"),
                    arguments: [task.applicationID]
                ) ?? 0
            try StoreRules.checkQueue(pending: pending, limit: limit)
        }
        if task.cost > 0 {
            try db.cachedStatement(sql: "UPDATE applications SET credits = credits - ? WHERE id = ? AND credits >= ?")
                .execute(arguments: [task.cost, task.applicationID, task.cost])
            if db.changesCount == 0 {
                guard
                    let balance = try Int.fetchOne(
                        db, sql: "SELECT credits FROM applications WHERE id = ?", arguments: [task.applicationID])
                else {
                    throw StoreError.unknownApplication(task.applicationID)
                }
                throw StoreError.insufficientCredits(balance: balance, cost: task.cost)
            }
        } else if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM applications WHERE id = ?"), arguments: [task.applicationID])
            == nil
        {
            throw StoreError.unknownApplication(task.applicationID)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO tasks (id, object_id, application_id, credential_id, trace_id, type, request, state, progress,
                    image_id, job_id, created_at, started_at, finished_at, action, parent_id, cost,
                    lease_owner, lease_expires_at, callback_url, progress_webhooks, callback_format, command, result)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                task.id, task.objectID, task.applicationID, task.credentialID, task.traceID, task.kind.rawValue,
                task.acceptedRequest, task.state.rawValue, task.progress, task.imageID, task.jobID, task.createdAt,
                task.startedAt, task.finishedAt, task.command.actionName, task.parentID, task.cost, task.leaseOwner,
                task.leaseExpiresAt, task.callbackURL, task.progressWebhooks, task.callbackFormat, item.command, item.result,
            ]
        )
    }

    public func task(id: String, applicationID: String) async throws -> TaskSnapshot? {
        try await fetchOne("SELECT \(Self.taskColumns) FROM tasks WHERE id = ? AND application_id = ?", [id, applicationID])
    }

    public func task(traceID: String, applicationID: String) async throws -> TaskSnapshot? {
        try await fetchOne(
            "SELECT \(Self.taskColumns) FROM tasks WHERE application_id = ? AND trace_id = ? ORDER BY created_at LIMIT 1",
            [applicationID, traceID]
        )
    }

    public func task(imageID: String, applicationID: String) async throws -> TaskSnapshot? {
        try await fetchOne("SELECT \(Self.taskColumns) FROM tasks WHERE image_id = ? AND application_id = ?", [imageID, applicationID])
    }

    public func task(id: String) async throws -> TaskSnapshot? {
        try await fetchOne("SELECT \(Self.taskColumns) FROM tasks WHERE id = ?", [id])
    }

    public func runningTasks(limit: Int) async throws -> [TaskSnapshot] {
        try await fetchAll(
            // The partial index serves this only when the query names its whole condition.
            """
            SELECT \(Self.taskColumns) FROM tasks INDEXED BY tasks_unfinished WHERE state IN ('pending', 'running') AND state = 'running'
            ORDER BY started_at, id LIMIT ?
            """, [limit])
    }

    public func tasks(ids: [String], applicationID: String) async throws -> [TaskSnapshot] {
        guard !ids.isEmpty else { return [] }
        return try await fetchAll(
            Self.tasksByIDsSQL(count: ids.count), StatementArguments([applicationID] + ids), keep: ids.count <= Self.keptListLength)
    }

    /// The statement of `tasks(ids:applicationID:)`: each id by primary key. Left to itself, SQLite's planner prefers
    /// the application's index for `application_id = ?` and reads every task of the application (a list of 100 in a
    /// store of a million tasks took 30 times as long); the unary `+` keeps that term out of index choice.
    static func tasksByIDsSQL(count: Int) -> String {
        "SELECT \(Self.taskColumns) FROM tasks WHERE +application_id = ? AND id IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))"
    }

    public func tasks(traceIDs: [String], applicationID: String) async throws -> [TaskSnapshot] {
        guard !traceIDs.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: traceIDs.count).joined(separator: ", ")
        return try await fetchAll(
            "SELECT \(Self.taskColumns) FROM tasks WHERE application_id = ? AND trace_id IN (\(placeholders)) ORDER BY created_at",
            StatementArguments([applicationID] + traceIDs), keep: traceIDs.count <= Self.keptListLength
        )
    }

    public func tasks(applicationID: String, offset: Int, limit: Int) async throws -> [TaskSnapshot] {
        try await fetchAll(
            "SELECT \(Self.taskColumns) FROM tasks WHERE application_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [applicationID, limit, offset]
        )
    }

    public func taskIDs(applicationID: String, offset: Int, limit: Int) async throws -> [String] {
        try await quickRead { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM tasks WHERE application_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"),
                arguments: [applicationID, limit, offset])
        }
    }

    public func claimTask(owner: String, now: Double, leaseSeconds: Double, limits: TaskLimits) async throws -> TaskSnapshot? {
        try await pool.write { db in
            guard
                let candidate = try Self.tasks(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.taskColumns(of: "t")) FROM tasks t INDEXED BY tasks_unfinished
                            WHERE t.state IN ('pending', 'running') AND (t.state = 'pending' OR t.lease_expires_at < ?)
                              AND (
                                SELECT COUNT(*) FROM tasks r
                                WHERE r.application_id = t.application_id AND r.state = 'running' AND r.lease_expires_at >= ?
                              ) < COALESCE((SELECT max_running FROM applications a WHERE a.id = t.application_id), ?, 1 << 62)
                            ORDER BY t.created_at LIMIT 1
                            """), [now, now, limits.maxRunningPerApplication]
                ).first
            else { return nil }
            let claimed = StoreRules.claimedTask(candidate, owner: owner, now: now, leaseSeconds: leaseSeconds)
            try db.execute(
                sql: "UPDATE tasks SET state = 'running', lease_owner = ?, lease_expires_at = ?, started_at = ? WHERE id = ?",
                arguments: [owner, claimed.leaseExpiresAt, claimed.startedAt, claimed.id]
            )
            return claimed
        }
    }

    public func updateProgress(id: String, owner: String, progress: Int, now: Double, leaseSeconds: Double) async throws -> Bool {
        try await pool.write { db in
            guard
                let task = try Self.tasks(
                    db.cachedStatement(sql: "SELECT \(Self.taskColumns) FROM tasks WHERE id = ? AND state = 'running' AND lease_owner = ?"),
                    [id, owner]
                ).first
            else { return false }
            try db.execute(
                sql: "UPDATE tasks SET progress = MAX(progress, ?), lease_expires_at = ? WHERE id = ?",
                arguments: [progress, now + leaseSeconds, id]
            )
            if let delivery = StoreRules.progressDelivery(task, from: task.progress, to: progress, now: now) {
                try Self.enqueue(delivery, db: db)
            }
            return true
        }
    }

    public func engineState(taskID id: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT engine_state FROM tasks WHERE id = ?", arguments: [id])
        }
    }

    public func recordEngineState(taskID id: String, owner: String, state: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE tasks SET engine_state = ? WHERE id = ? AND state = 'running' AND lease_owner = ?",
                arguments: [state, id, owner]
            )
            return db.changesCount > 0
        }
    }

    public func finishTask(id: String, owner: String?, outcome: TaskOutcome) async throws -> Bool {
        let result = try DomainCoding.encode(outcome.result)
        return try await pool.write { db in
            guard
                let task = try Self.tasks(
                    db.cachedStatement(sql: "SELECT \(Self.taskColumns) FROM tasks WHERE id = ? AND state IN ('pending', 'running')"), [id]
                ).first
            else { return false }
            if let owner, task.leaseOwner != owner { return false }
            try db.execute(
                sql: """
                    UPDATE tasks SET state = ?, progress = ?, result = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ?
                    """,
                arguments: [
                    outcome.state.rawValue, StoreRules.finalProgress(task.progress, outcome: outcome), result, outcome.finishedAt, id,
                ]
            )
            if let delivery = StoreRules.finishedDelivery(task, outcome: outcome) { try Self.enqueue(delivery, db: db) }
            let refund = StoreRules.refund(cost: task.cost, outcome: outcome)
            if refund > 0 {
                try db.execute(sql: "UPDATE applications SET credits = credits + ? WHERE id = ?", arguments: [refund, task.applicationID])
            }
            return true
        }
    }

    public func releaseTasks(owner: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql:
                    "UPDATE tasks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'running' AND lease_owner = ?",
                arguments: [owner]
            )
            return db.changesCount
        }
    }

    public func queueCounts(limits: TaskLimits) async throws -> QueueCounts {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.application_id, t.state, COUNT(*) AS count, a.max_running
                    FROM tasks t INDEXED BY tasks_unfinished LEFT JOIN applications a ON a.id = t.application_id
                    WHERE t.state IN ('pending', 'running') GROUP BY t.application_id, t.state
                    """
            ).map { row in
                QueueCountRow(
                    applicationID: row["application_id"], state: TaskState(rawValue: row["state"]) ?? .pending, count: row["count"],
                    maxRunning: row["max_running"])
            }
        }
        return StoreRules.queueCounts(rows, limits: limits)
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'") ?? 0 }
    }

    public func unfinishedTaskCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks WHERE state IN ('pending', 'running')") ?? 0
        }
    }

    // MARK: Webhook outbox

    private static func enqueue(_ delivery: WebhookDelivery, db: Database) throws {
        let sequence =
            (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM deliveries WHERE task_id = ?", arguments: [delivery.taskID]) ?? 0) + 1
        try db.execute(
            sql: """
                INSERT INTO deliveries (id, task_id, application_id, url, body, format, progress, kind, sequence, state, attempts,
                    next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
            arguments: [
                delivery.id, delivery.taskID, delivery.applicationID, delivery.url, delivery.body, delivery.format, delivery.progress,
                delivery.kind.rawValue, sequence, delivery.nextAttemptAt, delivery.createdAt,
            ]
        )
    }

    public func claimDeliveries(owner: String, now: Double, limit: Int, leaseSeconds: Double) async throws -> [WebhookDelivery] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.* FROM deliveries d
                    WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND (d.lease_expires_at IS NULL OR d.lease_expires_at < ?)
                      AND NOT EXISTS (
                        SELECT 1 FROM deliveries e WHERE e.task_id = d.task_id AND e.state = 'pending' AND e.sequence < d.sequence)
                    ORDER BY d.next_attempt_at, d.sequence LIMIT ?
                    """,
                arguments: [now, now, limit]
            )
            for row in rows {
                try db.execute(
                    sql: "UPDATE deliveries SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                    arguments: [owner, now + leaseSeconds, row["id"] as String]
                )
            }
            return rows.map(Self.delivery)
        }
    }

    public func recordDelivered(id: String, now: Double) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [now, id]
            )
        }
    }

    public func recordFailedAttempt(id: String, error: String, nextAttemptAt: Double?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                        state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [error, nextAttemptAt, nextAttemptAt, id]
            )
        }
    }

    public func deliveries(taskID: String?, limit: Int) async throws -> [WebhookDelivery] {
        try await pool.read { db in
            if let taskID {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM deliveries WHERE task_id = ? ORDER BY sequence LIMIT ?", arguments: [taskID, limit]
                ).map(Self.delivery)
            }
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM (SELECT * FROM deliveries ORDER BY created_at DESC, sequence DESC LIMIT ?) ORDER BY created_at, sequence",
                arguments: [limit]
            ).map(Self.delivery)
        }
    }

    public func nextDeliveryDue() async throws -> Double? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'")
        }
    }

    /// Whether the database answers and has every migration of this release (for `/readyz`).
    public func readiness() async -> StoreReadiness {
        do {
            return try await pool.read { db in try Self.migrator.hasCompletedMigrations(db) } ? .ready : .schemaBehind
        } catch {
            return .unreachable
        }
    }

    /// Moves what the write-ahead log holds into the database file, empties the log, and closes every connection.
    /// The close blocks its thread while queries end, so it runs on a thread of its own (not the cooperative pool,
    /// nor Dispatch's global queue, whose few threads other work needs).
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        await checkpointer.close()
        let pool = pool
        let lanes = readLanes
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                for lane in lanes { try? lane.close() }
                _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try? pool.close()
                continuation.resume()
            }
            thread.start()
        }
    }

    /// Whether the database answers a trivial query (for `/readyz`).
    public func isReachable() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    // MARK: Row mapping

    // The task queries are one statement each, which SQLite runs on one snapshot: they need no transaction around
    // them (`unsafeRead` opens none). Their statements are prepared once per connection and kept: preparing one,
    // with GRDB's authorizer noting every column it reads, cost more than running it.

    private func fetchOne(_ sql: String, _ arguments: StatementArguments) async throws -> TaskSnapshot? {
        // A cursor's rows are read in place from the statement: fetchOne would copy every column first.
        try await quickRead { db in try Self.tasks(db.cachedStatement(sql: sql), arguments).first }
    }

    /// A read of one statement: its block runs on a read lane's queue and the answer resumes the caller, with one hop
    /// each way.
    private func quickRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let lane = readLanes[Int(nextReadLane.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(readLanes.count))]
        return try await withUnsafeThrowingContinuation { continuation in
            lane.asyncUnsafeRead { database in
                continuation.resume(with: Result { try body(try database.get()) })
            }
        }
    }

    /// `keep: false` for a statement whose text is one of too many to keep (a list of ids of any length).
    private func fetchAll(_ sql: String, _ arguments: StatementArguments, keep: Bool = true) async throws -> [TaskSnapshot] {
        try await quickRead { db in
            let statement = keep ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            return try Self.tasks(statement, arguments)
        }
    }

    /// Lists of ids up to this long keep their statements (one per length): a batch's 100 and the poller's.
    private static let keptListLength = 100

    private static func application(_ row: Row) -> Application {
        Application(
            id: row["id"], name: row["name"], credits: row["credits"], webhookSecret: row["webhook_secret"],
            createdAt: row["created_at"], maxRunning: row["max_running"], maxPending: row["max_pending"],
            administrator: row["administrator"]
        )
    }

    private static func credential(_ row: Row) -> Credential {
        let scopes = (row["scopes"] as String).split(separator: ",").compactMap { APIScope(rawValue: String($0)) }
        return Credential(
            id: row["id"], applicationID: row["application_id"], name: row["name"], tokenHash: row["token_hash"],
            scopes: Set(scopes), revoked: row["revoked"], expiresAt: row["expires_at"], createdAt: row["created_at"],
            ratePerSecond: row["rate_per_second"], rateBurst: row["rate_burst"]
        )
    }

    /// The columns a task is read from, in the order `task(_:)` reads them by position (reading by name looked each
    /// name up in the row, without regard to case: 9 % of a pending retrieve). Every task query selects exactly these.
    static let taskColumnNames = [
        "id", "object_id", "application_id", "credential_id", "trace_id", "command", "request", "state", "progress", "image_id",
        "job_id", "created_at", "started_at", "finished_at", "result", "cost", "lease_owner", "lease_expires_at", "callback_url",
        "progress_webhooks", "callback_format",
    ]

    /// `id, object_id, ...`: the select list of a task query.
    static let taskColumns = taskColumnNames.joined(separator: ", ")

    /// The select list with each column qualified by a table alias.
    static func taskColumns(of alias: String) -> String {
        taskColumnNames.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// Runs a task query (one that selects `taskColumns`) and reads its rows from SQLite by position. GRDB's `Row`
    /// builds a table of the statement's lowercased column names for every row it makes: 2 % of a pending retrieve.
    private static func tasks(_ statement: Statement, _ arguments: StatementArguments) throws -> [TaskSnapshot] {
        // Every task query's arguments are made for its own placeholders: GRDB need not count them again.
        statement.setUncheckedArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var tasks: [TaskSnapshot] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return tasks }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                    sql: statement.sql)
            }
            tasks.append(try task(TaskColumns(handle: handle)))
        }
    }

    private static func task(_ row: TaskColumns) throws -> TaskSnapshot {
        TaskSnapshot(
            id: try row.text(0), objectID: try row.text(1), applicationID: try row.text(2), credentialID: try row.text(3),
            traceID: try row.text(4), command: try DomainCoding.command(from: try row.text(5)), acceptedRequest: try row.text(6),
            state: TaskState(rawValue: try row.text(7)) ?? .pending, progress: row.integer(8), imageID: row.optionalText(9),
            jobID: try row.text(10), createdAt: row.real(11), startedAt: row.optionalReal(12), finishedAt: row.optionalReal(13),
            result: try row.optionalText(14).map { try DomainCoding.result(from: $0) }, cost: row.integer(15),
            leaseOwner: row.optionalText(16), leaseExpiresAt: row.optionalReal(17), callbackURL: row.optionalText(18),
            progressWebhooks: row.integer(19) != 0, callbackFormat: try row.text(20)
        )
    }

    /// The current row of a stepped statement, read by column position.
    private struct TaskColumns {
        let handle: SQLiteStatement

        func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

        func optionalText(_ index: Int32) -> String? {
            guard !isNull(index), let text = sqlite3_column_text(handle, index) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
        }

        func text(_ index: Int32) throws -> String {
            guard let text = optionalText(index) else {
                throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "column \(taskColumnNames[Int(index)]) of a task is NULL")
            }
            return text
        }

        func integer(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

        func real(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

        func optionalReal(_ index: Int32) -> Double? { isNull(index) ? nil : real(index) }
    }

    private static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(
            id: row["id"], taskID: row["task_id"], applicationID: row["application_id"], url: row["url"], body: row["body"],
            format: row["format"], progress: row["progress"], kind: WebhookDelivery.Kind(rawValue: row["kind"]) ?? .finished,
            sequence: row["sequence"],
            state: WebhookDelivery.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"], createdAt: row["created_at"],
            deliveredAt: row["delivered_at"]
        )
    }
}
