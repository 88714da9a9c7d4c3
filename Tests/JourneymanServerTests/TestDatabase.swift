import Foundation
import JourneymanCore

/// The PostgreSQL server the tests may use: `JOURNEYMAN_TEST_DATABASE_URL` (scripts/with-postgres sets it).
enum TestDatabase {
    /// The server's URL, when there is one.
    static var url: String? {
        ProcessInfo.processInfo.environment["JOURNEYMAN_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether `TestServer.make` builds its servers over PostgreSQL (`JOURNEYMAN_TEST_STORE=postgres`).
    static var serversUsePostgres: Bool {
        ProcessInfo.processInfo.environment["JOURNEYMAN_TEST_STORE"] == "postgres"
    }

    /// The database URL of a test server over this data directory, or nil for SQLite. The schema is named after the
    /// directory, so a server restarted on the same directory finds its data, and every other test has its own.
    static func serverURL(forDataDirectory directory: String) throws -> String? {
        guard serversUsePostgres else { return nil }
        guard url != nil else {
            throw TestDatabaseMissing()
        }
        return try schemaURL(TokenHasher.hash(directory))
    }

    /// The URL of a schema named after `key` (any text); the store creates it on first use.
    static func schemaURL(_ key: String) throws -> String {
        guard let url else { throw TestDatabaseMissing() }
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schemaName(key) + "&max_connections=8"
    }

    /// The name of the schema `schemaURL(key)` points at.
    static func schemaName(_ key: String) -> String {
        "jt_" + TokenHasher.hash(key).prefix(24)
    }
}

/// JOURNEYMAN_TEST_STORE=postgres was asked for without a server to use.
struct TestDatabaseMissing: Error, CustomStringConvertible {
    var description: String { "JOURNEYMAN_TEST_STORE=postgres needs JOURNEYMAN_TEST_DATABASE_URL (scripts/with-postgres sets it)" }
}
