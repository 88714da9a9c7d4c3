import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanClient
import JourneymanCore
import JourneymanEngine
import JourneymanServer
import Logging
import MidjourneyAPI
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real Journeyman server on a loopback port (its image links point at that port), with one application's token.
struct LiveServer: Sendable {
    let server: JourneymanServer
    let url: String
    let token: String
    let applicationID: String
    let dataDirectory: String

    /// A client of this server that polls quickly, so polling tests stay short.
    var client: JourneymanClient {
        JourneymanClient(baseURL: url, token: token, configuration: ClientConfiguration(pollInterval: .milliseconds(100)))
    }

    /// The application's webhook secret.
    func webhookSecret() async throws -> String {
        try #require(try await server.store.application(id: applicationID)?.webhookSecret)
    }

    /// Starts a server, runs `body` against it, and stops it.
    static func with<Value: Sendable>(
        workers: Int = 2, engine: (any Engine)? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveServer) async throws -> Value
    ) async throws -> Value {
        let port = try freePort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-client-test-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: port, dataDirectory: directory, publicURL: "http://127.0.0.1:\(port)", workers: workers)
        configuration.rateLimit = RatePolicy(perSecond: 10_000, burst: 10_000)
        // Describe fetches and webhook receivers of the tests live on loopback.
        configuration.allowPrivateNetwork = true
        configuration.webhooks = WebhookPolicy(maxAttempts: 5, baseDelay: 0.05, maxDelay: 0.5, timeout: 5)
        configure(&configuration)
        var logger = Logger(label: "journeyman-client-test")
        logger.logLevel = .error
        let server = try await buildApplication(configuration: configuration, engine: engine, logger: logger)
        let created = try await Administration(store: server.store).createCredential(
            name: "client-tests", applicationID: nil, scopes: Set(APIScope.allCases), credits: 100_000)
        let live = LiveServer(
            server: server, url: "http://127.0.0.1:\(port)", token: created.token, applicationID: created.application.id,
            dataDirectory: directory)
        var groupConfiguration = ServiceGroupConfiguration(services: [server.application], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: groupConfiguration)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await live.waitUntilReady()
                let value = try await body(live)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Waits until `/healthz` answers.
    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/healthz"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the server on \(url) did not start")
    }
}

/// Ports `freePort` has handed out in this process.
private let handedOutPorts = Mutex<Set<Int>>([])

