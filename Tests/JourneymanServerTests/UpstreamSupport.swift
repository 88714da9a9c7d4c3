import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import JourneymanServer
import JourneymanUpstream
import Logging
import MidjourneyAPI
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// A Journeyman server running on a real loopback socket (its image links point at that port), with one
/// application's token; over SQLite, or PostgreSQL with JOURNEYMAN_TEST_STORE=postgres.
struct RunningJourneyman: Sendable {
    let server: JourneymanServer
    let port: Int
    let token: String
    let applicationID: String

    var url: String { "http://127.0.0.1:\(port)" }

    /// The upstream engine this server sends its tasks to.
    var upstreamEngine: UpstreamEngine? { server.engine as? UpstreamEngine }

    /// Starts a server, runs `body` against it, and stops it gracefully.
    static func with<Value: Sendable>(
        workers: Int = 2, engine: (any Engine)? = nil, dataDirectory: String? = nil, logger: Logger? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (RunningJourneyman) async throws -> Value
    ) async throws -> Value {
        let port = try freePort()
        let directory =
            dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-upstream-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: port, dataDirectory: directory, publicURL: "http://127.0.0.1:\(port)", workers: workers)
        configuration.rateLimit = RatePolicy(perSecond: 10_000, burst: 10_000)
        configuration.allowPrivateNetwork = true
        configuration.databaseURL = try TestDatabase.serverURL(forDataDirectory: directory)
        configure(&configuration)
        var quiet = Logger(label: "journeyman-upstream-test")
        quiet.logLevel = .error
        let server = try await buildApplication(configuration: configuration, engine: engine, logger: logger ?? quiet)
        let created = try await Administration(store: server.store).createCredential(
            name: "upstream-tests", applicationID: nil, scopes: Set(APIScope.allCases), credits: 100_000)
        let running = RunningJourneyman(server: server, port: port, token: created.token, applicationID: created.application.id)
        var groupConfiguration = ServiceGroupConfiguration(services: [server.application], logger: quiet)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await running.waitUntilHealthy()
                let value = try await body(running)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                await server.close()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                await server.close()
                throw error
            }
        }
    }

    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/healthz"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CommandLineFailure(message: "the server on \(url) did not start")
    }

    /// POSTs JSON with this server's token.
    func post(_ path: String, _ body: String, token: String? = nil) async throws -> Reply {
        try await livePost(port: port, path: path, token: token ?? self.token, body: body, timeout: 60)
    }

    /// Submits an imagine with `async: true`; answers the task id.
    func submit(_ body: String) async throws -> String {
        var object = try JSONValue.parse(Array(body.utf8)).objectValue ?? JSONObject()
        object["async"] = .bool(true)
        let reply = try await post("/midjourney/imagine", String(decoding: JSONValue.object(object).encoded(), as: UTF8.self))
        #expect(reply.status == .ok, "imagine answered \(reply.status): \(String(buffer: reply.body))")
        return try #require(reply.object["task_id"]?.stringValue)
    }

    func retrieve(_ id: String) async throws -> JSONObject {
        try await post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#).object
    }

    /// Polls until the record has a `response`.
    func waitForRecord(_ id: String, seconds: Double = 120) async throws -> JSONObject {
        try await waitUntil("task \(id) finishes", seconds: seconds) {
            let record = try await retrieve(id)
            return record["response"] != nil ? record : nil
        }
    }

    /// Submits, waits, and expects success.
    func imagine(_ body: String) async throws -> JSONObject {
        let record = try await waitForRecord(try await submit(body))
        #expect(record.string("state") == "succeeded", "task failed: \(record["response"] ?? .null)")
        return record
    }

    /// Every task of its application, newest first.
    func allTasks() async throws -> [JSONObject] {
        let reply = try await post("/midjourney/tasks", #"{"action":"retrieve_batch","limit":100}"#)
        guard case .array(let items)? = reply.object["items"] else { return [] }
        return items.compactMap(\.objectValue)
    }

    /// GETs a URL of this server (with a bearer token, when one is given).
    func get(_ url: String, token: String? = nil) async throws -> (status: Int, bytes: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 26)
        return (Int(response.status.code), Array(body.readableBytesView))
    }

    /// How many requests `route` has answered, from this server's own `/metrics`.
    func requestsAnswered(route: String) async throws -> Int {
        let text = String(decoding: try await get(url + "/metrics").bytes, as: UTF8.self)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("journeyman_http_requests_total{") && $0.contains("route=\"\(route)\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }
}

/// Polls `probe` until it answers a value (an observed state, not a guessed delay), or fails after `seconds`.
func waitUntil<Value: Sendable>(_ what: String, seconds: Double = 60, _ probe: () async throws -> Value?) async throws -> Value {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let value = try await probe() { return value }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out waiting until \(what)")
    throw CommandLineFailure(message: "timed out waiting until \(what)")
}

/// A real engine (the local one) that reports some progress and then waits until the test opens its gate, so a task
/// is known to be in flight for as long as the test needs.
struct GatedEngine: Engine {
    let gate = Gate()
    let local = LocalEngine()
    /// The progress reported before waiting.
    var heldAt = 40

    var name: String { "gated-local" }
    var capabilities: EngineCapabilities { local.capabilities }

    func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        progress(heldAt)
        await gate.wait()
        return try await local.imagine(job, progress: { _ in })
    }

    func describe(_ image: DescribeInput) async throws -> [String] { try await local.describe(image) }
    func shorten(_ prompt: String) async throws -> [String] { try await local.shorten(prompt) }
}

