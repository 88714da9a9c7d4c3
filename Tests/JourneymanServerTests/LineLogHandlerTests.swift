import Foundation
import JourneymanServer
import Logging
import Synchronization
import Testing

@Suite("The line log handler")
struct LineLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        func append(_ line: String) { written.withLock { $0.append(line) } }
        var all: [String] { written.withLock { $0 } }
    }

    @Test("A line has the time, level, label, the metadata by key (the event's winning) and the message; quieter levels write nothing")
    func aLineHasItsFieldsAndMetadataInKeyOrder() throws {
        let lines = Lines()
        var logger = Logger(label: "journeyman") { label in LineLogHandler(label: label, format: .text) { lines.append($0) } }
        logger.logLevel = .info
        logger[metadataKey: "trace_id"] = "t-1"
        logger[metadataKey: "application_id"] = "app-7"
        logger.debug("not written")
        logger.info("request", metadata: ["status": "200", "trace_id": "t-2"])
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        let pattern =
            #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info journeyman : application_id=app-7 status=200 trace_id=t-2 \[[^\]]+\] request\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
    }
}
