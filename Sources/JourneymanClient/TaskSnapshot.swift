import MidjourneyAPI

/// A task as the server reported it at one moment: a record of the Tasks API, an event of its stream, or a line of an
/// ndjson answer.
///
/// Read leniently, so that records of the public service work as Journeyman's do: the run time may be `duration` or
/// `elapsed`, sizes may be strings, `state` and `progress` may be missing (then they are told by `response`), and
/// fields the client does not know are kept in ``raw``.
///
/// ```swift
/// let task = try await client.task("7489df4c-ef03-4de0-b598-e9a590793434")
/// print(task.state, task.progress)  // succeeded 100
/// ```
public struct TaskSnapshot: Sendable, Equatable {
    /// The task's UUID.
    public var id: String
    /// `imagine` or `describe` (other family endpoints use their own names); nil when not reported.
    public var type: String?
    /// Where the task is; when the record has no `state`, told by its `response` (none yet: `pending` or `running`).
    public var state: TaskState
    /// 0–100; 100 once succeeded.
    public var progress: Int
    /// Whether the task waits for capacity.
    public var hold: Bool
    /// The image acted on by follow-ups (imagine tasks).
    public var imageID: String?
    /// The generation run.
    public var jobID: String?
    /// The trace id of the request that created the task.
    public var traceID: String?
    /// The creating request as the server accepted it.
    public var request: JSONObject
    /// Unix seconds.
    public var createdAt: Double?
    /// Unix seconds a worker started it.
    public var startedAt: Double?
    /// Unix seconds it finished.
    public var finishedAt: Double?
    /// Seconds from creation to finish: `duration`, or the public schema's `elapsed`.
    public var duration: Double?
    /// The finished body; nil until the task has finished.
    public var response: JSONObject?
    /// Every member as received.
    public var raw: JSONObject
    /// The record's JSON text as received (written anew when it came inside a larger answer, such as a batch).
    public var json: String

    /// Reads a record of the Tasks API (or of the events stream); nil for `{}`, the answer for an unknown task.
    /// `json` is its text as received, when known.
    public init?(record: JSONObject, json: String? = nil) {
        let response = record.object("response")
        guard let id = record.lenientString("id") ?? response?.lenientString("task_id"), !id.isEmpty else { return nil }
        self.id = id
        type = record.lenientString("type")
        hold = record.lenientBool("hold") ?? response?.lenientBool("hold") ?? false
        imageID = record.lenientString("image_id") ?? response?.lenientString("image_id")
        jobID = record.lenientString("job_id") ?? response?.lenientString("job_id")
        traceID = record.lenientString("trace_id") ?? response?.lenientString("trace_id")
        request = record.object("request") ?? JSONObject()
        createdAt = record.lenientDouble("created_at")
        startedAt = record.lenientDouble("started_at")
        finishedAt = record.lenientDouble("finished_at")
        duration = record.lenientDouble("duration") ?? record.lenientDouble("elapsed")
        self.response = response
        raw = record
        self.json = json ?? JSONValue.object(record).jsonText
        state = record.lenientString("state").flatMap(TaskState.init(rawValue:)) ?? Self.state(response: response, startedAt: startedAt)
        progress = Self.progress(record: record, response: response, state: state)
    }

    /// Reads one line of an ndjson answer (a progress line, or the finished body last).
    init?(line: JSONObject, json: String? = nil) {
        guard let id = line.lenientString("task_id"), !id.isEmpty else { return nil }
        let finished = line.lenientBool("success") == false || Self.looksFinished(line)
        self.id = id
        type = line["descriptions"] != nil ? "describe" : nil
        hold = line.lenientBool("hold") ?? false
        imageID = line.lenientString("image_id")
        jobID = line.lenientString("job_id")
        traceID = line.lenientString("trace_id")
        request = JSONObject()
        response = finished ? line : nil
        raw = line
        self.json = json ?? JSONValue.object(line).jsonText
        state = finished ? Self.state(response: line, startedAt: nil) : .running
        progress = Self.progress(record: line, response: response, state: state)
    }

    /// Whether the task has finished, one way or another.
    public var isFinished: Bool { state.isFinished }

    /// Why the task did not succeed; nil while it runs and once it has succeeded.
    public var failure: TaskFailure? { TaskFailure(self) }

    /// The prompt of the creating request, when it had one.
    public var prompt: String? { request.lenientString("prompt") }

    /// The describe task's four descriptions, once it has succeeded.
    public var descriptions: [String]? { state == .succeeded ? response?.lenientStrings("descriptions") : nil }

    /// What a client without a `state` field concludes (the official SDKs' rule): `response.success` decides once a
    /// response is there; a cancelled task's error says `cancelled`.
    private static func state(response: JSONObject?, startedAt: Double?) -> TaskState {
        guard let response else { return startedAt == nil ? .pending : .running }
        if response.lenientBool("success") == false {
            return response.object("error")?.lenientString("code") == ErrorCode.cancelled.rawValue ? .cancelled : .failed
        }
        return .succeeded
    }

    private static func progress(record: JSONObject, response: JSONObject?, state: TaskState) -> Int {
        if state == .succeeded { return 100 }
        let reported = record.lenientInt("progress") ?? response?.lenientInt("progress") ?? 0
        return min(max(reported, 0), 100)
    }

    /// A finished body carries its artifacts: an image URL, or descriptions.
    private static func looksFinished(_ body: JSONObject) -> Bool {
        body["descriptions"] != nil || body.keys.contains { $0.hasSuffix("_url") && body[$0]?.stringValue != nil }
    }
}

/// One page of the application's tasks, newest first.
///
/// ```swift
/// let page = try await client.tasks(offset: 0, limit: 20)
/// for task in page.items { print(task.id, task.state) }
/// ```
public struct TaskPage: Sendable, Equatable {
    /// The tasks of this page.
    public var items: [TaskSnapshot]
    /// The server's `count`: the number of items on Journeyman, the total matching on the public service.
    public var count: Int
    /// The answer as received.
    public var raw: JSONObject
    /// The answer's JSON text as received.
    public var json: String
}
