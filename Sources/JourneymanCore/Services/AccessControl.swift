import Foundation

/// Who is calling: the credential behind a token and its application.
public struct Identity: Sendable, Equatable {
    /// The credential of the token.
    public var credential: Credential
    /// The application it belongs to.
    public var application: Application

    /// Creates an identity.
    public init(credential: Credential, application: Application) {
        self.credential = credential
        self.application = application
    }

    /// The application's id.
    public var applicationID: String { application.id }

    /// Throws `token_mismatched` unless the credential is granted `scope`.
    public func require(_ scope: APIScope) throws {
        guard credential.scopes.contains(scope) else {
            throw ServiceError(.tokenMismatched, "This token is not granted the \(scope.rawValue) API.")
        }
    }
}

/// Access: turns a token into an identity, and holds each credential to its rate limit.
public struct AccessControl: Sendable {
    /// Where credentials live.
    public let accounts: any AccountStore
    /// Token buckets per credential.
    public let limiter: RateLimiter
    /// The rate of credentials without their own.
    public let ratePolicy: RatePolicy
    /// Unix seconds now.
    public let now: @Sendable () -> Double
    /// Told of every refusal by rate limit.
    public let observer: any TaskObserver
    /// Seconds a credential read from the store is trusted before it is read again: a revocation made by any
    /// process or instance over the same store takes effect within this time. Expiry is checked on every request.
    public let credentialMaxAge: Double
    /// Identities read lately, by token hash, with when their read began.
    private let verified: BoundedCache<String, VerifiedIdentity>

    /// An identity as the store gave it, and the moment (on the monotonic clock) its read began.
    struct VerifiedIdentity: Sendable {
        let identity: Identity
        let readAt: ContinuousClock.Instant
    }

    /// Creates access control.
    public init(
        accounts: any AccountStore, ratePolicy: RatePolicy, limiter: RateLimiter? = nil, observer: any TaskObserver = NoTaskObserver(),
        credentialMaxAge: Double = 0.5, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.credentialMaxAge = credentialMaxAge
        self.verified = BoundedCache(capacity: 10_000)
        self.accounts = accounts
        self.observer = observer
        self.ratePolicy = ratePolicy
        self.limiter = limiter ?? RateLimiter(now: now)
        self.now = now
    }

    /// The identity of a token: throws `invalid_token` for a missing, unknown, revoked or expired one,
    /// and `too_many_requests` (with the seconds to wait) when its rate limit is exceeded.
    public func authenticate(token: String?) async throws -> Identity {
        guard let token, !token.isEmpty, token.utf8.count <= 512 else { throw ServiceError.invalidToken }
        let identity = try await identity(tokenHash: TokenHasher.hash(token))
        let credential = identity.credential
        if let expiresAt = credential.expiresAt, expiresAt <= now() { throw ServiceError.invalidToken }
        var policy = ratePolicy
        if let perSecond = credential.ratePerSecond { policy.perSecond = perSecond }
        if let burst = credential.rateBurst { policy.burst = burst }
        if let wait = limiter.take(credential.id, policy: policy) {
            observer.requestRateLimited()
            throw ServiceError(
                .tooManyRequests,
                "This token's rate limit (\(Self.format(policy.perSecond)) requests a second, \(policy.burst) at once) is exceeded.",
                retryAfter: max(1, Int(wait.rounded(.up)))
            )
        }
        return identity
    }

    /// Stops trusting what was read of credential `id`, so a revocation made through this process takes effect
    /// at once (other processes and instances read it again within `credentialMaxAge`).
    public func forget(credentialID id: String) {
        verified.removeValues { $0.identity.credential.id == id }
    }

    /// The identity of a token's hash: from memory when it was read less than `credentialMaxAge` seconds ago,
    /// else from the store (two reads); unknown and revoked tokens are never kept.
    private func identity(tokenHash: String) async throws -> Identity {
        let readAt = ContinuousClock.now
        if let cached = verified.value(for: tokenHash), readAt < cached.readAt + .milliseconds(Int64(credentialMaxAge * 1000)) {
            return cached.identity
        }
        guard let credential = try await accounts.credential(tokenHash: tokenHash), !credential.revoked,
            let application = try await accounts.application(id: credential.applicationID)
        else {
            verified.removeValue(for: tokenHash)
            throw ServiceError.invalidToken
        }
        let identity = Identity(credential: credential, application: application)
        verified.set(VerifiedIdentity(identity: identity, readAt: readAt), for: tokenHash)
        return identity
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