/// A port nobody listens on now: the system picks it for a socket that is closed at once. Tests run in parallel and
/// bind their port a little later, and the system may pick a port it picked a moment before: a port is never handed out
/// twice in one process, so two servers of this process never race for one port.
func freePort() throws -> Int {
    for _ in 0..<100 {
        let port = try systemPickedPort()
        if handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    throw TestFailure("no port not handed out before")
}

private func systemPickedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw TestFailure("bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A failed expectation that stops the test.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Width and height from a PNG's IHDR chunk.
func pngSize(_ bytes: [UInt8]) throws -> (width: Int, height: Int) {
    guard bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        Array(bytes[12..<16]) == Array("IHDR".utf8)
    else {
        throw TestFailure("not a PNG")
    }
    func int(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (int(16), int(20))
}

/// One request a ``PublicServiceFront`` passed on.
struct ForwardedRequest: Sendable {
    let method: String
    let path: String
    let body: JSONObject
}

/// A real HTTP front that makes a Journeyman server look like the public service to a client: it has no events path
/// (404), and its records take the public schema's variants: no `state` or `progress`, `elapsed` for `duration`,
/// image sizes as strings, fields the client has never heard of. Everything else is passed on, and recorded.
final class PublicServiceFront: Sendable {
    let upstream: String
    let forwarded = Mutex<[ForwardedRequest]>([])

    init(upstream: String) {
        self.upstream = upstream
    }

    /// The requests passed on so far.
    var requests: [ForwardedRequest] { forwarded.withLock { $0 } }

    /// Runs `body` with the front's base URL.
    func with<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.get("**") { request, _ -> Response in
            self.forwarded.withLock { $0.append(ForwardedRequest(method: "GET", path: request.uri.path, body: JSONObject())) }
            return Self.json(
                #"{"success":false,"error":{"code":"not_found","message":"There is nothing at this path."}}"#, status: .notFound)
        }
        router.post("**") { request, _ -> Response in try await self.forward(request) }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await application.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    private func forward(_ request: Request) async throws -> Response {
        var request = request
        let bytes = try await request.collectBody(upTo: 1 << 24)
        let sent = (try? JSONValue.parse(bytes.readableBytesView))?.objectValue ?? JSONObject()
        forwarded.withLock { $0.append(ForwardedRequest(method: "POST", path: request.uri.path, body: sent)) }
        var outbound = HTTPClientRequest(url: upstream + request.uri.path)
        outbound.method = .POST
        for name in ["authorization", "content-type", "accept"] {
            if let field = HTTPField.Name(name), let value = request.headers[field] { outbound.headers.add(name: name, value: value) }
        }
        outbound.body = .bytes(bytes)
        let answer = try await HTTPClient.shared.execute(outbound, timeout: .seconds(120))
        var body = try await answer.body.collect(upTo: 1 << 24)
        if request.uri.path == "/midjourney/tasks", let object = (try? JSONValue.parse(body.readableBytesView))?.objectValue {
            body = ByteBuffer(bytes: JSONValue.object(Self.publicVariant(of: object)).encoded())
        }
        var headers: HTTPFields = [:]
        for name in ["content-type", "retry-after", "x-trace-id"] {
            if let value = answer.headers.first(name: name), let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: body))
    }

    /// A record (or batch) as the public schema allows it to look.
    static func publicVariant(of object: JSONObject) -> JSONObject {
        if case .array(let items) = object["items"] {
            var batch = object
            batch["items"] = .array(items.map { $0.objectValue.map { .object(publicVariant(of: $0)) } ?? $0 })
            return batch
        }
        guard object["id"] != nil else { return object }
        var record = object
        record["state"] = nil
        record["progress"] = nil
        if let duration = record["duration"] {
            record["duration"] = nil
            record["elapsed"] = duration
        }
        record["user_id"] = "a-user-of-the-public-service"
        record["api_id"] = .object(["nested": "and unknown"])
        if var response = record["response"]?.objectValue {
            for key in ["image_width", "image_height", "raw_image_width", "raw_image_height"] {
                if let number = response[key]?.doubleValue { response[key] = .string(String(Int(number))) }
            }
            record["response"] = .object(response)
        }
        return record
    }

    private static func json(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A webhook receiver on a real loopback socket that keeps every delivery with its headers.
final class WebhookInbox: Sendable {
    struct Delivery: Sendable {
        let headers: [String: String]
        let body: [UInt8]
    }

    let received = Mutex<[Delivery]>([])

    /// The deliveries so far.
    var deliveries: [Delivery] { received.withLock { $0 } }

    /// Runs `body` with the receiver's URL.
    func with<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.received.withLock { $0.append(Delivery(headers: headers, body: Array(bytes.readableBytesView))) }
            return Response(status: .ok)
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await application.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/hook") }
    }
}

/// The local engine, paced by what a client has seen: it reports 10, 40 and 70 in turn, and goes on from each only
/// once the test has told it that a client saw that value. Streams are then tested on what they deliver, not on
/// how quickly a loaded machine renders.
final class PacedEngine: Engine {
    let steps = [10, 40, 70]
    private let inner = LocalEngine()
    private let seen = Mutex(-1)

    var name: String { "paced-local" }
    var capabilities: EngineCapabilities { inner.capabilities }

    /// Tells the engine that a client saw `progress`.
    func saw(_ progress: Int) {
        seen.withLock { $0 = max($0, progress) }
    }

    func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        for step in steps {
            progress(step)
            let deadline = ContinuousClock.now + .seconds(60)
            while seen.withLock({ $0 }) < step {
                guard ContinuousClock.now < deadline else { throw TestFailure("no client saw progress \(step)") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        return try await inner.imagine(job) { value in progress(max(value, 70)) }
    }

    func describe(_ image: DescribeInput) async throws -> [String] { try await inner.describe(image) }
    func shorten(_ prompt: String) async throws -> [String] { try await inner.shorten(prompt) }
}
