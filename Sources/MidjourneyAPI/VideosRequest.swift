/// A validated body of `POST /midjourney/videos`: four short videos that start from an image (`generate`), or that
/// go on from one video of an earlier result (`extend`).
public struct VideosRequest: Sendable, Equatable {
    /// `generate` (default) or `extend`.
    public var action: String
    /// What should happen in the video (required).
    public var prompt: String
    /// The first frame (required for `generate`; http or https).
    public var imageURL: String?
    /// The last frame, where the video should end (optional).
    public var endImageURL: String?
    /// The earlier result to go on from (required for `extend`).
    public var videoID: String?
    /// Which of its four videos (0–3, default 0).
    public var videoIndex: Int
    /// Whether the video ends where it began.
    public var loop: Bool
    /// `fast` (default) or `turbo`.
    public var mode: TaskMode
    /// `480p` or `720p` (default).
    public var resolution: String
    /// Seconds a synchronous call waits (default 480, 1–3600).
    public var timeout: Double
    /// Answer at once with the task id.
    public var isAsync: Bool
    /// Where the finished body is POSTed.
    public var callbackURL: String?
    /// The body as accepted (known fields only), with `action`, `mode` and `resolution` filled in: the record's `request`.
    public var echo: JSONObject

    /// The actions of the Videos API.
    public static let actions: Set<String> = ["generate", "extend"]
    /// The resolutions of the Videos API.
    public static let resolutions: Set<String> = ["480p", "720p"]

    /// The fields the Videos API knows.
    public static let knownFields: Set<String> = [
        "action", "prompt", "image_url", "end_image_url", "video_id", "video_index", "loop", "mode", "resolution", "timeout", "async",
        "callback_url",
    ]

    /// Reads and checks a parsed body; an unknown `action` is left for the caller to refuse as not implemented.
    public init(body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        action = try fields.string("action") ?? "generate"
        guard let prompt = try fields.string("prompt"), !prompt.allSatisfy(\.isWhitespace) else {
            throw RequestError("field 'prompt' is required")
        }
        self.prompt = prompt
        imageURL = try fields.url("image_url")
        endImageURL = try fields.url("end_image_url")
        videoID = try fields.string("video_id").flatMap { $0.isEmpty ? nil : $0 }
        videoIndex = try fields.integer("video_index", in: 0...3) ?? 0
        loop = try fields.bool("loop") ?? false
        let modeName = try fields.string("mode") ?? TaskMode.fast.rawValue
        guard let mode = TaskMode(rawValue: modeName), mode != .relax else {
            throw RequestError("field 'mode' must be one of fast, turbo")
        }
        self.mode = mode
        resolution = try fields.string("resolution") ?? "720p"
        guard Self.resolutions.contains(resolution) else { throw RequestError("field 'resolution' must be one of 480p, 720p") }
        timeout = try fields.number("timeout", in: 1...3600) ?? 480
        isAsync = try fields.bool("async") ?? false
        callbackURL = try fields.url("callback_url")
        if action == "generate", imageURL == nil {
            throw RequestError("field 'image_url' is required for action 'generate' (a video starts from an image)")
        }
        if action == "extend", videoID == nil { throw RequestError("field 'video_id' is required for action 'extend'") }
        var echo = fields.known(Self.knownFields)
        if echo["action"] == nil { echo["action"] = .string(action) }
        if echo["mode"] == nil { echo["mode"] = .string(mode.rawValue) }
        if echo["resolution"] == nil { echo["resolution"] = .string(resolution) }
        self.echo = echo
    }
}
