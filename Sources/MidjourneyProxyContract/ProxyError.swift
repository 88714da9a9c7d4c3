import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import JourneymanImaging
import MidjourneyAPI
import MidjourneyProxyAPI

/// A refusal answered in the proxy's body shape (`{code, description, result, properties}`) with an HTTP status.
public struct ProxyError: HTTPResponseError {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The body.
    public let result: SubmitResult
    /// Seconds for `retry-after`.
    public let retryAfter: Int?
    /// For a 405, the methods the path does answer (the `allow` header).
    public let allow: String?

    /// Creates an error.
    public init(status: HTTPResponse.Status, _ code: ProxyCode, _ description: String, retryAfter: Int? = nil, allow: String? = nil) {
        self.status = status
        self.result = SubmitResult(code, description)
        self.retryAfter = retryAfter
        self.allow = allow
    }

    /// The body as a response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.raw(result.serialized(), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let allow { response.headers[.allow] = allow }
        return response
    }

    /// The proxy's answer for any error thrown under `/mj`: 4xx for the client's mistakes, never an envelope of the
    /// other contract.
    static func from(_ error: any Error) -> ProxyError? {
        switch error {
        case let error as ProxyError:
            return error
        case let error as ServiceError:
            let (status, code) = Self.status(of: error.code)
            return ProxyError(status: status, code, error.message, retryAfter: error.retryAfter)
        case let error as EngineError:
            let (status, code) = Self.status(of: error.code)
            return ProxyError(status: status, code, error.message)
        case let error as RequestError:
            return ProxyError(status: .badRequest, .validationError, error.message)
        case let error as ImagingError:
            return ProxyError(status: .badRequest, .validationError, "The image cannot be read: \(error)")
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return ProxyError(status: .contentTooLarge, .validationError, "The request body is larger than the limit.")
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return ProxyError(status: error.status, .validationError, "The request is malformed.")
        default:
            return nil
        }
    }

    /// The HTTP status and proxy code of a domain refusal outside a submit.
    static func status(of code: FailureCode) -> (HTTPResponse.Status, ProxyCode) {
        switch code {
        case .invalidToken: return (.unauthorized, .validationError)
        case .tokenMismatched: return (.forbidden, .validationError)
        case .tooManyRequests: return (.tooManyRequests, .queueFull)
        case .notFound: return (.notFound, .notFound)
        case .forbidden: return (.badRequest, .bannedPrompt)
        case .badRequest, .notImplemented, .usedUp, .cancelled: return (.badRequest, .validationError)
        case .timeout: return (.gatewayTimeout, .failure)
        case .unavailable: return (.serviceUnavailable, .failure)
        case .internalError: return (.internalServerError, .failure)
        }
    }

    /// The code a submit answers (with HTTP 200, as the proxies do) for a domain refusal; nil for a server failure.
    static func submitCode(of code: FailureCode) -> ProxyCode? {
        switch code {
        case .badRequest, .notImplemented, .usedUp, .cancelled, .tokenMismatched, .invalidToken: return .validationError
        case .tooManyRequests: return .queueFull
        case .forbidden: return .bannedPrompt
        case .notFound: return .notFound
        case .timeout, .internalError, .unavailable: return nil
        }
    }
}

/// Answers every error of the /mj routes in the proxy's body shape (so the other contract's envelope never shows).
struct ProxyErrorMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let proxy = ProxyError.from(error) { return try proxy.response(from: request, context: context) }
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            return try ProxyError(status: .internalServerError, .failure, "An internal error occurred; the request can be retried.")
                .response(from: request, context: context)
        }
    }
}
