import AsyncHTTPClient
import Foundation
import Hummingbird
import JourneymanConsole
import JourneymanCore
import JourneymanEngine
import JourneymanHTTP
import JourneymanMetrics
import JourneymanStore
import JourneymanUpstream
import Logging
import MidjourneyContract
import MidjourneyProxyContract
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A Journeyman server assembled from its parts: store, blobs, engine, domain, contracts, HTTP application, workers.
/// `buildApplication(configuration:)` is the composition root that `serve` and the tests share.
public struct JourneymanServer: Sendable {
    /// What it was built from.
    public let configuration: ServerConfiguration
    /// The store in use: SQLite in the data directory, or PostgreSQL shared with other instances.
    public let store: any TaskStore
    /// The domain the contracts call.
    public let domain: TaskDomain
    /// The HTTP application with its services (workers, webhook sender, event relay, outbound HTTP client).
    public let application: Hummingbird.Application<RouterResponder<AppRequestContext>>
    /// Its Prometheus metrics, unless they are off.
    public let metrics: ServerMetrics?
    /// Whether it still takes traffic (`/readyz`).
    public let readiness: ServerReadiness
    /// What renders and describes: the engine given, or the upstream engine the configuration names.
    public let engine: any Engine
    /// What it owns and closes when it stops.
    let resources: ServerResources
}

/// What a server owns beyond its services: its store, its outbound HTTP clients and its CPU pool. `run()` closes them
/// once, in that order, after its service group has ended (every service and the HTTP server have stopped, and the
/// workers have put unfinished tasks back), or `close()` does for a server built and not run. They are not closed
/// by a service of the application's own group: an application may be run more than once (the tests do).
final class ServerResources: Sendable {
    let store: any TaskStore
    let clients: [OutboundClient]
    let pool: CPUPool
    let logger: Logger
    private let closed = Atomic<Bool>(false)

    init(store: any TaskStore, clients: [OutboundClient], pool: CPUPool, logger: Logger) {
        self.store = store
        self.clients = clients
        self.pool = pool
        self.logger = logger
    }

    /// Closes everything once; later calls return at once.
    func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        for client in clients { await client.shutdown() }
        await store.close()
        await pool.shutdown()
        logger.info("store, outbound clients and CPU pool closed")
    }
}

/// What `/readyz` knows beside the store: whether the server is shutting down.
public final class ServerReadiness: Sendable {
    private let draining = Atomic<Bool>(false)

    /// Creates the state of a server that takes traffic.
    public init() {}

    /// Whether a shutdown has begun.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Marks the start of a shutdown: `/readyz` answers 503 from now on.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    /// Answers when the server can serve; throws `unavailable` (503) when it is shutting down or its store cannot.
    func check(_ store: any TaskStore) async throws {
        guard !isDraining else { throw ServiceError(.unavailable, "The server is shutting down.") }
        switch await store.readiness() {
        case .ready: return
        case .unreachable: throw ServiceError(.unavailable, "The store is not reachable.")
        case .schemaBehind: throw ServiceError(.unavailable, "The store's schema lacks migrations of this release.")
        }
    }
}

