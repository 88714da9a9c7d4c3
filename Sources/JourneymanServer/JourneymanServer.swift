import AsyncHTTPClient
import Foundation
import Hummingbird
import JourneymanCore
import JourneymanEngine
import JourneymanStore
import Logging
import ServiceLifecycle

/// A Journeyman server assembled from its parts: store, blobs, engine, domain service, HTTP application, workers.
public struct JourneymanServer: Sendable {
    /// What it was built from.
    public let configuration: ServerConfiguration
    /// The store in use: SQLite in the data directory, or PostgreSQL shared with other instances.
    public let store: any TaskStore
    /// The domain service.
    public let service: TaskService
    /// The HTTP application with its worker service.
    public let application: Hummingbird.Application<RouterResponder<AppRequestContext>>

    /// Builds a server; opens (creating) the data directory and, for SQLite, brings the database up to date
    /// (PostgreSQL is brought up to date on first use, under an advisory lock).
    public init(
        configuration: ServerConfiguration,
        engine: any Engine = LocalEngine(),
        fetcher: (any ImageFetcher)? = nil,
        logger: Logger = Logger(label: "journeyman")
    ) throws {
        self.configuration = configuration
        let store: any TaskStore
        let blobs: any BlobStore
        let sharedDirectory = try configuration.blobDirectory.map { try FileBlobStore(directory: URL(fileURLWithPath: $0)) }
        var postgres: PostgresTaskStore?
        if let databaseURL = configuration.databaseURL {
            let shared = try PostgresTaskStore(url: databaseURL, logger: logger)
            postgres = shared
            store = shared
            blobs = sharedDirectory ?? PostgresBlobStore(store: shared)
        } else {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            store = try SQLiteTaskStore(path: configuration.databasePath)
            blobs = try sharedDirectory ?? FileBlobStore(directory: configuration.imagesDirectory)
        }
        let service = TaskService(
            store: store, blobs: blobs, links: ImageLinks(publicURL: configuration.effectivePublicURL),
            limits: configuration.taskLimits, moderation: configuration.moderation
        )
        let outbound = OutboundGuard(allowPrivateNetwork: configuration.allowPrivateNetwork)
        let runner = TaskRunner(
            service: service,
            engine: engine,
            fetcher: fetcher ?? HTTPImageFetcher(outbound: outbound),
            leaseSeconds: configuration.leaseSeconds,
            maxDescribeBytes: configuration.maxDescribeBytes,
            taskTimeoutSeconds: configuration.taskTimeoutSeconds,
            logger: logger
        )
        let instanceID = UUID().uuidString.lowercased().prefix(8).description
        let webhooks = WebhookService(
            store: store, signal: service.deliverySignal, policy: configuration.webhooks,
            outbound: outbound, instanceID: instanceID, now: service.now, logger: logger
        )
        let workers = WorkerService(
            store: store,
            runner: runner,
            signal: service.workSignal,
            count: configuration.workers,
            instanceID: instanceID,
            leaseSeconds: configuration.leaseSeconds,
            logger: logger
        )

        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        let api = APIController(
            service: service, engine: engine, maxBodyBytes: configuration.maxBodyBytes,
            limiter: RateLimiter(now: service.now), ratePolicy: configuration.rateLimit, outbound: outbound
        )
        router.middlewares.add(EnvelopeMiddleware(knownPaths: Set(APIController.paths + ["/healthz", "/readyz"])))
        api.addRoutes(to: router)
        ImageController(blobs: blobs).addRoutes(to: router)
        EventsController(service: service, api: api).addRoutes(to: router)
        router.get("/healthz") { _, _ in JSONResponse.raw(Array(#"{"status":"ok"}"#.utf8)) }
        router.get("/readyz") { _, _ in
            guard await store.isReachable() else {
                throw ServiceError(.apiError, "The store is not reachable.")
            }
            return JSONResponse.raw(Array(#"{"status":"ready"}"#.utf8))
        }

        // Services start in this order and stop in reverse: the relay hears other instances before workers start
        // and goes on until they have stopped.
        var services: [any Service] = []
        if let postgres {
            services.append(
                PostgresEventRelay(
                    store: postgres, events: service.events, workSignal: service.workSignal,
                    deliverySignal: service.deliverySignal, logger: logger
                )
            )
        }
        if configuration.workers > 0 { services.append(workers) }
        services.append(webhooks)

        self.store = store
        self.service = service
        self.application = Hummingbird.Application(
            router: router,
            server: .journeyman(configuration.connections),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "journeyman"),
            services: services,
            logger: logger
        )
    }

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
        let group = ServiceGroup(
            configuration: .init(
                services: [application],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: application.logger
            )
            .withMaximumGracefulShutdown(seconds: configuration.shutdownGraceSeconds)
        )
        try await group.run()
    }
}

extension ServiceGroupConfiguration {
    fileprivate func withMaximumGracefulShutdown(seconds: Double) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int64(seconds * 1000))
        return copy
    }
}
