import MidjourneyAPI

/// One upstream provider of a Journeyman gateway, as its operate panel reports it.
public struct UpstreamStatus: Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its contract: `midjourney-api` or `midjourney-proxy`.
    public var kind: String
    /// Why it takes no new tasks; nil when it is healthy.
    public var downReason: String?
    /// Tasks being followed there now.
    public var inFlight: Int
    /// New tasks waiting for a place there (it and every other upstream they could go to are full).
    public var waiting: Int = 0
    /// Retried and failed calls in the last hour.
    public var failuresInLastHour: Int
    /// Calls made to it since the server started, by purpose.
    public var calls: [String: Int]

    /// Whether it is healthy.
    public var isUp: Bool { downReason == nil }
}

extension JourneymanClient {
    /// The server's upstreams and their health (empty when it draws with its local engine). Needs the token of an
    /// administrator application (`journeyman app admin`).
    public func upstreams() async throws -> [UpstreamStatus] {
        let response = try await send(.GET, "/console/api/overview", accept: "application/json", idempotent: true)
        let bytes = try await response.body.collect(upTo: Self.maxJSONBytes)
        guard let object = (try? JSONValue.parse(bytes.readableBytesView))?.objectValue else {
            throw ClientError.unreadableAnswer(path: "/console/api/overview", detail: "not a JSON object")
        }
        guard case .array(let rows)? = object["engine"]?.objectValue?["upstreams"] else { return [] }
        return rows.compactMap(\.objectValue).map { row in
            var calls: [String: Int] = [:]
            for (purpose, count) in (row["calls"]?.objectValue ?? JSONObject()).members {
                calls[purpose] = count.doubleValue.map { Int($0) } ?? 0
            }
            return UpstreamStatus(
                name: row["name"]?.stringValue ?? "?", kind: row["kind"]?.stringValue ?? "?",
                downReason: row["up"]?.boolValue == false ? (row["down_reason"]?.stringValue ?? "down") : nil,
                inFlight: row["in_flight"]?.doubleValue.map { Int($0) } ?? 0,
                waiting: row["waiting"]?.doubleValue.map { Int($0) } ?? 0,
                failuresInLastHour: row["failures_last_hour"]?.doubleValue.map { Int($0) } ?? 0, calls: calls)
        }
    }
}
