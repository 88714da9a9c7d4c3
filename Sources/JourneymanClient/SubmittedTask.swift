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

/// How a video task is made: speed, resolution, loop and where it should end (each optional: the server's defaults).
public struct VideoOptions: Sendable, Equatable {
    /// `fast` or `turbo`.
    public var mode: String?
    /// `480p` or `720p`.
    public var resolution: String?
    /// Whether each video ends where it began.
    public var loop: Bool
    /// The image the videos should end on, where the server's engine can aim at one.
    public var endImageURL: String?

    /// Creates options.
    public init(mode: String? = nil, resolution: String? = nil, loop: Bool = false, endImageURL: String? = nil) {
        self.mode = mode
        self.resolution = resolution
        self.loop = loop
        self.endImageURL = endImageURL
    }
}

/// The result of a video task: its video id (for `extend`), four video URLs and a cover picture.
public struct VideoResult: Sendable, Equatable {
    /// The task.
    public var taskID: String
    /// The id an `extend` names.
    public var videoID: String
    /// The four videos (MP4).
    public var videoURLs: [String]
    /// The cover picture (the first frame) and its size.
    public var coverURL: String?
    public var width: Int?
    public var height: Int?
    /// The finished task.
    public var task: TaskSnapshot

    /// The videos of a succeeded video task.
    public init(_ task: TaskSnapshot) throws(ClientError) {
        guard let response = task.response, let videoID = response.lenientString("video_id") ?? task.raw.lenientString("video_id"),
            let urls = response.lenientStrings("video_urls"), !urls.isEmpty
        else {
            throw .unreadableAnswer(path: "/midjourney/tasks", detail: "task \(task.id) has no video_id and video_urls")
        }
        taskID = task.id
        self.videoID = videoID
        videoURLs = urls
        coverURL = response.lenientString("image_url")
        width = response.lenientInt("image_width")
        height = response.lenientInt("image_height")
        self.task = task
    }
}
