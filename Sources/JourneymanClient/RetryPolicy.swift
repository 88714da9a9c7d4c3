import Foundation

/// When and how long the client waits before sending a request again.
///
/// Like the official SDKs: 408, 409, 429, 500, 502, 503 and 504 are retried, POSTs too, with `min(2^n, 8)` seconds of
/// backoff plus jitter; a `retry-after` header, when the server sends one, is waited instead (up to
/// ``maxRetryAfter``: a longer one ends the retries with the server's error).
///
/// ```swift
/// let client = JourneymanClient(baseURL: url, token: token, configuration: .init(retry: .none))
/// ```
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts of one request in all, the first included (1 means no retry).
    public var maxAttempts: Int
    /// The first backoff; each later one doubles.
    public var baseDelay: Duration
    /// The longest backoff.
    public var maxDelay: Duration
    /// The longest `retry-after` the client agrees to wait.
    public var maxRetryAfter: Duration
    /// The HTTP statuses worth retrying.
    public var retryableStatuses: Set<Int>

    /// Creates a policy.
    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60), retryableStatuses: Set<Int> = [408, 409, 429, 500, 502, 503, 504]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.retryableStatuses = retryableStatuses
    }

    /// Never retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1` (attempt counts from 1): `retry-after` when given, else the backoff with
    /// up to a quarter of jitter; nil when no further attempt is to be made.
    func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            let wait = Duration.milliseconds(Int64((retryAfter * 1000).rounded(.up)))
            return wait <= maxRetryAfter ? wait : nil
        }
        let backoff = min(baseDelay * (1 << min(attempt - 1, 20)), maxDelay)
        return backoff * Double.random(in: 1...1.25)
    }

    /// Seconds a `retry-after` value asks for: a number of seconds, or an HTTP date.
    static func seconds(retryAfter value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
