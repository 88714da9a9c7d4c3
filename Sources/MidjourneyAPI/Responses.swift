/// The finished body of an imagine task (also the record's `response`).
public struct ImagineResult: Sendable, Equatable, Codable {
    /// Always true.
    public var success: Bool
    /// The task.
    public var taskID: String
    /// The trace id of the request that created the task.
    public var traceID: String?
    /// The image, for follow-up actions.
    public var imageID: String
    /// The generation run.
    public var jobID: String
    /// 100 when finished; growing on ndjson progress lines.
    public var progress: Int
    /// Whether the task waited for capacity.
    public var hold: Bool
    /// The 50 % thumbnail.
    public var imageURL: String?
    /// Width of the thumbnail.
    public var imageWidth: Int?
    /// Height of the thumbnail.
    public var imageHeight: Int?
    /// The full-size image.
    public var rawImageURL: String?
    /// Width of the full-size image.
    public var rawImageWidth: Int?
    /// Height of the full-size image.
    public var rawImageHeight: Int?
    /// What may follow this result.
    public var actions: [String]
    /// The four quadrants, when `split_images` was asked for.
    public var subImageURLs: [String]?

    /// Creates a result.
    public init(
        taskID: String, traceID: String?, imageID: String, jobID: String, progress: Int = 100, hold: Bool = false,
        imageURL: String?, imageWidth: Int?, imageHeight: Int?, rawImageURL: String?, rawImageWidth: Int?,
        rawImageHeight: Int?, actions: [String], subImageURLs: [String]? = nil
    ) {
        self.success = true
        self.taskID = taskID
        self.traceID = traceID
        self.imageID = imageID
        self.jobID = jobID
        self.progress = progress
        self.hold = hold
        self.imageURL = imageURL
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.rawImageURL = rawImageURL
        self.rawImageWidth = rawImageWidth
        self.rawImageHeight = rawImageHeight
        self.actions = actions
        self.subImageURLs = subImageURLs
    }

    enum CodingKeys: String, CodingKey {
        case success
        case taskID = "task_id"
        case traceID = "trace_id"
        case imageID = "image_id"
        case jobID = "job_id"
        case progress, hold
        case imageURL = "image_url"
        case imageWidth = "image_width"
        case imageHeight = "image_height"
        case rawImageURL = "raw_image_url"
        case rawImageWidth = "raw_image_width"
        case rawImageHeight = "raw_image_height"
        case actions
        case subImageURLs = "sub_image_urls"
    }
}

/// The finished body of a describe task.
public struct DescribeResult: Sendable, Equatable, Codable {
    /// Always true.
    public var success: Bool
    /// The task.
    public var taskID: String
    /// The trace id of the request that created the task.
    public var traceID: String?
    /// Four prompt-style descriptions, each ending in `--ar W:H`.
    public var descriptions: [String]

    /// Creates a result.
    public init(taskID: String, traceID: String?, descriptions: [String]) {
        self.success = true
        self.taskID = taskID
        self.traceID = traceID
        self.descriptions = descriptions
    }

    enum CodingKeys: String, CodingKey {
        case success
        case taskID = "task_id"
        case traceID = "trace_id"
        case descriptions
    }
}

/// The `error` member of an envelope or of a failed task's response.
public struct ErrorDetail: Sendable, Equatable, Codable {
    /// Machine-readable code.
    public var code: String
    /// Human-readable message.
    public var message: String

    /// Creates a detail.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// The body of every error answer.
public struct ErrorEnvelope: Sendable, Equatable, Codable {
    /// Always false.
    public var success: Bool
    /// What went wrong.
    public var error: ErrorDetail
    /// The request's trace id.
    public var traceID: String

    /// Creates an envelope.
    public init(code: String, message: String, traceID: String) {
        self.success = false
        self.error = ErrorDetail(code: code, message: message)
        self.traceID = traceID
    }

    enum CodingKeys: String, CodingKey {
        case success, error
        case traceID = "trace_id"
    }
}

/// The `response` of a task that failed or was cancelled.
public struct FailureResult: Sendable, Equatable, Codable {
    /// Always false.
    public var success: Bool
    /// The task.
    public var taskID: String
    /// The trace id of the request that created the task.
    public var traceID: String?
    /// Why it failed.
    public var error: ErrorDetail

    /// Creates a failure.
    public init(taskID: String, traceID: String?, code: String, message: String) {
        self.success = false
        self.taskID = taskID
        self.traceID = traceID
        self.error = ErrorDetail(code: code, message: message)
    }

    enum CodingKeys: String, CodingKey {
        case success
        case taskID = "task_id"
        case traceID = "trace_id"
        case error
    }
}

/// What an asynchronous submission answers at once.
public struct CreatedResponse: Sendable, Equatable, Codable {
    /// The new task.
    public var taskID: String
    /// The request's trace id.
    public var traceID: String

    /// Creates the answer.
    public init(taskID: String, traceID: String) {
        self.taskID = taskID
        self.traceID = traceID
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case traceID = "trace_id"
    }

    /// The answer's bytes, `task_id` then `trace_id`, written without Foundation's encoder (a submit's hot path).
    public func serialized() -> [UInt8] {
        JSONValue.serializedObject([("task_id", .value(.string(taskID))), ("trace_id", .value(.string(traceID)))])
    }
}

/// `/midjourney/seed`'s answer.
public struct SeedResponse: Sendable, Equatable, Codable {
    /// The seed, as a decimal string.
    public var seed: String

    /// Creates the answer.
    public init(seed: String) { self.seed = seed }
}

/// `/midjourney/shorten`'s answer.
public struct ShortenResponse: Sendable, Equatable, Codable {
    /// Up to five shorter prompts.
    public var prompts: [String]

    /// Creates the answer.
    public init(prompts: [String]) { self.prompts = prompts }
}

/// One progress line of an ndjson stream (and of a progress webhook): no URLs, no actions until finished.
public struct ProgressLine: Sendable, Equatable, Codable {
    /// Always true.
    public var success: Bool
    /// The task.
    public var taskID: String
    /// The trace id of the creating request.
    public var traceID: String?
    /// The image id (imagine only).
    public var imageID: String?
    /// The generation run.
    public var jobID: String?
    /// 0–99 while running.
    public var progress: Int
    /// Whether the task waits for capacity.
    public var hold: Bool
    /// Empty until the finished body.
    public var actions: [String]

    /// Creates a line.
    public init(taskID: String, traceID: String?, imageID: String?, jobID: String?, progress: Int, hold: Bool) {
        self.success = true
        self.taskID = taskID
        self.traceID = traceID
        self.imageID = imageID
        self.jobID = jobID
        self.progress = progress
        self.hold = hold
        self.actions = []
    }

    enum CodingKeys: String, CodingKey {
        case success
        case taskID = "task_id"
        case traceID = "trace_id"
        case imageID = "image_id"
        case jobID = "job_id"
        case progress, hold, actions
    }
}
