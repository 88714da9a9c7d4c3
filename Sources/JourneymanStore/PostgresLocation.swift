import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is, read from a `postgres://user:password@host:port/database` URL.
///
/// Query items: `sslmode=disable|prefer|require` (default `disable`), `schema=NAME` (tables live in that schema,
/// created if missing; tests give every server its own), `max_connections=N` (the pool's size, default 20).
public struct PostgresLocation: Sendable, Equatable {
    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Role to log in as.
    public var username: String
    /// Its password, if any.
    public var password: String?
    /// Database name (the server's default for the role when nil).
    public var database: String?
    /// The schema the tables live in (the role's `search_path` when nil).
    public var schema: String?
    /// `disable`, `prefer` or `require`.
    public var sslMode: String
    /// Most connections the pool opens.
    public var maxConnections: Int

    /// Parses a URL; throws a message a person can act on when it is not one.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresLocationError("the database URL must look like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLocationError("the database URL names no host")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        self.schema = items["schema"].flatMap { $0.isEmpty ? nil : $0 }
        self.sslMode = items["sslmode"] ?? "disable"
        self.maxConnections = items["max_connections"].flatMap(Int.init) ?? 20
        if let schema, !Self.isPlainIdentifier(schema) {
            throw PostgresLocationError("schema must be lower-case letters, digits and underscores, not '\(schema)'")
        }
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresLocationError("sslmode must be disable, prefer or require, not '\(sslMode)'")
        }
        guard maxConnections >= 2 else {
            throw PostgresLocationError("max_connections must be at least 2 (one listens for notifications)")
        }
    }

    /// The same place with `schema` set (keeps every other part).
    public func inSchema(_ schema: String) -> PostgresLocation {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// The pool configuration for postgres-nio.
    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "require": tls = .require(.makeClientConfiguration())
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        if let schema {
            // Every connection resolves unqualified table names in this schema first.
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
    }

    /// The NOTIFY channel of this schema, so servers on other schemas of one database do not hear each other.
    var channel: String { "journeyman_" + (schema ?? "public") }

    /// Whether `name` is safe to write into SQL unquoted (schemas are created by name).
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 48 else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
        let allowed = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }
}

/// A database URL that cannot be used.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
