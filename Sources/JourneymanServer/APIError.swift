import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import MidjourneyAPI
import NIOCore

/// An error answered in the contract's envelope, with the status its code implies.
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

    /// The envelope as a response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(ErrorEnvelope(code: code.rawValue, message: message, traceID: traceID), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if let allow { response.headers[.allow] = allow }
        return response
    }
}

/// Compact JSON responses.
enum JSONResponse {
    /// Encodes a wire value as the body.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONCoding.encoder.encode(value)) ?? Data("{}".utf8)
        return raw(data, status: status)
    }

    /// Sends JSON bytes as they are.
    static func raw(_ data: some Collection<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: buffer)
        )
    }
}
