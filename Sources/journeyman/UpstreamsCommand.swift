import ArgumentParser
import Foundation
import JourneymanClient

/// `journeyman upstreams`: each upstream of a running gateway, healthy or down and why.
struct UpstreamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstreams",
        abstract: "Each upstream provider of a running gateway: healthy or down and why, tasks in flight, failures in the last hour.",
        discussion: """
            Reads the operate panel's overview, so it needs the token of an administrator application \
            (`journeyman app admin APPLICATION`). A server that draws with its local engine has no upstreams.
            Exits with 1 when any upstream is down.

            Examples:
              journeyman upstreams --url http://127.0.0.1:8080 --token $ADMIN_TOKEN
              JOURNEYMAN_URL=https://gateway.example JOURNEYMAN_TOKEN=$ADMIN_TOKEN journeyman upstreams --json
            """
    )

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        let client = try client.client()
        var anyDown = false
        try await ClientRun.run(client) {
            let upstreams = try await client.upstreams()
            anyDown = upstreams.contains { !$0.isUp }
            if output.json {
                let rows = upstreams.map { upstream -> [String: Any] in
                    [
                        "name": upstream.name, "kind": upstream.kind, "up": upstream.isUp, "down_reason": upstream.downReason ?? NSNull(),
                        "in_flight": upstream.inFlight, "waiting": upstream.waiting, "failures_last_hour": upstream.failuresInLastHour,
                        "calls": upstream.calls,
                    ]
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(Self.table(upstreams))
        }
        if anyDown { throw ExitCode(1) }
    }

    /// The table printed for `upstreams`.
    static func table(_ upstreams: [UpstreamStatus]) -> String {
        guard !upstreams.isEmpty else { return "no upstreams: this server draws with its local engine" }
        let table = TextTable(columns: [
            ("UPSTREAM", 17), ("KIND", 18), ("IN FLIGHT", 11), ("WAITING", 9), ("FAILURES 1H", 13), ("STATE", 0),
        ])
        var lines = [table.header]
        for upstream in upstreams {
            lines.append(
                table.row([
                    upstream.name, upstream.kind, String(upstream.inFlight), String(upstream.waiting), String(upstream.failuresInLastHour),
                    upstream.downReason.map { "DOWN: \($0)" } ?? "healthy",
                ]))
        }
        return lines.joined(separator: "\n")
    }
}
