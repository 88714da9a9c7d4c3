import Hummingbird
import Logging

/// Per-request state: the trace id every answer carries.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's trace id (UUID v4), set by `EnvelopeMiddleware`.
    public var traceID: String

    /// Creates the context for a new request.
    public init(source: Source) {
        coreContext = .init(source: source)
        traceID = ""
    }

    /// Bodies are collected by the controllers with their own limit.
    public var maxUploadSize: Int { 1024 * 1024 }
}
