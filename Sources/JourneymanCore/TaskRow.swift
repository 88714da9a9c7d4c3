import Foundation
import MidjourneyAPI

/// Kind of task, as the record's `type` says it.
public enum TaskType: String, Sendable, Codable {
    case imagine, describe
}

/// A task as the store keeps it: the public record's fields plus what the worker needs.
public struct TaskRow: Sendable, Equatable {
    /// UUID.
    public var id: String
    /// ObjectId-like `_id`.
    public var objectID: String
    /// The owning application.
    public var applicationID: String
    /// The credential that created it.
    public var credentialID: String
    /// Trace id of the creating request.
    public var traceID: String
    /// `imagine` or `describe`.
    public var type: TaskType
    /// The request as accepted, JSON text.
    public var request: String
    /// Where the task is.
    public var state: TaskState
    /// 0–100.
    public var progress: Int
    /// The image id (imagine only).
    public var imageID: String?
    /// The generation run.
    public var jobID: String
    /// Unix seconds.
    public var createdAt: Double
    /// When a worker first started it.
    public var startedAt: Double?
    /// When it finished.
    public var finishedAt: Double?
    /// The finished body, JSON text.
    public var response: String?
    /// The imagine action's wire name (`describe` for describe tasks).
    public var action: String
    /// The task whose image this one acts on.
    public var parentID: String?
    /// The seed the engine used (imagine only).
    public var seed: Int64?
    /// What the engine said about its result, handed back for follow-ups.
    public var lineage: String?
    /// Credits charged when it was accepted.
    public var cost: Int
    /// The worker holding it while it runs.
    public var leaseOwner: String?
    /// When that hold lapses unless renewed.
    public var leaseExpiresAt: Double?
    /// Where the finished body is POSTed (`callback_url`).
    public var callbackURL: String?
    /// Whether each progress update is POSTed too (`callback_url` with `accept: application/x-ndjson`).
    public var progressWebhooks: Bool

    /// Creates a row.
    public init(
        id: String, objectID: String, applicationID: String, credentialID: String, traceID: String, type: TaskType,
        request: String, state: TaskState = .pending, progress: Int = 0, imageID: String?, jobID: String,
        createdAt: Double, startedAt: Double? = nil, finishedAt: Double? = nil, response: String? = nil,
        action: String, parentID: String? = nil, seed: Int64? = nil, lineage: String? = nil, cost: Int,
        leaseOwner: String? = nil, leaseExpiresAt: Double? = nil, callbackURL: String? = nil, progressWebhooks: Bool = false
    ) {
        self.id = id
        self.objectID = objectID
        self.applicationID = applicationID
        self.credentialID = credentialID
        self.traceID = traceID
        self.type = type
        self.request = request
        self.state = state
        self.progress = progress
        self.imageID = imageID
        self.jobID = jobID
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.response = response
        self.action = action
        self.parentID = parentID
        self.seed = seed
        self.lineage = lineage
        self.cost = cost
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.callbackURL = callbackURL
        self.progressWebhooks = progressWebhooks
    }
}

/// How a task ends, as a worker or a cancel reports it to the store.
public struct TaskOutcome: Sendable, Equatable {
    /// `succeeded`, `failed` or `cancelled`.
    public var state: TaskState
    /// The finished body, JSON text.
    public var response: String
    /// The engine's lineage note (succeeded imagine tasks).
    public var lineage: String?
    /// Unix seconds.
    public var finishedAt: Double
    /// The `webhook-id` of the finished delivery, queued with the finish when the task has a `callback_url`.
    public var webhookID: String

    /// Creates an outcome.
    public init(state: TaskState, response: String, lineage: String? = nil, finishedAt: Double, webhookID: String = WebhookIDs.make()) {
        self.state = state
        self.response = response
        self.lineage = lineage
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
