import JourneymanCore
import JourneymanImaging
import NIOCore
import NIOPosix
import Synchronization

/// Makes thumbnails of stored images with bounded cost, whoever asks:
/// - never larger than the source (a width at or above the source's answers the source itself);
/// - identical requests in flight share one render;
/// - renders run on NIO's bounded blocking pool, at most `maxRenders` admitted at once; past that a request is
///   refused with 429 and `retry-after` instead of queueing without end;
/// - finished thumbnails are kept in a cache bounded by bytes.
final class ThumbnailRenderer: Sendable {
    /// What a thumbnail request asks for.
    enum Variant: Equatable, Sendable {
        case percent(Int)
        case width(Int)

        /// A short tag for cache keys and etags.
        var tag: String {
            switch self {
            case .percent(let percent): return "p\(percent)"
            case .width(let width): return "w\(width)"
            }
        }
    }

    /// Renders admitted at once (running or waiting for a pool thread); more are refused.
    let maxRenders: Int
    /// Most pixels a source may have to be thumbnailed.
    let maxSourcePixels: Int
    let cache: ThumbnailCache
    private let pool: CPUPool
    private let inFlight = Mutex<[String: Task<[UInt8], any Error>]>([:])

    /// A renderer on `pool` (the server's CPU pool). Only a render running on a pool thread holds decoded pixels; one
    /// waiting holds the encoded source it was handed.
    init(
        maxRenders: Int = 8 * System.coreCount, cacheBytes: Int = 64 * 1024 * 1024, maxSourcePixels: Int = 64_000_000,
        pool: CPUPool = .shared
    ) {
        self.maxRenders = max(1, maxRenders)
        self.maxSourcePixels = maxSourcePixels
        self.cache = ThumbnailCache(maxBytes: cacheBytes)
        self.pool = pool
    }

    /// The thumbnail of the stored image `name` (already loaded as `source`).
    func thumbnail(of name: String, source: [UInt8], variant: Variant) async throws -> [UInt8] {
        let header: ImageHeader
        do {
            header = try ImageHeader.read(source)
        } catch {
            throw ServiceError(.internalError, "The stored image could not be read.")
        }
        // A thumbnail is never larger than its source.
        if case .width(let width) = variant, width >= header.width { return source }
        guard header.width.multipliedReportingOverflow(by: header.height).partialValue <= maxSourcePixels else {
            throw ServiceError(.badRequest, "The image is too large to make thumbnails of.")
        }
        let key = "\(name)|\(variant.tag)"
        if let cached = cache.get(key) { return cached }
        let task = inFlight.withLock { inFlight -> Task<[UInt8], any Error>? in
            if let running = inFlight[key] { return running }
            guard inFlight.count < maxRenders else { return nil }
            let task = Task { [pool, cache] in
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: key) } }
                let bytes = try await pool.run {
                    let image = try PNG.decode(source, maxPixels: self.maxSourcePixels)
                    switch variant {
                    case .percent(let percent): return try PNG.encode(image.thumbnail(percent: percent))
                    case .width(let width): return try PNG.encode(image.thumbnail(width: min(width, image.width)))
                    }
                }
                cache.put(key, bytes)
                return bytes
            }
            inFlight[key] = task
            return task
        }
        guard let task else {
            throw ServiceError(
                .tooManyRequests, "The server is making as many thumbnails as it can; retry in a moment.", retryAfter: 1)
        }
        return try await task.value
    }

    /// Renders in flight now.
    var rendersInFlight: Int { inFlight.withLock { $0.count } }
}

/// A most-recently-used cache of encoded thumbnails, bounded by the bytes it holds.
final class ThumbnailCache: Sendable {
    private struct State {
        var entries: [String: (bytes: [UInt8], lastUse: UInt64)] = [:]
        var totalBytes = 0
        var clock: UInt64 = 0
    }

    /// Most bytes held.
    let maxBytes: Int
    private let state = Mutex(State())

    /// A cache holding at most `maxBytes` of thumbnails; one larger than a quarter of that is not kept.
    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Bytes held now.
    var totalBytes: Int { state.withLock { $0.totalBytes } }

    func get(_ key: String) -> [UInt8]? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            state.clock += 1
            state.entries[key] = (entry.bytes, state.clock)
            return entry.bytes
        }
    }

    func put(_ key: String, _ bytes: [UInt8]) {
        guard bytes.count <= maxBytes / 4 else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.totalBytes -= old.bytes.count }
            state.clock += 1
            state.entries[key] = (bytes, state.clock)
            state.totalBytes += bytes.count
            while state.totalBytes > maxBytes, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries[oldest.key] = nil
                state.totalBytes -= oldest.value.bytes.count
            }
        }
    }
}
