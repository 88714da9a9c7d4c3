/// How a client talks to its server: retries, waiting, timeouts.
///
/// ```swift
/// var configuration = ClientConfiguration()
/// configuration.waitStrategy = .polling
/// configuration.pollInterval = .seconds(3)
/// let client = JourneymanClient(baseURL: url, token: token, configuration: configuration)
/// ```
public struct ClientConfiguration: Sendable, Equatable {
    /// Retries of 429 and 5xx answers.
    public var retry: RetryPolicy
    /// How waiting follows a task.
    public var waitStrategy: WaitStrategy
    /// Time between two polls of the Tasks API.
    public var pollInterval: Duration
    /// Longest wait for the head of an answer (an events or ndjson stream may then go on for as long as its task).
    public var requestTimeout: Duration
    /// Longest a wait follows one task before giving up with ``ClientError``; nil waits for as long as it takes.
    public var waitTimeout: Duration?

    /// Creates a configuration; the defaults suit both Journeyman and the public service.
    public init(
        retry: RetryPolicy = RetryPolicy(), waitStrategy: WaitStrategy = .automatic, pollInterval: Duration = .seconds(2),
        requestTimeout: Duration = .seconds(60), waitTimeout: Duration? = .seconds(900)
    ) {
        self.retry = retry
        self.waitStrategy = waitStrategy
        self.pollInterval = pollInterval
        self.requestTimeout = requestTimeout
        self.waitTimeout = waitTimeout
    }
}

/// How the client follows a task until it finishes.
public enum WaitStrategy: String, Sendable, Equatable, CaseIterable {
    /// Server-Sent Events where the server offers them (`GET /midjourney/tasks/<id>/events`, Journeyman), else polling
    /// (the public service, whose events path answers 404).
    case automatic
    /// Submissions ask for an ndjson answer (`accept: application/x-ndjson`) and read progress from it; waiting for an
    /// existing task follows it as `automatic` does.
    case ndjson
    /// Poll the Tasks API every ``ClientConfiguration/pollInterval``, many tasks in one `retrieve_batch` call.
    case polling
}
