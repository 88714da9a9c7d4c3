import MidjourneyAPI

/// What a submission answers at once: the new task's id, to wait for or query.
///
/// ```swift
/// let submitted = try await client.submitImagine("a red fox in snow")
/// let task = try await client.wait(for: submitted.taskID)
/// ```
public struct SubmittedTask: Sendable, Equatable {
    /// The new task.
    public var taskID: String
    /// The trace id of the submitting request.
    public var traceID: String?
    /// The answer as received.
    public var raw: JSONObject
    /// The answer's JSON text as received.
    public var json: String

    /// Reads a creation answer (`{"task_id": ..., "trace_id": ...}`).
    init(answer: JSONObject, json: String, path: String) throws(ClientError) {
        guard let taskID = answer.lenientString("task_id"), !taskID.isEmpty else {
            throw .unreadableAnswer(path: path, detail: "no task_id in \(JSONValue.object(answer).jsonText)")
        }
        self.taskID = taskID
        traceID = answer.lenientString("trace_id")
        raw = answer
        self.json = json
    }
}

/// A describe task's answer: four prompt-style descriptions of the image.
///
/// ```swift
/// let answer = try await client.describe(imageURL: "https://example.com/cat.png")
/// answer.descriptions.forEach { print($0) }  // "... --ar 3:2"
/// ```
public struct Descriptions: Sendable, Equatable {
    /// The task.
    public var taskID: String
    /// Four descriptions, each ending in `--ar W:H` of the image.
    public var descriptions: [String]
    /// The finished task.
    public var task: TaskSnapshot

    /// The descriptions of a succeeded describe task.
    public init(_ task: TaskSnapshot) throws(ClientError) {
        guard let descriptions = task.descriptions else {
            throw .unreadableAnswer(path: "/midjourney/tasks", detail: "task \(task.id) has no descriptions")
        }
        taskID = task.id
        self.descriptions = descriptions
        self.task = task
    }
}
