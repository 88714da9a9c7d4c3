import ArgumentParser
import Foundation
import JourneymanEngine
import JourneymanImaging

/// `journeyman gallery`: a contact sheet of the local engine's work.
struct GalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Render a contact sheet of varied prompts with the local engine, captioned with the prompts."
    )

    @Option(help: "Where to write the PNG.")
    var output: String = "docs/gallery.png"

    @Option(help: "Seed for every picture.")
    var seed: UInt32 = 7

    /// The prompts shown in the README's gallery.
    static let prompts = [
        "a lighthouse at dusk, orange and purple sky --ar 3:2",
        "neon city skyline at night, rain",
        "misty pine forest at dawn, watercolor",
        "snowy mountains under a pastel sky",
        "a spiral galaxy over a quiet planet",
        "tropical beach at sunset, golden light",
        "a black cat portrait, monochrome",
        "autumn forest by a lake, oil painting",
        "abstract geometric shapes in teal and coral",
        "desert dunes at noon, minimal",
        "pixel art castle on a hill at night",
        "stormy sea with a lone boat, dramatic",
    ]

    func run() async throws {
        let started = Date()
        FileHandle.standardError.write(Data("rendering \(Self.prompts.count) prompts...\n".utf8))
        let sheet = try await Gallery.contactSheet(prompts: Self.prompts, seed: seed)
        let bytes = try PNG.encode(sheet)
        let url = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        print(
            "wrote \(output): \(sheet.width)×\(sheet.height), \(bytes.count) bytes, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
    }
}
