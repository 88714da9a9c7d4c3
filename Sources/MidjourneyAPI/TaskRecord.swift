/// One task as the Tasks API answers it.
public struct TaskRecord: Sendable, Equatable, Codable {
    /// 24 hex digits, ObjectId-like.
    public var objectID: String
    /// The task's UUID.
    public var id: String
    /// The owning application.
    public var applicationID: String
    /// The credential that created it.
    public var credentialID: String
    /// The trace id of the creating request.
    public var traceID: String
    /// `imagine` or `describe`.
    public var type: String
    /// The creating request as accepted.
    public var request: JSONObject
    /// Whether the task waits for capacity.
    public var hold: Bool
    /// The image's id (imagine tasks only).
    public var imageID: String?
    /// The generation run.
    public var jobID: String
    /// `pending`, `running`, `succeeded`, `failed` or `cancelled`.
    public var state: TaskState
    /// 0–100.
    public var progress: Int
    /// Unix seconds, millisecond precision.
    public var createdAt: Double
    /// When a worker started it.
    public var startedAt: Double?
    /// When it finished.
    public var finishedAt: Double?
    /// `finished_at - created_at`.
    public var duration: Double?
    /// The finished body; absent until the task finishes.
    public var response: JSONValue?

    /// Creates a record.
    public init(
        objectID: String, id: String, applicationID: String, credentialID: String, traceID: String, type: String,
        request: JSONObject, hold: Bool, imageID: String?, jobID: String, state: TaskState, progress: Int,
        createdAt: Double, startedAt: Double?, finishedAt: Double?, duration: Double?, response: JSONValue?
    ) {
        self.objectID = objectID
        self.id = id
        self.applicationID = applicationID
        self.credentialID = credentialID
        self.traceID = traceID
        self.type = type
        self.request = request
        self.hold = hold
        self.imageID = imageID
        self.jobID = jobID
        self.state = state
        self.progress = progress
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.duration = duration
        self.response = response
    }

    enum CodingKeys: String, CodingKey {
        case objectID = "_id"
        case id
        case applicationID = "application_id"
        case credentialID = "credential_id"
        case traceID = "trace_id"
        case type, request, hold
        case imageID = "image_id"
        case jobID = "job_id"
        case state, progress
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case duration, response
    }
}

/// Where a task is in its life.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    case pending, running, succeeded, failed, cancelled

    /// Whether the task has finished, one way or another.
    public var isFinished: Bool {
        self == .succeeded || self == .failed || self == .cancelled
    }
}

/// `retrieve_batch`'s answer.
public struct TaskBatch: Sendable, Equatable, Codable {
    /// The records found, in the order asked (or newest first when listing).
    public var items: [TaskRecord]
    /// `items.count`.
    public var count: Int

    /// Creates a batch.
    public init(items: [TaskRecord]) {
        self.items = items
        self.count = items.count
    }
}