/// The composition root: opens the store and brings its schema up to date (before anything serves), then wires
/// the domain, the engine, the contracts' routes and the services.
public func buildApplication(
    configuration: ServerConfiguration,
    engine givenEngine: (any Engine)? = nil,
    fetcher: (any ImageFetcher)? = nil,
    logger: Logger = Logger(label: "journeyman")
) async throws -> JourneymanServer {
    let store: any TaskStore
    let blobs: any BlobStore
    let sharedDirectory = try configuration.blobDirectory.map { try FileBlobStore(directory: URL(fileURLWithPath: $0)) }
    var postgres: PostgresTaskStore?
    if let databaseURL = configuration.databaseURL {
        let shared = try PostgresTaskStore(url: databaseURL, logger: logger)
        try await shared.migrate()
        postgres = shared
        store = shared
        blobs = sharedDirectory ?? PostgresBlobStore(store: shared)
    } else {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        store = try SQLiteTaskStore(path: configuration.databasePath)
        blobs = try sharedDirectory ?? FileBlobStore(directory: configuration.imagesDirectory)
    }
    // One bounded pool for this server's CPU work: the local engine, codecs, thumbnails, masks, DNS. When its work
    // ends, the memory that work freed goes back to the system (renders leave tens of megabytes in malloc's arenas).
    let freedMemory = FreedMemory()
    let pool = CPUPool.bounded(threads: configuration.cpuThreads, whenIdle: { freedMemory.workEnded() })
    let metrics = configuration.metrics == .off ? nil : ServerMetrics()
    metrics?.setWorkers(configuration.workers)
    let readiness = ServerReadiness()
    let domain = TaskDomain(
        store: store, ratePolicy: configuration.rateLimit, limits: configuration.taskLimits, moderation: configuration.moderation,
        observer: metrics ?? NoTaskObserver(), pool: pool
    )
    let links = ImageLinks(publicURL: configuration.effectivePublicURL)
    let rendering = MidjourneyRendering(links: links)
    // This server's client for fetches and webhooks, redirects off (each hop is checked by the guard instead).
    let httpClient = OutboundClient()
    var clients = [httpClient]
    let outbound = OutboundGuard(allowPrivateNetwork: configuration.allowPrivateNetwork, pool: pool)
    // With an upstream, a client of its own carries the API calls; its images come through the guarded client,
    // redirects checked hop by hop.
    var upstreamServices: [any Service] = []
    let engine: any Engine
    let upstreamList =
        configuration.upstreamCallbacks
        ? configuration.upstreams.map { UpstreamCallbacks.enabling($0, publicURL: configuration.effectivePublicURL) }
        : configuration.upstreams
    if let settings = upstreamList.first {
        // Connecting gives up after 3 s (the client's own default retries a refused connection for 10 s), so a stopped
        // upstream costs each attempt seconds, not tens of them, before a retry or a failover.
        var upstreamConfiguration = HTTPClient.Configuration()
        upstreamConfiguration.timeout.connect = .seconds(3)
        let upstreamClient = OutboundClient(configuration: upstreamConfiguration)
        clients.append(upstreamClient)
        let fetcher = HTTPImageFetcher(
            client: httpClient, timeout: .seconds(Int64(max(settings.requestTimeoutSeconds, 60))), outbound: outbound)
        if upstreamList.count > 1 {
            let router = UpstreamRouter(settings: upstreamList, client: upstreamClient.http, fetcher: fetcher, logger: logger)
            upstreamServices = router.services
            engine = router
        } else {
            let upstream = UpstreamEngine(settings: settings, client: upstreamClient.http, fetcher: fetcher, logger: logger)
            upstreamServices = [upstream.service]
            engine = upstream
        }
    } else {
        engine = givenEngine ?? LocalEngine(pool: pool)
    }
    let resources = ServerResources(store: store, clients: clients, pool: pool, logger: logger)
    let worker = TaskWorker(
        queue: store, queries: store, blobs: blobs, completion: domain.completion, events: domain.events, engine: engine,
        fetcher: fetcher ?? HTTPImageFetcher(client: httpClient, outbound: outbound), links: links, pool: pool,
        limits: configuration.taskLimits, leaseSeconds: configuration.leaseSeconds, maxDescribeBytes: configuration.maxDescribeBytes,
        taskTimeoutSeconds: configuration.taskTimeoutSeconds, logger: logger, now: domain.now
    )
    let instanceID = UUID().uuidString.lowercased().prefix(8).description

    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    let metricsOnPublicPort = metrics != nil && configuration.metrics == .publicPort
    // Outermost, so it sees every answer as sent: the request log line and the request metrics.
    router.middlewares.add(RequestObservationMiddleware<AppRequestContext>(metrics: metrics))
    router.middlewares.add(
        EnvelopeMiddleware<AppRequestContext>(
            knownPaths: Set(MidjourneyRoutes<AppRequestContext>.paths),
            getPaths: Set<String>(metricsOnPublicPort ? ["/healthz", "/readyz", "/metrics"] : ["/healthz", "/readyz"])
                .union(ConsoleRoutes<AppRequestContext>.getPaths)))
    MidjourneyRoutes<AppRequestContext>(
        domain: domain, engine: engine, rendering: rendering, blobs: blobs, outbound: outbound, maxBodyBytes: configuration.maxBodyBytes,
        pool: pool
    ).addRoutes(to: router)
    let proxyRendering = ProxyRendering(links: links)
    MidjourneyProxyRoutes<AppRequestContext>(
        domain: domain, rendering: proxyRendering, blobs: blobs, outbound: outbound, maxBodyBytes: configuration.maxBodyBytes,
        maxUploadBodyBytes: configuration.maxDescribeBytes, pool: pool
    ).addRoutes(to: router)
    ConsoleRoutes<AppRequestContext>(
        access: domain.access, store: store, limits: configuration.taskLimits, engineName: String(describing: type(of: engine)),
        upstreams: engine as? any UpstreamReporting, instanceID: instanceID, workerCount: configuration.workers
    ).addRoutes(to: router)
    if let nudging = engine as? any UpstreamNudging, configuration.upstreamCallbacks {
        // An upstream's callback is only a hint to poll it now; its body is not read (the poll's answer is what counts).
        router.post(RouterPath(UpstreamCallbacks.route)) { _, context -> Response in
            guard await nudging.nudge(secret: context.parameters.get("secret") ?? "") else {
                throw ServiceError(.notFound, "No upstream has this callback address.")
            }
            return Response(status: .noContent)
        }
    }
    router.get("/healthz") { _, _ in JSONResponse.raw(Array(#"{"status":"ok"}"#.utf8)) }
    router.get("/readyz") { _, _ in
        try await readiness.check(store)
        return JSONResponse.raw(Array(#"{"status":"ready"}"#.utf8))
    }
    if let metrics, metricsOnPublicPort {
        MetricsEndpoint(metrics: metrics, store: store, limits: configuration.taskLimits, upstreams: engine as? any UpstreamReporting)
            .addRoute(to: router)
    }

    // Services start in this order and stop in reverse, after the HTTP server: the relay hears other instances
    // before workers start and goes on until they have stopped. The store, the outbound clients and the CPU pool
    // outlive them all: `run()` closes them after the group.
    var services: [any Service] = []
    if let postgres {
        services.append(
            PostgresEventRelay(
                store: postgres, events: domain.events, workSignal: domain.workSignal, deliverySignal: domain.deliverySignal, logger: logger
            )
        )
    }
    // The upstream's poller starts before the workers and stops after them.
    services.append(contentsOf: upstreamServices)
    if configuration.workers > 0 {
        services.append(
            WorkerService(worker: worker, signal: domain.workSignal, count: configuration.workers, instanceID: instanceID, logger: logger))
    }
    services.append(MemoryReleaseService(freed: freedMemory))
    services.append(
        WebhookService(
            store: store, renderers: [MidjourneyRendering.format: rendering, ProxyRendering.format: proxyRendering], client: httpClient,
            signal: domain.deliverySignal, policy: configuration.webhooks, outbound: outbound, instanceID: instanceID,
            observer: metrics ?? NoTaskObserver(), now: domain.now, logger: logger
        )
    )
    if let metrics, case .port(let port) = configuration.metrics {
        let metricsRouter = Router()
        MetricsEndpoint(metrics: metrics, store: store, limits: configuration.taskLimits, upstreams: engine as? any UpstreamReporting)
            .addRoute(to: metricsRouter)
        services.append(
            Hummingbird.Application(
                router: metricsRouter,
                configuration: .init(address: .hostname(configuration.host, port: port), serverName: "journeyman-metrics"),
                logger: logger
            )
        )
    }
    let application = Hummingbird.Application(
        router: router,
        server: .journeyman(configuration.connections),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "journeyman"),
        services: services,
        logger: logger
    )
    return JourneymanServer(
        configuration: configuration, store: store, domain: domain, application: application, metrics: metrics, readiness: readiness,
        engine: engine, resources: resources)
}

extension JourneymanServer {
    /// On an empty store, creates the application `default` with a credential; answers its token (shown once), else nil.
    public func createDefaultApplicationIfEmpty() async throws -> String? {
        let store = store
        let credits = configuration.freeCredits
        let createIfEmpty: @Sendable () async throws -> String? = {
            guard try await store.applications().isEmpty else { return nil }
            let admin = Administration(store: store)
            let created = try await admin.createCredential(
                name: "default", applicationID: nil, scopes: Set(APIScope.allCases), credits: credits)
            return created.token
        }
        // Instances starting at once on an empty shared database take turns, so only the first creates it.
        if let postgres = store as? PostgresTaskStore {
            return try await postgres.whileLocked("default-application", createIfEmpty)
        }
        return try await createIfEmpty()
    }
}

extension JourneymanServer {
    /// Runs until SIGTERM or SIGINT; then stops accepting requests and gives running tasks the grace period.
    public func run() async throws {
        // The drain is last, so a SIGTERM reaches it first: `/readyz` turns 503, and the server goes on serving for
        // `drainSeconds` before it stops taking requests.
        let group = ServiceGroup(
            configuration: .init(
                services: [application, DrainService(readiness: readiness, seconds: configuration.drainSeconds)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: application.logger
            )
            .withMaximumGracefulShutdown(seconds: configuration.shutdownGraceSeconds + configuration.drainSeconds)
        )
        do {
            try await group.run()
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Closes the outbound clients, the store and the CPU pool, once (later calls return at once): `run()` does when
    /// its group has ended; a caller that runs `application` itself, or never runs it, does when it is done.
    public func close() async {
        await resources.close()
    }
}

extension ServiceGroupConfiguration {
    fileprivate func withMaximumGracefulShutdown(seconds: Double) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int64(seconds * 1000))
        return copy
    }
}
