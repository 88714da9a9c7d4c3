import Hummingbird
import JourneymanCore
import Logging

/// What every contract's routes need of the request context: the trace id every answer carries, and the
/// identity that authentication found.
public protocol IdentifiedRequestContext: RequestContext {
    /// The request's trace id (UUID v4), set by the contract's envelope middleware.
    var traceID: String { get set }
    /// The caller, once `AuthenticationMiddleware` has checked its token.
    var identity: Identity? { get set }
    /// What the request log reports once the request is answered (shared by every copy of this context).
    var requestFacts: RequestFacts { get }
}

extension IdentifiedRequestContext {
    /// The caller, checked for `scope`; throws `invalid_token` when the route was not authenticated.
    public func requireIdentity(_ scope: APIScope) throws -> Identity {
        guard let identity else { throw ServiceError.invalidToken }
        try identity.require(scope)
        return identity
    }
}

/// The server's request context.
public struct AppRequestContext: IdentifiedRequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's trace id.
    public var traceID: String
    /// The authenticated caller.
    public var identity: Identity?
    /// What the request log reports.
    public let requestFacts: RequestFacts

    /// Creates the context for a new request.
    public init(source: Source) {
        coreContext = .init(source: source)
        traceID = ""
        identity = nil
        requestFacts = RequestFacts()
    }

    /// Bodies are collected by the controllers with their own limit.
    public var maxUploadSize: Int { 1024 * 1024 }
}
