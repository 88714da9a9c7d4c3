import AsyncHTTPClient
import Foundation
import MidjourneyAPI
import NIOCore
import NIOHTTP1

/// A client of the Midjourney Tasks API family: Journeyman, or the public service it is compatible with.
///
/// A base URL and a token are all it needs. Every call is `async`, retried on 429 and 5xx as the official SDKs do,
/// and throws ``ServerError`` with the server's code and message when the server refuses it.
///
/// ```swift
/// let client = JourneymanClient(baseURL: "http://127.0.0.1:8080", token: "jm_...")
/// let grid = try await client.imagine("a lighthouse at dusk --ar 3:2")
/// let image = try await grid.upscale(2)
/// print(image.rawImageURL ?? "")
/// ```
public struct JourneymanClient: Sendable {
    /// Where the API lives, without a trailing slash (`http://127.0.0.1:8080`, `https://api.acedata.cloud`).
    public let baseURL: String
    /// Retries, waiting and timeouts.
    public let configuration: ClientConfiguration
    let token: String
    let httpClient: HTTPClient
    let memory: ServerMemory

    /// Creates a client; `httpClient` defaults to ``sharedHTTPClient``, which needs no shutdown.
    ///
    /// ```swift
    /// let client = JourneymanClient(baseURL: "https://api.acedata.cloud", token: token)
    /// ```
    public init(
        baseURL: String, token: String, configuration: ClientConfiguration = ClientConfiguration(),
        httpClient: HTTPClient = JourneymanClient.sharedHTTPClient
    ) {
        var trimmed = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.token = token
        self.configuration = configuration
        self.httpClient = httpClient
        self.memory = ServerMemory()
    }

    /// A client from `JOURNEYMAN_URL` and `JOURNEYMAN_TOKEN`; `url` and `token`, when given, win over them.
    ///
    /// ```swift
    /// let client = try JourneymanClient.fromEnvironment()
    /// ```
    public static func fromEnvironment(
        url: String? = nil, token: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        configuration: ClientConfiguration = ClientConfiguration()
    ) throws(ClientError) -> JourneymanClient {
        guard let baseURL = url ?? environment["JOURNEYMAN_URL"], !baseURL.isEmpty else {
            throw .invalidConfiguration("no server: set JOURNEYMAN_URL (for example http://127.0.0.1:8080) or pass --url")
        }
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            throw .invalidConfiguration("the server URL '\(baseURL)' is not an http or https URL")
        }
        guard let token = token ?? environment["JOURNEYMAN_TOKEN"], !token.isEmpty else {
            throw .invalidConfiguration("no token: set JOURNEYMAN_TOKEN (`journeyman token create` makes one) or pass --token")
        }
        return JourneymanClient(baseURL: baseURL, token: token, configuration: configuration)
    }

    /// A copy with another configuration (sharing the HTTP client and what it learnt of the server).
    ///
    /// ```swift
    /// let polling = client.with { $0.waitStrategy = .polling }
    /// ```
    public func with(_ change: (inout ClientConfiguration) -> Void) -> JourneymanClient {
        var configuration = configuration
        change(&configuration)
        return JourneymanClient(copying: self, configuration: configuration)
    }

    private init(copying other: JourneymanClient, configuration: ClientConfiguration) {
        baseURL = other.baseURL
        token = other.token
        httpClient = other.httpClient
        memory = other.memory
        self.configuration = configuration
    }
}

extension JourneymanClient {
    /// The HTTP client every `JourneymanClient` uses unless given another: AsyncHTTPClient's browser-like settings,
    /// but no read timeout (an events stream stays quiet while its task waits for capacity) and 10 seconds, not 90, to
    /// connect. It lives as long as the process and needs no shutdown.
    ///
    /// ```swift
    /// let client = JourneymanClient(baseURL: url, token: token, httpClient: JourneymanClient.sharedHTTPClient)
    /// ```
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: nil)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

/// What a client learns about its server once and keeps for its copies.
actor ServerMemory {
    /// Whether the events path answered 404 (the public service has none).
    private(set) var eventsUnavailable = false

    func markEventsUnavailable() { eventsUnavailable = true }
}

// MARK: Sending requests

extension JourneymanClient {
    /// POSTs a JSON body; answers the parsed object of a 2xx answer.
    func post(_ path: String, _ body: JSONObject, idempotent: Bool = false) async throws -> JSONObject {
        try await postForText(path, body, idempotent: idempotent).object
    }

    /// POSTs a JSON body; answers the parsed object of a 2xx answer and its text as received.
    func postForText(_ path: String, _ body: JSONObject, idempotent: Bool = false) async throws -> (object: JSONObject, text: String) {
        let response = try await send(.POST, path, body: body, accept: "application/json", idempotent: idempotent)
        let bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
        guard let object = (try? JSONValue.parse(bytes.readableBytesView))?.objectValue else {
            throw ClientError.unreadableAnswer(path: path, detail: "not a JSON object: \(Self.excerpt(bytes))")
        }
        return (object, String(buffer: bytes).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Sends a request, retrying what the retry policy says; answers the response of a 2xx answer, whose body is
    /// still to be read, and throws ``ServerError`` for any other.
    func send(
        _ method: HTTPMethod, _ path: String, body: JSONObject? = nil, accept: String, idempotent: Bool, authorized: Bool = true
    ) async throws -> HTTPClientResponse {
        let policy = configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: path.hasPrefix("http://") || path.hasPrefix("https://") ? path : baseURL + path)
            request.method = method
            request.headers.add(name: "accept", value: accept)
            request.headers.add(name: "user-agent", value: "JourneymanClient/1")
            if authorized { request.headers.add(name: "authorization", value: "Bearer \(token)") }
            if let body {
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: JSONValue.object(body).encoded()))
            }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
            } catch {
                // The HTTP client already retries connecting (for 10 s). A connection that closed under a request, which
                // may have reached the server, is tried again only when sending twice does no harm.
                try Task.checkCancellation()
                guard idempotent, error as? HTTPClientError == .remoteConnectionClosed, attempt < min(policy.maxAttempts, 3),
                    let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
                else { throw error }
                try await Task.sleep(for: delay)
                continue
            }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return response }
            let bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
            let failure = Self.serverError(status: status, headers: response.headers, body: bytes)
            if policy.retryableStatuses.contains(status), let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter) {
                try await Task.sleep(for: delay)
                continue
            }
            throw failure
        }
    }

    /// The error an answer's envelope tells (or its status, when it has none).
    static func serverError(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> ServerError {
        let object = (try? JSONValue.parse(body.readableBytesView))?.objectValue
        let error = object?.object("error")
        return ServerError(
            status: status,
            code: error?.lenientString("code") ?? "http_\(status)",
            message: error?.lenientString("message") ?? (body.readableBytes == 0 ? "HTTP \(status)" : excerpt(body)),
            traceID: object?.lenientString("trace_id") ?? headers.first(name: "x-trace-id"),
            retryAfter: RetryPolicy.seconds(retryAfter: headers.first(name: "retry-after"))
        )
    }

    /// The start of a body, for messages.
    static func excerpt(_ body: ByteBuffer) -> String {
        let text = String(buffer: body)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    static let maxJSONBytes = 32 * 1024 * 1024
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}
