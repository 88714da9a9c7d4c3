import Foundation
import JourneymanCore
import Logging
import PostgresNIO

/// The PostgreSQL schema's versions, applied in order and recorded in `journeyman_migrations`.
enum PostgresMigrations {
    /// One version: a name and its statements (one statement each, as the extended protocol requires).
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
        /// Work in Swift after the statements, in the same transaction (data the statements cannot translate).
        var backfill: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil
    }

    /// Every version so far. Never edit one that has shipped: add the next.
    static let all: [Migration] = [
        Migration(
            version: 1,
            name: "applications, credentials, tasks, webhook outbox, limits",
            statements: [
                """
                CREATE TABLE applications (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    credits BIGINT NOT NULL,
                    webhook_secret TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    max_running BIGINT,
                    max_pending BIGINT
                )
                """,
                """
                CREATE TABLE credentials (
                    id TEXT PRIMARY KEY,
                    application_id TEXT NOT NULL REFERENCES applications(id),
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    scopes TEXT NOT NULL,
                    revoked BOOLEAN NOT NULL DEFAULT FALSE,
                    expires_at DOUBLE PRECISION,
                    created_at DOUBLE PRECISION NOT NULL,
                    rate_per_second DOUBLE PRECISION,
                    rate_burst BIGINT
                )
                """,
                """
                CREATE TABLE tasks (
                    id TEXT PRIMARY KEY,
                    object_id TEXT NOT NULL,
                    application_id TEXT NOT NULL REFERENCES applications(id),
                    credential_id TEXT NOT NULL,
                    trace_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    request TEXT NOT NULL,
                    state TEXT NOT NULL,
                    progress BIGINT NOT NULL,
                    image_id TEXT,
                    job_id TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    started_at DOUBLE PRECISION,
                    finished_at DOUBLE PRECISION,
                    response TEXT,
                    action TEXT NOT NULL,
                    parent_id TEXT,
                    seed BIGINT,
                    lineage TEXT,
                    cost BIGINT NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at DOUBLE PRECISION,
                    callback_url TEXT,
                    progress_webhooks BOOLEAN NOT NULL DEFAULT FALSE
                )
                """,
                "CREATE INDEX tasks_by_application ON tasks (application_id, created_at)",
                "CREATE INDEX tasks_by_trace ON tasks (application_id, trace_id)",
                "CREATE INDEX tasks_by_image ON tasks (image_id) WHERE image_id IS NOT NULL",
                "CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE state IN ('pending', 'running')",
                "CREATE INDEX tasks_by_application_state ON tasks (application_id, state)",
                """
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY,
                    task_id TEXT NOT NULL,
                    application_id TEXT NOT NULL,
                    url TEXT NOT NULL,
                    body TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION NOT NULL,
                    last_error TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    delivered_at DOUBLE PRECISION,
                    lease_owner TEXT,
                    lease_expires_at DOUBLE PRECISION,
                    UNIQUE (task_id, sequence)
                )
                """,
                "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending'",
            ]
        ),
        Migration(
            version: 2,
            name: "image blobs",
            statements: [
                "CREATE TABLE blobs (name TEXT PRIMARY KEY, bytes BYTEA NOT NULL, created_at DOUBLE PRECISION NOT NULL)"
            ]
        ),
        Migration(
            version: 3,
            name: "domain commands and results; bodies rendered when sent",
            statements: [
                "ALTER TABLE tasks ADD COLUMN command TEXT",
                "ALTER TABLE tasks ADD COLUMN result TEXT",
                "ALTER TABLE tasks ADD COLUMN callback_format TEXT NOT NULL DEFAULT 'midjourney'",
                "ALTER TABLE deliveries ALTER COLUMN body DROP NOT NULL",
                "ALTER TABLE deliveries ADD COLUMN format TEXT NOT NULL DEFAULT 'midjourney'",
                "ALTER TABLE deliveries ADD COLUMN progress BIGINT",
            ],
            backfill: translateLegacyTasks
        ),
        Migration(
            version: 4,
            name: "engine state (an upstream's task id) kept with the task",
            statements: ["ALTER TABLE tasks ADD COLUMN engine_state TEXT"]
        ),
        Migration(
            version: 5,
            name: "administrator applications",
            statements: ["ALTER TABLE applications ADD COLUMN administrator BOOLEAN NOT NULL DEFAULT FALSE"]
        ),
    ]

    /// Tasks of earlier releases kept the wire's request and finished body: translated once, in the migration.
    static func translateLegacyTasks(_ connection: PostgresConnection, _ logger: Logger) async throws {
        let rows = try await connection.query(
            "SELECT id, type, action, state, request, response, parent_id, seed, lineage FROM tasks WHERE command IS NULL",
            logger: logger
        ).collect()
        for row in rows {
            let (id, type, action, state, request, response, parentID, seed, lineage) = try row.decode(
                (String, String, String, String, String, String?, String?, Int64?, String?).self)
            let translated = try LegacyTaskTranslation.translate(
                LegacyTaskTranslation.OldTask(
                    id: id, type: type, action: action, state: state, request: request, response: response, parentID: parentID,
                    seed: seed, lineage: lineage))
            try await connection.query(
                "UPDATE tasks SET command = \(translated.command), result = \(translated.result) WHERE id = \(id)", logger: logger)
        }
    }

    /// Brings the schema up to date. Several instances may start at once: a transaction-scoped advisory lock lets
    /// one migrate while the others wait, then find nothing left to do. DDL is transactional, so a failed version
    /// leaves nothing half-made.
    static func apply(client: PostgresClient, schema: String?, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let lockName = "journeyman_migrations:" + (schema ?? "public")
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockName)))", logger: logger)
            if let schema {
                // The name was checked to be a plain identifier, so it is safe to write unquoted.
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            }
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS journeyman_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                """,
                logger: logger
            )
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM journeyman_migrations", logger: logger).decode(
                Int.self)
            {
                applied.insert(version)
            }
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await migration.backfill?(connection, logger)
                let now = Date().timeIntervalSince1970
                try await connection.query(
                    "INSERT INTO journeyman_migrations (version, name, applied_at) VALUES (\(migration.version), \(migration.name), \(now))",
                    logger: logger
                )
                logger.info("applied PostgreSQL migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
