import MidjourneyAPI

// The wire types the client's API speaks in, named here so that `import JourneymanClient` alone is enough.
// They are the very types of MidjourneyAPI: a file that imports both sees one type under each name.

/// Where a task is in its life: `pending`, `running`, `succeeded`, `failed` or `cancelled`.
///
/// ```swift
/// if try await client.task(id).state == .succeeded { ... }
/// ```
public typealias TaskState = MidjourneyAPI.TaskState

/// How fast (and how dear) a task runs: `relax`, `fast` or `turbo`.
///
/// ```swift
/// let options = ImagineOptions(mode: TaskMode.relax)
/// ```
public typealias TaskMode = MidjourneyAPI.TaskMode

/// The error codes of the contract's envelope (`bad_request`, `invalid_token`, `too_many_requests`, ...).
///
/// ```swift
/// if failure.errorCode == ErrorCode.timeout { ... }
/// ```
public typealias ErrorCode = MidjourneyAPI.ErrorCode

/// A JSON object whose members keep their order: a record's `request` and `response`, and raw answers.
///
/// ```swift
/// let prompt = task.request["prompt"]?.stringValue
/// ```
public typealias JSONObject = MidjourneyAPI.JSONObject

/// Any JSON value.
///
/// ```swift
/// let options = ImagineOptions(extraFields: ["quality": JSONValue.string("hd")])
/// ```
public typealias JSONValue = MidjourneyAPI.JSONValue
