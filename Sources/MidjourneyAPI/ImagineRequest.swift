/// A validated body of `POST /midjourney/imagine` (field types checked; prompt semantics are the domain's).
public struct ImagineRequest: Sendable, Equatable {
    /// The prompt; required for `generate`.
    public var prompt: String?
    /// The action's wire name (`generate` when absent).
    public var action: String
    /// The image acted on; required for every action but `generate`.
    public var imageID: String?
    /// Base64 PNG mask for `variation_region`.
    public var mask: String?
    /// `fast` (default), `relax` or `turbo`.
    public var mode: TaskMode
    /// Seconds a synchronous call waits (default 480, 1–3600).
    public var timeout: Double
    /// Whether to return the four quadrants as `sub_image_urls`.
    public var splitImages: Bool
    /// Answer at once with the task id.
    public var isAsync: Bool
    /// Where the finished body is POSTed.
    public var callbackURL: String?
    /// The body as accepted (known fields only), with `action` and `mode` filled in: the record's `request`.
    public var echo: JSONObject

    /// The fields the Imagine API knows.
    public static let knownFields: Set<String> = [
        "prompt", "action", "image_id", "mask", "mode", "timeout", "translation", "split_images",
        "callback_url", "async", "version", "hd", "quality", "style_reference", "moodboard",
    ]

    /// Reads and checks a parsed body.
    public init(body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        prompt = try fields.string("prompt")
        if let prompt { try PromptText.check(prompt) }
        action = try fields.string("action") ?? "generate"
        imageID = try fields.string("image_id")
        mask = try fields.string("mask")
        let modeName = try fields.string("mode") ?? TaskMode.fast.rawValue
        guard let mode = TaskMode(rawValue: modeName) else {
            throw RequestError("field 'mode' must be one of fast, relax, turbo")
        }
        self.mode = mode
        timeout = try fields.number("timeout", in: 1...3600) ?? 480
        _ = try fields.bool("translation")
        splitImages = try fields.bool("split_images") ?? false
        isAsync = try fields.bool("async") ?? false
        callbackURL = try fields.url("callback_url")
        _ = try fields.bool("hd")
        for key in ["version", "quality", "style_reference", "moodboard"] {
            if let value = fields.value(key) {
                switch value {
                case .string, .int, .double, .bool: break
                default: throw RequestError("field '\(key)' must be a string or a number, not \(value.typeName)")
                }
            }
        }
        var echo = fields.known(Self.knownFields)
        if echo["action"] == nil { echo["action"] = .string(action) }
        if echo["mode"] == nil { echo["mode"] = .string(mode.rawValue) }
        self.echo = echo
    }
}

/// How fast (and how dear) a task runs.
public enum TaskMode: String, Sendable, Codable, CaseIterable {
    case relax, fast, turbo

    /// Credits the mode costs, per API.md.
    public var cost: Int {
        switch self {
        case .relax: return 1
        case .fast: return 2
        case .turbo: return 4
        }
    }
}
