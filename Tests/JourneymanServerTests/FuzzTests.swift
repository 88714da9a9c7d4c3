import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneymanServer
import MidjourneyAPI
import MidjourneyProxyContract
import NIOCore
import Testing

/// A small fixed-seed generator so every failure reproduces.
struct FuzzRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
    mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// Makes malformed (and now and then valid) requests for every endpoint.
struct RequestFuzzer {
    var random: FuzzRandom
    /// Image names and image ids that exist on the server, for thumbnail and mask shapes (none unless told).
    var imageNames: [String] = []
    var imageIDs: [String] = []

    static let paths = [
        "/midjourney/imagine", "/midjourney/describe", "/midjourney/tasks", "/midjourney/seed", "/midjourney/shorten",
        "/midjourney/translate", "/midjourney/edits", "/midjourney/videos",
    ]
    static let fields = [
        "prompt", "action", "image_id", "mask", "mode", "timeout", "translation", "split_images", "callback_url", "async",
        "version", "hd", "quality", "style_reference", "moodboard", "image_url", "id", "ids", "trace_id", "trace_ids",
        "offset", "limit", "content", "unknown_field",
    ]

    mutating func value(depth: Int = 0) -> String {
        switch random.int(0..<16) {
        case 0: return "null"
        case 1: return random.chance(50) ? "true" : "false"
        case 2: return random.pick(["0", "-1", "1e309", "-1e309", "9223372036854775808", "1.5", "-0", "3600.0001", "1e-400", "12"])
        case 3:
            return
                "\"\(random.pick(["", "generate", "upscale1", "retrieve", "retrieve_batch", "cancel", "fast", "turbo", "blend", "🙂", "\\u0000"]))\""
        case 4: return "\"" + String(repeating: random.pick(["a", "é", "\\\\", " --ar", "-"]), count: random.int(1..<3000)) + "\""
        case 5: return "\"\(prompt())\""
        case 6:
            return
                "\"\(random.pick(["http://", "https://x", "ftp://a/b", "http://127.0.0.1:1/x.png", "https://[::1", "http://a b", "javascript:alert(1)", "http://169.254.169.254/"]))\""
        case 7: return "[" + (0..<random.int(0..<5)).map { _ in depth < 3 ? value(depth: depth + 1) : "1" }.joined(separator: ",") + "]"
        case 8:
            return "{"
                + (0..<random.int(0..<4)).map { _ in "\"\(random.pick(Self.fields))\":" + (depth < 3 ? value(depth: depth + 1) : "0") }
                .joined(separator: ",") + "}"
        case 9: return "\"\(UUID().uuidString.lowercased())\""
        case 10: return "\"\(random.int(0..<Int(Int32.max)))\(random.int(0..<Int(Int32.max)))\""
        case 11: return "[" + (0..<random.int(95..<110)).map { _ in "\"\(random.int(0..<1000))\"" }.joined(separator: ",") + "]"
        default: return String(random.int(-1000..<100_000))
        }
    }

    mutating func prompt() -> String {
        let words = [
            "a lighthouse", "cat", "--ar", "3:2", "—ar", "0:0", "--seed", "99999999999", "--no", "--chaos", "101", "--stylize",
            "--v", "6", "--tile", "yes", "--unknown", "https://example.com/a.png", "--", "--q", "--iw", "9",
        ]
        return (0..<random.int(0..<8)).map { _ in random.pick(words) }.joined(separator: " ")
    }

