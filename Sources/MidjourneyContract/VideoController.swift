import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import MidjourneyAPI
import NIOCore

/// Serves stored videos (`/midjourney/videos/<task id>-v<n>.mp4`) as `video/mp4`, whole or by one byte range, as
/// players ask for them while they play and seek.
struct VideoController<Context: IdentifiedRequestContext>: Sendable {
    let blobs: any BlobStore

    /// The path pattern of videos, for the method check.
    static var pathPrefix: String { "/midjourney/videos/" }

    func addRoutes(to router: Router<Context>) {
        // HEAD is answered by the router from the GET handler (same headers, no body).
        router.get("/midjourney/videos/:name") { request, context in try await video(request, context) }
    }

    private func video(_ request: Request, _ context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), BlobName.isVideoName(name), let bytes = try await blobs.get(name) else {
            throw ServiceError(.notFound, "There is no such video.")
        }
        let etag = "\"\(name.dropLast(4))\""
        var headers: HTTPFields = [
            .eTag: etag, .cacheControl: "public, max-age=31536000, immutable", .acceptRanges: "bytes", .contentType: "video/mp4",
        ]
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        var status = HTTPResponse.Status.ok
        var range = 0..<bytes.count
        if let header = request.headers[.range], request.headers[.ifRange].map({ $0 == etag }) ?? true {
            switch Self.byteRange(header, length: bytes.count) {
            case .whole:
                break
            case .part(let asked):
                range = asked
                status = .partialContent
                headers[.contentRange] = "bytes \(asked.lowerBound)-\(asked.upperBound - 1)/\(bytes.count)"
            case .unsatisfiable:
                var response = APIError(
                    .badRequest, "The range '\(header.prefix(60))' is outside the video's \(bytes.count) bytes.", traceID: context.traceID,
                    status: .rangeNotSatisfiable
                ).makeResponse()
                response.headers[.contentRange] = "bytes */\(bytes.count)"
                return response
            }
        }
        headers[.contentLength] = String(range.count)
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes[range])
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    /// What one `Range` header asks of a body of `length` bytes.
    enum ByteRange: Equatable {
        /// Not a single byte range this server answers (several ranges, another unit, a malformed value): the whole body.
        case whole
        /// These bytes.
        case part(Range<Int>)
        /// A range that starts past the end: 416.
        case unsatisfiable
    }

    static func byteRange(_ header: String, length: Int) -> ByteRange {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst(6).filter { $0 != " " }
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // The last N bytes.
            guard let suffix = Int(last), suffix >= 0 else { return .whole }
            guard suffix > 0, length > 0 else { return .unsatisfiable }
            return .part(max(0, length - suffix)..<length)
        }
        guard let start = Int(first), start >= 0 else { return .whole }
        guard start < length else { return .unsatisfiable }
        if last.isEmpty { return .part(start..<length) }
        guard let end = Int(last), end >= start else { return .whole }
        return .part(start..<(min(end, length - 1) + 1))
    }
}
