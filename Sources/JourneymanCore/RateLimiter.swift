import Synchronization

/// A request rate: `perSecond` on average, up to `burst` at once.
public struct RatePolicy: Sendable, Equatable {
    /// Tokens added a second.
    public var perSecond: Double
    /// Most tokens held.
    public var burst: Int

    /// Creates a policy.
    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }
}

/// Token buckets by key (a credential id), in this process.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> Double

    /// Creates a limiter reading time from `now` (seconds).
    public init(now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// Takes one token for `key`: nil when allowed, else the seconds until a token is there.
    public func take(_ key: String, policy: RatePolicy) -> Double? {
        let time = now()
        return buckets.withLock { buckets -> Double? in
            if buckets.count > 100_000 {
                // Forget full buckets so the table stays small: a full bucket and a new one are the same.
                buckets = buckets.filter { time - $0.value.updatedAt < Double(policy.burst) / max(policy.perSecond, 0.001) }
            }
            var bucket = buckets[key] ?? Bucket(tokens: Double(policy.burst), updatedAt: time)
            bucket.tokens = min(Double(policy.burst), bucket.tokens + (time - bucket.updatedAt) * policy.perSecond)
            bucket.updatedAt = time
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / max(policy.perSecond, 0.001)
        }
    }
}
