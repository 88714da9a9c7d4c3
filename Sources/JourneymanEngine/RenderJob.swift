import JourneymanCore
import JourneymanImaging

/// One imagine task as the local engine works on it: decoded pixels in, pixels out.
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

/// The decoded parent image of a follow-up action.
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

/// The local engine's result: the image and its lineage (the scene parameters of each tile).
public struct RenderedImage: Sendable {
    /// The full-size result (a grid, or one image).
    public var image: RGBAImage
    /// Comes back as `RenderSource.lineage` with follow-ups.
    public var lineage: String

    /// Creates a result.
    public init(image: RGBAImage, lineage: String) {
        self.image = image
        self.lineage = lineage
    }
}
