import Foundation
import JourneymanCore
import Logging
import PostgresNIO
import Synchronization

/// The shared store: many `journeyman serve` instances over one PostgreSQL database act as one service.
///
/// It mirrors `SQLiteTaskStore` statement for statement. Where SQLite relies on its single writer, this store takes
/// row locks: claims use `FOR UPDATE SKIP LOCKED`, inserts lock their application's row, and finishing is a
/// compare-and-set on the lease holder. Every change other instances should hear about is announced with
/// `pg_notify` inside its transaction, so it is heard only once committed (`PostgresEventRelay` listens).
///
/// The store owns its connection pool's lifetime: the pool runs from `init` until the store is released, so the
/// store works at once for `journeyman token` and for a server's set-up before its services start.
public final class PostgresTaskStore: TaskStore {
    /// Where the database is.
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let pool: Task<Void, Never>
    private let schemaReady = Mutex<Task<Void, any Error>?>(nil)

    /// Opens a pool to the database at `location`; the schema is brought up to date on first use.
    public init(location: PostgresLocation, logger: Logger = Logger(label: "journeyman.postgres")) {
        self.location = location
        self.logger = logger
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
        self.client = client
        // The pool must run for queries to get connections; cancelling this task (in deinit) closes them.
        pool = Task { await client.run() }
    }

    /// Opens a pool to the database a `postgres://` URL names.
    public convenience init(url: String, logger: Logger = Logger(label: "journeyman.postgres")) throws {
        self.init(location: try PostgresLocation(url: url), logger: logger)
    }

    deinit {
        pool.cancel()
    }

    /// Ends the pool: its connections close. Waits for that at most five seconds, since a pool retrying a database
    /// that went away may take longer to notice its cancellation; it ends on its own later.
    public func close() async {
        pool.cancel()
        let pool = pool
        _ = await firstWithin(.seconds(5), otherwise: false) {
            await pool.value
            return true
        }
    }

    /// Applies pending migrations (once per store; again after a failure). Every operation awaits it first.
    public func migrate() async throws {
        let migration = schemaReady.withLock { current -> Task<Void, any Error> in
            if let current { return current }
            let task = Task { [client, location, logger] in
                try await PostgresMigrations.apply(client: client, schema: location.schema, logger: logger)
            }
            current = task
            return task
        }
        do {
            try await migration.value
        } catch {
            // Let the next caller try again (the database may have been down for a moment).
            schemaReady.withLock { current in
                if current == migration { current = nil }
            }
            throw error
        }
    }

    // MARK: Applications and credentials

    public func createApplication(_ application: Application) async throws {
        try await execute(
            """
            INSERT INTO applications (id, name, credits, webhook_secret, created_at, max_running, max_pending, administrator)
            VALUES (\(application.id), \(application.name), \(application.credits), \(application.webhookSecret),
                \(application.createdAt), \(application.maxRunning), \(application.maxPending), \(application.administrator))
            """
        )
    }

    public func application(id: String) async throws -> Application? {
        try await rows("SELECT * FROM applications WHERE id = \(id)").first.map(Self.application)
    }

    public func applications() async throws -> [Application] {
        try await rows("SELECT * FROM applications ORDER BY created_at, id").map(Self.application)
    }

    public func addCredits(applicationID: String, amount: Int) async throws -> Int? {
        try await rows(
            "UPDATE applications SET credits = GREATEST(0, credits + \(amount)) WHERE id = \(applicationID) RETURNING credits"
        ).first?.decode(Int.self)
    }

    public func setLimits(applicationID: String, maxRunning: Int?, maxPending: Int?) async throws -> Bool {
        try await !rows(
            """
            UPDATE applications SET max_running = \(maxRunning)::bigint, max_pending = \(maxPending)::bigint
            WHERE id = \(applicationID) RETURNING id
            """
        ).isEmpty
    }

    public func setAdministrator(applicationID: String, administrator: Bool) async throws -> Bool {
        try await !rows("UPDATE applications SET administrator = \(administrator) WHERE id = \(applicationID) RETURNING id").isEmpty
    }

