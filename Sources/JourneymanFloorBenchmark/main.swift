import Foundation
import Hummingbird

// The framework's floor for `scripts/bench-retrieve`: a minimal Hummingbird 2 application that answers
// POST /midjourney/tasks with the bytes of a file, read once at start. Whatever Journeyman does beyond this per
// retrieve is its own work.

let usage = """
    Usage: JourneymanFloorBenchmark --body FILE [--port N]

    Serves POST /midjourney/tasks on 127.0.0.1:N (default 8081) answering FILE's bytes as application/json, and
    GET /healthz. No token check, no store: the cost of Hummingbird's HTTP/1 server alone.

    Example:
      swift run -c release JourneymanFloorBenchmark --body /tmp/record.json --port 9000
    """

var bodyPath: String?
var port = 8081
var arguments = Array(CommandLine.arguments.dropFirst())
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--help", "-h":
        print(usage)
        exit(0)
    case "--body":
        bodyPath = arguments.first
        if !arguments.isEmpty { arguments.removeFirst() }
    case "--port":
        guard let value = arguments.first.flatMap(Int.init), (1...65535).contains(value) else {
            print("--port needs a port number")
            exit(2)
        }
        port = value
        arguments.removeFirst()
    default:
        print("unknown argument \(argument)\n\n\(usage)")
        exit(2)
    }
}
guard let bodyPath, let body = FileManager.default.contents(atPath: bodyPath) else {
    print("--body FILE is required and must be readable\n\n\(usage)")
    exit(2)
}

let bytes = ByteBuffer(bytes: body)
let router = Router()
router.post("/midjourney/tasks") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: bytes))
}
router.get("/healthz") { _, _ in "ok" }
let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await application.runService()
