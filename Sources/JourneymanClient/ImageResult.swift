import MidjourneyAPI

/// A finished image of the Imagine API, a 2×2 grid or one upscaled image, with its follow-up actions as methods.
///
/// Each action submits, waits, and answers the next result:
///
/// ```swift
/// let grid = try await client.imagine("a lighthouse at dusk --ar 3:2")
/// let image = try await grid.upscale(2)
/// let wider = try await image.zoomOut(.x2)
/// let variations = try await image.vary(.subtle)
/// ```
public struct ImageResult: Sendable {
    /// The client that acts on it.
    public let client: JourneymanClient
    /// The image's id, which every action acts on.
    public var imageID: String
    /// The task that made it; nil for an image known by id only.
    public var taskID: String?
    /// The thumbnail (50 %).
    public var imageURL: String?
    /// The thumbnail's width.
    public var imageWidth: Int?
    /// The thumbnail's height.
    public var imageHeight: Int?
    /// The full-size image.
    public var rawImageURL: String?
    /// The full-size image's width.
    public var rawImageWidth: Int?
    /// The full-size image's height.
    public var rawImageHeight: Int?
    /// The four quadrants, when `splitImages` was asked for.
    public var subImageURLs: [String]
    /// What may follow, as the server listed it (names this library does not know are in ``actionNames``).
    public var actions: [ImageAction]
    /// What may follow, by wire name.
    public var actionNames: [String]
    /// The finished task; nil for an image known by id only.
    public var task: TaskSnapshot?

    /// The result of a succeeded imagine task.
    public init(_ task: TaskSnapshot, client: JourneymanClient) throws(ClientError) {
        guard let response = task.response, task.state == .succeeded,
            let imageID = response.lenientString("image_id") ?? task.imageID
        else {
            throw .missingImage("task \(task.id) has no finished image")
        }
        self.client = client
        self.imageID = imageID
        taskID = task.id
        imageURL = response.lenientString("image_url")
        imageWidth = response.lenientInt("image_width")
        imageHeight = response.lenientInt("image_height")
        rawImageURL = response.lenientString("raw_image_url")
        rawImageWidth = response.lenientInt("raw_image_width")
        rawImageHeight = response.lenientInt("raw_image_height")
        subImageURLs = response.lenientStrings("sub_image_urls") ?? []
        actionNames = response.lenientStrings("actions") ?? []
        actions = actionNames.compactMap(ImageAction.init(rawValue:))
        self.task = task
    }

    /// An image known by id only.
    init(imageID: String, client: JourneymanClient) {
        self.client = client
        self.imageID = imageID
        subImageURLs = []
        actions = []
        actionNames = []
    }

    /// Whether it is a 2×2 grid (its actions are upscale1–4 and variation1–4).
    public var isGrid: Bool { actions.contains(.upscale1) }

    /// Performs any action on this image and waits for the result.
    ///
    /// ```swift
    /// let next = try await grid.perform(.variation3)
    /// ```
    public func perform(_ action: ImageAction, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await client.perform(action, on: imageID, options: options)
    }

    /// One image of the grid at full size (1 top left, 2 top right, 3 bottom left, 4 bottom right).
    ///
    /// ```swift
    /// let image = try await grid.upscale(2)
    /// ```
    public func upscale(_ quadrant: Int, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(try Self.quadrant(quadrant, ImageAction.upscale), options: options)
    }

    /// An upscaled image made two or four times larger.
    ///
    /// ```swift
    /// let large = try await image.upscale(.x2)
    /// ```
    public func upscale(_ factor: UpscaleFactor, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(factor.action, options: options)
    }

    /// A grid of variations of one image of the grid.
    ///
    /// ```swift
    /// let variations = try await grid.vary(3)
    /// ```
    public func vary(_ quadrant: Int, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(try Self.quadrant(quadrant, ImageAction.variation), options: options)
    }

    /// A grid of subtle or strong variations of an upscaled image.
    ///
    /// ```swift
    /// let variations = try await image.vary(.strong)
    /// ```
    public func vary(_ strength: VariationStrength, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(strength.action, options: options)
    }

    /// A grid repainting the region of an upscaled image that `mask` (base64 PNG, white = repaint) marks.
    ///
    /// ```swift
    /// let repainted = try await image.varyRegion(mask: maskPNG.base64EncodedString())
    /// ```
    public func varyRegion(mask: String, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        var options = options
        options.mask = mask
        return try await perform(.variationRegion, options: options)
    }

    /// A new grid from the same prompt.
    ///
    /// ```swift
    /// let again = try await grid.reroll()
    /// ```
    public func reroll(options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(.reroll, options: options)
    }

    /// A grid of an upscaled image zoomed out: the image sits smaller in the middle of a wider scene.
    ///
    /// ```swift
    /// let wider = try await image.zoomOut(.x2)
    /// ```
    public func zoomOut(_ zoom: ZoomOut, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(zoom.action, options: options)
    }

    /// A grid of an upscaled image extended to one side.
    ///
    /// ```swift
    /// let panorama = try await image.pan(.left)
    /// ```
    public func pan(_ direction: PanDirection, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try await perform(direction.action, options: options)
    }

    /// The seed the image was made with.
    ///
    /// ```swift
    /// let seed = try await grid.seed()
    /// ```
    public func seed() async throws -> String {
        try await client.seed(imageID: imageID)
    }

    /// The image's bytes (PNG on Journeyman): the full-size image, or the thumbnail.
    ///
    /// ```swift
    /// try Data(try await grid.download()).write(to: URL(fileURLWithPath: "grid.png"))
    /// ```
    public func download(thumbnail: Bool = false) async throws -> [UInt8] {
        guard let url = thumbnail ? imageURL : (rawImageURL ?? imageURL) else {
            throw ClientError.missingImage("image \(imageID) has no URL to download")
        }
        return try await client.download(url)
    }

    private static func quadrant(_ quadrant: Int, _ make: (Int) -> ImageAction?) throws(ClientError) -> ImageAction {
        guard let action = make(quadrant) else {
            throw .invalidArgument("a grid's images are numbered 1 to 4 (1 top left, 4 bottom right), not \(quadrant)")
        }
        return action
    }
}