    /// One request: method, path, headers, body.
    mutating func request(token: String) -> (HTTPRequest.Method, String, HTTPFields, ByteBuffer?) {
        var headers = HTTPFields()
        switch random.int(0..<10) {
        case 0: break
        case 1: headers[.authorization] = "Bearer"
        case 2: headers[.authorization] = "Bearer " + String(repeating: "x", count: random.int(1..<2000))
        case 3: headers[.authorization] = "Basic dXNlcjpwYXNz"
        default: headers[.authorization] = random.chance(50) ? "Bearer \(token)" : token
        }
        if random.chance(80) {
            headers[.contentType] = random.pick(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
        }
        if random.chance(10) { headers[.accept] = random.pick(["application/x-ndjson", "*/*", "text/event-stream"]) }

        let kind = random.int(0..<100)
        if kind < 6 {
            let names = [
                "x.png", "\(UUID().uuidString.lowercased()).png", "..%2F..%2Fetc%2Fpasswd", "%00.png", String(repeating: "a", count: 300),
            ]
            let query = random.pick([
                "", "?imageMogr2/thumbnail/!50p", "?imageMogr2/thumbnail/!0p", "?imageMogr2/thumbnail/99999x", "?imageMogr2/thumbnail/!-5p",
                "?%ff",
            ])
            return (.get, "/midjourney/images/\(random.pick(names))\(query)", headers, nil)
        }
        if kind < 9 { return (.get, "/midjourney/tasks/\(random.pick(["x", UUID().uuidString.lowercased(), "%20"]))/events", headers, nil) }
        if kind < 11 {
            return (random.pick([.get, .put, .delete, .patch]), random.pick(Self.paths + ["/", "/midjourney", "/nope"]), headers, nil)
        }

        let path = random.pick(Self.paths)
        let body: [UInt8]
        switch random.int(0..<12) {
        case 0: body = random.bytes(random.int(0..<400))
        case 1: body = Array("{\"prompt\":\"".utf8) + [0xC3, 0x28, 0xFF, 0xFE] + Array("\"}".utf8)  // invalid UTF-8
        case 2:
            body = Array((String(repeating: "[", count: random.int(100..<5000)) + String(repeating: "]", count: random.int(0..<5000))).utf8)
        case 3: body = Array(String(repeating: "{\"a\":", count: random.int(100..<3000)).utf8)
        case 4: body = Array("{\"prompt\":\"a\",\"prompt\":5,\"async\":true,\"async\":\"yes\"}".utf8)  // duplicated keys
        case 5: body = Array(value().utf8)
        case 6:
            let valid = "{\"prompt\":\"\(prompt())\",\"async\":true,\"timeout\":\(random.pick(["1", "0", "-3", "4000", "\"10\""]))}"
            body = Array(valid.utf8.prefix(random.chance(30) ? random.int(1..<valid.utf8.count) : valid.utf8.count))
        default:
            let members = (0..<random.int(0..<7)).map { _ in "\"\(random.pick(Self.fields))\":\(value())" }
            // Mostly async so that a body that happens to be valid does not wait for its task.
            body = Array(("{" + (members + (random.chance(90) ? ["\"async\":true"] : [])).joined(separator: ",") + "}").utf8)
        }
        return (.post, path, headers, ByteBuffer(bytes: body))
    }
}

