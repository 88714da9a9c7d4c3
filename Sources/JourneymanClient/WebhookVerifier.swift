import Crypto
import Foundation

/// Checks a webhook delivery the Standard Webhooks way: the `webhook-signature` header must hold a `v1,<base64>`
/// HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed by the application's webhook secret, and the
/// timestamp must lie within the tolerance of now (so a captured delivery cannot be replayed later).
///
/// ```swift
/// let verifier = WebhookVerifier(secret: "whsec_...")
/// try verifier.verify(body: body, headers: ["webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature])
/// ```
public struct WebhookVerifier: Sendable {
    /// The key's bytes (swift-crypto's `SymmetricKey` is not `Sendable`: one is made per check).
    private let keyBytes: [UInt8]
    /// How far the timestamp may be from now, either way.
    public let tolerance: Duration

    /// A verifier for one application's secret (`whsec_<base64>`; any other text is used as the key as it is).
    ///
    /// ```swift
    /// let verifier = WebhookVerifier(secret: secret, tolerance: .seconds(300))
    /// ```
    public init(secret: String, tolerance: Duration = .seconds(300)) {
        if secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))) {
            keyBytes = Array(bytes)
        } else {
            keyBytes = Array(secret.utf8)
        }
        self.tolerance = tolerance
    }

    /// Checks a delivery by its three headers (names in any case); throws ``WebhookVerificationError`` unless it is
    /// genuine and fresh.
    ///
    /// ```swift
    /// try verifier.verify(body: Array(request.body), headers: headers)
    /// ```
    public func verify(body: some Sequence<UInt8>, headers: [String: String], now: Date = Date()) throws(WebhookVerificationError) {
        func header(_ name: String) throws(WebhookVerificationError) -> String {
            guard let value = headers.first(where: { $0.key.lowercased() == name })?.value else { throw .missingHeader(name) }
            return value
        }
        try verify(
            body: body, id: try header("webhook-id"), timestamp: try header("webhook-timestamp"),
            signature: try header("webhook-signature"),
            now: now)
    }

    /// Checks a delivery by the values of its `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
    ///
    /// ```swift
    /// try verifier.verify(body: Data(body.utf8), id: id, timestamp: "1614265330", signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    /// ```
    public func verify(body: some Sequence<UInt8>, id: String, timestamp: String, signature: String, now: Date = Date())
        throws(WebhookVerificationError)
    {
        guard let seconds = Int(timestamp.trimmingCharacters(in: .whitespaces)) else { throw .invalidTimestamp(timestamp) }
        let age = now.timeIntervalSince1970 - Double(seconds)
        let limit = Double(tolerance.components.seconds) + Double(tolerance.components.attoseconds) / 1e18
        guard abs(age) <= limit else { throw .timestampOutOfTolerance(secondsAway: Int(age.rounded())) }
        var signed = Data("\(id).\(seconds).".utf8)
        signed.append(contentsOf: body)
        let key = SymmetricKey(data: keyBytes)
        // Every `v1,<base64>` entry is a candidate (a secret being rotated signs twice); the comparison takes constant time.
        for candidate in signature.split(separator: " ") {
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key) { return }
        }
        throw .signatureMismatch
    }
}

/// Why a delivery was refused.
public enum WebhookVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A Standard Webhooks header is absent.
    case missingHeader(String)
    /// `webhook-timestamp` is not a number of Unix seconds.
    case invalidTimestamp(String)
    /// The timestamp is too far from now: the delivery is stale (positive) or from the future (negative).
    case timestampOutOfTolerance(secondsAway: Int)
    /// No signature matches the body under this secret: the body was changed, or the secret is another's.
    case signatureMismatch

    /// A sentence saying why.
    public var description: String {
        switch self {
        case .missingHeader(let name): return "the delivery has no \(name) header"
        case .invalidTimestamp(let value): return "webhook-timestamp '\(value)' is not a number of Unix seconds"
        case .timestampOutOfTolerance(let seconds):
            return "the delivery's timestamp is \(abs(seconds)) seconds \(seconds > 0 ? "old" : "ahead")"
        case .signatureMismatch: return "no webhook-signature matches the body"
        }
    }
}
