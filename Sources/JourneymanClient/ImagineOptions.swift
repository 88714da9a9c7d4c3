import MidjourneyAPI

/// The optional fields of an Imagine request.
///
/// ```swift
/// var options = ImagineOptions(mode: .relax)
/// options.splitImages = true
/// let grid = try await client.imagine("a lighthouse at dusk --ar 3:2", options: options)
/// ```
public struct ImagineOptions: Sendable, Equatable {
    /// `fast`, `relax` or `turbo`; nil leaves the server's default (`fast`).
    public var mode: TaskMode?
    /// Ask for the grid's four quadrants as separate images (`sub_image_urls`).
    public var splitImages: Bool
    /// Where the server POSTs the finished body (signed; see ``WebhookVerifier``).
    public var callbackURL: String?
    /// Base64 PNG mask for `variation_region` (white is repainted).
    public var mask: String?
    /// Translate the prompt to English first (where the server does).
    public var translation: Bool?
    /// Model version (`6.1`, `7`, ...), echoed by Journeyman.
    public var version: String?
    /// More members sent as they are: fields this library does not name yet.
    public var extraFields: JSONObject

    /// Creates options.
    public init(
        mode: TaskMode? = nil, splitImages: Bool = false, callbackURL: String? = nil, mask: String? = nil, translation: Bool? = nil,
        version: String? = nil, extraFields: JSONObject = JSONObject()
    ) {
        self.mode = mode
        self.splitImages = splitImages
        self.callbackURL = callbackURL
        self.mask = mask
        self.translation = translation
        self.version = version
        self.extraFields = extraFields
    }

    /// The members these options add to a request body.
    func apply(to body: inout JSONObject) {
        if let mode { body["mode"] = .string(mode.rawValue) }
        if splitImages { body["split_images"] = .bool(true) }
        if let callbackURL { body["callback_url"] = .string(callbackURL) }
        if let mask { body["mask"] = .string(mask) }
        if let translation { body["translation"] = .bool(translation) }
        if let version { body["version"] = .string(version) }
        for member in extraFields.members { body[member.key] = member.value }
    }
}
