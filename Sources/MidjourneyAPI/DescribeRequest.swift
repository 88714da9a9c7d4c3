/// A validated body of `POST /midjourney/describe`.
public struct DescribeRequest: Sendable, Equatable {
    /// The image to describe (http or https).
    public var imageURL: String
    /// Seconds a synchronous call waits (default 480, 1–3600).
    public var timeout: Double
    /// Answer at once with the task id.
    public var isAsync: Bool
    /// Where the finished body is POSTed.
    public var callbackURL: String?
    /// The body as accepted (known fields only): the record's `request`.
    public var echo: JSONObject

    /// The fields the Describe API knows.
    public static let knownFields: Set<String> = ["image_url", "timeout", "async", "callback_url", "translation"]

    /// Reads and checks a parsed body.
    public init(body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        guard let imageURL = try fields.url("image_url") else {
            throw RequestError("field 'image_url' is required")
        }
        self.imageURL = imageURL
        timeout = try fields.number("timeout", in: 1...3600) ?? 480
        isAsync = try fields.bool("async") ?? false
        callbackURL = try fields.url("callback_url")
        _ = try fields.bool("translation")
        echo = fields.known(Self.knownFields)
    }
}
