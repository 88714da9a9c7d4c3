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

    /// Creates access control.
    public init(
        accounts: any AccountStore, ratePolicy: RatePolicy, limiter: RateLimiter? = nil, observer: any TaskObserver = NoTaskObserver(),
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
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
        guard let credential = try await accounts.credential(tokenHash: TokenHasher.hash(token)), !credential.revoked else {
            throw ServiceError.invalidToken
        }
        if let expiresAt = credential.expiresAt, expiresAt <= now() { throw ServiceError.invalidToken }
        guard let application = try await accounts.application(id: credential.applicationID) else { throw ServiceError.invalidToken }
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
        return Identity(credential: credential, application: application)
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
