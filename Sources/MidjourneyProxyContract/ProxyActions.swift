import JourneymanCore
import MidjourneyProxyAPI

/// The buttons' jobs in the domain's words: one button per action of the actions graph, and back.
enum ProxyActions {
    /// The button of an action.
    static func job(for action: ImagineAction) -> ButtonJob? {
        ButtonJob(actionName: action.rawValue)
    }

    /// The action of a button.
    static func action(for job: ButtonJob) -> ImagineAction? {
        ImagineAction(rawValue: job.actionName)
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
