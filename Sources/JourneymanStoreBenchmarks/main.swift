import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanServer
import JourneymanStore
import Logging
import NIOCore
import ServiceLifecycle

// Retrieval through SQLite and through PostgreSQL, side by side in one run. For each store a real server (the
// Hummingbird application with its workers) listens on a loopback port; 100 small tasks are made and finished, then:
//   store     task(id:applicationID:) called directly, one at a time: the store's own latency
//   retrieve  POST /midjourney/tasks {"action":"retrieve"} over HTTP, several clients at once
//   batch     POST /midjourney/tasks {"action":"retrieve_batch","ids":[100 ids]} over HTTP
// It prints requests a second and latency percentiles for each.

let usage = """
    Usage: JourneymanStoreBenchmarks [--database-url URL] [--requests N] [--concurrency C]

    The PostgreSQL URL comes from --database-url, else JOURNEYMAN_TEST_DATABASE_URL
    (`scripts/with-postgres swift run -c release JourneymanStoreBenchmarks` provides one); without it only SQLite runs.
    Each run uses a schema of its own. Defaults: 4000 retrieves, 400 batches, 16 clients at once.
    """

var databaseURL = ProcessInfo.processInfo.environment["JOURNEYMAN_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
var requests = 4000
var concurrency = 16
var arguments = Array(CommandLine.arguments.dropFirst())
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--help", "-h":
        print(usage)
        exit(0)
    case "--database-url":
        databaseURL = arguments.first
        if !arguments.isEmpty { arguments.removeFirst() }
    case "--requests", "--concurrency":
        guard let value = arguments.first.flatMap(Int.init), value > 0 else {
            print("\(argument) needs a positive number")
            exit(2)
        }
        if argument == "--requests" { requests = value } else { concurrency = value }
        arguments.removeFirst()
    default:
        print("unknown argument \(argument)\n\n\(usage)")
        exit(2)
    }
}

/// Latency figures of one measured run.
struct Figures {
    let label: String
    let count: Int
    let seconds: Double
    let latencies: [Double]

    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    var line: String {
        String(
            format: "  %-48@ %6.0f /s   p50 %7.2f ms   p90 %7.2f ms   p99 %7.2f ms   (%d in %.2f s)",
            label as NSString, Double(count) / seconds, percentile(0.5) * 1000, percentile(0.9) * 1000,
            percentile(0.99) * 1000, count, seconds
        )
    }
}

/// Runs `operation` `count` times with `clients` at once; answers the figures.
func measure(_ label: String, count: Int, clients: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Figures
{
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for client in 0..<clients {
            group.addTask {
                var mine: [Double] = []
                var index = client
                while index < count {
                    let before = ContinuousClock.now
                    try await operation(index)
                    let elapsed = ContinuousClock.now - before
                    mine.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                    index += clients
                }
                return mine
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let total = ContinuousClock.now - started
    return Figures(
        label: label, count: count, seconds: Double(total.components.attoseconds) / 1e18 + Double(total.components.seconds),
        latencies: latencies
    )
}

/// A free loopback port.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BenchmarkFailure("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Something the benchmark could not do.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// POSTs JSON to the benchmarked server; answers the body, or throws on a non-200 answer.
func post(port: Int, token: String, path: String, body: String) async throws -> ByteBuffer {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = .POST
    request.headers.add(name: "authorization", value: "Bearer \(token)")
    request.headers.add(name: "content-type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 1 << 24)
    guard response.status == .ok else { throw BenchmarkFailure("\(path) answered \(response.status): \(String(buffer: bytes))") }
    return bytes
}

/// Starts a server over the store `configure` picks, makes 100 finished tasks, measures, and stops the server.
func benchmark(storeName: String, requests: Int, concurrency: Int, configure: (inout ServerConfiguration) -> Void) async throws -> [Figures]
{
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = ServerConfiguration(host: "127.0.0.1", port: try freePort(), dataDirectory: directory, workers: 2)
    configuration.rateLimit = RatePolicy(perSecond: 1_000_000, burst: 1_000_000)
    configuration.taskLimits = .none
    configure(&configuration)
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let server = try await buildApplication(configuration: configuration, logger: logger)
    let created = try await Administration(store: server.store).createCredential(
        name: "bench", applicationID: nil, scopes: Set(APIScope.allCases), credits: 1_000_000
    )
    let token = created.token
    let port = configuration.port
    let group = ServiceGroup(services: [server.application], logger: logger)
    return try await withThrowingTaskGroup(of: [Figures].self) { tasks in
        tasks.addTask {
            try await group.run()
            return []
        }
        do {
            // Wait until it listens.
            for _ in 0..<200 {
                if (try? await post(port: port, token: token, path: "/midjourney/tasks", body: #"{"action":"retrieve_batch"}"#)) != nil {
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            var ids: [String] = []
            for index in 0..<100 {
                let body = try await post(
                    port: port, token: token, path: "/midjourney/imagine", body: #"{"prompt":"bench \#(index) --ar 4:1","async":true}"#
                )
                guard
                    let id = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["task_id"]
                        as? String
                else {
                    throw BenchmarkFailure("imagine answered \(String(buffer: body))")
                }
                ids.append(id)
            }
            while try await server.store.unfinishedTaskCount() > 0 { try await Task.sleep(for: .milliseconds(100)) }
            let allIDs = ids
            let applicationID = created.application.id
            let store = server.store
            var results: [Figures] = []
            results.append(
                try await measure("\(storeName): store task(id:), 1 client", count: requests, clients: 1) { index in
                    guard try await store.task(id: allIDs[index % allIDs.count], applicationID: applicationID) != nil else {
                        throw BenchmarkFailure("a task went missing")
                    }
                }
            )
            results.append(
                try await measure("\(storeName): HTTP retrieve, \(concurrency) clients", count: requests, clients: concurrency) { index in
                    _ = try await post(
                        port: port, token: token, path: "/midjourney/tasks",
                        body: #"{"action":"retrieve","id":"\#(allIDs[index % allIDs.count])"}"#
                    )
                }
            )
            let batch = allIDs.map { "\"\($0)\"" }.joined(separator: ",")
            results.append(
                try await measure("\(storeName): HTTP retrieve_batch of 100, 4 clients", count: max(40, requests / 10), clients: 4) { _ in
                    let body = try await post(
                        port: port, token: token, path: "/midjourney/tasks", body: #"{"action":"retrieve_batch","ids":[\#(batch)]}"#
                    )
                    guard body.readableBytes > 100 * 200 else { throw BenchmarkFailure("a batch came back short") }
                }
            )
            await group.triggerGracefulShutdown()
            return results
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}

print("Retrieval through SQLite and PostgreSQL (100 finished tasks each; server and client on this machine)")
let (requestCount, clientCount) = (requests, concurrency)
var all = try await benchmark(storeName: "SQLite", requests: requestCount, concurrency: clientCount) { _ in }
if let databaseURL {
    let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    let url = databaseURL + (databaseURL.contains("?") ? "&" : "?") + "schema=\(schema)"
    all += try await benchmark(storeName: "PostgreSQL", requests: requestCount, concurrency: clientCount) { $0.databaseURL = url }
} else {
    print("  (no PostgreSQL URL: give --database-url or JOURNEYMAN_TEST_DATABASE_URL to compare)")
}
for measurement in all.sorted(by: { $0.label.split(separator: ":").last! < $1.label.split(separator: ":").last! }) {
    print(measurement.line)
}
