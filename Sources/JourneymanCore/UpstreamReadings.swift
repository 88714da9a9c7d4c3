/// What an engine that has providers do the work tells operators about each of them (metrics, the console).
public struct UpstreamReading: Sendable, Equatable {
    /// The upstream's name.
    public var name: String
    /// Its contract (`midjourney-api`, `midjourney-proxy`).
    public var kind: String
    /// Why it is down; nil when it is up.
    public var downReason: String?
    /// Its tasks being followed now.
    public var inFlight: Int
    /// New tasks waiting for a place that this upstream could take: it is eligible for them, and it and every other
    /// upstream they could go to are at their `max_running`. A task eligible for two full upstreams counts at both.
    public var waiting: Int = 0
    /// Calls made to it, by purpose (`submit`, `poll`, `download`, `seed`, `shorten`, `translate`, `retry`, `error`).
    public var calls: [String: Int]
    /// Retried and failed calls in the last hour.
    public var failuresInLastHour: Int

    /// Whether it is up.
    public var isUp: Bool { downReason == nil }

    /// Creates a reading.
    public init(name: String, kind: String, downReason: String?, inFlight: Int, calls: [String: Int], failuresInLastHour: Int = 0) {
        self.failuresInLastHour = failuresInLastHour
        self.name = name
        self.kind = kind
        self.downReason = downReason
        self.inFlight = inFlight
        self.calls = calls
    }
}

/// An engine whose work is done upstream, and that can say how its upstreams are.
public protocol UpstreamReporting: Sendable {
    /// One reading per upstream, now.
    func upstreamReadings() async -> [UpstreamReading]
}
