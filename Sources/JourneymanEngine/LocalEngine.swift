import Dispatch
import JourneymanCore
import JourneymanImaging

/// The local engine: renders prompts procedurally, describes images by their pixels and
/// shortens prompts, all on Dispatch threads so Swift's cooperative pool stays free.
public struct LocalEngine: Engine {
    /// Creates the engine (it holds no state).
    public init() {}

    /// Renders the result of one imagine task (a grid or a single image) with its lineage.
    public func render(_ job: RenderJob, progress: @escaping @Sendable (Int) -> Void) async throws -> RenderedImage {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RenderedImage, any Error>) in
                DispatchQueue.global(qos: .userInitiated).async {
                    do {
                        let result = try ActionRunner(job: job, flag: flag, progress: progress).run()
                        continuation.resume(returning: result)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Four descriptions of an image (scene, art style, colour and light, keywords), each ending in `--ar W:H`.
    public func describe(_ image: RGBAImage, originalWidth: Int, originalHeight: Int) async throws -> [String] {
        guard originalWidth > 0 && originalHeight > 0 else {
            throw EngineError(code: "bad_request", message: "the image has no size")
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String], any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                let analysis = ImageAnalyzer.analyze(image)
                let writer = DescriptionWriter(analysis: analysis, width: originalWidth, height: originalHeight)
                continuation.resume(returning: writer.descriptions())
            }
        }
    }

    /// Up to five shorter prompts keeping the content words and every `--parameter`.
    public func shorten(_ prompt: String) throws -> [String] {
        try PromptShortener.shorten(prompt)
    }
}
