/// A validated body of `POST /midjourney/edits`: repaint an image after a prompt, where a mask is white.
public struct EditsRequest: Sendable, Equatable {
    /// The image to edit (http or https).
    public var imageURL: String
    /// What to paint.
    public var prompt: String
    /// Base64 PNG mask (white = repaint); absent repaints all of the image.
    public var mask: String?
    /// `fast` (default), `relax` or `turbo`.
    public var mode: TaskMode
    /// Whether to return the four quadrants as `sub_image_urls`.
    public var splitImages: Bool
    /// Seconds a synchronous call waits (default 480, 1–3600).
    public var timeout: Double
    /// Answer at once with the task id.
    public var isAsync: Bool
    /// Where the finished body is POSTed.
    public var callbackURL: String?
    /// The body as accepted (known fields only), with `mode` filled in: the record's `request`.
    public var echo: JSONObject

    /// The fields the Edits API knows.
    public static let knownFields: Set<String> = [
        "image_url", "prompt", "mask", "mode", "split_images", "timeout", "async", "callback_url", "translation",
    ]

    /// Reads and checks a parsed body.
    public init(body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        guard let imageURL = try fields.url("image_url") else { throw RequestError("field 'image_url' is required") }
        self.imageURL = imageURL
        guard let prompt = try fields.string("prompt"), !prompt.allSatisfy(\.isWhitespace) else {
            throw RequestError("field 'prompt' is required")
        }
        self.prompt = prompt
        mask = try fields.string("mask")
        let modeName = try fields.string("mode") ?? TaskMode.fast.rawValue
        guard let mode = TaskMode(rawValue: modeName) else {
            throw RequestError("field 'mode' must be one of fast, relax, turbo")
        }
        self.mode = mode
        splitImages = try fields.bool("split_images") ?? false
        timeout = try fields.number("timeout", in: 1...3600) ?? 480
        isAsync = try fields.bool("async") ?? false
        callbackURL = try fields.url("callback_url")
        _ = try fields.bool("translation")
        var echo = fields.known(Self.knownFields)
        if echo["mode"] == nil { echo["mode"] = .string(mode.rawValue) }
        self.echo = echo
    }
}
