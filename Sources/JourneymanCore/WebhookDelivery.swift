import Crypto
import Foundation

/// One POST about a task to its `callback_url`, kept in the store's outbox until it is delivered or given up.
/// The body is rendered when it is sent, by the contract named in `format`, from the task as it then is
/// (for a progress delivery, at the progress it records).
public struct WebhookDelivery: Sendable, Equatable {
    /// The `webhook-id`: the same on every retry.
    public var id: String
    /// The task it tells about.
    public var taskID: String
    /// The application whose secret signs it.
    public var applicationID: String
    /// Where it goes.
    public var url: String
    /// The body fixed at queueing time: only deliveries queued by releases before bodies were rendered at
    /// sending carry one; nil means "render it from the task".
    public var body: String?
    /// The contract whose body it carries (`midjourney`, `midjourney-proxy`).
    public var format: String
    /// For a progress delivery, the progress it tells.
    public var progress: Int?
    /// `progress` or `finished`.
    public var kind: Kind
    /// Order among the task's deliveries (1, 2, ...): a delivery waits for the earlier ones.
    public var sequence: Int
    /// Where it is.
    public var state: State
    /// Attempts made so far.
    public var attempts: Int
    /// Unix seconds of the next attempt.
    public var nextAttemptAt: Double
    /// What went wrong last time.
    public var lastError: String?
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds it was accepted by the receiver.
    public var deliveredAt: Double?

    /// What a delivery tells.
    public enum Kind: String, Sendable, Codable {
        case progress, finished
    }

    /// Where a delivery is.
    public enum State: String, Sendable, Codable {
        case pending, delivered, failed
    }

    /// Creates a delivery.
    public init(
        id: String, taskID: String, applicationID: String, url: String, body: String? = nil, format: String = "midjourney",
        progress: Int? = nil, kind: Kind, sequence: Int = 0,
        state: State = .pending, attempts: Int = 0, nextAttemptAt: Double, lastError: String? = nil, createdAt: Double,
        deliveredAt: Double? = nil
    ) {
        self.id = id
        self.taskID = taskID
        self.applicationID = applicationID
        self.url = url
        self.body = body
        self.format = format
        self.progress = progress
        self.kind = kind
        self.sequence = sequence
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// Signs webhook bodies the Standard Webhooks way: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
public enum WebhookSigner {
    /// The signature header value for one attempt.
    public static func signature(secret: String, id: String, timestamp: Int, body: String) -> String {
        let key = SymmetricKey(data: keyBytes(of: secret))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether `header` (space-separated `v1,<sig>` entries) holds a valid signature of this body.
    public static func verify(secret: String, id: String, timestamp: Int, body: String, header: String) -> Bool {
        let expected = signature(secret: secret, id: id, timestamp: timestamp, body: body)
        return header.split(separator: " ").contains { candidate in
            // Compare every byte so the time taken does not reveal where they differ.
            let a = Array(candidate.utf8)
            let b = Array(expected.utf8)
            guard a.count == b.count else { return false }
            return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// The key bytes of a `whsec_<base64>` secret (a secret without that form is used as it is).
    static func keyBytes(of secret: String) -> Data {
        if secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) { return data }
        return Data(secret.utf8)
    }
}
