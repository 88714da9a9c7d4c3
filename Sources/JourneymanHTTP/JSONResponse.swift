import HTTPTypes
import Hummingbird
import NIOCore

/// JSON responses from bytes a contract has rendered.
public enum JSONResponse {
    /// Sends JSON bytes as they are.
    public static func raw(_ buffer: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    /// The headers of every JSON answer, made once (building fields checks and lowercases each name).
    static let headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    /// Sends JSON bytes as they are.
    public static func raw(_ data: some Collection<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
