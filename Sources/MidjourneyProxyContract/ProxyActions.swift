import JourneymanCore
import MidjourneyProxyAPI

/// The buttons' jobs in the domain's words: one button per action of the actions graph, and back.
enum ProxyActions {
    /// The button of an action.
    static func job(for action: ImagineAction) -> ButtonJob? {
        switch action {
        case .generate: return nil
        case .upscale1, .upscale2, .upscale3, .upscale4: return .upsample(action.quadrant ?? 1)
        case .variation1, .variation2, .variation3, .variation4: return .variation(action.quadrant ?? 1)
        case .reroll: return .reroll
        case .upscale2x: return .upscaleSubtle
        case .upscale4x: return .upscaleCreative
        case .variationSubtle: return .lowVariation
        case .variationStrong: return .highVariation
        case .variationRegion: return .inpaint
        case .zoomOut2x: return .outpaint(50)
        case .zoomOut1_5x: return .outpaint(75)
        case .panLeft: return .pan("left")
        case .panRight: return .pan("right")
        case .panUp: return .pan("up")
        case .panDown: return .pan("down")
        }
    }

    /// The action of a button.
    static func action(for job: ButtonJob) -> ImagineAction? {
        ImagineAction.allCases.first { self.job(for: $0) == job }
    }

    /// The action of `/mj/submit/change`'s `action` and `index`.
    static func change(_ name: String, index: Int?) -> ImagineAction? {
        switch (name, index) {
        case ("UPSCALE", let index?): return [.upscale1, .upscale2, .upscale3, .upscale4][index - 1]
        case ("VARIATION", let index?): return [.variation1, .variation2, .variation3, .variation4][index - 1]
        case ("REROLL", _): return .reroll
        default: return nil
        }
    }
}
