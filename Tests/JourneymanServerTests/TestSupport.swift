import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import JourneymanServer
import Logging
import MidjourneyAPI
import NIOCore
import Testing

/// A Journeyman server over a fresh data directory, with one application and its token.
struct TestServer {
    static let publicURL = "http://journeyman.test"

    let dataDirectory: String
    let server: JourneymanServer
    let token: String
    let applicationID: String

    /// Builds a server; `credits` is the test application's balance.
    static func make(
        workers: Int = 2, credits: Int = 10_000, dataDirectory: String? = nil, engine: (any Engine)? = nil,
        port: Int = 0, webhooks: WebhookPolicy = WebhookPolicy(), createsApplication: Bool = true,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        _ = StallWatch.started
        let directory =
            dataDirectory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("journeyman-test-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: port, dataDirectory: directory, publicURL: publicURL, workers: workers)
        configuration.leaseSeconds = 30
        // One CPU thread a server: dozens of test servers render at once in this process, on two cores.
        configuration.cpuThreads = 1
        configuration.webhooks = webhooks
        // Test fixtures (image servers, webhook receivers) live on loopback.
        configuration.allowPrivateNetwork = true
        configuration.rateLimit = RatePolicy(perSecond: 10_000, burst: 10_000)
        // JOURNEYMAN_TEST_STORE=postgres runs the same tests over PostgreSQL, a schema per data directory.
        configuration.databaseURL = try TestDatabase.serverURL(forDataDirectory: directory)
        configure(&configuration)
        // Warnings and errors only: a passing run's output stays readable (the servers log every task at info).
        var logger = Logger(label: "journeyman-test")
        logger.logLevel = .warning
        let server = try await buildApplication(configuration: configuration, engine: engine, logger: logger)
        guard createsApplication else { return TestServer(dataDirectory: directory, server: server, token: "", applicationID: "") }
        let created = try await Administration(store: server.store).createCredential(
            name: "tests", applicationID: nil, scopes: Set(APIScope.allCases), credits: credits
        )
        return TestServer(dataDirectory: directory, server: server, token: created.token, applicationID: created.application.id)
    }

    /// Another application's token on the same server.
    func otherToken(scopes: Set<APIScope> = Set(APIScope.allCases), credits: Int = 10_000) async throws -> String {
        try await Administration(store: server.store).createCredential(name: "other", applicationID: nil, scopes: scopes, credits: credits)
            .token
    }

    /// Runs `test` against the real router and its worker service.
    func test<Value: Sendable>(_ test: @Sendable (APIClient) async throws -> Value) async throws -> Value {
        try await server.application.test(.router) { client in try await test(APIClient(client: client, token: token)) }
    }

    /// Runs `test` against a real socket.
    func testLive<Value: Sendable>(_ test: @Sendable (APIClient) async throws -> Value) async throws -> Value {
        try await server.application.test(.live) { client in try await test(APIClient(client: client, token: token)) }
    }
}

/// A reply: status, headers and the body parsed as JSON (null when it is not JSON).
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var json: JSONValue { (try? JSONValue.parse(body.readableBytesView)) ?? .null }
    var object: JSONObject { json.objectValue ?? JSONObject() }
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var errorCode: String? { object["error"]?.objectValue?["code"]?.stringValue }
}

/// Calls the API the way a client of the public service does.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let token: String

    func post(_ path: String, _ body: String, token: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json"]
        headers[.authorization] = "Bearer \(token ?? self.token)"
        headers.append(contentsOf: extra)
        return try await raw(path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func raw(_ path: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> Reply {
        try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    /// Submits `body` to imagine with `async: true`; answers the task id.
    func submit(_ body: String, token: String? = nil) async throws -> String {
        var object = try JSONValue.parse(Array(body.utf8)).objectValue ?? JSONObject()
        object["async"] = .bool(true)
        let reply = try await post("/midjourney/imagine", String(decoding: JSONValue.object(object).encoded(), as: UTF8.self), token: token)
        #expect(reply.status == .ok, "imagine answered \(reply.status): \(String(buffer: reply.body))")
        return try #require(reply.object["task_id"]?.stringValue)
    }

    func retrieve(_ id: String, token: String? = nil) async throws -> JSONObject {
        try await post("/midjourney/tasks", #"{"action":"retrieve","id":"\#(id)"}"#, token: token).object
    }

    /// Polls until the task's record has a `response`, as the official SDKs do.
    func waitForRecord(_ id: String, seconds: Double = 120) async throws -> JSONObject {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let record = try await retrieve(id)
            if record["response"] != nil { return record }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("task \(id) did not finish within \(seconds) s")
        throw CancellationError()
    }

    /// Submits and waits; answers the finished record, which must have succeeded.
    func imagine(_ body: String) async throws -> JSONObject {
        let record = try await waitForRecord(try await submit(body))
        #expect(record["state"]?.stringValue == "succeeded", "task failed: \(record["response"] ?? .null)")
        return record
    }

    /// GETs an absolute image URL of the test server by its path and query.
    func image(_ url: String) async throws -> Reply {
        try await raw(String(url.dropFirst(TestServer.publicURL.count)), method: .get)
    }
}

extension JSONObject {
    func response() -> JSONObject { self["response"]?.objectValue ?? JSONObject() }
    func int(_ key: String) -> Int? { self[key]?.doubleValue.map { Int($0) } }
    func string(_ key: String) -> String? { self[key]?.stringValue }
}

/// The size a PNG's header gives.
func pngSize(_ bytes: [UInt8]) throws -> (width: Int, height: Int) {
    let image = try PNG.decode(bytes)
    return (image.width, image.height)
}

/// POSTs JSON to a server on a loopback port with AsyncHTTPClient, waiting up to `timeout` seconds.
func livePost(port: Int, path: String, token: String, body: String, timeout: Int64 = 180) async throws -> Reply {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = .POST
    request.headers.add(name: "authorization", value: "Bearer \(token)")
    request.headers.add(name: "content-type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
    let bytes = try await response.body.collect(upTo: 1 << 24)
    var headers = HTTPFields()
    for (name, value) in response.headers {
        if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
    }
    return Reply(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers, body: bytes)
}

/// Runs blocking work (a child process and its output, above all) on a thread of its own. Swift's cooperative pool
/// has one thread a core, two here, and so has Dispatch's global queue on Linux, where the local engine renders: work
/// that waits on a process in either would stall every server in the process.
func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}