/// Closed until opened; then every waiter, present and future, goes on.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }
}

/// Every log line a logger wrote, message and metadata, as text.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger at `info` that writes here.
    func logger() -> Logger {
        var logger = Logger(label: "captured") { _ in CapturingHandler(log: self) }
        logger.logLevel = .info
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String,
        line: UInt
    ) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        log.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

/// A small provider of the public contract's shapes that misbehaves on purpose: its imagine answers 429 with
/// `retry-after`, then 502, before it accepts; its status answers 502 once, then a running task, then success; a
/// prompt containing "refuse" is a validation error. Every request is recorded with its arrival time.
final class FaultyUpstream: Sendable {
    struct Arrival: Sendable {
        let path: String
        let at: Date
        let body: String
        let authorization: String
    }

    private let arrivals = Mutex<[Arrival]>([])
    private let polls = Mutex(0)
    /// The port it listens on, once the test knows it (its image link points there).
    let port = Mutex(0)
    let image: [UInt8]

    init() throws {
        image = try PNG.encode(RGBAImage(width: 64, height: 48, fill: RGBA(r: 200, g: 40, b: 40)))
    }

    var all: [Arrival] { arrivals.withLock { $0 } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/midjourney/imagine") { request, _ -> Response in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let count = self.record("/midjourney/imagine", body: body, request: request)
            if body.contains("refuse") {
                return Self.json(
                    .badRequest, #"{"success":false,"error":{"code":"bad_request","message":"field 'prompt' is refused upstream"}}"#)
            }
            switch count {
            case 1:
                var response = Self.json(.tooManyRequests, #"{"success":false,"error":{"code":"too_many_requests","message":"slow down"}}"#)
                response.headers[HTTPField.Name("retry-after")!] = "1"
                return response
            case 2: return Self.json(.badGateway, "bad gateway")
            default: return Self.json(.ok, #"{"task_id":"faulty-\#(count)","trace_id":"t"}"#)
            }
        }
        router.post("/midjourney/tasks") { request, _ -> Response in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 1 << 20))
            _ = self.record("/midjourney/tasks", body: body, request: request)
            let poll = self.polls.withLock { count -> Int in
                count += 1
                return count
            }
            var ids: [String] = []
            if case .array(let items)? = (try? JSONValue.parse(Array(body.utf8)))?.objectValue?["ids"] {
                ids = items.compactMap(\.stringValue)
            }
            let port = self.port.withLock { $0 }
            let items = ids.map { id -> String in
                switch poll {
                case 2: return #"{"id":"\#(id)","state":"running","progress":"50"}"#
                default:
                    return
                        #"{"id":"\#(id)","state":"succeeded","progress":100,"response":{"success":true,"image_id":"77\#(poll)","raw_image_url":"http://127.0.0.1:\#(port)/image.png"}}"#
                }
            }
            if poll == 1 { return Self.json(.badGateway, "bad gateway") }
            return Self.json(.ok, #"{"items":[\#(items.joined(separator: ","))],"count":\#(items.count)}"#)
        }
        router.post("/midjourney/seed") { request, _ -> Response in
            _ = self.record("/midjourney/seed", body: "", request: request)
            return Self.json(.ok, #"{"seed":"4242"}"#)
        }
        router.get("/image.png") { request, _ -> Response in
            _ = self.record("/image.png", body: "", request: request)
            return Response(
                status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.image)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Records an arrival; answers how many requests this path has had.
    private func record(_ path: String, body: String, request: Request) -> Int {
        arrivals.withLock { arrivals in
            arrivals.append(Arrival(path: path, at: Date(), body: body, authorization: request.headers[.authorization] ?? ""))
            // Refused prompts are answered apart, so they do not count toward the 429-then-502 sequence.
            return arrivals.filter { $0.path == path && !$0.body.contains("refuse") }.count
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension ServerConfiguration {
    /// Sends tasks to `upstream` (a server on loopback), polling every 100 ms.
    mutating func useUpstream(_ url: String, token: String, pollInterval: Duration = .milliseconds(100)) {
        upstream = UpstreamSettings(url: url, token: token, pollInterval: pollInterval, maxBackoffSeconds: 0.5)
    }
}
