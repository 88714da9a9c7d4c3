import Foundation
import Logging

/// The log handler of `serve`: one line an event, readable text (`2026-12-07T21:50:00.123Z info journeyman : key=value
/// ... [source] message`, the default) or one JSON object (`time`, `level`, `label`, `message`, then the metadata as
/// strings, for log collectors: `--log-format json`). Metadata is kept as values and rendered only when a line is
/// written: swift-log's `StreamLogHandler` renders all of it again whenever one key is set, which the request path does
/// on every request (the trace id, the application), and that was 5.8 % of a cached retrieve.
public struct LineLogHandler: LogHandler {
    /// How a line is written.
    public enum Format: Sendable {
        /// `time level label : key=value ... [source] message`.
        case text
        /// One JSON object.
        case json
    }

    private let format: Format
    private let output: @Sendable (String) -> Void
    private let label: String

    /// The least level written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata from the task-local context (tracing), when one is set.
    public var metadataProvider: Logger.MetadataProvider?

    /// Writes to standard error, a line at a time.
    public static func standardError(label: String, format: Format) -> LineLogHandler {
        LineLogHandler(label: label, format: format) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Writes each line (newline included) to `output`.
    public init(label: String, format: Format, output: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.format = format
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = Self.timestamp(Date())
        switch format {
        case .text:
            var line = "\(time) \(event.level) \(label) :"
            for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
            output(line + " [\(event.source)] \(event.message)\n")
        case .json:
            var fields: [(String, String)] = [
                ("time", time), ("level", event.level.rawValue), ("label", label), ("message", "\(event.message)"),
            ]
            let reserved: Set<String> = ["time", "level", "label", "message"]
            for key in merged.keys.sorted() where !reserved.contains(key) {
                fields.append((key, Self.text(merged[key]!)))
            }
            var line = "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { line += "," }
                line += Self.quoted(key) + ":" + Self.quoted(value)
            }
            output(line + "}\n")
        }
    }

    /// A metadata value as one string (lists and dictionaries in swift-log's own rendering).
    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        default: return value.description
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