extension RequestFuzzer {
    /// The shapes of issue 11: very wide objects, deep nesting, thumbnails of every size (larger than the source
    /// among them), masks that lie about their size or are not PNGs, and self URLs that climb out of the images.
    mutating func hostileRequest(token: String) -> (HTTPRequest.Method, String, HTTPFields, ByteBuffer?) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        switch random.int(0..<8) {
        case 0:
            let count = random.pick([999, 1000, 1001, 5000, 60_000])
            let body = "{" + (0..<count).map { "\"k\($0)\":\($0 % 7)" }.joined(separator: ",") + ",\"async\":true}"
            return (.post, random.pick(Self.paths), headers, ByteBuffer(string: body))
        case 1:
            let depth = random.pick([63, 64, 65, 200, 20_000])
            let open = random.chance(50) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            let body = "{\"prompt\":" + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth) + "}"
            return (.post, random.pick(Self.paths), headers, ByteBuffer(string: body))
        case 2, 3:
            let name = imageNames.isEmpty ? "\(UUID().uuidString.lowercased()).png" : random.pick(imageNames)
            let size = random.pick([
                "1x", "7x", "511x", "512x", "1024x", "4096x", "8192x", "8193x", "!1p", "!50p", "!99p", "!100p", "0x", "-1x",
            ])
            let method: HTTPRequest.Method = random.chance(20) ? .head : .get
            if random.chance(20) { headers[.ifNoneMatch] = "\"\(name.dropLast(4))\"" }
            return (method, "/midjourney/images/\(name)?imageMogr2/thumbnail/\(size)", headers, nil)
        case 4, 5:
            let mask: String
            switch random.int(0..<4) {
            case 0:
                mask = Data(BombPNG.headerOnly(width: random.pick([8000, 1024, 65_535, 1]), height: random.pick([8000, 1024, 1])))
                    .base64EncodedString()
            case 1: mask = Data(random.bytes(random.int(0..<300))).base64EncodedString()
            case 2:
                mask = Data(BombPNG.black(width: random.pick([64, 1024, 2000]), height: random.pick([64, 1024]))).base64EncodedString()
            default: mask = random.pick(["", "not base64!", "data:image/png;base64,AAAA"])
            }
            let imageID = imageIDs.isEmpty ? "1259525319472185344" : random.pick(imageIDs)
            let body = #"{"action":"variation_region","image_id":"\#(imageID)","mask":"\#(mask)","async":true}"#
            return (.post, "/midjourney/imagine", headers, ByteBuffer(string: body))
        case 6:
            let suffix = random.pick(["../x", "..%2Fx", "x.png", "%00.png", "\(UUID().uuidString.lowercased())@50.png", ".png"])
            let body = #"{"image_url":"\#(TestServer.publicURL)/midjourney/images/\#(suffix)","async":\#(random.chance(50))}"#
            return (.post, "/midjourney/describe", headers, ByteBuffer(string: body))
        default:
            let prompt = random.pick([
                "\\u200b", "\\u200b --ar 2:1", String(repeating: "e\\u0301", count: random.int(2990..<3010)), "\\u00ad",
            ])
            return (
                .post, random.pick(["/midjourney/imagine", "/midjourney/shorten"]), headers,
                ByteBuffer(string: #"{"prompt":"\#(prompt)","async":true}"#)
            )
        }
    }
}

extension RequestFuzzer {
    static let proxyPaths = [
        "/mj/submit/imagine", "/mj/submit/change", "/mj/submit/simple-change", "/mj/submit/action", "/mj/submit/modal",
        "/mj/submit/blend", "/mj/submit/describe", "/mj/submit/shorten", "/mj/task/list-by-condition", "/mj-turbo/mj/submit/imagine",
        "/mj-relax/mj/submit/change",
    ]
    static let proxyFields = [
        "prompt", "base64Array", "taskId", "action", "index", "content", "customId", "maskBase64", "dimensions", "base64", "link",
        "state", "notifyHook", "ids", "botType",
    ]

    /// One request of the /mj contract: its headers, its paths (GET queries among them), its fields.
    mutating func proxyRequest(token: String) -> (HTTPRequest.Method, String, HTTPFields, ByteBuffer?) {
        var headers = HTTPFields()
        switch random.int(0..<8) {
        case 0: break
        case 1: headers[.mjAPISecret] = String(repeating: "x", count: random.int(1..<2000))
        case 2: headers[.authorization] = "Bearer"
        case 3: headers[.authorization] = token
        default: headers[.mjAPISecret] = token
        }
        if random.chance(80) { headers[.contentType] = random.pick(["application/json", "text/plain", ""]) }
        let kind = random.int(0..<100)
        if kind < 15 {
            let id = random.pick([
                "1", "0", "01", "abc", String(repeating: "9", count: 60), "340282366920938463463374607431768211455", "%20", "",
            ])
            let path = random.pick(["/mj/task/\(id)/fetch", "/mj/task/\(id)/image-seed", "/mj/task/list", "/mj-fast/mj/task/\(id)/fetch"])
            return (.get, path, headers, nil)
        }
        if kind < 20 { return (.post, "/mj/task/\(random.pick(["1", "x", "123456789012345678901234567890"]))/cancel", headers, nil) }
        let path = random.pick(Self.proxyPaths)
        let body: [UInt8]
        switch random.int(0..<8) {
        case 0: body = random.bytes(random.int(0..<400))
        case 1: body = Array(String(repeating: "[", count: random.int(100..<3000)).utf8)
        case 2: body = Array(value().utf8)
        case 3:
            let customID = random.pick([
                "MJ::JOB::upsample::1::1", "MJ::Inpaint::1::x::SOLO", "MJ::Outpaint::50::1::", "MJ::JOB::pan_left::1::9::SOLO", "MJ::", "",
            ])
            body = Array("{\"taskId\":\"\(random.int(0..<1000))\",\"customId\":\"\(customID)\"}".utf8)
        case 4:
            let image = random.pick([
                "data:image/png;base64,iVBORw0KGgo=", "data:,", "!!!", "data:image/png;base64," + String(repeating: "A", count: 400),
            ])
            body = Array("{\"base64Array\":[\"\(image)\",\"\(image)\"],\"base64\":\"\(image)\",\"maskBase64\":\"\(image)\"}".utf8)
        default:
            let members = (0..<random.int(0..<6)).map { _ in "\"\(random.pick(Self.proxyFields))\":\(value())" }
            body = Array(("{" + members.joined(separator: ",") + "}").utf8)
        }
        return (.post, path, headers, ByteBuffer(bytes: body))
    }
}

