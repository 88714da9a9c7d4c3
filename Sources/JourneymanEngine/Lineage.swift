import Foundation

/// What the engine stores with each result so follow-ups can re-render its pictures:
/// for every tile, the scene parameters and the view they were rendered through.
struct Lineage: Codable, Sendable {
    /// One picture of a result.
    struct Tile: Codable, Sendable {
        /// Scene parameters.
        var spec: TileSpec
        /// Pixel-to-scene mapping.
        var view: Viewport
        /// Rendered width.
        var width: Int
        /// Rendered height.
        var height: Int

        /// The view adjusted for an image of a different size showing the same framing.
        func view(forWidth width: Int, height: Int) -> Viewport {
            if height == self.height { return view }
            let scale = Float(self.height) / Float(height)
            return Viewport(originX: view.originX, originY: view.originY, unitsPerPixel: view.unitsPerPixel * scale)
        }
    }

    /// Format marker.
    var engine: String = "journeyman-local/1"
    /// Tiles in grid order (1 TL, 2 TR, 3 BL, 4 BR) or the single picture.
    var tiles: [Tile]

    /// The lineage as compact JSON.
    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a lineage written by this engine; nil for anything else.
    static func decode(_ text: String) -> Lineage? {
        guard !text.isEmpty, let lineage = try? JSONDecoder().decode(Lineage.self, from: Data(text.utf8)),
            lineage.engine.hasPrefix("journeyman-local/"), !lineage.tiles.isEmpty
        else { return nil }
        for tile in lineage.tiles where tile.spec.phases.count < 8 || tile.width <= 0 || tile.height <= 0 {
            return nil
        }
        return lineage
    }
}
