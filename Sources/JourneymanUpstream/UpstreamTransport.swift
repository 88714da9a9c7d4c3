import AsyncHTTPClient
import Foundation
import JourneymanCore
import Logging
import MidjourneyAPI
import NIOCore

/// JSON calls to one upstream, with its credential, a timeout, and retries: `429` and "queue full" wait as long as
/// the upstream's `retry-after` says; `5xx`, timeouts and resets back off exponentially (capped, jittered).
/// Errors and logs name the upstream and the path, never the credential.
struct UpstreamTransport: Sendable {
    let client: HTTPClient
    let settings: UpstreamSettings
    let counters: UpstreamCounters
    let health: UpstreamHealth
    let logger: Logger
    /// The header that carries the credential, and its value.
    let authorization: (name: String, value: String)

    init(client: HTTPClient, settings: UpstreamSettings, counters: UpstreamCounters, health: UpstreamHealth, logger: Logger) {
        self.client = client
        self.settings = settings
        self.counters = counters
        self.health = health
        self.logger = logger
        switch settings.kind {
        case .midjourneyAPI: authorization = ("authorization", "Bearer \(settings.token)")
        case .midjourneyProxy: authorization = ("mj-api-secret", settings.token)
        }
    }

    /// One answer: status and parsed body (null when it is no JSON).
    struct Answer: Sendable {
        let status: Int
        let body: JSONValue
        let retryAfter: Double?
    }

    /// Sends `body` to `path` (POST, or GET without a body) once; classifies transport failures as worth a retry.
    func send(_ path: String, body: JSONValue?) async throws -> Answer {
        var request = HTTPClientRequest(url: settings.url + path)
        request.headers.add(name: authorization.name, value: authorization.value)
        request.headers.add(name: "accept", value: "application/json")
        if let body {
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(body.encoded())))
        } else {
            request.method = .GET
        }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.requestTimeoutSeconds * 1000)))
            let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let parsed = (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))) ?? .null
            let retryAfter = response.headers.first(name: "retry-after").flatMap(Double.init)
            return Answer(status: Int(response.status.code), body: parsed, retryAfter: retryAfter)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw UpstreamCallError.retry(after: nil, reason: "\(path): \(Self.reason(error))")
        }
    }

    /// Runs `call` until it succeeds, it is refused, the attempts are used up, or the task is cancelled.
    func withRetries<Value: Sendable>(_ purpose: String, _ call: () async throws -> Value) async throws -> Value {
        var attempt = 0
        while true {
            attempt += 1
            do {
                counters.add(purpose)
                let value = try await call()
                if health.markUp() { logger.notice("upstream is up again", metadata: ["upstream": "\(settings.name)"]) }
                return value
            } catch UpstreamCallError.retry(let after, let reason) {
                counters.add("retry")
                guard attempt < settings.maxAttempts else {
                    throw EngineError(code: .unavailable, message: "The upstream provider did not answer after \(attempt) attempts.")
                }
                let delay = Self.delay(attempt: attempt, retryAfter: after, cap: settings.maxBackoffSeconds)
                logger.warning(
                    "upstream call failed; retrying",
                    metadata: [
                        "upstream": "\(settings.name)", "purpose": "\(purpose)", "reason": "\(reason)", "attempt": "\(attempt)",
                        "delay_seconds": "\(String(format: "%.2f", delay))",
                    ])
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            } catch UpstreamCallError.credentials(let reason) {
                counters.add("error")
                if health.markDown(reason) {
                    logger.error(
                        "upstream refused this server's credentials: it is marked down until a call succeeds",
                        metadata: ["upstream": "\(settings.name)", "reason": "\(reason)"])
                }
                throw EngineError(
                    code: .unavailable, message: "The upstream provider is unavailable: it refused this server's credentials.")
            } catch UpstreamCallError.refused(let error) {
                throw error
            }
        }
    }

    /// The wait before attempt `attempt + 1`: the upstream's `retry-after` (at most a minute) when it gave one, else
    /// `min(2^attempt / 4, cap)` seconds, jittered down by up to half.
    static func delay(attempt: Int, retryAfter: Double?, cap: Double) -> Double {
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, 60) }
        let base = min(pow(2, Double(attempt)) / 4, cap)
        return base * Double.random(in: 0.5...1)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return "timed out"
        case is NIOTooManyBytesError:
            return "answer too large"
        case let error as HTTPClientError:
            return "\(error)".prefix(120).description
        default:
            return "connection failed (\(String(describing: type(of: error))))"
        }
    }
}
