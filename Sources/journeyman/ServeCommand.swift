import ArgumentParser
import Foundation
import JourneymanCore
import JourneymanEngine
import JourneymanServer
import JourneymanStore
import JourneymanUpstream
import Logging

/// `journeyman serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: the HTTP API, the workers and the image store.",
        discussion: """
            Every option can also be given as an environment variable (JOURNEYMAN_HOST, JOURNEYMAN_PORT, \
            JOURNEYMAN_DATA, JOURNEYMAN_PUBLIC_URL, JOURNEYMAN_WORKERS, JOURNEYMAN_CPU_THREADS, JOURNEYMAN_LOG_LEVEL, \
            JOURNEYMAN_FREE_CREDITS, JOURNEYMAN_MAX_BODY_BYTES); a flag wins over the variable. \
            On an empty data directory it creates the application "default" and prints its token once.

            Examples:
              journeyman serve
              journeyman serve --host 0.0.0.0 --port 8080 --public-url https://images.example.com
              journeyman serve --database-url postgres://journeyman@db:5432/journeyman --metrics-port 9090 --log-format json
              JOURNEYMAN_UPSTREAM_TOKEN=$PROVIDER_TOKEN journeyman serve --engine upstream --upstream-url https://api.example
              journeyman serve --engine upstream --upstream-url http://10.0.0.5:8080 --upstream-token $TOKEN --upstream-poll-interval 1
              journeyman serve --engine upstream --upstream-kind midjourney-proxy --upstream-url http://proxy.internal:8080 --upstream-token $MJ_API_SECRET
              journeyman serve --engine upstream --upstreams upstreams.json
              journeyman serve --engine upstream --upstream-url https://api.example --public-url https://gw.example --upstream-callbacks

            With --engine upstream, every task is sent to that provider (the public service's contract, or with \
            --upstream-kind midjourney-proxy the proxy's /mj contract; another Journeyman serves both) and followed by \
            batch polling (and, with --upstream-callbacks, polled at once when the upstream calls back); its images are downloaded here, so links, thumbnails, \
            credits, limits and webhooks are this server's own. Give the token by JOURNEYMAN_UPSTREAM_TOKEN rather than \
            on the command line, where other users of the machine can see it.
            """
    )

    @Option(help: "Address to listen on. (env: JOURNEYMAN_HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on. (env: JOURNEYMAN_PORT, default: 8080)")
    var port: Int?

    @Option(help: "Directory for the SQLite database and the images. (env: JOURNEYMAN_DATA, default: ./journeyman-data)")
    var data: String?

    @Option(help: "Base URL of image links in responses. (env: JOURNEYMAN_PUBLIC_URL, default: http://<host>:<port>)")
    var publicURL: String?

    @Option(help: "How many tasks run at once. (env: JOURNEYMAN_WORKERS, default: number of cores)")
    var workers: Int?

    @Option(
        help:
            "Threads for CPU work: rendering, image codecs, thumbnails, masks, DNS. (env: JOURNEYMAN_CPU_THREADS, default: number of cores)"
    )
    var cpuThreads: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. (env: JOURNEYMAN_LOG_LEVEL, default: info)")
    var logLevel: String?

    @Option(help: "Credits a new application starts with. (env: JOURNEYMAN_FREE_CREDITS, default: 100)")
    var freeCredits: Int?

    @Option(help: "Largest request body in bytes. (env: JOURNEYMAN_MAX_BODY_BYTES, default: 1048576)")
    var maxBodyBytes: Int?

    @Option(help: "Seconds a worker's claim on a task lasts unless renewed; a crashed worker's tasks run again after it.")
    var leaseSeconds: Double = 30

    @Option(help: "Seconds a SIGTERM/SIGINT waits for running tasks before putting them back to pending.")
    var shutdownGrace: Double = 30

    @Option(help: "Seconds an engine may work on one task before the task fails with code timeout.")
    var taskTimeout: Double = 600

    @Option(help: "Attempts of one webhook delivery before it is given up.")
    var webhookAttempts: Int = 8

    @Option(help: "Seconds before the first webhook retry; each later one doubles, with jitter.")
    var webhookBackoff: Double = 30

    @Option(help: "Seconds one webhook attempt may take.")
    var webhookTimeout: Double = 10

    @Option(help: "Requests a second a token may make on average; `journeyman app` can set one token's own.")
    var rateLimit: Double = 10

    @Option(help: "Requests a token may make at once before the rate limit applies.")
    var rateBurst: Int = 40

    @Option(help: "Tasks of one application that run at once; more wait with hold: true. 0 means no limit.")
    var appMaxRunning: Int = 0

    @Option(help: "Tasks of one application that may wait; more are refused with 429. 0 means no limit.")
    var appMaxPending: Int = 1000

    @Option(
        help:
            "A file of words (one a line) that a prompt may not contain: such prompts get 403 forbidden. (env: JOURNEYMAN_MODERATION_WORDS)"
    )
    var moderationWords: String?

    @Flag(help: "Let describe fetches and webhooks reach loopback, private and link-local addresses (for development and tests).")
    var allowPrivateNetwork = false

    @Option(help: "Largest image describe fetches, in bytes.")
    var maxDescribeBytes: Int = 20 * 1024 * 1024

    @Option(
        help:
            "Seconds a connection may stay without a complete request (idle keep-alive, unfinished request head) before it is closed."
    )
    var idleTimeout: Double = 60

    @Option(help: "Most connections open at once; more are closed when accepted. (default: the descriptor limit less 64)")
    var maxConnections: Int?

    // Many instances as one service: a shared PostgreSQL database (and optionally a shared image directory).
    @Option(
        help: """
            Keep tasks and images in this PostgreSQL database instead of the data directory, so several instances \
            serve as one: postgres://user:password@host:5432/database (query items: sslmode=disable|prefer|require, \
            schema=NAME, max_connections=N). (env: JOURNEYMAN_DATABASE_URL)
            """
    )
    var databaseURL: String?

    @Option(
        help:
            "Keep images in this directory (shared by every instance) instead of the database or the data directory. (env: JOURNEYMAN_BLOB_DIR)"
    )
    var blobDir: String?

    @Option(
        help:
            "What renders and describes: 'local' (procedural, on this machine) or 'upstream' (a provider, see --upstream-url). Also JOURNEYMAN_ENGINE."
    )
    var engine: String?

    @Option(help: "With --engine upstream: the provider's base URL, e.g. https://api.example. (env: JOURNEYMAN_UPSTREAM_URL)")
    var upstreamURL: String?

    @Option(help: "With --engine upstream: the provider's token; never logged. Prefer the variable. (env: JOURNEYMAN_UPSTREAM_TOKEN)")
    var upstreamToken: String?

    @Option(
        help:
            "With --engine upstream: the provider's contract, 'midjourney-api' (the public service) or 'midjourney-proxy' (/mj/...). (env: JOURNEYMAN_UPSTREAM_KIND, default: midjourney-api)"
    )
    var upstreamKind: String?

    @Option(help: "With --engine upstream: seconds between two batch polls of the tasks in flight upstream.")
    var upstreamPollInterval: Double = 3

    @Option(
        help: ArgumentHelp(
            "With --engine upstream: a JSON file listing several upstreams, instead of --upstream-url. (env: JOURNEYMAN_UPSTREAMS)",
            discussion: """
                Each entry: {"name", "kind", "url", "token_env" (a variable holding the token) or "token", "weight", \
                "max_running", "modes", "poll_interval", "breaker_failures", "breaker_probe_seconds"}.
                """),
        completion: .file(extensions: ["json"]))
    var upstreams: String?

    @Flag(
        help:
            "With --engine upstream: give each upstream a callback URL under --public-url (which it must reach), so a task is polled as soon as the upstream reports a change. (env: JOURNEYMAN_UPSTREAM_CALLBACKS=1)"
    )
    var upstreamCallbacks = false

    @Option(help: "Serve GET /metrics (Prometheus) on this port of --host instead of the API's port. (env: JOURNEYMAN_METRICS_PORT)")
    var metricsPort: Int?

    @Flag(help: "Collect no metrics and serve no /metrics.")
    var noMetrics = false

    @Option(
        help:
            "Log lines as 'text' (readable) or 'json' (one object a line, for log collectors). (env: JOURNEYMAN_LOG_FORMAT, default: text)")
    var logFormat: String?

    @Option(help: "Seconds /readyz answers 503 after SIGTERM before the server stops taking requests (for load balancers).")
    var drainSeconds: Double = 0

    func run() async throws {
        ProcessMemory.returnLargeBlocksToTheSystem()
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = host ?? environment["JOURNEYMAN_HOST"] ?? configuration.host
        configuration.port = try port ?? Self.integer(environment, "JOURNEYMAN_PORT") ?? configuration.port
        configuration.dataDirectory = data ?? environment["JOURNEYMAN_DATA"] ?? configuration.dataDirectory
        configuration.publicURL = publicURL ?? environment["JOURNEYMAN_PUBLIC_URL"]
        configuration.upstreams = try upstreamList(environment)
        configuration.upstreamCallbacks =
            upstreamCallbacks || ["1", "true", "yes"].contains(environment["JOURNEYMAN_UPSTREAM_CALLBACKS"] ?? "")
        if configuration.upstreamCallbacks && configuration.upstreams.isEmpty {
            throw ValidationError("--upstream-callbacks needs --engine upstream")
        }
        // Upstream tasks mostly wait on the provider: many run at once without using this machine's cores; with
        // several upstreams, at least as many as they take together.
        let places = configuration.upstreams.compactMap(\.maxRunning).reduce(0, +)
        let defaultWorkers = configuration.upstreams.isEmpty ? configuration.workers : max(configuration.workers, 32, places)
        configuration.workers = try workers ?? Self.integer(environment, "JOURNEYMAN_WORKERS") ?? defaultWorkers
        configuration.cpuThreads = try cpuThreads ?? Self.integer(environment, "JOURNEYMAN_CPU_THREADS") ?? configuration.cpuThreads
        configuration.freeCredits = try freeCredits ?? Self.integer(environment, "JOURNEYMAN_FREE_CREDITS") ?? configuration.freeCredits
        configuration.maxBodyBytes =
            try maxBodyBytes ?? Self.integer(environment, "JOURNEYMAN_MAX_BODY_BYTES") ?? configuration.maxBodyBytes
        let levelName = logLevel ?? environment["JOURNEYMAN_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard (0...65535).contains(configuration.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard configuration.workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard configuration.cpuThreads >= 1 else { throw ValidationError("--cpu-threads must be at least 1") }
        guard leaseSeconds >= 1, shutdownGrace >= 0, taskTimeout >= 1 else {
            throw ValidationError("--lease-seconds and --task-timeout must be at least 1, --shutdown-grace 0 or more")
        }
        guard webhookAttempts >= 1, webhookBackoff > 0, webhookTimeout > 0 else {
            throw ValidationError("--webhook-attempts must be at least 1, --webhook-backoff and --webhook-timeout above 0")
        }
        guard rateLimit > 0, rateBurst >= 1, appMaxRunning >= 0, appMaxPending >= 0, maxDescribeBytes >= 1024 else {
            throw ValidationError(
                "--rate-limit must be above 0, --rate-burst at least 1, --app-max-* 0 or more, --max-describe-bytes at least 1024")
        }
        configuration.rateLimit = RatePolicy(perSecond: rateLimit, burst: rateBurst)
        configuration.taskLimits = TaskLimits(
            maxRunningPerApplication: appMaxRunning == 0 ? nil : appMaxRunning,
            maxPendingPerApplication: appMaxPending == 0 ? nil : appMaxPending
        )
        if let path = moderationWords ?? environment["JOURNEYMAN_MODERATION_WORDS"] {
            do {
                configuration.moderation = try ModerationList(contentsOf: path)
            } catch {
                throw ValidationError("--moderation-words: cannot read \(path)")
            }
        }
        configuration.allowPrivateNetwork = allowPrivateNetwork
        configuration.maxDescribeBytes = maxDescribeBytes
        configuration.databaseURL = (databaseURL ?? environment["JOURNEYMAN_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        configuration.blobDirectory = (blobDir ?? environment["JOURNEYMAN_BLOB_DIR"]).flatMap { $0.isEmpty ? nil : $0 }
        if let url = configuration.databaseURL {
            do {
                _ = try PostgresLocation(url: url)
            } catch {
                throw ValidationError("--database-url: \(error)")
            }
        }
        guard idleTimeout > 0, (maxConnections ?? 1) >= 1 else {
            throw ValidationError("--idle-timeout must be above 0, --max-connections at least 1")
        }
        configuration.connections = ConnectionPolicy(idleTimeoutSeconds: idleTimeout, maxConnections: maxConnections)
        configuration.leaseSeconds = leaseSeconds
        configuration.shutdownGraceSeconds = shutdownGrace
        configuration.taskTimeoutSeconds = taskTimeout
        configuration.webhooks = WebhookPolicy(
            maxAttempts: webhookAttempts, baseDelay: webhookBackoff, maxDelay: max(webhookBackoff, 1800), timeout: webhookTimeout
        )

        if noMetrics {
            configuration.metrics = .off
        } else if let port = try metricsPort ?? Self.integer(environment, "JOURNEYMAN_METRICS_PORT") {
            guard (0...65535).contains(port), port != configuration.port || port == 0 else {
                throw ValidationError("--metrics-port must be between 0 and 65535 and differ from --port")
            }
            configuration.metrics = .port(port)
        }
        guard drainSeconds >= 0 else { throw ValidationError("--drain-seconds must be 0 or more") }
        configuration.drainSeconds = drainSeconds
        let format = (logFormat ?? environment["JOURNEYMAN_LOG_FORMAT"] ?? "text").lowercased()
        guard format == "text" || format == "json" else { throw ValidationError("--log-format must be text or json") }

        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler.standardError(label: label, format: format == "json" ? .json : .text)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "journeyman")
        let server = try await buildApplication(configuration: configuration, engine: try makeEngine(), logger: logger)
        if let token = try await server.createDefaultApplicationIfEmpty() {
            // Written straight to the file descriptor: stdout may be a file or a pipe, where print() would buffer it.
            FileHandle.standardOutput.write(
                Data(
                    """

                      Created the application "default" with \(configuration.freeCredits) credits. Its token (shown only this once):

                          \(token)

                      Try:  export TOKEN=\(token)


                    """.utf8
                )
            )
        }
        logger.info(
            "journeyman serving",
            metadata: [
                "address": "\(configuration.host):\(configuration.port)", "data": "\(configuration.dataDirectory)",
                "public_url": "\(configuration.effectivePublicURL)", "workers": "\(configuration.workers)",
                "cpu_threads": "\(configuration.cpuThreads)",
                "store": "\(configuration.databaseURL == nil ? "sqlite" : "postgresql")",
                "engine":
                    "\(configuration.upstreams.isEmpty ? "local" : "upstream " + configuration.upstreams.map(\.description).joined(separator: ", "))",
            ]
        )
        try await server.run()
    }

    /// Checks `--engine`. The server builds either engine itself: the local one on its own bounded CPU pool, the
    /// upstream one from its settings.
    private func makeEngine() throws -> (any Engine)? {
        switch engineName {
        case "local", "upstream": return nil
        case let other:
            throw ValidationError("--engine must be 'local' (the procedural engine on this machine) or 'upstream', not '\(other)'")
        }
    }

    private var engineName: String { engine ?? ProcessInfo.processInfo.environment["JOURNEYMAN_ENGINE"] ?? "local" }

    /// The upstreams `--engine upstream` sends tasks to: those of `--upstreams FILE`, or the one the options name.
    private func upstreamList(_ environment: [String: String]) throws -> [UpstreamSettings] {
        guard let file = (upstreams ?? environment["JOURNEYMAN_UPSTREAMS"]).flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try upstreamSettings(environment).map { [$0] } ?? []
        }
        guard engineName == "upstream" else { throw ValidationError("--upstreams needs --engine upstream") }
        guard upstreamURL == nil else { throw ValidationError("give --upstreams or --upstream-url, not both") }
        do {
            return try UpstreamFile.load(path: file, environment: environment)
        } catch let problem as UpstreamFile.Problem {
            throw ValidationError("--upstreams \(file): \(problem)")
        }
    }

    /// The upstream `--engine upstream` sends tasks to, from the options and their variables; nil for other engines.
    private func upstreamSettings(_ environment: [String: String]) throws -> UpstreamSettings? {
        let url = (upstreamURL ?? environment["JOURNEYMAN_UPSTREAM_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        let token = (upstreamToken ?? environment["JOURNEYMAN_UPSTREAM_TOKEN"]).flatMap { $0.isEmpty ? nil : $0 }
        let kindName = upstreamKind ?? environment["JOURNEYMAN_UPSTREAM_KIND"] ?? UpstreamSettings.Kind.midjourneyAPI.rawValue
        guard engineName == "upstream" else {
            if url != nil && upstreamURL != nil { throw ValidationError("--upstream-url needs --engine upstream") }
            return nil
        }
        guard let url, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil
        else {
            throw ValidationError("--engine upstream needs --upstream-url (or JOURNEYMAN_UPSTREAM_URL): an http or https URL")
        }
        guard let token else { throw ValidationError("--engine upstream needs --upstream-token (or JOURNEYMAN_UPSTREAM_TOKEN)") }
        guard let kind = UpstreamSettings.Kind(rawValue: kindName) else {
            throw ValidationError("--upstream-kind must be 'midjourney-api' or 'midjourney-proxy', not '\(kindName)'")
        }
        guard upstreamPollInterval >= 0.05 else { throw ValidationError("--upstream-poll-interval must be at least 0.05 seconds") }
        return UpstreamSettings(
            kind: kind, url: url, token: token, pollInterval: .milliseconds(Int64(upstreamPollInterval * 1000)))
    }

    private static func integer(_ environment: [String: String], _ name: String) throws -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be a whole number, not '\(text)'") }
        return value
    }
}
