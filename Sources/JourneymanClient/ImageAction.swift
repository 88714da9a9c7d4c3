/// An action of the Imagine API, by its wire name: what a result's `actions` lists and `imagine`'s `action` takes.
///
/// ```swift
/// let image = try await client.perform(.upscale2, on: grid.imageID)
/// ```
public enum ImageAction: String, Sendable, Hashable, CaseIterable {
    /// A new grid from a prompt.
    case generate
    /// One image of a grid, at full size (1 top left, 2 top right, 3 bottom left, 4 bottom right).
    case upscale1, upscale2, upscale3, upscale4
    /// A new grid of variations of one image of a grid.
    case variation1, variation2, variation3, variation4
    /// A new grid from the same prompt.
    case reroll
    /// An upscaled image at twice its size.
    case upscale2x = "upscale_2x"
    /// An upscaled image at four times its size.
    case upscale4x = "upscale_4x"
    /// A grid of close variations of an upscaled image.
    case variationSubtle = "variation_subtle"
    /// A grid of bold variations of an upscaled image.
    case variationStrong = "variation_strong"
    /// A grid repainting the region a mask marks.
    case variationRegion = "variation_region"
    /// A grid zoomed out by 2.
    case zoomOut2x = "zoom_out_2x"
    /// A grid zoomed out by 1.5.
    case zoomOut1_5x = "zoom_out_1_5x"
    /// A grid extended to the left.
    case panLeft = "pan_left"
    /// A grid extended to the right.
    case panRight = "pan_right"
    /// A grid extended upwards.
    case panUp = "pan_up"
    /// A grid extended downwards.
    case panDown = "pan_down"

    /// `upscaleN` for N in 1...4.
    public static func upscale(_ quadrant: Int) -> ImageAction? {
        ImageAction(rawValue: "upscale\(quadrant)").flatMap { (1...4).contains(quadrant) ? $0 : nil }
    }

    /// `variationN` for N in 1...4.
    public static func variation(_ quadrant: Int) -> ImageAction? {
        ImageAction(rawValue: "variation\(quadrant)").flatMap { (1...4).contains(quadrant) ? $0 : nil }
    }
}

/// How much an upscaled image grows.
public enum UpscaleFactor: String, Sendable, CaseIterable {
    /// Twice the size: `upscale_2x`.
    case x2 = "2x"
    /// Four times the size: `upscale_4x`.
    case x4 = "4x"

    /// The action.
    public var action: ImageAction { self == .x2 ? .upscale2x : .upscale4x }
}

/// How far variations of an upscaled image stray.
public enum VariationStrength: String, Sendable, CaseIterable {
    /// Close to the source: `variation_subtle`.
    case subtle
    /// Bolder: `variation_strong`.
    case strong

    /// The action.
    public var action: ImageAction { self == .subtle ? .variationSubtle : .variationStrong }
}

/// How far a zoom-out goes.
public enum ZoomOut: String, Sendable, CaseIterable {
    /// The source at half its size in the middle: `zoom_out_2x`.
    case x2 = "2x"
    /// The source at two thirds of its size: `zoom_out_1_5x`.
    case x1_5 = "1.5x"

    /// The action.
    public var action: ImageAction { self == .x2 ? .zoomOut2x : .zoomOut1_5x }
}

/// Which side a pan extends.
public enum PanDirection: String, Sendable, CaseIterable {
    /// `pan_left`.
    case left
    /// `pan_right`.
    case right
    /// `pan_up`.
    case up
    /// `pan_down`.
    case down

    /// The action.
    public var action: ImageAction {
        switch self {
        case .left: return .panLeft
        case .right: return .panRight
        case .up: return .panUp
        case .down: return .panDown
        }
    }
}
