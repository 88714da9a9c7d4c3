import AsyncHTTPClient
import NIOCore

/// Reads a streamed body line by line (`\n` or `\r\n`), as ndjson and Server-Sent Events are written.
struct LineReader {
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    /// The longest line accepted: a finished record is a few kilobytes.
    static let maxLine = 8 * 1024 * 1024

    init(_ body: HTTPClientResponse.Body) {
        self.body = body.makeAsyncIterator()
    }

    /// The next line without its terminator; nil once the body has ended.
    mutating func next() async throws -> String? {
        while true {
            if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[start..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                start = end + 1
                if start > 64 * 1024 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return String(decoding: line, as: UTF8.self)
            }
            if ended {
                guard start < buffer.count else { return nil }
                let rest = buffer[start...]
                start = buffer.count
                return String(decoding: rest, as: UTF8.self)
            }
            guard let chunk = try await body.next() else {
                ended = true
                continue
            }
            buffer.append(contentsOf: chunk.readableBytesView)
            guard buffer.count - start <= Self.maxLine else { throw StreamTooLong() }
        }
    }
}

/// A streamed line longer than ``LineReader/maxLine``.
struct StreamTooLong: Error {}

/// Reads Server-Sent Events (`event:` and `data:` fields, an empty line ending each event).
struct EventStreamReader {
    /// One event.
    struct Event: Equatable {
        var name: String
        var data: String
    }

    private var lines: LineReader

    init(_ body: HTTPClientResponse.Body) {
        lines = LineReader(body)
    }

    /// The next event with data; nil once the stream has ended.
    mutating func next() async throws -> Event? {
        var name = "message"
        var data: [String] = []
        while let line = try await lines.next() {
            if line.isEmpty {
                if !data.isEmpty { return Event(name: name, data: data.joined(separator: "\n")) }
                name = "message"
                continue
            }
            if line.hasPrefix(":") { continue }
            let field: Substring
            var value: Substring
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                value = line[line.index(after: colon)...]
                if value.first == " " { value = value.dropFirst() }
            } else {
                field = line[...]
                value = ""
            }
            switch field {
            case "event": name = String(value)
            case "data": data.append(String(value))
            default: continue
            }
        }
        return data.isEmpty ? nil : Event(name: name, data: data.joined(separator: "\n"))
    }
}
