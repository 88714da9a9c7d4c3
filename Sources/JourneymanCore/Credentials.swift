import Crypto
import Foundation

/// An API a credential may be granted.
public enum APIScope: String, Sendable, CaseIterable, Codable {
    case imagine, describe, tasks

    /// Parses a comma-separated list ("imagine,tasks"); nil when a name is unknown.
    public static func parseList(_ text: String) -> Set<APIScope>? {
        var scopes: Set<APIScope> = []
        for part in text.split(separator: ",") {
            guard let scope = APIScope(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            scopes.insert(scope)
        }
        return scopes.isEmpty ? nil : scopes
    }
}

/// An application: owns tasks and credits.
public struct Application: Sendable, Equatable {
    /// UUID.
    public var id: String
    /// A name people recognise.
    public var name: String
    /// Credits left.
    public var credits: Int
    /// Key of the HMAC that signs this application's webhooks.
    public var webhookSecret: String
    /// Unix seconds.
    public var createdAt: Double
    /// Its own limit on running tasks (nil: the server's).
    public var maxRunning: Int?
    /// Its own limit on pending tasks (nil: the server's).
    public var maxPending: Int?
    /// Whether its tokens may operate the server from the web console (applications, tokens, deliveries, queue).
    public var administrator: Bool

    /// Creates an application.
    public init(
        id: String, name: String, credits: Int, webhookSecret: String, createdAt: Double, maxRunning: Int? = nil, maxPending: Int? = nil,
        administrator: Bool = false
    ) {
        self.administrator = administrator
        self.id = id
        self.name = name
        self.credits = credits
        self.webhookSecret = webhookSecret
        self.createdAt = createdAt
        self.maxRunning = maxRunning
        self.maxPending = maxPending
    }
}

/// A token of an application, stored only as its SHA-256 hash.
public struct Credential: Sendable, Equatable {
    /// UUID.
    public var id: String
    /// The application it belongs to.
    public var applicationID: String
    /// A name people recognise.
    public var name: String
    /// Hex SHA-256 of the token.
    public var tokenHash: String
    /// The APIs it may call.
    public var scopes: Set<APIScope>
    /// Whether it has been revoked.
    public var revoked: Bool
    /// Unix seconds after which it no longer works.
    public var expiresAt: Double?
    /// Unix seconds.
    public var createdAt: Double
    /// Its own rate limit in requests a second (nil: the server's).
    public var ratePerSecond: Double?
    /// Its own burst (nil: the server's).
    public var rateBurst: Int?

    /// Creates a credential.
    public init(
        id: String, applicationID: String, name: String, tokenHash: String, scopes: Set<APIScope>, revoked: Bool = false,
        expiresAt: Double? = nil, createdAt: Double, ratePerSecond: Double? = nil, rateBurst: Int? = nil
    ) {
        self.ratePerSecond = ratePerSecond
        self.rateBurst = rateBurst
        self.id = id
        self.applicationID = applicationID
        self.name = name
        self.tokenHash = tokenHash
        self.scopes = scopes
        self.revoked = revoked
        self.expiresAt = expiresAt
        self.createdAt = createdAt
    }
}

/// Makes and hashes tokens.
public enum TokenHasher {
    /// A new random token: `jm_` and 43 URL-safe base64 characters (256 bits).
    public static func newToken() -> String {
        "jm_" + randomBase64URL(byteCount: 32)
    }

    /// A new random webhook secret in the Standard Webhooks form (`whsec_` + base64).
    public static func newWebhookSecret() -> String {
        "whsec_" + Data(randomBytes(24)).base64EncodedString()
    }

    /// Hex SHA-256 of a token.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).withUnsafeBytes { Hex.lowercase($0) }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private static func randomBase64URL(byteCount: Int) -> String {
        Data(randomBytes(byteCount)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// What an application has used.
public struct ApplicationUsage: Sendable, Equatable {
    /// The application.
    public var applicationID: String
    /// Tasks by state (`pending`, `running`, `succeeded`, `failed`, `cancelled`).
    public var tasksByState: [String: Int]
    /// Credits spent on tasks that succeeded (failed and cancelled ones are refunded).
    public var creditsSpent: Int

    /// Creates a usage summary.
    public init(applicationID: String, tasksByState: [String: Int], creditsSpent: Int) {
        self.applicationID = applicationID
        self.tasksByState = tasksByState
        self.creditsSpent = creditsSpent
    }
}