    public func usage() async throws -> [ApplicationUsage] {
        var usage: [String: ApplicationUsage] = [:]
        for row in try await rows("SELECT id FROM applications ORDER BY created_at, id") {
            let id = try row.decode(String.self)
            usage[id] = ApplicationUsage(applicationID: id, tasksByState: [:], creditsSpent: 0)
        }
        let counts = try await rows(
            """
            SELECT application_id, state, COUNT(*)::bigint, COALESCE(SUM(cost), 0)::bigint
            FROM tasks GROUP BY application_id, state
            """
        )
        for row in counts {
            let (id, state, count, cost) = try row.decode((String, String, Int, Int).self)
            usage[id, default: ApplicationUsage(applicationID: id, tasksByState: [:], creditsSpent: 0)].tasksByState[state] = count
            if state != "failed" && state != "cancelled" {
                usage[id]?.creditsSpent += cost
            }
        }
        return usage.values.sorted { $0.applicationID < $1.applicationID }
    }

    public func setRateLimit(credentialID: String, perSecond: Double?, burst: Int?) async throws -> Bool {
        try await !rows(
            """
            UPDATE credentials SET rate_per_second = \(perSecond)::double precision, rate_burst = \(burst)::bigint
            WHERE id = \(credentialID) RETURNING id
            """
        ).isEmpty
    }

    public func createCredential(_ credential: Credential) async throws {
        try await transaction { connection in
            guard try await !self.rows("SELECT 1 FROM applications WHERE id = \(credential.applicationID)", on: connection).isEmpty else {
                throw StoreError.unknownApplication(credential.applicationID)
            }
            let scopes = credential.scopes.map(\.rawValue).sorted().joined(separator: ",")
            try await connection.query(
                """
                INSERT INTO credentials (id, application_id, name, token_hash, scopes, revoked, expires_at, created_at,
                    rate_per_second, rate_burst)
                VALUES (\(credential.id), \(credential.applicationID), \(credential.name), \(credential.tokenHash), \(scopes),
                    \(credential.revoked), \(credential.expiresAt)::double precision, \(credential.createdAt),
                    \(credential.ratePerSecond)::double precision, \(credential.rateBurst)::bigint)
                """,
                logger: self.logger
            )
        }
    }

    public func credential(tokenHash: String) async throws -> Credential? {
        try await rows("SELECT * FROM credentials WHERE token_hash = \(tokenHash)").first.map(Self.credential)
    }

    public func credentials() async throws -> [Credential] {
        try await rows("SELECT * FROM credentials ORDER BY created_at, id").map(Self.credential)
    }

    public func revokeCredential(id: String) async throws -> Bool {
        try await !rows("UPDATE credentials SET revoked = TRUE WHERE id = \(id) RETURNING id").isEmpty
    }

    // MARK: Tasks

    public func insertTask(_ task: TaskSnapshot, limits: TaskLimits) async throws {
        let command = try DomainCoding.encode(task.command)
        let result = try task.result.map { try DomainCoding.encode($0) }
        try await transaction { connection in
            // Locking the application's row makes concurrent inserts of one application take turns, as SQLite's
            // single writer does: the queue limit and the balance are then checked against settled numbers.
            guard
                let application = try await self.rows(
                    "SELECT credits, max_pending FROM applications WHERE id = \(task.applicationID) FOR UPDATE", on: connection
                ).first
            else {
                throw StoreError.unknownApplication(task.applicationID)
            }
            let (credits, ownLimit) = try application.decode((Int, Int?).self)
            if let limit = StoreRules.pendingLimit(own: ownLimit, limits: limits) {
                let pending =
                    try await self.rows(
                        "SELECT COUNT(*) FROM tasks WHERE application_id = \(task.applicationID) AND state = 'pending'", on: connection
                    ).first?.decode(Int.self) ?? 0
                try StoreRules.checkQueue(pending: pending, limit: limit)
            }
            if task.cost > 0 {
                guard credits >= task.cost else { throw StoreError.insufficientCredits(balance: credits, cost: task.cost) }
                try await connection.query(
                    "UPDATE applications SET credits = credits - \(task.cost) WHERE id = \(task.applicationID)", logger: self.logger
                )
            }
            try await connection.query(
                """
                INSERT INTO tasks (id, object_id, application_id, credential_id, trace_id, type, request, state, progress,
                    image_id, job_id, created_at, started_at, finished_at, action, parent_id, cost,
                    lease_owner, lease_expires_at, callback_url, progress_webhooks, callback_format, command, result)
                VALUES (\(task.id), \(task.objectID), \(task.applicationID), \(task.credentialID), \(task.traceID),
                    \(task.kind.rawValue), \(task.acceptedRequest), \(task.state.rawValue), \(task.progress), \(task.imageID),
                    \(task.jobID), \(task.createdAt), \(task.startedAt), \(task.finishedAt), \(task.command.actionName),
                    \(task.parentID), \(task.cost), \(task.leaseOwner), \(task.leaseExpiresAt),
                    \(task.callbackURL), \(task.progressWebhooks), \(task.callbackFormat), \(command), \(result))
                """,
                logger: self.logger
            )
            try await self.notify(.taskQueued(taskID: task.id), on: connection)
        }
    }

