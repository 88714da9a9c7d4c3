import Foundation

/// A task as the domain sees it at one moment: who owns it, what it is to do, where it is, and what it produced.
public struct TaskSnapshot: Sendable, Equatable {
    /// UUID.
    public var id: String
    /// ObjectId-like id (24 hex digits).
    public var objectID: String
    /// The owning application.
    public var applicationID: String
    /// The credential that created it.
    public var credentialID: String
    /// Trace id of the creating request.
    public var traceID: String
    /// What to do.
    public var command: TaskCommand
    /// The request as the contract that received it accepted it (JSON text), for that contract to echo;
    /// the domain never reads it.
    public var acceptedRequest: String
    /// Where the task is.
    public var state: TaskState
    /// 0–100.
    public var progress: Int
    /// The image id its result gets (imagine only), known from acceptance.
    public var imageID: String?
    /// The generation run.
    public var jobID: String
    /// Unix seconds.
    public var createdAt: Double
    /// When a worker first started it.
    public var startedAt: Double?
    /// When it finished.
    public var finishedAt: Double?
    /// What it produced; nil until it finishes.
    public var result: TaskResult?
    /// Credits charged when it was accepted.
    public var cost: Int
    /// The worker holding it while it runs.
    public var leaseOwner: String?
    /// When that hold lapses unless renewed.
    public var leaseExpiresAt: Double?
    /// Where the finished task is POSTed.
    public var callbackURL: String?
    /// Whether each progress update is POSTed too.
    public var progressWebhooks: Bool
    /// The contract whose bodies its webhooks carry (`midjourney`, `midjourney-proxy`).
    public var callbackFormat: String

    /// Creates a snapshot.
    public init(
        id: String, objectID: String, applicationID: String, credentialID: String, traceID: String, command: TaskCommand,
        acceptedRequest: String, state: TaskState = .pending, progress: Int = 0, imageID: String?, jobID: String,
        createdAt: Double, startedAt: Double? = nil, finishedAt: Double? = nil, result: TaskResult? = nil, cost: Int,
        leaseOwner: String? = nil, leaseExpiresAt: Double? = nil, callbackURL: String? = nil, progressWebhooks: Bool = false,
        callbackFormat: String = "midjourney"
    ) {
        self.id = id
        self.objectID = objectID
        self.applicationID = applicationID
        self.credentialID = credentialID
        self.traceID = traceID
        self.command = command
        self.acceptedRequest = acceptedRequest
        self.state = state
        self.progress = progress
        self.imageID = imageID
        self.jobID = jobID
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.result = result
        self.cost = cost
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.callbackURL = callbackURL
        self.progressWebhooks = progressWebhooks
        self.callbackFormat = callbackFormat
    }

    /// `imagine` or `describe`.
    public var kind: TaskKind { command.kind }

    /// The imagine action (nil for describe tasks).
    public var action: ImagineAction? { command.imagine?.action }

    /// The task whose image this one acts on (or whose video it extends).
    public var parentID: String? { command.imagine?.parentTaskID ?? command.video?.parentTaskID }

    /// Whether the task waits for capacity (pending: queued behind limits or the workers).
    public var hold: Bool { state == .pending }
}

/// How a task ends, as a worker or a cancel reports it to the store.
public struct TaskOutcome: Sendable, Equatable {
    /// `succeeded`, `failed` or `cancelled`.
    public var state: TaskState
    /// What it produced (or why not).
    public var result: TaskResult
    /// Unix seconds.
    public var finishedAt: Double
    /// The `webhook-id` of the finished delivery, queued with the finish when the task has a `callback_url`.
    public var webhookID: String

    /// Creates an outcome.
    public init(state: TaskState, result: TaskResult, finishedAt: Double, webhookID: String = WebhookIDs.make()) {
        self.state = state
        self.result = result
        self.finishedAt = finishedAt
        self.webhookID = webhookID
    }
}

/// Makes `webhook-id`s.
public enum WebhookIDs {
    /// `msg_` and 32 hex digits.
    public static func make() -> String {
        "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}

/// Compact, stable JSON of the domain's own values (commands, results) as the stores keep them.
public enum DomainCoding {
    /// Sorted keys, so the same value always gives the same text.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes what `encode` wrote.
    public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// A stored command: the same text always decodes to the same value, so values decoded lately are kept by
    /// their text and reading a task back skips Foundation's decoder.
    public static func command(from text: String) throws -> TaskCommand {
        if let command = commands.value(for: text) { return command }
        let command = try decode(TaskCommand.self, from: text)
        commands.set(command, for: text)
        return command
    }

    /// A stored result, kept by its text as `command(from:)` keeps commands.
    public static func result(from text: String) throws -> TaskResult {
        if let result = results.value(for: text) { return result }
        let result = try decode(TaskResult.self, from: text)
        results.set(result, for: text)
        return result
    }

    private static let commands = BoundedCache<String, TaskCommand>(capacity: 2048)
    private static let results = BoundedCache<String, TaskResult>(capacity: 2048)
}
