import JourneymanCore
import JourneymanImaging

/// The local engine: renders prompts procedurally, describes images by their pixels and shortens prompts,
/// all on the CPU pool so Swift's cooperative pool and the event loops stay free.
public struct LocalEngine: Engine {
    /// Where decoding, rendering and describing run.
    public let pool: CPUPool

    /// Creates the engine (it holds no state) over a CPU pool.
    public init(pool: CPUPool = .shared) {
        self.pool = pool
    }

    /// `local`.
    public var name: String { "local" }

    /// Shorten, and describe, edit and videos of bytes the worker fetched.
    public var capabilities: EngineCapabilities {
        EngineCapabilities(shorten: true, fetchesDescribeImages: false, edits: true, videos: true)
    }

    /// Decodes the source and mask, renders, and answers the pixels with their lineage.
    public func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        let decoded = try await pool.run {
            let source = try job.source.map { source in
                RenderSource(image: try PNG.decode(source.image.bytes), prompt: source.prompt, seed: source.seed, lineage: source.lineage)
            }
            let mask = try job.mask.map { try PNG.decode($0, maxPixels: 64_000_000) }
            return RenderJob(action: job.action, prompt: job.prompt, seed: job.seed, source: source, mask: mask)
        }
        let rendered = try await render(decoded, progress: progress)
        return ImagineOutput(image: .pixels(rendered.image), seed: job.prompt.seed ?? job.seed, lineage: rendered.lineage)
    }

    /// Renders the result of one imagine task (a grid or a single image) with its lineage.
    public func render(_ job: RenderJob, progress: @escaping @Sendable (Int) -> Void) async throws -> RenderedImage {
        try await running(job, progress: progress) { try $0.run() }
    }

    /// Runs `work` on an action runner for `job` on the CPU pool; cancelling the awaiting task stops the render.
    private func running(
        _ job: RenderJob, progress: @escaping @Sendable (Int) -> Void, _ work: @escaping @Sendable (ActionRunner) throws -> RenderedImage
    ) async throws -> RenderedImage {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await pool.run { try work(ActionRunner(job: job, pool: pool, flag: flag, progress: progress)) }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Decodes the image (scaled down to at most 1024 pixels on its long side) and describes it.
    public func describe(_ input: DescribeInput) async throws -> [String] {
        guard case .bytes(let bytes) = input else {
            throw EngineError(code: .notImplemented, message: "the local engine describes images the server has fetched")
        }
        let decoded = try await decodeFitting(bytes)
        return try await describe(decoded.image, originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight)
    }

    /// Decodes the image (scaled down to at most 1024 pixels on its long side) and the mask, and renders four edits.
    public func edit(_ job: EditJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        guard case .encoded(let encoded) = job.image else {
            throw EngineError(code: .notImplemented, message: "the local engine edits images the server has fetched")
        }
        let image = try await decodeFitting(encoded.bytes).image
        guard image.width >= 16 && image.height >= 16 else {
            throw EngineError(code: .badRequest, message: "image_url is \(image.width)×\(image.height); an edit needs 16×16 or more")
        }
        var mask: RGBAImage?
        do {
            if let bytes = job.mask {
                mask = try await MemoryBudget.imageDecodes.withReservation(EditCommand.maxMaskPixels * 4) {
                    try await pool.run { try PNG.decode(bytes, maxPixels: EditCommand.maxMaskPixels) }
                }
            }
        } catch let error as ImagingError {
            throw EngineError(code: .badRequest, message: "mask could not be decoded: \(error.message)")
        }
        let decodedMask = mask
        let rendered = try await running(RenderJob(action: .generate, prompt: job.prompt, seed: job.seed), progress: progress) {
            try $0.edit(image, mask: decodedMask)
        }
        return ImagineOutput(image: .pixels(rendered.image), seed: job.prompt.seed ?? job.seed, lineage: rendered.lineage)
    }

    /// Decodes an image scaled down to at most `within` (1024) pixels on its long side, within the shared decode budget.
    func decodeFitting(_ bytes: [UInt8], within: Int = 1024) async throws -> DecodedImage {
        do {
            // The header says what the decode will cost; decodes running at once share one memory budget.
            let peak = min(try ImageHeader.read(bytes).decodeBytes(fitWithin: within), ImageDecoder.defaultMaxDecodeBytes)
            return try await MemoryBudget.imageDecodes.withReservation(peak) { () async throws -> DecodedImage in
                try await pool.run { try ImageDecoder.decode(bytes, maxPixels: 100_000_000, fitWithin: within) }
            }
        } catch let error as ImagingError {
            throw EngineError(code: .badRequest, message: "image_url could not be decoded: \(error.message)")
        }
    }

    /// Four descriptions of an image (scene, art style, colour and light, keywords), each ending in `--ar W:H`.
    public func describe(_ image: RGBAImage, originalWidth: Int, originalHeight: Int) async throws -> [String] {
        guard originalWidth > 0 && originalHeight > 0 else {
            throw EngineError(code: .badRequest, message: "the image has no size")
        }
        return try await pool.run {
            let analysis = ImageAnalyzer.analyze(image)
            return DescriptionWriter(analysis: analysis, width: originalWidth, height: originalHeight).descriptions()
        }
    }

    /// Up to five shorter prompts keeping the content words and every `--parameter`.
    public func shorten(_ prompt: String) throws -> [String] {
        try PromptShortener.shorten(prompt)
    }
}
