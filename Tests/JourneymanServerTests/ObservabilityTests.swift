import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

/// A PostgreSQL server of one test's own (initdb in a temporary directory, on a free loopback port), so the test
/// can stop and start it without disturbing the shared test cluster.
final class PrivatePostgres: Sendable {
    let directory: URL
    let port: Int
    let bindir: String
    private let asOwner: [String]

    /// The server binaries' directory, when they are installed (as `scripts/with-postgres` looks for them).
    static func findBindir() -> String? {
        var candidates = [ProcessInfo.processInfo.environment["JOURNEYMAN_PG_BINDIR"] ?? ""]
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }.map { "/usr/lib/postgresql/\($0)/bin" }
        return candidates.first { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") }
    }

    init(bindir: String) throws {
        self.bindir = bindir
        directory = URL(fileURLWithPath: "/tmp/journeyman-private-pg-\(UUID().uuidString.prefix(8))")
        port = try freePort()
        // PostgreSQL refuses to run as root: then the cluster belongs to an unprivileged user.
        asOwner = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] : []
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        if getuid() == 0 {
            try run(["/usr/bin/chown", "-R", "nobody", directory.path], asOwner: false)
        }
        try run([bindir + "/initdb", "-D", dataPath, "-U", "journeyman", "--auth=trust", "--encoding=UTF8", "--locale=C"])
        try start()
    }

    var dataPath: String { directory.appendingPathComponent("data").path }
    var url: String { "postgres://journeyman@127.0.0.1:\(port)/postgres?sslmode=disable&max_connections=4" }

    func start() throws {
        try run([
            bindir + "/pg_ctl", "-D", dataPath, "-w", "-t", "60", "-l", directory.appendingPathComponent("server.log").path, "-o",
            "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ])
    }

    func stop() throws {
        try run([bindir + "/pg_ctl", "-D", dataPath, "-m", "immediate", "-w", "stop"])
    }

    func remove() {
        try? stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ arguments: [String], asOwner: Bool = true) throws {
        let process = Process()
        // Through a shell that first closes every descriptor above 2: the server `pg_ctl start` leaves running would
        // otherwise inherit the one Foundation watches for the child's exit, and `waitUntilExit` would never return.
        let closeInherited = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done; exec "$@""#
        let command = (asOwner ? self.asOwner : []) + arguments
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", closeInherited, "bash"] + command
        // To a file, not a pipe: the server that `pg_ctl start` leaves running would hold a pipe open.
        let outputPath = directory.appendingPathComponent("command-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: outputPath.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputPath)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw CommandLineFailure(message: "\(arguments[0]) exited \(process.terminationStatus): \(text)")
        }
    }
}

/// GETs a path of a live server; answers the status, or nil when nothing answers.
func liveStatus(port: Int, path: String) async -> Int? {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = .GET
    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)) else { return nil }
    _ = try? await response.body.collect(upTo: 1 << 20)
    return Int(response.status.code)
}

