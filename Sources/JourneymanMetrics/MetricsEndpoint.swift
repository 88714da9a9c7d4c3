import Hummingbird
import JourneymanCore
import NIOCore

/// `GET /metrics`: the Prometheus text exposition, with the queue gauges read from the store at each scrape.
public struct MetricsEndpoint: Sendable {
    /// The series.
    public let metrics: ServerMetrics
    /// Where the queue and the webhook backlog are read.
    public let store: any TaskStore
    /// The server's task limits (which pending tasks are holding).
    public let limits: TaskLimits
    /// The engine's upstreams, when its work is done upstream.
    public let upstreams: (any UpstreamReporting)?

    /// Creates the endpoint.
    public init(metrics: ServerMetrics, store: any TaskStore, limits: TaskLimits, upstreams: (any UpstreamReporting)? = nil) {
        self.metrics = metrics
        self.store = store
        self.limits = limits
        self.upstreams = upstreams
    }

    /// The exposition format's content type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Adds `GET /metrics` to `router`.
    public func addRoute<Context: RequestContext>(to router: Router<Context>) {
        router.get("/metrics") { _, _ in
            let body = await metrics.scrape(store: store, limits: limits, upstreams: upstreams)
            return Response(
                status: .ok, headers: [.contentType: Self.contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
