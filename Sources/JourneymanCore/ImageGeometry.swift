/// The pixel sizes API.md prescribes for grids, tiles, pans and upscales.
public enum ImageGeometry {
    /// One tile of a grid: the long side is 1024, the other follows the aspect ratio, rounded to a multiple of 8.
    public static func tileSize(for aspect: AspectRatio) -> (width: Int, height: Int) {
        if aspect.width >= aspect.height {
            let height = roundedToMultipleOf8(1024.0 * Double(aspect.height) / Double(aspect.width))
            return (1024, height)
        } else {
            let width = roundedToMultipleOf8(1024.0 * Double(aspect.width) / Double(aspect.height))
            return (width, 1024)
        }
    }

    /// A whole 2×2 grid: twice the tile in each direction.
    public static func gridSize(for aspect: AspectRatio) -> (width: Int, height: Int) {
        let tile = tileSize(for: aspect)
        return (tile.width * 2, tile.height * 2)
    }

    /// The size of a panned image: the panned dimension grows by half, rounded to a multiple of 8.
    public static func pannedSize(width: Int, height: Int, action: ImagineAction) -> (width: Int, height: Int) {
        switch action {
        case .panLeft, .panRight:
            return (roundedToMultipleOf8(Double(width) * 1.5), height)
        case .panUp, .panDown:
            return (width, roundedToMultipleOf8(Double(height) * 1.5))
        default:
            return (width, height)
        }
    }

    /// A thumbnail's size at `percent` percent, each side rounded to the nearest pixel (at least 1).
    public static func thumbnailSize(width: Int, height: Int, percent: Int) -> (width: Int, height: Int) {
        let w = max(1, Int((Double(width) * Double(percent) / 100.0).rounded()))
        let h = max(1, Int((Double(height) * Double(percent) / 100.0).rounded()))
        return (w, h)
    }

    /// Rounds to the nearest multiple of 8 (at least 8).
    public static func roundedToMultipleOf8(_ value: Double) -> Int {
        max(8, Int((value / 8.0).rounded()) * 8)
    }
}