    public func task(id: String, applicationID: String) async throws -> TaskSnapshot? {
        try await rows("SELECT * FROM tasks WHERE id = \(id) AND application_id = \(applicationID)").first.map(Self.task)
    }

    public func task(traceID: String, applicationID: String) async throws -> TaskSnapshot? {
        try await rows(
            "SELECT * FROM tasks WHERE application_id = \(applicationID) AND trace_id = \(traceID) ORDER BY created_at LIMIT 1"
        ).first.map(Self.task)
    }

    public func task(imageID: String, applicationID: String) async throws -> TaskSnapshot? {
        try await rows("SELECT * FROM tasks WHERE image_id = \(imageID) AND application_id = \(applicationID)").first.map(Self.task)
    }

    public func task(id: String) async throws -> TaskSnapshot? {
        try await rows("SELECT * FROM tasks WHERE id = \(id)").first.map(Self.task)
    }

    public func runningTasks(limit: Int) async throws -> [TaskSnapshot] {
        try await rows("SELECT * FROM tasks WHERE state = 'running' ORDER BY started_at, id LIMIT \(limit)").map(Self.task)
    }

    public func tasks(ids: [String], applicationID: String) async throws -> [TaskSnapshot] {
        guard !ids.isEmpty else { return [] }
        return try await rows("SELECT * FROM tasks WHERE application_id = \(applicationID) AND id = ANY(\(ids))").map(Self.task)
    }

    public func tasks(traceIDs: [String], applicationID: String) async throws -> [TaskSnapshot] {
        guard !traceIDs.isEmpty else { return [] }
        return try await rows(
            "SELECT * FROM tasks WHERE application_id = \(applicationID) AND trace_id = ANY(\(traceIDs)) ORDER BY created_at"
        ).map(Self.task)
    }

    public func tasks(applicationID: String, offset: Int, limit: Int) async throws -> [TaskSnapshot] {
        try await rows(
            "SELECT * FROM tasks WHERE application_id = \(applicationID) ORDER BY created_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)"
        ).map(Self.task)
    }

    public func taskIDs(applicationID: String, offset: Int, limit: Int) async throws -> [String] {
        try await rows(
            "SELECT id FROM tasks WHERE application_id = \(applicationID) ORDER BY created_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)"
        ).map { try $0.decode(String.self) }
    }

