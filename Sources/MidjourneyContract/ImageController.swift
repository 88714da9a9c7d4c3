import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import JourneymanImaging
import MidjourneyAPI
import NIOCore
import Synchronization

/// Serves stored images, full size or as thumbnails (`?imageMogr2/thumbnail/!50p`, `?imageMogr2/thumbnail/640x`).
struct ImageController<Context: IdentifiedRequestContext>: Sendable {
    let blobs: any BlobStore
    let cache = ThumbnailCache(capacity: 32)

    func addRoutes(to router: Router<Context>) {
        router.get("/midjourney/images/:name") { request, context in try await image(request, context) }
    }

    private func image(_ request: Request, _ context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), Self.isImageName(name) else {
            throw ServiceError(.notFound, "There is no such image.")
        }
        let variant = try Self.variant(of: request.uri.query)
        let etag = "\"\(name.dropLast(4))\(variant.map { "-\($0.tag)" } ?? "")\""
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        let bytes: [UInt8]
        switch variant {
        case nil:
            guard let stored = try await blobs.get(name) else { throw ServiceError(.notFound, "There is no such image.") }
            bytes = stored
        case .percent(50) where !name.contains("-"):
            // The half-size thumbnail every response links to is made once, when the task finishes.
            if let stored = try await blobs.get(name.replacingOccurrences(of: ".png", with: "@50.png")) {
                bytes = stored
            } else {
                bytes = try await scaled(name, variant: .percent(50))
            }
        case .some(let variant):
            bytes = try await scaled(name, variant: variant)
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(
            status: .ok,
            headers: [
                .contentType: "image/png", .contentLength: String(bytes.count), .eTag: etag,
                .cacheControl: "public, max-age=31536000, immutable",
            ],
            body: .init(byteBuffer: buffer)
        )
    }

    private func scaled(_ name: String, variant: Variant) async throws -> [UInt8] {
        let key = "\(name)|\(variant.tag)"
        if let cached = cache.get(key) { return cached }
        guard let original = try await blobs.get(name) else { throw ServiceError(.notFound, "There is no such image.") }
        // Decoding and resampling are CPU work: keep them off the cooperative pool the HTTP handlers share.
        let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let image = try PNG.decode(original)
                        switch variant {
                        case .percent(let percent): return try PNG.encode(image.thumbnail(percent: percent))
                        case .width(let width): return try PNG.encode(image.thumbnail(width: width))
                        }
                    }
                )
            }
        }
        cache.put(key, bytes)
        return bytes
    }

    enum Variant: Equatable {
        case percent(Int)
        case width(Int)

        var tag: String {
            switch self {
            case .percent(let percent): return "p\(percent)"
            case .width(let width): return "w\(width)"
            }
        }
    }

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
    static func isImageName(_ name: String) -> Bool {
        guard name.hasSuffix(".png") else { return false }
        let stem = name.dropLast(4)
        let allowed = Set("0123456789abcdef-")
        guard stem.count == 36 || (stem.count == 38 && stem.dropLast().last == "-" && "1234".contains(stem.last!)) else { return false }
        return stem.allSatisfy { allowed.contains($0) }
    }
}

/// A small most-recently-used cache of encoded thumbnails.
final class ThumbnailCache: Sendable {
    private let entries = Mutex<[(key: String, bytes: [UInt8])]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func get(_ key: String) -> [UInt8]? {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let entry = entries.remove(at: index)
            entries.append(entry)
            return entry.bytes
        }
    }

    func put(_ key: String, _ bytes: [UInt8]) {
        entries.withLock { entries in
            entries.removeAll { $0.key == key }
            entries.append((key, bytes))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}
