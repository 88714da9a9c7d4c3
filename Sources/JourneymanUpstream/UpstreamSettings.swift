import Foundation

/// One upstream provider as the operator configured it: where it is, how to speak to it, how hard to try.
/// Its `description` never shows the token.
public struct UpstreamSettings: Sendable, CustomStringConvertible {
    /// The contracts an upstream may speak.
    public enum Kind: String, Sendable, CaseIterable {
        /// The public service's contract (the one Journeyman serves): `/midjourney/...`, bearer token.
        case midjourneyAPI = "midjourney-api"
        /// midjourney-proxy's `/mj/...` contract, `mj-api-secret` header.
        case midjourneyProxy = "midjourney-proxy"
    }

    /// A short name, kept with every task sent there (logs, `journeyman upstreams`).
    public var name: String
    /// Which contract it speaks.
    public var kind: Kind
    /// Its base URL, without a trailing slash.
    public var url: String
    /// The credential this server presents; never logged, recorded or shown.
    public var token: String
    /// How often in-flight tasks are polled (one batch request for up to 100 of them).
    public var pollInterval: Duration
    /// Largest result image downloaded, in bytes.
    public var maxImageBytes: Int
    /// Longest one call to the upstream may take, in seconds.
    public var requestTimeoutSeconds: Double
    /// Most attempts of one call that fails in a way worth retrying (429, 5xx, timeouts, resets).
    public var maxAttempts: Int
    /// Longest wait between two attempts, in seconds (before jitter); a `retry-after` is honoured up to a minute.
    public var maxBackoffSeconds: Double
    /// Its share of new tasks among several upstreams: tasks go where running ÷ weight is lowest.
    public var weight: Double = 1
    /// Most of this server's tasks it runs at once; nil for no limit. Beyond it, tasks wait for a place.
    public var maxRunning: Int? = nil
    /// The modes it takes; nil for all.
    public var modes: Set<String>? = nil
    /// Consecutive failed submissions after which its circuit opens: no new tasks go there for a while.
    public var breakerFailures: Int = 3
    /// Seconds an open circuit stays open before one task probes the upstream again.
    public var breakerProbeSeconds: Double = 30
    /// Where the upstream may POST a task's changes (`callback_url`, or the proxy's `notifyHook`), sent with every
    /// submit; a callback makes this server poll at once. Nil: polling alone (the upstream cannot reach this server).
    public var callbackURL: String? = nil

    /// Creates settings; `url` may end with a slash.
    public init(
        name: String = "upstream", kind: Kind = .midjourneyAPI, url: String, token: String, pollInterval: Duration = .seconds(3),
        maxImageBytes: Int = 100 * 1024 * 1024, requestTimeoutSeconds: Double = 30, maxAttempts: Int = 12, maxBackoffSeconds: Double = 8
    ) {
        self.name = name
        self.kind = kind
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base
        self.token = token
        self.pollInterval = pollInterval
        self.maxImageBytes = maxImageBytes
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxAttempts = maxAttempts
        self.maxBackoffSeconds = maxBackoffSeconds
    }

    /// `name (kind) at url`: what logs and errors may say about it.
    public var description: String { "\(name) (\(kind.rawValue)) at \(url)" }
}