@Suite("Observability of a running server", .serialized, .timeLimit(.minutes(10)))
struct ObservabilityTests {
    @Test(.enabled(if: PrivatePostgres.findBindir() != nil, "needs the PostgreSQL server binaries"))
    func readinessTurnsUnavailableWhenThePostgreSQLServerStopsAndBackWhenItReturns() async throws {
        let bindir = try #require(PrivatePostgres.findBindir())
        // initdb and pg_ctl take seconds: off the cooperative pool, where they would stall the other tests' servers.
        let postgres = try await blocking { try PrivatePostgres(bindir: bindir) }
        defer { postgres.remove() }
        let server = try await TestServer.make(workers: 0) { $0.databaseURL = postgres.url }
        try await server.test { api in
            #expect(try await api.raw("/readyz", method: .get).status == .ok)
            try await blocking { try postgres.stop() }
            let down = try await api.raw("/readyz", method: .get)
            #expect(down.status == .serviceUnavailable)
            #expect(down.object["error"]?.objectValue?.string("message") == "The store is not reachable.")
            #expect(try await api.raw("/healthz", method: .get).status == .ok)
            // The metrics still answer, and say the store is down.
            let metrics = try await MetricsTests.scrape(api)
            #expect(metrics.value("journeyman_store_up") == 0)

            try await blocking { try postgres.start() }
            let deadline = ContinuousClock.now + .seconds(60)
            var status = try await api.raw("/readyz", method: .get).status
            while status != .ok, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                status = try await api.raw("/readyz", method: .get).status
            }
            #expect(status == .ok)
        }
    }

    @Test func theRequestLogIsOneJSONLineARequestWithItsRouteAndNeverAToken() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-logs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let created = try await runJourneyman(["token", "create", "--name", "logs", "--credits", "100", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        let serve = try ServeProcess(data: data, port: try freePort(), arguments: ["--log-format", "json", "--workers", "1"])
        defer { serve.terminate() }
        try await serve.waitUntilHealthy()

        let reply = try await livePost(
            port: serve.port, path: "/midjourney/imagine", token: token, body: #"{"prompt":"a lantern in the rain --ar 1:1"}"#)
        #expect(reply.status == .ok)
        let traceID = try #require(reply.headers[.init("x-trace-id")!])
        let wrongToken = "jm_wrong_\(UUID().uuidString)"
        let refused = try await livePost(
            port: serve.port, path: "/midjourney/tasks", token: wrongToken, body: #"{"action":"retrieve_batch"}"#)
        #expect(refused.status == .unauthorized)
        serve.terminate()

        let log = try String(contentsOf: serve.log, encoding: .utf8)
        #expect(!log.contains(token) && !log.contains(wrongToken))
        let lines = log.split(separator: "\n").filter { !$0.isEmpty }
        let objects = lines.compactMap { try? JSONValue.parse(Array($0.utf8)).objectValue }
        #expect(objects.count == lines.count, "every line is one JSON object")
        let requests = objects.filter { $0.string("message") == "request" }
        let imagine = try #require(requests.first { $0.string("trace_id") == traceID })
        #expect(imagine.string("method") == "POST")
        #expect(imagine.string("route") == "/midjourney/imagine")
        #expect(imagine.string("status") == "200")
        #expect(imagine.string("application_id")?.isEmpty == false)
        #expect(imagine.string("duration_ms").flatMap(Double.init).map { $0 > 0 } == true)
        #expect(imagine.string("level") == "info" && imagine.string("time") != nil)
        let unauthorized = try #require(requests.first { $0.string("status") == "401" })
        #expect(unauthorized.string("route") == "/midjourney/tasks")
        #expect(unauthorized.string("application_id") == nil)
    }

    @Test func aSIGTERMTurnsReadinessUnavailableForTheDrainBeforeTheServerStops() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-drain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let serve = try ServeProcess(data: data, port: try freePort(), arguments: ["--drain-seconds", "5", "--workers", "0"])
        defer { serve.terminate() }
        try await serve.waitUntilHealthy()
        #expect(await liveStatus(port: serve.port, path: "/readyz") == 200)

        kill(serve.process.processIdentifier, SIGTERM)
        // During the drain the server still answers: readiness says 503, the API and the process check go on.
        var seen: [Int?] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let status = await liveStatus(port: serve.port, path: "/readyz")
            seen.append(status)
            if status == 503 || status == nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen.last == 503, "readiness during the drain: \(seen)")
        #expect(await liveStatus(port: serve.port, path: "/healthz") == 200)
        try await serve.exited()
        #expect(serve.process.terminationStatus == 0)
    }

    @Test func statusShowsTheQueueTasksAndWebhooksOfARunningServerFromItsMetricsPort() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-status-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let created = try await runJourneyman(["token", "create", "--name", "status", "--credits", "100", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        let metricsPort = try freePort()
        let serve = try ServeProcess(
            data: data, port: try freePort(), arguments: ["--metrics-port", String(metricsPort), "--workers", "1"])
        defer { serve.terminate() }
        try await serve.waitUntilHealthy()
        #expect(
            try await livePost(port: serve.port, path: "/midjourney/imagine", token: token, body: #"{"prompt":"a quiet pond"}"#).status
                == .ok)
        #expect(await liveStatus(port: serve.port, path: "/metrics") == 404)

        let screen = try await runJourneyman(["status", "--url", "http://127.0.0.1:\(metricsPort)"])
        #expect(screen.contains("store      up"))
        #expect(screen.contains("workers    1"))
        #expect(screen.contains("queue      pending 0   running 0   holding 0"))
        #expect(screen.contains("tasks      submitted 1   succeeded 1   failed 0   cancelled 0"))
        #expect(screen.contains("credits    charged 2"))
        #expect(screen.contains("upstreams  none"))
        await #expect(throws: CommandLineFailure.self) { try await runJourneyman(["status", "--url", "http://127.0.0.1:\(serve.port)"]) }
    }
}
