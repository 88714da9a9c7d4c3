import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import JourneymanImaging
import MidjourneyAPI
import NIOCore

/// Serves stored images, full size or as thumbnails (`?imageMogr2/thumbnail/!50p`, `?imageMogr2/thumbnail/640x`).
struct ImageController<Context: IdentifiedRequestContext>: Sendable {
    let blobs: any BlobStore
    let renderer: ThumbnailRenderer

    init(blobs: any BlobStore, renderer: ThumbnailRenderer = ThumbnailRenderer()) {
        self.blobs = blobs
        self.renderer = renderer
    }

    /// The path pattern of images, for the method check.
    static var pathPrefix: String { "/midjourney/images/" }

    func addRoutes(to router: Router<Context>) {
        // HEAD is answered by the router from the GET handler (same headers, no body).
        router.get("/midjourney/images/:name") { request, context in try await image(request, context) }
    }

    private func image(_ request: Request, _ context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), Self.isImageName(name) else {
            throw ServiceError(.notFound, "There is no such image.")
        }
        let variant = try Self.variant(of: request.uri.query)
        let etag = "\"\(name.dropLast(4))\(variant.map { "-\($0.tag)" } ?? "")\""
        // The pre-made half-size thumbnail every response links to, when there is one, else the source.
        var bytes: [UInt8]?
        if variant == .percent(50) && !name.contains("-") {
            bytes = try await blobs.get(name.replacingOccurrences(of: ".png", with: "@50.png"))
        }
        let source = bytes == nil ? try await blobs.get(name) : nil
        guard bytes != nil || source != nil else { throw ServiceError(.notFound, "There is no such image.") }
        // Only an image that exists is "not modified".
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: "public, max-age=31536000, immutable"])
        }
        if bytes == nil, let source {
            if let variant {
                bytes = try await renderer.thumbnail(of: name, source: source, variant: variant)
            } else {
                bytes = source
            }
        }
        let body = bytes ?? []
        var buffer = ByteBuffer()
        buffer.writeBytes(body)
        return Response(
            status: .ok,
            headers: [
                .contentType: "image/png", .contentLength: String(body.count), .eTag: etag,
                .cacheControl: "public, max-age=31536000, immutable",
            ],
            body: .init(byteBuffer: buffer)
        )
    }

    typealias Variant = ThumbnailRenderer.Variant

    /// The thumbnail a query asks for; nil for none; a 400 for a malformed one.
    static func variant(of query: String?) throws -> Variant? {
        guard let query, !query.isEmpty else { return nil }
        let prefix = "imageMogr2/thumbnail/"
        guard query.hasPrefix(prefix) else { return nil }
        let spec = query.dropFirst(prefix.count).removingPercentEncoding ?? String(query.dropFirst(prefix.count))
        if spec.hasPrefix("!"), spec.hasSuffix("p"), let percent = Int(spec.dropFirst().dropLast()), (1...100).contains(percent) {
            return percent == 100 ? nil : .percent(percent)
        }
        if spec.hasSuffix("x"), let width = Int(spec.dropLast()), (1...8192).contains(width) {
            return .width(width)
        }
        throw ServiceError(.badRequest, "thumbnail '\(spec.prefix(40))' is not !<P>p (P from 1 to 100) or <W>x (W from 1 to 8192)")
    }

    /// `<uuid>.png` or `<uuid>-<1...4>.png`.
    static func isImageName(_ name: String) -> Bool { BlobName.isImageName(name) }
}
