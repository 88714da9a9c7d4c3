import Foundation
import MidjourneyAPI

/// What a button of a finished image does, as its `customId` says (`MJ::JOB::upsample::2::<hash>`, ...).
public enum ButtonJob: Sendable, Equatable {
    /// `U1`–`U4`.
    case upsample(Int)
    /// `V1`–`V4`.
    case variation(Int)
    /// 🔄.
    case reroll
    /// Vary (Subtle).
    case lowVariation
    /// Vary (Strong).
    case highVariation
    /// Vary (Region): opens a window completed through `/mj/submit/modal`.
    case inpaint
    /// Zoom out: 50 is 2x, 75 is 1.5x.
    case outpaint(Int)
    /// Pan `left`, `right`, `up` or `down`.
    case pan(String)
    /// Upscale (Subtle), 2x.
    case upscaleSubtle
    /// Upscale (Creative).
    case upscaleCreative

    /// Every job, in the order the buttons are shown.
    public static let all: [ButtonJob] =
        (1...4).map { .upsample($0) } + (1...4).map { .variation($0) }
        + [.reroll, .upscaleSubtle, .upscaleCreative, .lowVariation, .highVariation, .inpaint, .outpaint(50), .outpaint(75)]
        + ["left", "right", "up", "down"].map { .pan($0) }

    /// The public contract's name of the action this job performs (`upscale2`, `variation_region`, `pan_left`, ...).
    public var actionName: String {
        switch self {
        case .upsample(let n): return "upscale\(n)"
        case .variation(let n): return "variation\(n)"
        case .reroll: return "reroll"
        case .lowVariation: return "variation_subtle"
        case .highVariation: return "variation_strong"
        case .inpaint: return "variation_region"
        case .outpaint(let percent): return percent == 50 ? "zoom_out_2x" : "zoom_out_1_5x"
        case .pan(let direction): return "pan_\(direction)"
        case .upscaleSubtle: return "upscale_2x"
        case .upscaleCreative: return "upscale_4x"
        }
    }

    /// The job of a public contract's action name; nil for `generate` and names no button has.
    public init?(actionName: String) {
        guard let job = Self.all.first(where: { $0.actionName == actionName }) else { return nil }
        self = job
    }

    /// The `customId` of this job on the image `hash` names.
    public func customID(hash: String) -> String {
        switch self {
        case .upsample(let n): return "MJ::JOB::upsample::\(n)::\(hash)"
        case .variation(let n): return "MJ::JOB::variation::\(n)::\(hash)"
        case .reroll: return "MJ::JOB::reroll::0::\(hash)::SOLO"
        case .lowVariation: return "MJ::JOB::low_variation::1::\(hash)::SOLO"
        case .highVariation: return "MJ::JOB::high_variation::1::\(hash)::SOLO"
        case .inpaint: return "MJ::Inpaint::1::\(hash)::SOLO"
        case .outpaint(let percent): return "MJ::Outpaint::\(percent)::1::\(hash)::SOLO"
        case .pan(let direction): return "MJ::JOB::pan_\(direction)::1::\(hash)::SOLO"
        case .upscaleSubtle: return "MJ::JOB::upsample_v6_2x_subtle::1::\(hash)::SOLO"
        case .upscaleCreative: return "MJ::JOB::upsample_v6_2x_creative::1::\(hash)::SOLO"
        }
    }

    /// The job and hash of a `customId`; nil for one this server never hands out.
    public static func parse(_ customID: String) -> (job: ButtonJob, hash: String)? {
        guard customID.utf8.count <= 200 else { return nil }
        let parts = customID.components(separatedBy: "::")
        guard parts.count >= 4, parts[0] == "MJ" else { return nil }
        switch parts[1] {
        case "Inpaint":
            guard parts[2] == "1" else { return nil }
            return (.inpaint, parts[3])
        case "Outpaint":
            guard parts.count >= 5, let percent = Int(parts[2]), percent == 50 || percent == 75 else { return nil }
            return (.outpaint(percent), parts[4])
        case "JOB":
            guard parts.count >= 5, let number = Int(parts[3]) else { return nil }
            let name = parts[2]
            let hash = parts[4]
            switch name {
            case "upsample" where (1...4).contains(number): return (.upsample(number), hash)
            case "variation" where (1...4).contains(number): return (.variation(number), hash)
            case "reroll": return (.reroll, hash)
            case "low_variation": return (.lowVariation, hash)
            case "high_variation": return (.highVariation, hash)
            case "pan_left", "pan_right", "pan_up", "pan_down": return (.pan(String(name.dropFirst(4))), hash)
            default:
                if name.hasPrefix("upsample_v"), name.hasSuffix("_subtle") { return (.upscaleSubtle, hash) }
                if name.hasPrefix("upsample_v"), name.hasSuffix("_creative") { return (.upscaleCreative, hash) }
                return nil
            }
        default:
            return nil
        }
    }

    /// The button's label.
    public var label: String {
        switch self {
        case .upsample(let n): return "U\(n)"
        case .variation(let n): return "V\(n)"
        case .reroll: return ""
        case .lowVariation: return "Vary (Subtle)"
        case .highVariation: return "Vary (Strong)"
        case .inpaint: return "Vary (Region)"
        case .outpaint(let percent): return percent == 50 ? "Zoom Out 2x" : "Zoom Out 1.5x"
        case .pan: return ""
        case .upscaleSubtle: return "Upscale (Subtle)"
        case .upscaleCreative: return "Upscale (Creative)"
        }
    }

    /// The button's emoji.
    public var emoji: String {
        switch self {
        case .upsample, .variation, .upscaleSubtle, .upscaleCreative: return ""
        case .reroll: return "🔄"
        case .lowVariation, .highVariation: return "🪄"
        case .inpaint: return "🖌️"
        case .outpaint: return "🔍"
        case .pan(let direction):
            switch direction {
            case "left": return "⬅️"
            case "right": return "➡️"
            case "up": return "⬆️"
            default: return "⬇️"
            }
        }
    }

    /// The button object: `{customId, emoji, label, type: 2, style}`.
    public func button(hash: String) -> JSONValue {
        .object([
            "customId": .string(customID(hash: hash)), "emoji": .string(emoji), "label": .string(label), "type": 2,
            "style": self == .reroll ? 1 : 2,
        ])
    }
}