@Suite("Hostile input", .timeLimit(.minutes(10)))
struct FuzzTests {
    @Test func twoThousandMalformedProxyRequestsGetProxyShapedAnswersAndNeverAFiveHundred() async throws {
        let server = try await TestServer.make(workers: 0, credits: 1_000_000)
        let outcome = try await server.testLive { api in
            var fuzzer = RequestFuzzer(random: FuzzRandom(state: 0x0005_EED_13))
            var serverErrors: [String] = []
            var notShaped: [String] = []
            for index in 0..<2_000 {
                let (method, path, headers, body) = fuzzer.proxyRequest(token: server.token)
                let reply = try await api.raw(path, method: method, headers: headers, body: body)
                let described = "#\(index) \(method) \(path) \(body.map { String(buffer: $0).prefix(120) } ?? "")"
                if reply.status.code >= 500 { serverErrors.append("\(reply.status.code) \(described)") }
                // Under /mj every refusal is the proxy's `{code, description, ...}`, never the other contract's envelope
                // (but for a path with an empty segment, which no route, not even the catch-all, matches).
                let routable = !path.contains("//")
                if reply.status.code >= 400, routable, reply.object["code"] == nil || reply.object["error"] != nil {
                    notShaped.append("\(reply.status.code) \(described)")
                }
            }
            return (serverErrors, notShaped)
        }
        #expect(outcome.0.isEmpty, "5xx answers: \(outcome.0.prefix(5))")
        #expect(outcome.1.isEmpty, "refusals not in the proxy's shape: \(outcome.1.prefix(5))")
    }

    @Test func tenThousandMalformedRequestsGetEnvelopedFourHundredsAndChangeNothing() async throws {
        let server = try await TestServer.make(workers: 2, credits: 1_000_000)
        let total = 10_000
        let outcome = try await server.testLive { api in
            var fuzzer = RequestFuzzer(random: FuzzRandom(state: 0x5EED_2026))
            var serverErrors: [String] = []
            var notEnveloped: [String] = []
            var accepted = 0
            var statusCounts: [Int: Int] = [:]
            for index in 0..<total {
                let (method, path, headers, body) = fuzzer.request(token: server.token)
                let reply = try await api.raw(path, method: method, headers: headers, body: body)
                statusCounts[reply.status.code, default: 0] += 1
                let described = "#\(index) \(method) \(path) \(body.map { String(buffer: $0).prefix(120) } ?? "")"
                // A valid synchronous request whose task outlives its `timeout` is a 504 by contract, not a failure.
                let validTimeout = reply.status.code == 504 && reply.errorCode == "timeout"
                if validTimeout { accepted += 1 }
                if reply.status.code >= 500 && !validTimeout { serverErrors.append("\(reply.status.code) \(described)") }
                if reply.status.code >= 400 {
                    let envelope = reply.object
                    if envelope["success"] != .bool(false) || envelope["error"]?.objectValue?.string("code") == nil
                        || envelope.string("trace_id") == nil
                    {
                        notEnveloped.append("\(reply.status.code) \(described)")
                    }
                } else if path == "/midjourney/imagine" || path == "/midjourney/describe" {
                    // An ndjson stream's lines each carry the task id; any other success is one JSON object.
                    let streamed = reply.headers[.contentType] == "application/x-ndjson" && reply.status == .ok
                    if streamed || reply.object.string("task_id") != nil { accepted += 1 }
                }
            }
            let health = try await api.raw("/healthz", method: .get)
            #expect(health.status == .ok)
            return (serverErrors, notEnveloped, accepted, statusCounts)
        }
        let (serverErrors, notEnveloped, accepted, statusCounts) = outcome
        #expect(serverErrors.isEmpty, "5xx answers: \(serverErrors.prefix(5))")
        #expect(notEnveloped.isEmpty, "4xx without the envelope: \(notEnveloped.prefix(5))")
        // Only requests that were answered with a task id left a task behind.
        let stored = try await server.server.store.tasks(applicationID: server.applicationID, offset: 0, limit: 100_000).count
        #expect(stored == accepted)
        print(
            "fuzz: \(total) requests, statuses \(statusCounts.sorted { $0.key < $1.key }), \(serverErrors.count) 5xx, \(accepted) valid tasks stored"
        )
    }

