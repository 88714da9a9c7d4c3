import ArgumentParser
import Foundation
import JourneymanClient

/// `journeyman status`: one screen of what a running server is doing, read from its `/metrics`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "One screen of a running server: queue, workers, webhooks, requests and credits, from its /metrics.",
        discussion: """
            Reads GET /metrics (no token needed). A server started with --metrics-port serves it on that port: give \
            that address, or the whole URL of /metrics.

            Examples:
              journeyman status
              journeyman status --url http://127.0.0.1:8080
              journeyman status --url http://127.0.0.1:9090/metrics
            """
    )

    @Option(help: "The server's base URL, or the full URL of its /metrics. (env: JOURNEYMAN_URL, default: http://127.0.0.1:8080)")
    var url: String?

    func run() async throws {
        var base = url ?? ProcessInfo.processInfo.environment["JOURNEYMAN_URL"] ?? "http://127.0.0.1:8080"
        while base.hasSuffix("/") { base.removeLast() }
        let metricsURL = base.hasSuffix("/metrics") ? base : base + "/metrics"
        let serverURL = base.hasSuffix("/metrics") ? String(base.dropLast("/metrics".count)) : base
        guard serverURL.hasPrefix("http://") || serverURL.hasPrefix("https://") else {
            ClientRun.printError("--url must start with http:// or https://")
            throw ClientRun.usage
        }
        let client = JourneymanClient(baseURL: serverURL, token: "")
        try await ClientRun.run(client) {
            let metrics = try await client.metrics(url: metricsURL)
            print(Self.screen(metrics, url: metricsURL))
        }
    }

    /// The screen for a scrape.
    static func screen(_ metrics: PrometheusText, url: String) -> String {
        func count(_ name: String, _ labels: [String: String] = [:]) -> String {
            Self.integer(metrics.sum(name, labels))
        }
        let storeUp = metrics.value("journeyman_store_up").map { $0 == 1 ? "up" : "DOWN" } ?? "unknown"
        let requests = metrics.sum("journeyman_http_requests_total")
        let serverErrors = metrics.series("journeyman_http_requests_total").filter { ($0.labels["status"] ?? "").hasPrefix("5") }
            .reduce(0) { $0 + $1.value }
        var lines = [
            "journeyman at \(url)",
            "  store      \(storeUp)",
            "  workers    \(count("journeyman_workers"))",
            "  queue      pending \(count("journeyman_tasks", ["state": "pending"]))   running \(count("journeyman_tasks", ["state": "running"]))   holding \(count("journeyman_tasks", ["state": "holding"]))",
            "  tasks      submitted \(count("journeyman_tasks_submitted_total"))   succeeded \(count("journeyman_tasks_finished_total", ["state": "succeeded"]))   failed \(count("journeyman_tasks_finished_total", ["state": "failed"]))   cancelled \(count("journeyman_tasks_finished_total", ["state": "cancelled"]))",
            "  webhooks   backlog \(count("journeyman_webhook_backlog"))   delivered \(count("journeyman_webhook_deliveries_total", ["outcome": "delivered"]))   retried \(count("journeyman_webhook_deliveries_total", ["outcome": "retried"]))   given up \(count("journeyman_webhook_deliveries_total", ["outcome": "given_up"]))",
            "  requests   \(Self.integer(requests))   5xx \(Self.integer(serverErrors))   rate limited \(count("journeyman_rate_limited_total"))",
            "  credits    charged \(count("journeyman_credits_charged_total"))",
        ]
        let upstreams = metrics.series("journeyman_upstream_up")
        if upstreams.isEmpty {
            lines.append("  upstreams  none (the local engine)")
        } else {
            for upstream in upstreams.sorted(by: { ($0.labels["upstream"] ?? "") < ($1.labels["upstream"] ?? "") }) {
                let name = upstream.labels["upstream"] ?? "?"
                lines.append("  upstream   \(name): \(upstream.value == 1 ? "up" : "DOWN")")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func integer(_ value: Double) -> String {
        value.isFinite ? String(Int(value.rounded())) : "?"
    }
}
