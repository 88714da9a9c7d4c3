import HTTPTypes
import Hummingbird
import JourneymanHTTP
import MidjourneyAPI

/// An error answered in the public contract's envelope, with the status its code implies.
public struct APIError: HTTPResponseError {
    /// The envelope's code.
    public let code: ErrorCode
    /// The envelope's message.
    public let message: String
    /// The request's trace id.
    public let traceID: String
    /// Seconds for `retry-after`, when the client should come back.
    public let retryAfter: Int?
    /// The HTTP status: the code's own unless told otherwise (413 for a body over the limit).
    public let status: HTTPResponse.Status
    /// For a 405, the methods the path does answer (the `allow` header).
    public var allow: String? = nil

    /// Creates an error.
    public init(
        _ code: ErrorCode, _ message: String, traceID: String, retryAfter: Int? = nil, status: HTTPResponse.Status? = nil,
        allow: String? = nil
    ) {
        self.allow = allow
        self.code = code
        self.message = message
        self.traceID = traceID
        self.retryAfter = retryAfter
        self.status = status ?? HTTPResponse.Status(code: code.httpStatus)
    }

    /// The envelope's JSON.
    public var envelope: JSONValue {
        .object([
            "success": false, "error": .object(["code": .string(code.rawValue), "message": .string(message)]),
            "trace_id": .string(traceID),
        ])
    }

    /// The envelope as a response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    /// The envelope as a response, with `retry-after` where it applies.
    public func makeResponse() -> Response {
        var response = JSONResponse.raw(envelope.serialized(), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let allow { response.headers[.allow] = allow }
        return response
    }
}

extension JSONResponse {
    /// Encodes a wire value with the contract's encoder.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONCoding.encoder.encode(value)).map { [UInt8]($0) } ?? Array("{}".utf8)
        return raw(data, status: status)
    }
}
