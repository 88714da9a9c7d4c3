import Foundation
import Logging

/// A log handler that writes one JSON object a line (`time`, `level`, `label`, `message`, then the metadata as
/// strings), for log collectors; `serve --log-format json`.
public struct JSONLogHandler: LogHandler {
    /// Where lines go.
    private let output: @Sendable (String) -> Void
    private let label: String

    /// The least level written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata from the task-local context (tracing), when one is set.
    public var metadataProvider: Logger.MetadataProvider?

    /// Writes to standard error, a line at a time.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Writes each line (newline included) to `output`.
    public init(label: String, output: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Self.timestamp(Date())), ("level", event.level.rawValue), ("label", label), ("message", "\(event.message)"),
        ]
        let reserved: Set<String> = ["time", "level", "label", "message"]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() where !reserved.contains(key) {
            fields.append((key, Self.text(merged[key]!)))
        }
        var line = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { line += "," }
            line += Self.quoted(key) + ":" + Self.quoted(value)
        }
        line += "}\n"
        output(line)
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
