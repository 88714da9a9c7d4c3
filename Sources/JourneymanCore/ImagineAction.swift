/// Every action the Imagine API knows, by its wire name.
public enum ImagineAction: String, Sendable, CaseIterable, Codable {
    case generate
    case upscale1, upscale2, upscale3, upscale4
    case variation1, variation2, variation3, variation4
    case reroll
    case upscale2x = "upscale_2x"
    case upscale4x = "upscale_4x"
    case variationSubtle = "variation_subtle"
    case variationStrong = "variation_strong"
    case variationRegion = "variation_region"
    case zoomOut2x = "zoom_out_2x"
    case zoomOut1_5x = "zoom_out_1_5x"
    case panLeft = "pan_left"
    case panRight = "pan_right"
    case panUp = "pan_up"
    case panDown = "pan_down"

    /// Whether this action's result is a 2×2 grid of four images.
    public var producesGrid: Bool {
        switch self {
        case .generate, .variation1, .variation2, .variation3, .variation4, .reroll,
            .variationSubtle, .variationStrong, .variationRegion,
            .zoomOut2x, .zoomOut1_5x, .panLeft, .panRight, .panUp, .panDown:
            return true
        case .upscale1, .upscale2, .upscale3, .upscale4, .upscale2x, .upscale4x:
            return false
        }
    }

    /// The actions that may follow a result of this action (the actions graph of API.md).
    public var followUps: [ImagineAction] {
        switch self {
        case .upscale1, .upscale2, .upscale3, .upscale4:
            return [
                .upscale2x, .upscale4x, .variationSubtle, .variationStrong, .variationRegion,
                .zoomOut2x, .zoomOut1_5x, .panLeft, .panRight, .panUp, .panDown,
            ]
        case .upscale2x, .upscale4x:
            return []
        default:
            return [.upscale1, .upscale2, .upscale3, .upscale4, .reroll, .variation1, .variation2, .variation3, .variation4]
        }
    }

    /// For `upscaleN` and `variationN`, N (1 top left, 2 top right, 3 bottom left, 4 bottom right).
    public var quadrant: Int? {
        switch self {
        case .upscale1, .variation1: return 1
        case .upscale2, .variation2: return 2
        case .upscale3, .variation3: return 3
        case .upscale4, .variation4: return 4
        default: return nil
        }
    }
}
