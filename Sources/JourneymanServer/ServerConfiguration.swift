import Foundation
import JourneymanCore
import JourneymanUpstream
import Logging

/// Where the Prometheus metrics are served.
public enum MetricsExposure: Sendable, Equatable {
    /// `GET /metrics` on the API's port.
    case publicPort
    /// `GET /metrics` on this port of the same host only (0 picks a free one); the API's port has none.
    case port(Int)
    /// Not collected at all.
    case off
}

/// Everything `journeyman serve` can be told.
public struct ServerConfiguration: Sendable {
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// Directory holding the SQLite file and the images.
    public var dataDirectory: String
    /// Base of the image URLs in responses; nil means `http://<host>:<port>`.
    public var publicURL: String?
    /// How many tasks run at once.
    public var workers: Int
    /// Threads of the CPU pool, where images are encoded, decoded, rendered and thumbnailed and host names resolved.
    public var cpuThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Largest request body, in bytes.
    public var maxBodyBytes: Int
    /// Credits a new application starts with.
    public var freeCredits: Int
    /// How long a worker's claim on a task lasts unless renewed.
    public var leaseSeconds: Double
    /// How long a graceful shutdown waits for running tasks.
    public var shutdownGraceSeconds: Double
    /// How webhook deliveries are retried.
    public var webhooks: WebhookPolicy
    /// Longest an engine may work on one task before the task fails with `timeout`.
    public var taskTimeoutSeconds: Double
    /// Requests a credential may make, unless it has its own limit.
    public var rateLimit: RatePolicy
    /// Per-application task limits, unless an application has its own.
    public var taskLimits: TaskLimits
    /// Prompts containing these words are refused with 403 `forbidden`.
    public var moderation: ModerationList
    /// Whether outbound fetches and webhooks may reach loopback, private and link-local addresses (development, tests).
    public var allowPrivateNetwork: Bool
    /// Largest image Describe fetches, in bytes.
    public var maxDescribeBytes: Int
    /// A `postgres://` URL: tasks (and images, unless `blobDirectory` is set) live in that shared database, so
    /// several instances act as one service. Nil keeps everything in the data directory (SQLite and files).
    public var databaseURL: String? = nil
    /// A directory every instance shares for images (with `databaseURL`); nil keeps them in the database.
    public var blobDirectory: String? = nil
    /// Idle timeout and connection cap of the HTTP listener.
    public var connections = ConnectionPolicy()
    /// Where `/metrics` is served.
    public var metrics = MetricsExposure.publicPort
    /// Seconds `/readyz` answers 503 after SIGTERM before the server stops taking requests, so a load balancer
    /// stops sending new ones first.
    public var drainSeconds: Double = 0
    /// The providers tasks are sent to (`serve --engine upstream`, one, or several with `--upstreams FILE`); none
    /// renders with the engine given to `buildApplication` (the local one by default).
    public var upstreams: [UpstreamSettings] = []
    /// Whether each upstream is given a callback URL under `effectivePublicURL` (which it must be able to reach): a
    /// callback makes its tasks be polled at once instead of at the next interval.
    public var upstreamCallbacks = false

    /// The one provider tasks are sent to, or the first of several; setting it replaces them all.
    public var upstream: UpstreamSettings? {
        get { upstreams.first }
        set { upstreams = newValue.map { [$0] } ?? [] }
    }

    /// The defaults of `journeyman serve`.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        dataDirectory: String = "./journeyman-data",
        publicURL: String? = nil,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        maxBodyBytes: Int = 1024 * 1024,
        freeCredits: Int = 100,
        leaseSeconds: Double = 30,
        shutdownGraceSeconds: Double = 30,
        webhooks: WebhookPolicy = WebhookPolicy(),
        taskTimeoutSeconds: Double = 600,
        rateLimit: RatePolicy = RatePolicy(perSecond: 10, burst: 40),
        taskLimits: TaskLimits = TaskLimits(maxRunningPerApplication: nil, maxPendingPerApplication: 1000),
        moderation: ModerationList = ModerationList(words: []),
        allowPrivateNetwork: Bool = false,
        maxDescribeBytes: Int = 20 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
        self.freeCredits = freeCredits
        self.leaseSeconds = leaseSeconds
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.webhooks = webhooks
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.rateLimit = rateLimit
        self.taskLimits = taskLimits
        self.moderation = moderation
        self.allowPrivateNetwork = allowPrivateNetwork
        self.maxDescribeBytes = maxDescribeBytes
    }

    /// The public URL in force.
    public var effectivePublicURL: String {
        if let publicURL, !publicURL.isEmpty { return publicURL }
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "http://\(shownHost.contains(":") ? "[\(shownHost)]" : shownHost):\(port)"
    }

    /// The SQLite file inside the data directory.
    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("journeyman.sqlite") }

    /// The image directory inside the data directory.
    public var imagesDirectory: URL { URL(fileURLWithPath: dataDirectory).appendingPathComponent("images") }
}
