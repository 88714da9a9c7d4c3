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
    /// The SQLite store.
    public let store: SQLiteTaskStore
    /// The domain service.
    public let service: TaskService
    /// The HTTP application with its worker service.
    public let application: Hummingbird.Application<RouterResponder<AppRequestContext>>

    /// Builds a server; opens (creating) the data directory and brings the database up to date.
    public init(
        configuration: ServerConfiguration,
        engine: any Engine = LocalEngine(),
        fetcher: (any ImageFetcher)? = nil,
        logger: Logger = Logger(label: "journeyman")
    ) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteTaskStore(path: configuration.databasePath)
        let blobs = try FileBlobStore(directory: configuration.imagesDirectory)
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

        let router = Router(context: AppRequestContext.self)
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

        self.store = store
        self.service = service
        self.application = Hummingbird.Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "journeyman"),
            services: configuration.workers > 0 ? [workers, webhooks] : [webhooks],
            logger: logger
        )
    }

    /// On an empty store, creates the application `default` with a credential; answers its token (shown once), else nil.
    public func createDefaultApplicationIfEmpty() async throws -> String? {
        guard try await store.applications().isEmpty else { return nil }
        let admin = Administration(store: store)
        let created = try await admin.createCredential(name: "default", applicationID: nil, scopes: Set(APIScope.allCases), credits: configuration.freeCredits)
        return created.token
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
