import JourneymanImaging

/// What renders and describes images: the local procedural engine, later an upstream one.
public protocol Engine: Sendable {
    /// Renders the result of one imagine task. Calls `progress` with growing values (0–100)
    /// while it works; must not block the caller's thread for the length of the render.
    func render(_ job: RenderJob, progress: @escaping @Sendable (Int) -> Void) async throws -> RenderedImage

    /// Four different prompt-style descriptions of an image, each ending in `--ar W:H` of the
    /// original size (`image` may have been decoded at a reduced scale).
    func describe(_ image: RGBAImage, originalWidth: Int, originalHeight: Int) async throws -> [String]

    /// Up to five shorter prompts that keep the prompt's content words and parameters.
    func shorten(_ prompt: String) throws -> [String]
}

/// Everything an engine needs to render one imagine task.
public struct RenderJob: Sendable {
    /// The action being performed.
    public var action: ImagineAction
    /// The prompt in force: the request's own, or the source's for follow-ups without one.
    public var prompt: ParsedPrompt
    /// This task's seed (the one `/midjourney/seed` answers).
    public var seed: UInt32
    /// The image acted on; nil for `generate`.
    public var source: RenderSource?
    /// For `variation_region`: grayscale mask of the source's size, white = repaint.
    public var mask: RGBAImage?

    /// Creates a job.
    public init(action: ImagineAction, prompt: ParsedPrompt, seed: UInt32, source: RenderSource? = nil, mask: RGBAImage? = nil) {
        self.action = action
        self.prompt = prompt
        self.seed = seed
        self.source = source
        self.mask = mask
    }
}

/// The parent image of a follow-up action.
public struct RenderSource: Sendable {
    /// The parent's full-size image: a 2×2 grid for `upscaleN`, `variationN` and `reroll`; one image otherwise.
    public var image: RGBAImage
    /// The parent's prompt.
    public var prompt: ParsedPrompt
    /// The parent's seed.
    public var seed: UInt32
    /// What the engine returned as `lineage` with the parent.
    public var lineage: String

    /// Creates a source.
    public init(image: RGBAImage, prompt: ParsedPrompt, seed: UInt32, lineage: String) {
        self.image = image
        self.prompt = prompt
        self.seed = seed
        self.lineage = lineage
    }
}

/// An engine's result: the image and an engine-defined note that comes back as `RenderSource.lineage`.
public struct RenderedImage: Sendable {
    /// The full-size result (a grid, or one image).
    public var image: RGBAImage
    /// Opaque to everything but the engine that wrote it (for example, the scene parameters of each tile).
    public var lineage: String

    /// Creates a result.
    public init(image: RGBAImage, lineage: String) {
        self.image = image
        self.lineage = lineage
    }
}

/// An engine failure that names its cause for the task's error message.
public struct EngineError: Error, Sendable, Equatable {
    /// Machine-readable code stored in the failed task's error (`api_error`, `bad_request`, ...).
    public var code: String
    /// Human-readable message.
    public var message: String

    /// Creates an engine error.
    public init(code: String = "api_error", message: String) {
        self.code = code
        self.message = message
    }
}
