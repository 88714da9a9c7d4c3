import Foundation
import JourneymanCore
import Prometheus
import Synchronization

/// One server's metrics in one Prometheus registry: the domain's events (it is the domain's `TaskObserver`), the
/// HTTP requests, and the queue read from the store when scraped. A registry per server (not the process-wide
/// `MetricsSystem`) keeps two servers in one process, as in the tests, from counting each other's work.
public final class ServerMetrics: TaskObserver, Sendable {
    /// Where the series live.
    public let registry: PrometheusCollectorRegistry

    private let requestSeries = Mutex<[RequestKey: RequestSeries]>([:])
    /// The upstream call counts already added to the counters, by upstream and purpose.
    private let upstreamCallsCounted = Mutex<[String: [String: Int]]>([:])
    private let creditsCharged: Counter
    private let rateLimited: Counter
    private let webhookOutcomes: [WebhookAttemptOutcome: Counter]
    private let tasksGauge: [String: Gauge]
    private let webhookBacklog: Gauge
    private let storeUp: Gauge
    private let workers: Gauge

    /// Seconds buckets of HTTP request durations.
    static let requestBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Seconds buckets of task waits and run times.
    static let taskBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]

    /// Creates the metrics over a registry of their own; the series that always exist start at zero.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        creditsCharged = registry.makeCounter(descriptor: Self.creditsDescriptor)
        rateLimited = registry.makeCounter(descriptor: Self.rateLimitedDescriptor)
        webhookOutcomes = Dictionary(
            uniqueKeysWithValues: WebhookAttemptOutcome.allCases.map { outcome in
                (outcome, registry.makeCounter(descriptor: Self.webhookDescriptor, labels: [("outcome", outcome.rawValue)]))
            })
        tasksGauge = Dictionary(
            uniqueKeysWithValues: ["pending", "running", "holding"].map { state in
                (state, registry.makeGauge(descriptor: Self.tasksDescriptor, labels: [("state", state)]))
            })
        webhookBacklog = registry.makeGauge(descriptor: Self.backlogDescriptor)
        storeUp = registry.makeGauge(descriptor: Self.storeUpDescriptor)
        workers = registry.makeGauge(descriptor: Self.workersDescriptor)
    }

    /// Records how many tasks this instance runs at once.
    public func setWorkers(_ count: Int) {
        workers.set(to: Double(count))
    }

    // MARK: Domain events

    public func taskSubmitted(_ task: TaskSnapshot) {
        registry.makeCounter(
            descriptor: Self.submittedDescriptor,
            labels: [("type", task.kind.rawValue), ("action", task.command.actionName), ("mode", Self.mode(of: task))]
        ).increment()
        creditsCharged.increment(by: Int64(task.cost))
    }

    public func taskFinished(_ task: TaskSnapshot) {
        let type = task.kind.rawValue
        let action = task.command.actionName
        registry.makeCounter(
            descriptor: Self.finishedDescriptor, labels: [("type", type), ("action", action), ("state", task.state.rawValue)]
        )
        .increment()
        // A task cancelled before a worker took it has neither a wait that ended in a start nor a run time.
        guard let startedAt = task.startedAt else { return }
        registry.makeValueHistogram(
            descriptor: Self.waitDescriptor, labels: [("type", type), ("action", action)], buckets: Self.taskBuckets
        )
        .record(max(0, startedAt - task.createdAt))
        if let finishedAt = task.finishedAt {
            registry.makeValueHistogram(
                descriptor: Self.durationDescriptor, labels: [("type", type), ("action", action)], buckets: Self.taskBuckets
            ).record(max(0, finishedAt - startedAt))
        }
    }

    public func requestRateLimited() {
        rateLimited.increment()
    }

    public func webhookAttempted(_ outcome: WebhookAttemptOutcome) {
        webhookOutcomes[outcome]?.increment()
    }

    // MARK: Requests

    /// Counts one answered request under its route template (never a raw path, so ids do not become series).
    public func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let key = RequestKey(route: route, method: method, status: status)
        let series = requestSeries.withLock { cache in
            if let series = cache[key] { return series }
            let labels = [("route", route), ("method", method), ("status", String(status))]
            let series = RequestSeries(
                count: registry.makeCounter(descriptor: Self.requestsDescriptor, labels: labels),
                duration: registry.makeValueHistogram(
                    descriptor: Self.requestDurationDescriptor, labels: Array(labels.prefix(2)), buckets: Self.requestBuckets)
            )
            cache[key] = series
            return series
        }
        series.count.increment()
        series.duration.record(seconds)
    }

    // MARK: Scrape

    /// Sets the upstream series from `readings`: up, tasks in flight, and the calls made since the last scrape.
    public func record(upstreams readings: [UpstreamReading]) {
        for reading in readings {
            let labels = [("upstream", reading.name), ("kind", reading.kind)]
            registry.makeGauge(descriptor: Self.upstreamUpDescriptor, labels: labels).set(to: reading.isUp ? 1 : 0)
            registry.makeGauge(descriptor: Self.upstreamInFlightDescriptor, labels: [("upstream", reading.name)])
                .set(to: Double(reading.inFlight))
            registry.makeGauge(descriptor: Self.upstreamWaitingDescriptor, labels: [("upstream", reading.name)])
                .set(to: Double(reading.waiting))
            let added = upstreamCallsCounted.withLock { counted -> [String: Int] in
                var added: [String: Int] = [:]
                for (purpose, count) in reading.calls {
                    let before = counted[reading.name]?[purpose] ?? 0
                    if count > before { added[purpose] = count - before }
                    counted[reading.name, default: [:]][purpose] = max(before, count)
                }
                return added
            }
            for (purpose, count) in added {
                registry.makeCounter(descriptor: Self.upstreamCallsDescriptor, labels: [("upstream", reading.name), ("purpose", purpose)])
                    .increment(by: Int64(count))
            }
        }
    }

    /// The exposition text after reading the queue and the webhook backlog from `store` (and the upstreams from
    /// `upstreams`, when the engine has them); when the store does not answer within five seconds,
    /// `journeyman_store_up` is 0 and the last values stay.
    public func scrape(store: any TaskStore, limits: TaskLimits, upstreams: (any UpstreamReporting)? = nil) async -> [UInt8] {
        if let upstreams { record(upstreams: await upstreams.upstreamReadings()) }
        let read = await firstWithin(.seconds(5), otherwise: nil) { () async -> (QueueCounts, Int)? in
            guard let counts = try? await store.queueCounts(limits: limits), let pending = try? await store.pendingDeliveryCount() else {
                return nil
            }
            return (counts, pending)
        }
        if let (counts, pending) = read {
            tasksGauge["pending"]?.set(to: Double(counts.pending))
            tasksGauge["running"]?.set(to: Double(counts.running))
            tasksGauge["holding"]?.set(to: Double(counts.holding))
            webhookBacklog.set(to: Double(pending))
            storeUp.set(to: 1)
        } else {
            storeUp.set(to: 0)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }

    private static func mode(of task: TaskSnapshot) -> String {
        task.command.mode?.rawValue ?? "none"
    }

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct RequestSeries: Sendable {
        let count: Counter
        let duration: ValueHistogram
    }

    // MARK: Names

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "journeyman", metricName: name, unitName: unit, helpText: help)
    }

    static var requestsDescriptor: MetricNameDescriptor {
        descriptor("http_requests", "total", "HTTP requests answered, by route template, method and status.")
    }
    static var requestDurationDescriptor: MetricNameDescriptor {
        descriptor(
            "http_request_duration", "seconds", "Seconds from a request's arrival to the end of its answer, by route template and method.")
    }
    static var submittedDescriptor: MetricNameDescriptor {
        descriptor("tasks_submitted", "total", "Tasks accepted, by type, action and mode.")
    }
    static var finishedDescriptor: MetricNameDescriptor {
        descriptor(
            "tasks_finished", "total", "Tasks that ended on this instance, by type, action and final state.")
    }
    static var durationDescriptor: MetricNameDescriptor {
        descriptor("task_duration", "seconds", "Seconds a task ran, from its start to its end.")
    }
    static var waitDescriptor: MetricNameDescriptor {
        descriptor("task_wait", "seconds", "Seconds a task waited in the queue before a worker started it.")
    }
    static var tasksDescriptor: MetricNameDescriptor {
        descriptor(
            "tasks", "", "Unfinished tasks in the store by state; holding ones wait behind their application's running limit.")
    }
    static var webhookDescriptor: MetricNameDescriptor {
        descriptor("webhook_deliveries", "total", "Webhook attempts by outcome: delivered, retried, given_up.")
    }
    static var backlogDescriptor: MetricNameDescriptor { descriptor("webhook_backlog", "", "Webhook deliveries waiting to be sent.") }
    static var creditsDescriptor: MetricNameDescriptor { descriptor("credits_charged", "total", "Credits charged for accepted tasks.") }
    static var rateLimitedDescriptor: MetricNameDescriptor {
        descriptor("rate_limited", "total", "Requests refused by a token's rate limit.")
    }
    static var workersDescriptor: MetricNameDescriptor { descriptor("workers", "", "Tasks this instance runs at once (its worker count).") }
    static var storeUpDescriptor: MetricNameDescriptor {
        descriptor("store_up", "", "1 when the store answered the last scrape's queries, else 0.")
    }
    static var upstreamUpDescriptor: MetricNameDescriptor {
        descriptor(
            "upstream_up", "",
            "1 while an upstream provider takes calls, 0 once it refused this server's credentials (until a call succeeds).")
    }
    static var upstreamInFlightDescriptor: MetricNameDescriptor {
        descriptor("upstream_in_flight", "", "Tasks being followed at an upstream provider now.")
    }
    static var upstreamWaitingDescriptor: MetricNameDescriptor {
        descriptor(
            "upstream_waiting", "",
            "New tasks waiting for a place an upstream provider could take (it and the others they could go to are full).")
    }
    static var upstreamCallsDescriptor: MetricNameDescriptor {
        descriptor(
            "upstream_calls", "total",
            "Calls made to an upstream provider, by purpose (submit, poll, download, seed, shorten, retry, error).")
    }
}
