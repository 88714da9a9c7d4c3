import AsyncHTTPClient
import NIOCore

/// One sample of the Prometheus text exposition format: a name, its labels and a value.
public struct PrometheusSample: Sendable, Equatable {
    /// The series name (`journeyman_tasks`, `journeyman_http_request_duration_seconds_bucket`).
    public var name: String
    /// The labels, by name.
    public var labels: [String: String]
    /// The value (`NaN`, `+Inf` and `-Inf` included).
    public var value: Double

    /// Creates a sample.
    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }
}

/// A parsed scrape of `/metrics`: the samples in the order given, with lookups by name and labels.
public struct PrometheusText: Sendable {
    /// Every sample.
    public var samples: [PrometheusSample]

    /// A line that does not follow the text format (its number, 1-based, and why).
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        /// The line.
        public var line: Int
        /// What is wrong with it.
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses the text exposition format (version 0.0.4): comments and blank lines are skipped; every other line is
    /// `name{label="value",...} value [timestamp]`, label values with `\\`, `\"` and `\n` escapes.
    public init(parsing text: String) throws {
        samples = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingPrefixWhitespace()
            if line.isEmpty || line.first == "#" { continue }
            do {
                samples.append(try Self.sample(Array(line.unicodeScalars)))
            } catch let reason as Reason {
                throw SyntaxError(line: index + 1, reason: reason.text)
            }
        }
    }

    /// The value of the one series `name` whose labels include `labels`, when there is exactly one.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { $0.name == name && Self.includes($0.labels, labels) }
        return matching.count == 1 ? matching[0].value : nil
    }

    /// The sum over every series `name` whose labels include `labels` (0 when there is none).
    public func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { $0.name == name && Self.includes($0.labels, labels) }.reduce(0) { $0 + $1.value }
    }

    /// Every series named `name`.
    public func series(_ name: String) -> [PrometheusSample] {
        samples.filter { $0.name == name }
    }

    private static func includes(_ labels: [String: String], _ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { labels[$0.key] == $0.value }
    }

    private struct Reason: Error {
        let text: String
    }

    private static func sample(_ scalars: [Unicode.Scalar]) throws -> PrometheusSample {
        var index = 0
        let name = identifier(scalars, &index)
        guard !name.isEmpty else { throw Reason(text: "a sample starts with a metric name") }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while true {
                skipSpaces(scalars, &index)
                if index < scalars.count, scalars[index] == "}" {
                    index += 1
                    break
                }
                let label = identifier(scalars, &index)
                guard !label.isEmpty else { throw Reason(text: "a label name is missing") }
                guard index < scalars.count, scalars[index] == "=" else { throw Reason(text: "'=' must follow label \(label)") }
                index += 1
                guard index < scalars.count, scalars[index] == "\"" else { throw Reason(text: "label \(label)'s value must be quoted") }
                index += 1
                var value = String.UnicodeScalarView()
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "\"" {
                        closed = true
                        break
                    }
                    if scalar == "\\", index < scalars.count {
                        let escaped = scalars[index]
                        index += 1
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(scalar)
                    }
                }
                guard closed else { throw Reason(text: "label \(label)'s value is not closed") }
                guard labels.updateValue(String(value), forKey: label) == nil else { throw Reason(text: "label \(label) appears twice") }
                skipSpaces(scalars, &index)
                if index < scalars.count, scalars[index] == "," { index += 1 }
            }
        }
        skipSpaces(scalars, &index)
        var valueText = ""
        while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" {
            valueText.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard let value = number(valueText) else { throw Reason(text: "'\(valueText.prefix(40))' is not a sample value") }
        skipSpaces(scalars, &index)
        var timestamp = ""
        while index < scalars.count, scalars[index] != " " {
            timestamp.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard timestamp.isEmpty || Int64(timestamp) != nil else { throw Reason(text: "'\(timestamp.prefix(40))' is not a timestamp") }
        skipSpaces(scalars, &index)
        guard index == scalars.count else { throw Reason(text: "unexpected text after the sample") }
        return PrometheusSample(name: name, labels: labels, value: value)
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    private static func identifier(_ scalars: [Unicode.Scalar], _ index: inout Int) -> String {
        var out = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar == ":"
            let isDigit = ("0"..."9").contains(scalar)
            guard isLetter || (isDigit && !out.isEmpty) else { break }
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    private static func skipSpaces(_ scalars: [Unicode.Scalar], _ index: inout Int) {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }
}

extension Substring {
    fileprivate func trimmingPrefixWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == "\r" { result = result.dropLast() }
        return result
    }
}

extension JourneymanClient {
    /// Reads a Journeyman server's `/metrics` (from `url`, else from this client's base URL) and parses it.
    /// Needs no token; a server that serves its metrics on a port of their own is read with that port's URL.
    public func metrics(url: String? = nil) async throws -> PrometheusText {
        let address = url ?? baseURL + "/metrics"
        var request = HTTPClientRequest(url: address)
        request.method = .GET
        let response = try await httpClient.execute(request, timeout: .seconds(Int64(configuration.requestTimeout.components.seconds)))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let text = String(buffer: body)
        guard response.status.code == 200 else {
            throw ServerError(status: Int(response.status.code), code: "http_\(response.status.code)", message: String(text.prefix(200)))
        }
        do {
            return try PrometheusText(parsing: text)
        } catch {
            throw ClientError.unreadableAnswer(path: "/metrics", detail: "\(error)")
        }
    }
}
