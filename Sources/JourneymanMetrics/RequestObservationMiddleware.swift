import Foundation
import HTTPTypes
import Hummingbird
import JourneymanHTTP
import Logging

/// The outermost middleware: counts and times every request under its route template, and writes one log line per
/// request (method, route, status, duration, trace id, application id; never a token, a query or a raw path).
public struct RequestObservationMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    /// Where requests are counted; nil logs only.
    public let metrics: ServerMetrics?

    /// Creates the middleware.
    public init(metrics: ServerMetrics?) {
        self.metrics = metrics
    }

    /// Hands on, then reports the answer (a stream when it ends).
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let traceID = response.headers.single(.traceID)
            guard response.body.contentLength == nil else {
                // A body of known length is written at once: reported now, without wrapping the hot path's buffer.
                report(request: request, context: context, status: status, traceID: traceID, started: started)
                return response
            }
            // A stream (events, NDJSON) is reported when it ends, however it ends.
            let body = response.body
            response.body = ResponseBody { writer in
                do {
                    try await body.write(writer)
                } catch {
                    report(request: request, context: context, status: status, traceID: traceID, started: started)
                    throw error
                }
                report(request: request, context: context, status: status, traceID: traceID, started: started)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            report(request: request, context: context, status: status, traceID: nil, started: started)
            throw error
        }
    }

    private func report(request: Request, context: Context, status: Int, traceID: String?, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        metrics?.recordRequest(route: route, method: Self.methodLabel(method), status: status, seconds: seconds)
        // The line's fields cost more than the rest of a cached retrieve: made only when the line is written.
        guard context.logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "method": "\(method.prefix(16))", "route": "\(route)", "status": "\(status)",
            "duration_ms": "\(String(format: "%.2f", seconds * 1000))",
        ]
        if let traceID { metadata["trace_id"] = "\(traceID)" }
        if let applicationID = context.requestFacts.applicationID { metadata["application_id"] = "\(applicationID)" }
        context.logger.info("request", metadata: metadata)
    }

    /// Known methods by name; anything else under one label, so a client cannot mint series.
    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS": return method
        default: return "other"
        }
    }
}

extension HTTPField.Name {
    fileprivate static let traceID = HTTPField.Name("x-trace-id")!
}
