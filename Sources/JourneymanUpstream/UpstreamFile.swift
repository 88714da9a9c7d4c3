import Foundation

/// `serve --upstreams FILE`: a JSON list of upstreams, each
/// `{"name", "kind", "url", "token" or "token_env", "weight", "max_running", "modes", "poll_interval",
/// "breaker_failures", "breaker_probe_seconds"}`. A token is better named by `token_env` (a variable that holds it)
/// than written in the file.
public enum UpstreamFile {
    /// What is wrong with a file, in words that name the entry and the field.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads the file at `path`; tokens named by `token_env` are read from `environment`.
    public static func load(path: String, environment: [String: String]) throws -> [UpstreamSettings] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem("cannot read \(path)") }
        return try parse(data, environment: environment)
    }

    /// Parses a file's contents.
    public static func parse(_ data: Data, environment: [String: String]) throws -> [UpstreamSettings] {
        guard data.count <= 1 << 20 else { throw Problem("the file is larger than 1 MiB") }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw Problem("the file must hold a JSON list of upstreams")
        }
        guard !list.isEmpty else { throw Problem("the list names no upstream") }
        var upstreams: [UpstreamSettings] = []
        for (index, item) in list.enumerated() {
            guard let entry = item as? [String: Any] else { throw Problem("entry \(index + 1) is not an object") }
            let upstream = try settings(entry, index: index, environment: environment)
            guard !upstreams.contains(where: { $0.name == upstream.name }) else {
                throw Problem("entry \(index + 1): the name '\(upstream.name)' is used twice")
            }
            upstreams.append(upstream)
        }
        return upstreams
    }

    private static let fields: Set<String> = [
        "name", "kind", "url", "token", "token_env", "weight", "max_running", "modes", "poll_interval", "breaker_failures",
        "breaker_probe_seconds",
    ]

    private static func settings(_ entry: [String: Any], index: Int, environment: [String: String]) throws -> UpstreamSettings {
        let at = "entry \(index + 1)"
        if let unknown = entry.keys.sorted().first(where: { !fields.contains($0) }) {
            throw Problem("\(at): unknown field '\(unknown.prefix(40))' (known: \(fields.sorted().joined(separator: ", ")))")
        }
        guard let name = entry["name"] as? String, !name.isEmpty, name.count <= 40,
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        else { throw Problem("\(at): 'name' is required: up to 40 letters, digits, - or _") }
        let at2 = "upstream '\(name)'"
        let kindName = entry["kind"] as? String ?? UpstreamSettings.Kind.midjourneyAPI.rawValue
        guard let kind = UpstreamSettings.Kind(rawValue: kindName) else {
            throw Problem("\(at2): 'kind' must be midjourney-api or midjourney-proxy")
        }
        guard let url = entry["url"] as? String, let parsed = URL(string: url),
            ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else { throw Problem("\(at2): 'url' must be an http or https URL") }
        let token: String
        if let variable = entry["token_env"] as? String {
            guard let value = environment[variable], !value.isEmpty else {
                throw Problem("\(at2): the variable \(variable.prefix(60)) named by 'token_env' is not set")
            }
            token = value
        } else if let value = entry["token"] as? String, !value.isEmpty {
            token = value
        } else {
            throw Problem("\(at2): 'token' or 'token_env' is required")
        }
        var settings = UpstreamSettings(name: name, kind: kind, url: url, token: token)
        if let value = entry["weight"] {
            guard let weight = value as? Double, weight > 0, weight <= 1000 else {
                throw Problem("\(at2): 'weight' must be a number above 0")
            }
            settings.weight = weight
        }
        if let value = entry["max_running"] {
            guard let limit = value as? Int, limit >= 1 else { throw Problem("\(at2): 'max_running' must be a whole number of at least 1") }
            settings.maxRunning = limit
        }
        if let value = entry["modes"] {
            let allowed: Set<String> = ["relax", "fast", "turbo"]
            guard let modes = value as? [String], !modes.isEmpty, Set(modes).isSubset(of: allowed) else {
                throw Problem("\(at2): 'modes' must be a list of relax, fast, turbo")
            }
            settings.modes = Set(modes)
        }
        if let value = entry["poll_interval"] {
            guard let seconds = value as? Double, seconds >= 0.05, seconds <= 3600 else {
                throw Problem("\(at2): 'poll_interval' must be between 0.05 and 3600 seconds")
            }
            settings.pollInterval = .milliseconds(Int64(seconds * 1000))
        }
        if let value = entry["breaker_failures"] {
            guard let count = value as? Int, count >= 1 else { throw Problem("\(at2): 'breaker_failures' must be at least 1") }
            settings.breakerFailures = count
        }
        if let value = entry["breaker_probe_seconds"] {
            guard let seconds = value as? Double, seconds >= 0.1 else {
                throw Problem("\(at2): 'breaker_probe_seconds' must be at least 0.1")
            }
            settings.breakerProbeSeconds = seconds
        }
        return settings
    }
}