    public func claimTask(owner: String, now: Double, leaseSeconds: Double, limits: TaskLimits) async throws -> TaskSnapshot? {
        try await transaction { connection in
            // Applications found at their running limit once the race is settled; the next candidate skips them.
            var full: [String] = []
            for _ in 0..<8 {
                // SKIP LOCKED: a task another instance is claiming right now is passed over, never waited for.
                guard
                    let candidate = try await self.rows(
                        """
                        SELECT t.* FROM tasks t
                        WHERE t.state IN ('pending', 'running') AND (t.state = 'pending' OR t.lease_expires_at < \(now))
                          AND NOT (t.application_id = ANY(\(full)))
                          AND (
                            SELECT COUNT(*) FROM tasks r
                            WHERE r.application_id = t.application_id AND r.state = 'running' AND r.lease_expires_at >= \(now)
                          ) < COALESCE(
                            (SELECT max_running FROM applications a WHERE a.id = t.application_id),
                            \(limits.maxRunningPerApplication)::bigint, 4611686018427387904)
                        ORDER BY t.created_at, t.id LIMIT 1
                        FOR UPDATE OF t SKIP LOCKED
                        """,
                        on: connection
                    ).first.map(Self.task)
                else { return nil }
                if try await !self.mayRun(candidate, now: now, limits: limits, on: connection) {
                    full.append(candidate.applicationID)
                    continue
                }
                let claimed = try await self.rows(
                    """
                    UPDATE tasks SET state = 'running', lease_owner = \(owner), lease_expires_at = \(now + leaseSeconds),
                        started_at = COALESCE(started_at, \(now))
                    WHERE id = \(candidate.id) RETURNING *
                    """,
                    on: connection
                )
                return try claimed.first.map(Self.task)
            }
            return nil
        }
    }

    /// Whether the candidate's application is still under its running limit once other instances' claims of the
    /// same application have committed: its row lock makes those claims take turns (only when a limit applies).
    private func mayRun(_ candidate: TaskSnapshot, now: Double, limits: TaskLimits, on connection: PostgresConnection) async throws -> Bool
    {
        let own =
            try await rows(
                "SELECT max_running FROM applications WHERE id = \(candidate.applicationID)", on: connection
            ).first?.decode(Int?.self) ?? nil
        guard let limit = StoreRules.runningLimit(own: own, limits: limits) else { return true }
        try await connection.query("SELECT 1 FROM applications WHERE id = \(candidate.applicationID) FOR UPDATE", logger: logger)
        let running =
            try await rows(
                """
                SELECT COUNT(*) FROM tasks
                WHERE application_id = \(candidate.applicationID) AND state = 'running' AND lease_expires_at >= \(now)
                """,
                on: connection
            ).first?.decode(Int.self) ?? 0
        return running < limit
    }

    public func updateProgress(id: String, owner: String, progress: Int, now: Double, leaseSeconds: Double) async throws -> Bool {
        try await transaction { connection in
            guard
                let task = try await self.rows(
                    "SELECT * FROM tasks WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner) FOR UPDATE",
                    on: connection
                ).first.map(Self.task)
            else { return false }
            try await connection.query(
                "UPDATE tasks SET progress = GREATEST(progress, \(progress)), lease_expires_at = \(now + leaseSeconds) WHERE id = \(id)",
                logger: self.logger
            )
            if progress > task.progress {
                if let delivery = StoreRules.progressDelivery(task, from: task.progress, to: progress, now: now) {
                    try await self.enqueue(delivery, on: connection)
                }
                try await self.notify(.progress(taskID: id, progress: progress), on: connection)
            }
            return true
        }
    }

    public func engineState(taskID id: String) async throws -> String? {
        try await rows("SELECT engine_state FROM tasks WHERE id = \(id)").first?.decode(String?.self) ?? nil
    }

    public func recordEngineState(taskID id: String, owner: String, state: String) async throws -> Bool {
        let updated = try await rows(
            "UPDATE tasks SET engine_state = \(state) WHERE id = \(id) AND state = 'running' AND lease_owner = \(owner) RETURNING id")
        return !updated.isEmpty
    }

