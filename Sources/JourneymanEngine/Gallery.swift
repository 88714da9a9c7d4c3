import Foundation
import JourneymanCore
import JourneymanImaging
import Synchronization

/// Contact sheets of the local engine's renders: one picture per prompt with the prompt as caption.
public enum Gallery {
    /// Renders the first tile of each prompt (square, 512 px) into a captioned contact sheet.
    public static func contactSheet(prompts: [String], seed: UInt32, pool: CPUPool = .shared) async throws -> RGBAImage {
        guard !prompts.isEmpty else {
            throw EngineError(code: .badRequest, message: "the gallery needs at least one prompt")
        }
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await pool.run { try makeSheet(prompts: prompts, seed: seed, flag: flag, pool: pool) }
        } onCancel: {
            flag.cancel()
        }
    }

    private static func makeSheet(prompts: [String], seed: UInt32, flag: CancellationFlag, pool: CPUPool) throws -> RGBAImage {
        let side = 512
        let scale = 2
        let margin = 24
        let lineHeight = (BitmapFont.glyphHeight + 3) * scale
        let maxCharacters = (side + 4) / (BitmapFont.advance * scale)
        let captions = prompts.map { BitmapFont.wrap($0, maxCharacters: maxCharacters).prefix(3).map { $0 } }
        let captionHeight = lineHeight * 3 + 12
        let columns = min(4, prompts.count)
        let rows = (prompts.count + columns - 1) / columns
        let titleHeight = 3 * BitmapFont.glyphHeight + 28
        let width = margin + columns * (side + margin)
        let height = titleHeight + margin + rows * (side + captionHeight + margin)

        let outcome = TileOutcome(count: prompts.count)
        pool.perform(iterations: prompts.count) { index in
            do {
                let (text, parameters) = PromptShortener.split(prompts[index])
                var prompt = ParsedPrompt(text: text)
                prompt.exclusions = exclusions(in: parameters)
                let recipe = SceneRecipe.make(from: prompt)
                let spec = TileSpec.make(recipe: recipe, seed: seed, index: 0, chaos: 0, aspect: 1)
                let job = ActionRunner.TileJob(spec: spec, view: .nominal(height: side), width: side, height: side)
                let image = try ActionRunner.renderTile(job, flag: flag) { _ in }
                outcome.images.withLock { $0[index] = image }
            } catch {
                outcome.failure.withLock { $0 = $0 ?? error }
                flag.cancel()
            }
        }
        if let error = outcome.failure.withLock({ $0 }) { throw error }

        var sheet = RGBAImage(width: width, height: height, fill: RGBA(r: 18, g: 18, b: 22))
        BitmapFont.draw("JOURNEYMAN - LOCAL ENGINE", into: &sheet, x: margin, y: 18, scale: 3, color: RGBA(r: 236, g: 228, b: 214))
        let images = outcome.images.withLock { $0 }
        for (index, image) in images.enumerated() {
            guard let image else { continue }
            let x = margin + (index % columns) * (side + margin)
            let y = titleHeight + margin + (index / columns) * (side + captionHeight + margin)
            sheet.draw(image, atX: x, y: y)
            for (line, text) in captions[index].enumerated() {
                BitmapFont.draw(
                    text, into: &sheet, x: x, y: y + side + 10 + line * lineHeight, scale: scale,
                    color: RGBA(r: 200, g: 198, b: 190))
            }
        }
        return sheet
    }

    /// The items of `--no a, b` in a parameter string.
    private static func exclusions(in parameters: String) -> [String] {
        guard let range = parameters.range(of: "--no ") else { return [] }
        let rest = parameters[range.upperBound...]
        let value = rest.components(separatedBy: " --").first ?? ""
        return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }
}
