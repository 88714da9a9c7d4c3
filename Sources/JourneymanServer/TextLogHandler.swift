import Foundation
import Logging

/// A log handler that writes readable lines (`2026-12-07T21:50:00.123Z info journeyman : key=value ... message`), the
/// default of `serve`. Unlike swift-log's `StreamLogHandler`, which renders all of a logger's metadata again each
/// time one key is set, it keeps metadata as values and renders them only when a line is written: the request path
/// sets a key or two on every request (the trace id, the application), and most requests write no line.
public struct TextLogHandler: LogHandler {
    private let output: @Sendable (String) -> Void
    private let label: String

    /// The least level written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata from the task-local context (tracing), when one is set.
    public var metadataProvider: Logger.MetadataProvider?

    /// Writes to standard error, a line at a time.
    public static func standardError(label: String) -> TextLogHandler {
        TextLogHandler(label: label) { line in FileHandle.standardError.write(Data(line.utf8)) }
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
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Self.timestamp(Date())) \(event.level) \(label) :"
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        line += " [\(event.source)] \(event.message)\n"
        output(line)
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
