import MidjourneyAPI

/// A non-2xx answer of the server, with the code and message of its error envelope.
///
/// ```swift
/// do {
///     _ = try await client.imagine("a cat --ar 9:1")
/// } catch let error as ServerError where error.code == "bad_request" {
///     print(error.message)  // "... --ar ..."
/// }
/// ```
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The envelope's `error.code` (`bad_request`, `invalid_token`, `too_many_requests`, ...); `http_<status>` when the
    /// answer had no envelope.
    public var code: String
    /// The envelope's `error.message`, or the start of the body when it had none.
    public var message: String
    /// The request's trace id (body or `x-trace-id` header), to quote when reporting a problem.
    public var traceID: String?
    /// Seconds the server asked to wait (`retry-after`), when it said.
    public var retryAfter: Double?

    /// Creates an error.
    public init(status: Int, code: String, message: String, traceID: String? = nil, retryAfter: Double? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.traceID = traceID
        self.retryAfter = retryAfter
    }

    /// The code as one the contract knows, nil for a code it does not (`token_expired`, `disabled`, ...).
    public var errorCode: ErrorCode? { ErrorCode(rawValue: code) }

    /// `code: message (HTTP status)`.
    public var description: String { "\(code): \(message) (HTTP \(status))" }
}

/// A task that finished without succeeding: it failed, or it was cancelled.
///
/// ```swift
/// do {
///     let task = try await client.wait(for: id)
/// } catch let failure as TaskFailure {
///     print(failure.code, failure.message)  // "api_error", "The engine failed."
/// }
/// ```
public struct TaskFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The task.
    public var taskID: String
    /// `failed` or `cancelled`.
    public var state: TaskState
    /// The `error.code` of the task's response (`cancelled` for a cancelled task).
    public var code: String
    /// The `error.message` of the task's response.
    public var message: String
    /// The finished record.
    public var task: TaskSnapshot

    /// The failure a finished, unsuccessful record tells; nil for a record that succeeded or has not finished.
    public init?(_ task: TaskSnapshot) {
        guard task.state == .failed || task.state == .cancelled else { return nil }
        let error = task.response?.object("error")
        taskID = task.id
        state = task.state
        code = error?.lenientString("code") ?? (task.state == .cancelled ? ErrorCode.cancelled.rawValue : ErrorCode.apiError.rawValue)
        message = error?.lenientString("message") ?? "The task \(task.state.rawValue) without saying why."
        self.task = task
    }

    /// The code as one the contract knows.
    public var errorCode: ErrorCode? { ErrorCode(rawValue: code) }

    /// `task <id> failed: code: message`.
    public var description: String { "task \(taskID) \(state.rawValue): \(code): \(message)" }
}

/// What the client itself could not do: no configuration, an answer it cannot read, a task that is not there.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is missing or malformed (the base URL, the token).
    case invalidConfiguration(String)
    /// An argument is out of its range (a quadrant that is not 1–4, a file that cannot be read).
    case invalidArgument(String)
    /// The server answered 2xx with a body the client cannot read.
    case unreadableAnswer(path: String, detail: String)
    /// The server does not know this task (or it belongs to another application).
    case taskNotFound(String)
    /// The image cannot be acted on: it has no id, or no URL of the kind asked for.
    case missingImage(String)
    /// The task had not finished when ``ClientConfiguration/waitTimeout`` ran out (it goes on on the server).
    case waitTimedOut(taskID: String, seconds: Double)

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .invalidConfiguration(let detail), .invalidArgument(let detail): return detail
        case .unreadableAnswer(let path, let detail): return "the answer of \(path) cannot be read: \(detail)"
        case .taskNotFound(let id): return "there is no task \(id) (or it belongs to another application)"
        case .missingImage(let detail): return detail
        case .waitTimedOut(let id, let seconds):
            return "task \(id) did not finish within \(seconds) seconds of waiting; it goes on on the server"
        }
    }
}