    public func finishTask(id: String, owner: String?, outcome: TaskOutcome) async throws -> Bool {
        let result = try DomainCoding.encode(outcome.result)
        return try await transaction { connection in
            // The compare-and-set: only an unfinished task (held by `owner`, when given) changes; the row lock
            // makes a racing finisher wait and then find it finished.
            guard
                let task = try await self.rows(
                    """
                    SELECT * FROM tasks WHERE id = \(id) AND state IN ('pending', 'running')
                      AND (\(owner)::text IS NULL OR lease_owner = \(owner))
                    FOR UPDATE
                    """,
                    on: connection
                ).first.map(Self.task)
            else { return false }
            try await connection.query(
                """
                UPDATE tasks SET state = \(outcome.state.rawValue), progress = \(StoreRules.finalProgress(task.progress, outcome: outcome)),
                    result = \(result), finished_at = \(outcome.finishedAt), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            if let delivery = StoreRules.finishedDelivery(task, outcome: outcome) { try await self.enqueue(delivery, on: connection) }
            let refund = StoreRules.refund(cost: task.cost, outcome: outcome)
            if refund > 0 {
                try await connection.query(
                    "UPDATE applications SET credits = credits + \(refund) WHERE id = \(task.applicationID)", logger: self.logger
                )
            }
            try await self.notify(.finished(taskID: id), on: connection)
            return true
        }
    }

    public func releaseTasks(owner: String) async throws -> Int {
        try await transaction { connection in
            let released = try await self.rows(
                """
                UPDATE tasks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'running' AND lease_owner = \(owner) RETURNING id
                """,
                on: connection
            )
            // Other instances' idle workers may take them at once.
            for row in released { try await self.notify(.taskQueued(taskID: try row.decode(String.self)), on: connection) }
            return released.count
        }
    }

    public func queueCounts(limits: TaskLimits) async throws -> QueueCounts {
        let result = try await rows(
            """
            SELECT t.application_id, t.state, COUNT(*)::bigint, a.max_running::bigint
            FROM tasks t LEFT JOIN applications a ON a.id = t.application_id
            WHERE t.state IN ('pending', 'running') GROUP BY t.application_id, t.state, a.max_running
            """
        )
        let counted = try result.map { row in
            let (applicationID, state, count, maxRunning) = try row.decode((String, String, Int, Int?).self)
            return QueueCountRow(
                applicationID: applicationID, state: TaskState(rawValue: state) ?? .pending, count: count, maxRunning: maxRunning)
        }
        return StoreRules.queueCounts(counted, limits: limits)
    }

    public func pendingDeliveryCount() async throws -> Int {
        try await rows("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'").first?.decode(Int.self) ?? 0
    }

    public func unfinishedTaskCount() async throws -> Int {
        try await rows("SELECT COUNT(*) FROM tasks WHERE state IN ('pending', 'running')").first?.decode(Int.self) ?? 0
    }

    // MARK: Webhook outbox

    /// Queues a delivery after the task's earlier ones. Callers hold the task's row lock, so two deliveries of one
    /// task never compute the same sequence.
    private func enqueue(_ delivery: WebhookDelivery, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO deliveries (id, task_id, application_id, url, body, format, progress, kind, sequence, state, attempts,
                next_attempt_at, created_at)
            VALUES (\(delivery.id), \(delivery.taskID), \(delivery.applicationID), \(delivery.url), \(delivery.body),
                \(delivery.format), \(delivery.progress), \(delivery.kind.rawValue),
                (SELECT COALESCE(MAX(sequence), 0) + 1 FROM deliveries WHERE task_id = \(delivery.taskID)),
                'pending', 0, \(delivery.nextAttemptAt), \(delivery.createdAt))
            """,
            logger: logger
        )
        try await notify(.deliveryQueued(taskID: delivery.taskID), on: connection)
    }

    public func claimDeliveries(owner: String, now: Double, limit: Int, leaseSeconds: Double) async throws -> [WebhookDelivery] {
        let claimed = try await rows(
            """
            UPDATE deliveries SET lease_owner = \(owner), lease_expires_at = \(now + leaseSeconds)
            WHERE id IN (
                SELECT d.id FROM deliveries d
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(now)
                  AND (d.lease_expires_at IS NULL OR d.lease_expires_at < \(now))
                  AND NOT EXISTS (
                    SELECT 1 FROM deliveries e WHERE e.task_id = d.task_id AND e.state = 'pending' AND e.sequence < d.sequence)
                ORDER BY d.next_attempt_at, d.sequence LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """
        ).map(Self.delivery)
        return claimed.sorted { ($0.nextAttemptAt, $0.sequence) < ($1.nextAttemptAt, $1.sequence) }
    }

    public func recordDelivered(id: String, now: Double) async throws {
        try await execute(
            """
            UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = \(now), last_error = NULL,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(id) AND state = 'pending'
            """
        )
    }

    public func recordFailedAttempt(id: String, error: String, nextAttemptAt: Double?) async throws {
        try await execute(
            """
            UPDATE deliveries SET attempts = attempts + 1, last_error = \(error),
                next_attempt_at = COALESCE(\(nextAttemptAt)::double precision, next_attempt_at),
                state = CASE WHEN \(nextAttemptAt)::double precision IS NULL THEN 'failed' ELSE 'pending' END,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(id) AND state = 'pending'
            """
        )
    }

    public func deliveries(taskID: String?, limit: Int) async throws -> [WebhookDelivery] {
        if let taskID {
            return try await rows("SELECT * FROM deliveries WHERE task_id = \(taskID) ORDER BY sequence LIMIT \(limit)").map(Self.delivery)
        }
        return try await rows(
            """
            SELECT * FROM (SELECT * FROM deliveries ORDER BY created_at DESC, sequence DESC LIMIT \(limit)) newest
            ORDER BY created_at, sequence
            """
        ).map(Self.delivery)
    }

    public func nextDeliveryDue() async throws -> Double? {
        try await rows("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'").first?.decode(Double?.self)
    }

    /// Whether the database answers a trivial query within five seconds (for `/readyz`).
    public func isReachable() async -> Bool {
        await withinFiveSeconds(otherwise: false) {
            // Straight to the pool, not through `migrate()`: waiting on the shared migration would not end on cancellation.
            let rows = try? await self.client.query("SELECT 1::bigint", logger: self.logger).collect()
            return (try? rows?.first?.decode(Int.self)) == 1
        }
    }

    /// Whether the database answers within five seconds and has every migration of this release (for `/readyz`).
    public func readiness() async -> StoreReadiness {
        guard await isReachable() else { return .unreachable }
        let latest = PostgresMigrations.all.map(\.version).max() ?? 0
        return await withinFiveSeconds(otherwise: .unreachable) {
            // A schema without the migrations table has none of them.
            let rows = try? await self.client.query(
                "SELECT COALESCE(MAX(version), 0)::bigint FROM journeyman_migrations", logger: self.logger
            )
            .collect()
            let applied = (try? rows?.first?.decode(Int.self)) ?? 0
            return applied >= latest ? .ready : .schemaBehind
        }
    }

    private func withinFiveSeconds<Value: Sendable>(otherwise: Value, _ body: @escaping @Sendable () async -> Value) async -> Value {
        await firstWithin(.seconds(5), otherwise: otherwise, body)
    }

    /// Runs `body` while holding the advisory lock `name`, so instances starting at once take turns (for example to
    /// create the `default` application only once).
    public func whileLocked<Value: Sendable>(_ name: String, _ body: @Sendable () async throws -> Value) async throws -> Value {
        try await migrate()
        let key = "journeyman:" + name
        return try await client.withConnection { connection in
            // A session lock on this leased connection; `body` works through the pool's other connections.
            try await connection.query("SELECT pg_advisory_lock(hashtext(\(key)))", logger: self.logger)
            do {
                let value = try await body()
                try await connection.query("SELECT pg_advisory_unlock(hashtext(\(key)))", logger: self.logger)
                return value
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(key)))", logger: self.logger)
                throw error
            }
        }
    }

    // MARK: Notifications

    /// Listens on this schema's channel until cancelled or the connection drops, handing `onEvent` every
    /// committed change; `onListening` is called once the database has confirmed the `LISTEN`.
    public func listen(
        onListening: @Sendable () async -> Void = {},
        _ onEvent: @Sendable (PostgresStoreEvent) async -> Void
    ) async throws {
        try await migrate()
        try await client.withConnection { connection in
            try await connection.listen(on: self.location.channel) { notifications in
                await onListening()
                for try await notification in notifications {
                    if let event = PostgresStoreEvent(payload: notification.payload) { await onEvent(event) }
                }
            }
        }
    }

    private func notify(_ event: PostgresStoreEvent, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(location.channel), \(event.payload))", logger: logger)
    }

    // MARK: Running queries

    /// Runs a query on a pooled connection and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await migrate()
        return try await client.query(query, logger: logger).collect()
    }

    /// Runs a statement on a pooled connection, discarding any rows.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    private func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `body` in one transaction; an error it throws rolls back and comes out as itself (not wrapped).
    private func transaction<Value: Sendable>(_ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        try await migrate()
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    // MARK: Row mapping

    private static func application(_ row: PostgresRow) throws -> Application {
        let cells = row.makeRandomAccess()
        return Application(
            id: try cells["id"].decode(String.self), name: try cells["name"].decode(String.self),
            credits: try cells["credits"].decode(Int.self), webhookSecret: try cells["webhook_secret"].decode(String.self),
            createdAt: try cells["created_at"].decode(Double.self), maxRunning: try cells["max_running"].decode(Int?.self),
            maxPending: try cells["max_pending"].decode(Int?.self), administrator: try cells["administrator"].decode(Bool.self)
        )
    }

    private static func credential(_ row: PostgresRow) throws -> Credential {
        let cells = row.makeRandomAccess()
        let scopes = try cells["scopes"].decode(String.self).split(separator: ",").compactMap { APIScope(rawValue: String($0)) }
        return Credential(
            id: try cells["id"].decode(String.self), applicationID: try cells["application_id"].decode(String.self),
            name: try cells["name"].decode(String.self), tokenHash: try cells["token_hash"].decode(String.self),
            scopes: Set(scopes), revoked: try cells["revoked"].decode(Bool.self),
            expiresAt: try cells["expires_at"].decode(Double?.self), createdAt: try cells["created_at"].decode(Double.self),
            ratePerSecond: try cells["rate_per_second"].decode(Double?.self), rateBurst: try cells["rate_burst"].decode(Int?.self)
        )
    }

    private static func task(_ row: PostgresRow) throws -> TaskSnapshot {
        let cells = row.makeRandomAccess()
        return TaskSnapshot(
            id: try cells["id"].decode(String.self), objectID: try cells["object_id"].decode(String.self),
            applicationID: try cells["application_id"].decode(String.self),
            credentialID: try cells["credential_id"].decode(String.self), traceID: try cells["trace_id"].decode(String.self),
            command: try DomainCoding.command(from: try cells["command"].decode(String.self)),
            acceptedRequest: try cells["request"].decode(String.self),
            state: TaskState(rawValue: try cells["state"].decode(String.self)) ?? .pending,
            progress: try cells["progress"].decode(Int.self), imageID: try cells["image_id"].decode(String?.self),
            jobID: try cells["job_id"].decode(String.self), createdAt: try cells["created_at"].decode(Double.self),
            startedAt: try cells["started_at"].decode(Double?.self), finishedAt: try cells["finished_at"].decode(Double?.self),
            result: try cells["result"].decode(String?.self).map { try DomainCoding.result(from: $0) },
            cost: try cells["cost"].decode(Int.self), leaseOwner: try cells["lease_owner"].decode(String?.self),
            leaseExpiresAt: try cells["lease_expires_at"].decode(Double?.self),
            callbackURL: try cells["callback_url"].decode(String?.self),
            progressWebhooks: try cells["progress_webhooks"].decode(Bool.self),
            callbackFormat: try cells["callback_format"].decode(String.self)
        )
    }

    private static func delivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let cells = row.makeRandomAccess()
        return WebhookDelivery(
            id: try cells["id"].decode(String.self), taskID: try cells["task_id"].decode(String.self),
            applicationID: try cells["application_id"].decode(String.self), url: try cells["url"].decode(String.self),
            body: try cells["body"].decode(String?.self), format: try cells["format"].decode(String.self),
            progress: try cells["progress"].decode(Int?.self),
            kind: WebhookDelivery.Kind(rawValue: try cells["kind"].decode(String.self)) ?? .finished,
            sequence: try cells["sequence"].decode(Int.self),
            state: WebhookDelivery.State(rawValue: try cells["state"].decode(String.self)) ?? .pending,
            attempts: try cells["attempts"].decode(Int.self), nextAttemptAt: try cells["next_attempt_at"].decode(Double.self),
            lastError: try cells["last_error"].decode(String?.self), createdAt: try cells["created_at"].decode(Double.self),
            deliveredAt: try cells["delivered_at"].decode(Double?.self)
        )
    }
}
