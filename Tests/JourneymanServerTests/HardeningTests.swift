import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanHTTP
import JourneymanImaging
import JourneymanStore
import Logging
import MidjourneyAPI
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import JourneymanServer
@testable import MidjourneyContract

/// A plain TCP connection to a server on loopback, for what an HTTP client will not send: nothing at all, half a
/// request head, a body cut short, garbage.
struct RawConnection: Sendable {
    final class Received: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Received
        init(_ received: Received) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }

    let channel: any Channel
    let received: Received

    static func open(port: Int) async throws -> RawConnection {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ text: String) async throws { try await channel.writeAndFlush(ByteBuffer(string: text)).get() }

    /// What the server has sent so far.
    var text: String { String(decoding: received.bytes.withLock { $0 }, as: UTF8.self) }

    /// Whether the connection is still open.
    var isOpen: Bool { channel.isActive }

    /// Waits until the server has closed the connection; false if it has not after `seconds`.
    func waitUntilClosed(seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if !channel.isActive { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return !channel.isActive
    }

    /// Waits until the server has sent `needle`; false if it has not after `seconds`.
    func waitFor(_ needle: String, seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return text.contains(needle)
    }

    func close() async { try? await channel.close() }
}

/// Log entries kept for a test to read.
final class LogSink: Sendable {
    let entries = Mutex<[(level: Logger.Level, message: String)]>([])

    var logger: Logger {
        var logger = Logger(label: "journeyman-test") { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .debug
        return logger
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level >= level }.map(\.message) }
    }
}

struct CapturingLogHandler: LogHandler {
    let sink: LogSink
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.entries.withLock { $0.append((event.level, event.message.description)) }
    }
}

/// PNGs written by hand: one-bit grey, all black, in stored deflate blocks, so a test makes a huge image cheaply.
enum BombPNG {
    static func black(width: Int, height: Int) -> [UInt8] {
        let raw = [UInt8](repeating: 0, count: height * (1 + (width + 7) / 8))
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, raw.count - offset)
            let final: UInt8 = offset + count >= raw.count ? 1 : 0
            zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        // Adler-32 of zeros: a stays 1, b grows by 1 a byte.
        let b = UInt32(raw.count % 65_521)
        zlib += bigEndian(b << 16 | 1)
        return signature + chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [1, 0, 0, 0, 0])
            + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    /// Only a header that claims `width`×`height`, nothing after it.
    static func headerOnly(width: Int, height: Int) -> [UInt8] {
        signature + chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 6, 0, 0, 0])
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

extension TestServer {
    /// Runs `test` against a real socket through AsyncHTTPClient, which connects anew when the server has closed an
    /// idle connection (Hummingbird's `.live` client does not, so it cannot outlive a short idle timeout).
    func testAHC<Value: Sendable>(_ test: @Sendable (APIClient) async throws -> Value) async throws -> Value {
        try await server.application.test(.ahc(.http)) { client in try await test(APIClient(client: client, token: token)) }
    }
}

@Suite("Hardening (issue 11)", .timeLimit(.minutes(10)))
struct HardeningTests {
    // MARK: 1. Thumbnails