    @Test func hostileShapesGetEnvelopedAnswersWhileIdleSocketsAreClosedAndHealthStaysFast() async throws {
        let server = try await TestServer.make(workers: 2, credits: 1_000_000) { $0.connections = ConnectionPolicy(idleTimeoutSeconds: 2) }
        let outcome = try await server.testAHC { api in
            let port = try #require(api.client.port)
            let grid = try await api.imagine(#"{"prompt":"a tall tower --ar 1:4"}"#).response()
            let upscale = try await api.imagine(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#).response()
            var fuzzer = RequestFuzzer(random: FuzzRandom(state: 0x11_2026))
            fuzzer.imageNames = [grid, upscale].compactMap { $0.string("raw_image_url")?.components(separatedBy: "/").last }
            fuzzer.imageIDs = [grid, upscale].compactMap { $0.string("image_id") }
            // Idle sockets, and sockets that stop halfway through a request head, held open through the run.
            var idle: [RawConnection] = []
            for index in 0..<40 {
                let connection = try await RawConnection.open(port: port)
                if index % 2 == 1 { try await connection.send("POST /midjourney/imagine HTTP/1.1\r\nHost: x\r\n") }
                idle.append(connection)
            }
            var problems: [String] = []
            var slowestHealth = Duration.zero
            for index in 0..<600 {
                let (method, path, headers, body) = fuzzer.hostileRequest(token: server.token)
                let reply = try await api.raw(path, method: method, headers: headers, body: body)
                let described = "#\(index) \(method) \(path.prefix(120)) \(body.map { String(buffer: $0).prefix(80) } ?? "")"
                if reply.status.code >= 500 { problems.append("\(reply.status.code) \(described)") }
                if reply.status.code >= 400 && method != .head {
                    let envelope = reply.object
                    if envelope["success"] != .bool(false) || envelope["error"]?.objectValue?.string("code") == nil {
                        problems.append("not enveloped: \(reply.status.code) \(described)")
                    }
                }
                if path.hasPrefix("/midjourney/images/"), reply.status == .ok, method == .get,
                    let source = fuzzer.imageNames.first(where: { path.contains($0) })
                {
                    let sourceWidth = source == fuzzer.imageNames.first ? 512 : 256
                    if let size = try? pngSize(reply.bytes), size.width > sourceWidth {
                        problems.append("a thumbnail wider than its source: \(size.width) > \(sourceWidth): \(described)")
                    }
                }
                if index % 100 == 0 {
                    let start = ContinuousClock.now
                    _ = try await api.raw("/healthz", method: .get)
                    slowestHealth = max(slowestHealth, ContinuousClock.now - start)
                }
            }
            try await Task.sleep(for: .seconds(3))
            let stillOpen = idle.filter(\.isOpen).count
            for connection in idle { await connection.close() }
            return (problems, stillOpen, slowestHealth)
        }
        let (problems, stillOpen, slowestHealth) = outcome
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(stillOpen == 0, "\(stillOpen) idle sockets outlived the idle timeout")
        #expect(slowestHealth < .seconds(2), "/healthz took \(slowestHealth)")
    }
}
