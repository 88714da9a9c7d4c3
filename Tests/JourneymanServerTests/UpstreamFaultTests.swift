import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The gateway on a bad line: connections reset and stalled between Journeyman and its upstream, and picture links that
/// stop working soon after the task ends (every provider's links expire; the public one's within hours).
@Suite("The gateway on a bad line and with expiring links", .serialized, .timeLimit(.minutes(5)))
struct UpstreamFaultTests {
    @Test("A reset and a stalled connection are retried, and a picture whose upstream link has expired is still served, from this server")
    func resetsAndStallsAreRetriedAndPicturesOutliveTheirLinks() async throws {
        let upstream = try ExpiringLinkUpstream(lifetime: 8)
        try await upstream.application().test(.live) { client in
            let port = try #require(client.port)
            upstream.port.withLock { $0 = port }
            // The first connection is reset once its request is in; the second is held open with no answer.
            let line = try TroublesomeLine(forwardingTo: port, treating: [.reset, .stall])
            defer { line.stop() }
            try await RunningJourneyman.with(configure: {
                $0.useUpstream("http://127.0.0.1:\(line.port)", token: "secret-line-token")
                $0.upstream?.requestTimeoutSeconds = 1
            }) { front in
                let record = try await front.imagine(#"{"prompt":"a lantern on a bad line"}"#)
                #expect(upstream.downloads == 1, "the picture was fetched once, when the task succeeded")
                #expect(upstream.submits == 1, "the reset and the stalled call never reached the upstream; the retry did, once")
                #expect(line.connections >= 3, "a reset, a stall, then a good connection: \(line.connections)")
                let calls = await front.upstreamEngine?.upstreamReadings().first?.calls ?? [:]
                #expect((calls["retry"] ?? 0) >= 2, "both bad calls were retried: \(calls)")

                // Past the link's lifetime the upstream refuses it; this server kept the picture at success.
                let link = try #require(upstream.links.first)
                try await waitUntil("the upstream's link to expire", seconds: 30) {
                    try await front.get(link).status == 403 ? true : nil
                }
                let raw = try #require(record.response().string("raw_image_url"))
                #expect(raw.hasPrefix(front.url), "the record links to this server: \(raw)")
                let full = try await front.get(raw)
                #expect(full.status == 200)
                #expect(try pngSize(full.bytes) == (64, 48))
                let thumbnail = try await front.get(try #require(record.response().string("image_url")))
                #expect(thumbnail.status == 200)
                #expect(try pngSize(thumbnail.bytes) == (32, 24), "the thumbnail is made here too")
            }
        }
    }
}

/// A provider of the public contract's shapes whose picture links expire `lifetime` seconds after it first reports
/// the task succeeded (a minute or an hour elsewhere; seconds here). It counts submits and picture downloads.
final class ExpiringLinkUpstream: Sendable {
    let lifetime: Double
    let port = Mutex(0)
    let image: [UInt8]
    private let state = Mutex<(submits: Int, downloads: Int, expiries: [String: Double])>((0, 0, [:]))

    init(lifetime: Double) throws {
        self.lifetime = lifetime
        image = try PNG.encode(RGBAImage(width: 64, height: 48, fill: RGBA(r: 30, g: 90, b: 200)))
    }

    var submits: Int { state.withLock { $0.submits } }
    var downloads: Int { state.withLock { $0.downloads } }
    /// Every picture link it has handed out.
    var links: [String] {
        let port = port.withLock { $0 }
        return state.withLock { $0.expiries.keys.sorted() }.map { "http://127.0.0.1:\(port)/pictures/\($0).png" }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/midjourney/imagine") { request, _ -> Response in
            var request = request
            _ = try await request.collectBody(upTo: 1 << 20)
            let count = self.state.withLock { state -> Int in
                state.submits += 1
                return state.submits
            }
            return Self.json(.ok, #"{"task_id":"expiring-\#(count)","trace_id":"t"}"#)
        }
        router.post("/midjourney/tasks") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var ids: [String] = []
            if case .array(let items)? = (try? JSONValue.parse(Array(buffer: body)))?.objectValue?["ids"] {
                ids = items.compactMap(\.stringValue)
            }
            let port = self.port.withLock { $0 }
            let now = Date().timeIntervalSince1970
            let items = ids.map { id -> String in
                // The link's clock starts when success is first reported.
                self.state.withLock { state in
                    if state.expiries[id] == nil { state.expiries[id] = now + self.lifetime }
                }
                return
                    #"{"id":"\#(id)","state":"succeeded","progress":100,"response":{"success":true,"image_id":"99\#(id.count)","raw_image_url":"http://127.0.0.1:\#(port)/pictures/\#(id).png"}}"#
            }
            return Self.json(.ok, #"{"items":[\#(items.joined(separator: ","))],"count":\#(items.count)}"#)
        }
        router.get("/pictures/:name") { _, context -> Response in
            let id = (context.parameters.get("name") ?? "").replacingOccurrences(of: ".png", with: "")
            let now = Date().timeIntervalSince1970
            let alive = self.state.withLock { state -> Bool in
                guard let expiry = state.expiries[id], now < expiry else { return false }
                state.downloads += 1
                return true
            }
            guard alive else { return Self.json(.forbidden, #"{"error":"this link has expired"}"#) }
            return Response(
                status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.image)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A TCP relay on loopback in front of `target` that treats each new connection as its script says, in order:
/// `reset` reads the request and answers with a TCP reset; `stall` reads it and never answers (until the client gives
/// up); past the script, `forward` relays both ways. Blocking sockets on threads of its own, never Swift's pool.
final class TroublesomeLine: Sendable {
    enum Treatment: Sendable { case reset, stall, forward }

    let port: Int
    private let listener: Int32
    private let script: [Treatment]
    private let target: Int
    private let accepted = Mutex(0)

    /// How many connections it has accepted.
    var connections: Int { accepted.withLock { $0 } }

    init(forwardingTo target: Int, treating script: [Treatment]) throws {
        self.target = target
        self.script = script
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BrowserFailure(description: "socket: \(errno)") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw BrowserFailure(description: "bind or listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptConnections() }.start()
    }

    /// Stops accepting (a blocked `accept` returns); connections already open run out on their own.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptConnections() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let index = accepted.withLock { count -> Int in
                count += 1
                return count - 1
            }
            let treatment = index < script.count ? script[index] : .forward
            Thread { [self] in serve(client, treatment) }.start()
        }
    }

    private func serve(_ client: Int32, _ treatment: Treatment) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        switch treatment {
        case .reset:
            _ = read(client, &buffer, buffer.count)
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
            close(client)
        case .stall:
            // Reads until the client hangs up, answering nothing.
            while read(client, &buffer, buffer.count) > 0 {}
            close(client)
        case .forward:
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(upstream)
                close(client)
                return
            }
            let finished = Thread { Self.relay(from: upstream, to: client) }
            finished.start()
            Self.relay(from: client, to: upstream)
            // Either side's end ends both directions; the second relay to return closes the sockets.
            shutdown(upstream, Int32(SHUT_RDWR))
            shutdown(client, Int32(SHUT_RDWR))
            while !finished.isFinished { usleep(10_000) }
            close(upstream)
            close(client)
        }
    }

    private static func relay(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { break }
                sent += written
            }
            if sent < count { break }
        }
        shutdown(destination, Int32(SHUT_WR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