    @Test func aThumbnailWiderThanItsSourceIsTheSourceItself() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a tall tower --ar 1:4"}"#).response()
            let rawURL = try #require(grid.string("raw_image_url"))
            let raw = try await api.image(rawURL)
            #expect(try pngSize(raw.bytes) == (512, 2048))
            for width in ["8192x", "512x", "513x"] {
                let wide = try await api.image(rawURL + "?imageMogr2/thumbnail/\(width)")
                #expect(wide.status == .ok)
                #expect(wide.bytes == raw.bytes, "\(width) is not the source")
            }
            let narrower = try await api.image(rawURL + "?imageMogr2/thumbnail/511x")
            #expect(try pngSize(narrower.bytes) == (511, 2044))
        }
    }

    @Test func identicalThumbnailRequestsShareOneRenderAndTooManyAreRefusedWith429() async throws {
        // A pool of one thread, held busy, so renders stay in flight for as long as the test needs.
        let pool = CPUPool.bounded(threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        let renderer = ThumbnailRenderer(maxRenders: 1, cacheBytes: 1 << 20, pool: pool)
        let source = try PNG.encode(RGBAImage(width: 64, height: 64, fill: RGBA(r: 9, g: 99, b: 199)))
        let first = Task { try await renderer.thumbnail(of: "a.png", source: source, variant: .width(16)) }
        let second = Task { try await renderer.thumbnail(of: "a.png", source: source, variant: .width(16)) }
        while renderer.rendersInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(renderer.rendersInFlight == 1)
        await #expect(
            throws: ServiceError(.tooManyRequests, "The server is making as many thumbnails as it can; retry in a moment.", retryAfter: 1)
        ) {
            try await renderer.thumbnail(of: "a.png", source: source, variant: .width(17))
        }
        gate.signal()
        try await blocker.value
        let (a, b) = (try await first.value, try await second.value)
        #expect(a == b)
        #expect(try pngSize(a) == (16, 16))
        #expect(renderer.rendersInFlight == 0)
        #expect(renderer.cache.get("a.png|w16") == a)
        await pool.shutdown()
    }

    @Test func aRefusedThumbnailIsA429InTheEnvelopeWithRetryAfter() async throws {
        let pool = CPUPool.bounded(threads: 1)
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { gate.wait() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-test-\(UUID().uuidString)")
        let blobs = try FileBlobStore(directory: directory)
        let id = UUID().uuidString.lowercased()
        try await blobs.put("\(id).png", bytes: PNG.encode(RGBAImage(width: 64, height: 64, fill: RGBA(r: 1, g: 2, b: 3))))
        let renderer = ThumbnailRenderer(maxRenders: 1, cacheBytes: 1 << 20, pool: pool)
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(EnvelopeMiddleware<AppRequestContext>(knownPaths: []))
        ImageController<AppRequestContext>(blobs: blobs, renderer: renderer).addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            let held = Task { try await client.execute(uri: "/midjourney/images/\(id).png?imageMogr2/thumbnail/10x", method: .get) }
            while renderer.rendersInFlight == 0 { try await Task.sleep(for: .milliseconds(5)) }
            let refused = try await client.execute(uri: "/midjourney/images/\(id).png?imageMogr2/thumbnail/11x", method: .get)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1")
            let envelope = try JSONValue.parse(refused.body.readableBytesView).objectValue
            #expect(envelope?["error"]?.objectValue?["code"] == "too_many_requests")
            gate.signal()
            #expect(try await held.value.status == .ok)
        }
        try await blocker.value
        await pool.shutdown()
    }

    @Test func theThumbnailCacheIsBoundedByBytes() {
        let cache = ThumbnailCache(maxBytes: 1000)
        for index in 0..<5 { cache.put("k\(index)", [UInt8](repeating: UInt8(index), count: 240)) }
        #expect(cache.totalBytes <= 1000)
        #expect(cache.get("k0") == nil)
        #expect(cache.get("k4")?.count == 240)
        cache.put("big", [UInt8](repeating: 0, count: 251))  // over a quarter of the budget: not kept
        #expect(cache.get("big") == nil)
    }

    // MARK: 2. JSON objects

    @Test func aBodyOfAHundredThousandKeysIsA400NamingTheLimitAndAnswersQuickly() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            // 105,000 distinct keys of three letters (about 840 KB, under the body limit).
            let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            let key = { (n: Int) in String([letters[n % 62], letters[(n / 62) % 62], letters[n / 3844]]) }
            let wide = "{" + (0..<105_000).map { "\"\(key($0))\":0" }.joined(separator: ",") + "}"
            // How fast is measured in the closing note against a release build, not asserted here.
            let reply = try await api.post("/midjourney/imagine", wide)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "bad_request")
            #expect(reply.object["error"]?.objectValue?.string("message")?.contains("more than 1000 keys") == true)
            let deep = try await api.post("/midjourney/tasks", String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
            #expect(deep.status == .badRequest)
            #expect(deep.object["error"]?.objectValue?.string("message")?.contains("deeper than 64 levels") == true)
        }
    }

    // MARK: 3. Connections

    @Test func anIdleConnectionIsClosedByTheServer() async throws {
        let server = try await TestServer.make(workers: 0) { $0.connections = ConnectionPolicy(idleTimeoutSeconds: 3) }
        try await server.testAHC { api in
            let port = try #require(api.client.port)
            let bare = try await RawConnection.open(port: port)
            let partial = try await RawConnection.open(port: port)
            let keepAlive = try await RawConnection.open(port: port)
            let start = ContinuousClock.now
            // A loaded machine may be slower than the timeout: a send to a connection already closed is no failure here.
            try? await partial.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            try await keepAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await keepAlive.waitFor("\"status\":\"ok\"", seconds: 5))
            // The head's bytes keep coming, slowly, but the head never ends: that is no activity.
            for _ in 0..<4 {
                try await Task.sleep(for: .milliseconds(200))
                try? await partial.send("X-Slow: 1\r\n")
            }
            #expect(try await bare.waitUntilClosed(seconds: 10), "a bare connection stayed open")
            #expect(try await partial.waitUntilClosed(seconds: 10), "an unfinished request head stayed open")
            #expect(try await keepAlive.waitUntilClosed(seconds: 10), "an idle keep-alive stayed open")
            #expect(ContinuousClock.now - start >= .milliseconds(2900))
            let fresh = try await RawConnection.open(port: port)
            try await fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await fresh.waitFor("\"status\":\"ok\"", seconds: 5))
            await fresh.close()
        }
    }

    @Test func pastTheCapANewConnectionTakesThePlaceOfTheLongestIdleOne() async throws {
        let server = try await TestServer.make(workers: 0) {
            $0.connections = ConnectionPolicy(idleTimeoutSeconds: 30, maxConnections: 3)
        }
        try await server.testAHC { api in
            let port = try #require(api.client.port)
            // Idle sockets, one of them stopped halfway through a request head, fill the cap many times over.
            var idle: [RawConnection] = []
            for index in 0..<10 {
                let connection = try await RawConnection.open(port: port)
                if index == 0 { try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n") }
                idle.append(connection)
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(idle.filter(\.isOpen).count <= 3)
            #expect(!idle[0].isOpen, "the oldest idle connection was kept")
            // A client still gets in and is answered.
            let client = try await RawConnection.open(port: port)
            try await client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.waitFor("\"status\":\"ok\"", seconds: 5))
            for connection in idle + [client] { await connection.close() }
        }
    }

    @Test func whenEveryConnectionIsBusyANewOneIsClosed() async throws {
        let server = try await TestServer.make(workers: 0) {
            $0.connections = ConnectionPolicy(idleTimeoutSeconds: 30, maxConnections: 2)
        }
        try await server.testAHC { api in
            let port = try #require(api.client.port)
            // Two requests whose bodies never finish: their connections are busy answering.
            var busy: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await RawConnection.open(port: port)
                try await connection.send(
                    "POST /midjourney/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.token)\r\nContent-Length: 100\r\n\r\n{")
                busy.append(connection)
            }
            try await Task.sleep(for: .milliseconds(300))
            let refused = try await RawConnection.open(port: port)
            #expect(try await refused.waitUntilClosed(seconds: 3))
            #expect(busy.filter(\.isOpen).count == 2)
            for connection in busy { await connection.close() }
            try await Task.sleep(for: .milliseconds(300))
            let again = try await RawConnection.open(port: port)
            try await again.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await again.waitFor("\"status\":\"ok\"", seconds: 5))
            await again.close()
        }
    }

    // MARK: 4. Malformed self-URLs

    @Test func aSelfURLThatClimbsOutOfTheImagesIsA400() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            for suffix in ["../x", "..%2F..%2Fetc%2Fpasswd", "x.png", "\(UUID().uuidString.lowercased())@50.png"] {
                let url = TestServer.publicURL + "/midjourney/images/" + suffix
                let sync = try await api.post("/midjourney/describe", #"{"image_url":"\#(url)"}"#)
                #expect(sync.status == .badRequest, "\(suffix): \(String(buffer: sync.body))")
                #expect(sync.errorCode == "bad_request")
                let async = try await api.post("/midjourney/describe", #"{"image_url":"\#(url)","async":true}"#)
                #expect(async.status == .badRequest)
            }
        }
    }

    @Test func theBlobStoreRefusesNamesThatCouldLeaveItsDirectoryAsA400() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-test-\(UUID().uuidString)")
        let blobs = try FileBlobStore(directory: directory)
        for name in ["../x", "a/b", ".hidden", "", "A.PNG"] {
            await #expect("\(name)") {
                _ = try await blobs.get(name)
            } throws: { error in
                (error as? ServiceError)?.code == .badRequest
            }
        }
    }

    // MARK: 5. Decompression bombs

    @Test func aMaskIsComparedWithItsImageFromItsHeaderBeforeAnyDecoding() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a red barn --ar 1:1"}"#).response()
            let upscale = try await api.imagine(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#).response()
            // Only a header: a decoder would call it corrupt; the size check must come first and say so.
            let forged = Data(BombPNG.headerOnly(width: 8000, height: 8000)).base64EncodedString()
            let reply = try await api.post(
                "/midjourney/imagine", #"{"action":"variation_region","image_id":"\#(upscale.string("image_id")!)","mask":"\#(forged)"}"#)
            #expect(reply.status == .badRequest)
            let message = reply.object["error"]?.objectValue?.string("message") ?? ""
            #expect(message.contains("is 8000×8000 but the image is 1024×1024"), "\(message)")
        }
    }

    @Test func aSixtyFourMegapixelPNGIsDescribedFromAReducedDecode() async throws {
        let bomb = BombPNG.black(width: 8000, height: 8000)
        let router = Router()
        router.get("/bomb.png") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: bomb)))
        }
        let fixture = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let server = try await TestServer.make()
        try await fixture.test(.live) { fixtureClient in
            try await server.test { api in
                let reply = try await api.post(
                    "/midjourney/describe", #"{"image_url":"http://127.0.0.1:\#(fixtureClient.port!)/bomb.png"}"#)
                #expect(reply.status == .ok, "\(String(buffer: reply.body))")
                guard case .array(let descriptions) = reply.object["descriptions"] else { return }
                for description in descriptions { #expect(description.stringValue?.hasSuffix("--ar 1:1") == true) }
            }
        }
    }

    // MARK: 7. Outbound guard

    @Test func loopbackInEveryIPv6DisguiseIsNotPublic() {
        for address in [
            "::127.0.0.1", "::ffff:0:127.0.0.1", "::ffff:0:10.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::8.8.8.8",
            "2002:7f00:1::1", "2002:a9fe:a9fe::", "2001::1", "2001:2::1", "100::1", "fec0::1", "::0.0.0.1", "4000::1",
        ] {
            #expect(!OutboundGuard.isPublic(address), "\(address)")
        }
        for address in ["64:ff9b::8.8.8.8", "2002:808:808::1", "2a00:1450:4001::200e", "::ffff:8.8.8.8"] {
            #expect(OutboundGuard.isPublic(address), "\(address)")
        }
    }

    @Test func describeRefusesLoopbackWrittenAsIPv4CompatibleOrTranslatedIPv6() async throws {
        let server = try await TestServer.make(workers: 0) { $0.allowPrivateNetwork = false }
        try await server.test { api in
            for url in ["http://[::127.0.0.1]/x.png", "http://[::ffff:0:127.0.0.1]/x.png", "http://[64:ff9b::7f00:1]/x.png"] {
                let reply = try await api.post("/midjourney/describe", #"{"image_url":"\#(url)","async":true}"#)
                #expect(reply.status == .badRequest, "\(url)")
                #expect(reply.object["error"]?.objectValue?.string("message")?.contains("non-public") == true, "\(url)")
            }
        }
    }

    @Test func aFetchConnectsToTheAddressThatWasCheckedNotToASecondLookup() async throws {
        let hosts = Mutex<[String]>([])
        let png = try PNG.encode(RGBAImage(width: 8, height: 8, fill: RGBA(r: 5, g: 6, b: 7)))
        let router = Router()
        router.get("/x.png") { request, _ in
            hosts.withLock { $0.append(request.head.authority ?? "") }
            return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        let fixture = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            // The name resolves (here, once) to the fixture's address; nothing else in the world can resolve it, so only
            // a connection to the checked address reaches the fixture.
            let lookups = Mutex(0)
            let outbound = OutboundGuard(
                allowPrivateNetwork: false,
                resolver: { host in
                    lookups.withLock { $0 += 1 }
                    return host == "images.rebind.invalid" ? ["127.0.0.1"] : []
                },
                addressPolicy: { $0 == "127.0.0.1" }
            )
            let bytes = try await HTTPImageFetcher(outbound: outbound).fetch(
                "http://images.rebind.invalid:\(port)/x.png", maxBytes: 1 << 20)
            #expect(bytes == png)
            #expect(lookups.withLock { $0 } == 1)
            #expect(hosts.withLock { $0 } == ["images.rebind.invalid:\(port)"])
        }
    }

    // MARK: 8. HTTP details

    @Test func headIsAnsweredWhereverGetIsWithTheSameHeadersAndNoBody() async throws {
        let server = try await TestServer.make()
        try await server.testLive { api in
            let grid = try await api.imagine(#"{"prompt":"a small boat"}"#).response()
            let path = String(try #require(grid.string("raw_image_url")).dropFirst(TestServer.publicURL.count))
            for target in ["/healthz", "/readyz", path, path + "?imageMogr2/thumbnail/!25p"] {
                let get = try await api.raw(target, method: .get)
                let head = try await api.raw(target, method: .head)
                #expect(head.status == .ok, "\(target)")
                #expect(head.body.readableBytes == 0, "\(target)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(target)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(target)")
                #expect(head.headers[.eTag] == get.headers[.eTag], "\(target)")
            }
        }
    }

    @Test func wrongMethodsOnImagesAndEventsAre405sInTheEnvelope() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let id = UUID().uuidString.lowercased()
            for (method, path, allowed) in [
                (HTTPRequest.Method.delete, "/midjourney/images/\(id).png", "GET, HEAD"),
                (.post, "/midjourney/images/\(id).png", "GET, HEAD"),
                (.put, "/midjourney/tasks/\(id)/events", "GET, HEAD"),
                (.post, "/healthz", "GET, HEAD"),
                (.get, "/midjourney/imagine", "POST"),
            ] {
                let reply = try await api.raw(path, method: method)
                #expect(reply.status == .methodNotAllowed, "\(method) \(path)")
                #expect(reply.errorCode == "method_not_allowed", "\(method) \(path)")
                #expect(reply.headers[.allow] == allowed, "\(method) \(path)")
            }
            #expect(try await api.raw("/midjourney/images/\(id).png/more", method: .delete).status == .notFound)
        }
    }

    @Test func ifNoneMatchOnAMissingImageIsA404() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let id = UUID().uuidString.lowercased()
            for query in ["", "?imageMogr2/thumbnail/!50p"] {
                let etag = query.isEmpty ? "\"\(id)\"" : "\"\(id)-p50\""
                let reply = try await api.raw("/midjourney/images/\(id).png\(query)", method: .get, headers: [.ifNoneMatch: etag])
                #expect(reply.status == .notFound)
                #expect(reply.errorCode == "not_found")
            }
        }
    }

    @Test func anExistingImageIsNotModifiedForItsOwnEtag() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a green field"}"#).response()
            let first = try await api.image(try #require(grid.string("image_url")))
            let etag = try #require(first.headers[.eTag])
            let again = try await api.raw(
                String(grid.string("image_url")!.dropFirst(TestServer.publicURL.count)), method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
        }
    }

    @Test func aBodyCutShortIsAQuietLineNotAnInternalError() async throws {
        let sink = LogSink()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-test-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory, workers: 0)
        configuration.databaseURL = try TestDatabase.serverURL(forDataDirectory: directory)
        let server = try await buildApplication(configuration: configuration, logger: sink.logger)
        let token = try await Administration(store: server.store).createCredential(
            name: "t", applicationID: nil, scopes: Set(APIScope.allCases), credits: 10
        ).token
        try await server.application.test(.live) { client in
            let connection = try await RawConnection.open(port: try #require(client.port))
            try await connection.send(
                "POST /midjourney/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer \(token)\r\nContent-Length: 1000\r\n\r\n{\"action\":"
            )
            try await Task.sleep(for: .milliseconds(200))
            await connection.close()
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(sink.messages(atLeast: .warning).isEmpty, "\(sink.messages(atLeast: .warning))")
        #expect(sink.messages(atLeast: .debug).contains("request could not be read"))
    }

    @Test func expectContinueGetsA100ContinueBeforeTheBodyIsSent() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.testLive { api in
            let connection = try await RawConnection.open(port: try #require(api.client.port))
            let body = #"{"action":"retrieve","id":"x"}"#
            try await connection.send(
                "POST /midjourney/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer \(server.token)\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            )
            #expect(try await connection.waitFor("HTTP/1.1 100 Continue\r\n", seconds: 5))
            #expect(!connection.text.contains("200 OK"))
            try await connection.send(body)
            #expect(try await connection.waitFor("HTTP/1.1 200 OK", seconds: 5))
            #expect(try await connection.waitFor("{}", seconds: 5))
            await connection.close()
        }
    }

    @Test func aRequestHTTPCannotParseIsA400InTheEnvelope() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.testLive { api in
            let port = try #require(api.client.port)
            for garbage in ["GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", "\u{1}\u{2}\u{3}\r\n\r\n"] {
                let connection = try await RawConnection.open(port: port)
                try await connection.send(garbage)
                #expect(try await connection.waitUntilClosed(seconds: 5))
                let text = connection.text
                #expect(text.hasPrefix("HTTP/1.1 400 Bad Request"), "\(garbage.debugDescription): \(text)")
                let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
                let envelope = try JSONValue.parse(Array(body.utf8)).objectValue
                #expect(envelope?["success"] == .bool(false))
                #expect(envelope?["error"]?.objectValue?["code"] == "bad_request")
                #expect(envelope?["trace_id"]?.stringValue?.count == 36)
            }
        }
    }

    @Test func promptsOfInvisibleCharactersOrEndlessCombiningMarksAre400s() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let invisible = try await api.post("/midjourney/imagine", #"{"prompt":"\u200b\u200c\u2060\ufeff","async":true}"#)
            #expect(invisible.status == .badRequest)
            let onlyParameters = try await api.post("/midjourney/imagine", #"{"prompt":"\u200b --ar 2:1","async":true}"#)
            #expect(onlyParameters.status == .badRequest)
            let marks = "a" + String(repeating: "\u{0301}", count: 400_000)  // one character, 800 KB
            let long = try await api.post("/midjourney/imagine", #"{"prompt":"\#(marks)","async":true}"#)
            #expect(long.status == .badRequest)
            #expect(long.object["error"]?.objectValue?.string("message")?.contains("prompt") == true)
            let shorten = try await api.post("/midjourney/shorten", #"{"prompt":"\u200b\u200b"}"#)
            #expect(shorten.status == .badRequest)
        }
    }
}
