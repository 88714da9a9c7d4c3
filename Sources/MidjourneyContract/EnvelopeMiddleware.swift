import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import Logging
import MidjourneyAPI
import NIOHTTP1

/// Gives every request a trace id, puts it on every answer, and turns every error into the envelope.
public struct EnvelopeMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {

    /// Paths that exist, so a wrong method answers 405 rather than 404.
    let knownPaths: Set<String>
    /// Paths that answer GET (and HEAD) only, beside the contract's own.
    let getPaths: Set<String>

    /// Creates the middleware; `knownPaths` (POST) and `getPaths` answer 405 for a wrong method.
    public init(knownPaths: Set<String>, getPaths: Set<String> = ["/healthz", "/readyz"]) {
        self.knownPaths = knownPaths
        self.getPaths = getPaths
    }

    /// The methods a path answers, when it exists: the POST API, and the GET (and HEAD) images and event streams.
    func allowedMethods(_ path: String) -> String? {
        if getPaths.contains(path) { return "GET, HEAD" }
        if knownPaths.contains(path) { return "POST" }
        for prefix in [ImageController<Context>.pathPrefix, VideoController<Context>.pathPrefix]
        where path.hasPrefix(prefix) && path.count > prefix.count && !path.dropFirst(prefix.count).contains("/") {
            return "GET, HEAD"
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 5, parts[0].isEmpty, parts[1] == "midjourney", parts[2] == "tasks", !parts[3].isEmpty, parts[4] == "events" {
            return "GET, HEAD"
        }
        return nil
    }

    /// Sets the trace id, answers errors in the envelope, and adds `x-trace-id`.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.traceID = RandomUUID.make()
        context.logger[metadataKey: "trace_id"] = "\(context.traceID)"
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try envelope(for: error, request: request, context: context).response(from: request, context: context)
        }
        response.headers[.xTraceID] = context.traceID
        return response
    }

    private func envelope(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServiceError:
            // The public contract has no code of its own for "unavailable": api_error, with the status that says it.
            return APIError(
                MidjourneyRendering.wireCode(error.code), error.message, traceID: context.traceID, retryAfter: error.retryAfter,
                status: error.code == .unavailable ? .serviceUnavailable : nil)
        case let error as RequestError:
            return APIError(error.code, error.message, traceID: context.traceID)
        case let error as EngineError:
            return APIError(MidjourneyRendering.wireCode(error.code), error.message, traceID: context.traceID)
        case let error as HTTPError where error.status == .notFound:
            if let allowed = allowedMethods(request.uri.path) {
                return APIError(
                    .methodNotAllowed, "Method \(request.method.rawValue.prefix(20)) is not allowed on this path; use \(allowed).",
                    traceID: context.traceID, allow: allowed)
            }
            return APIError(.notFound, "There is nothing at this path.", traceID: context.traceID)
        case let error as HTTPParserError:
            // The client sent something HTTP/1.1 does not allow, or went away in the middle of its body: its
            // doing, not the server's, so a quiet line and a 400 (which a client that left never reads).
            context.logger.debug("request could not be read", metadata: ["error": "\(error)"])
            let message =
                error == .invalidEOFState ? "The request body ended before its declared length." : "The request is not valid HTTP/1.1."
            return APIError(.badRequest, message, traceID: context.traceID)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(.badRequest, "The request body is larger than the limit.", traceID: context.traceID, status: .contentTooLarge)
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return APIError(.badRequest, "The request is malformed.", traceID: context.traceID)
        default:
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            return APIError(.apiError, "An internal error occurred; the request can be retried.", traceID: context.traceID)
        }
    }
}

extension HTTPField.Name {
    /// `x-trace-id`.
    public static let xTraceID = HTTPField.Name("x-trace-id")!
}
