import Foundation

/// What a task is to do, in no contract's words: stored with the task and read by the worker.
public enum TaskCommand: Sendable, Equatable {
    /// Render a grid or an image: a prompt, or an action on an earlier image.
    case imagine(ImagineCommand)
    /// Turn an image into four prompts.
    case describe(DescribeCommand)
    /// Turn a prompt into shorter ones (a task for contracts whose shorten is one, such as midjourney-proxy's).
    case shorten(ShortenCommand)
    /// Repaint an image given by URL after a prompt (where a mask is white, or all of it): `/midjourney/edits`.
    case edit(EditCommand)
    /// Four short videos from a first frame, or going on from an earlier video: `/midjourney/videos`.
    case video(VideoCommand)

    /// The kind of task.
    public var kind: TaskKind {
        switch self {
        case .imagine: return .imagine
        case .describe: return .describe
        case .shorten: return .shorten
        case .edit: return .edits
        case .video: return .videos
        }
    }

    /// The video command, if this is one.
    public var video: VideoCommand? {
        if case .video(let command) = self { return command }
        return nil
    }

    /// The edit command, if this is one.
    public var edit: EditCommand? {
        if case .edit(let command) = self { return command }
        return nil
    }

    /// The prompt the task was given (imagine and edit tasks; nil for follow-ups that keep their source's).
    public var prompt: String? {
        switch self {
        case .imagine(let command): return command.prompt
        case .edit(let command): return command.prompt
        case .shorten(let command): return command.prompt
        case .video(let command): return command.prompt
        case .describe: return nil
        }
    }

    /// The seed chosen at acceptance, for tasks that render.
    public var seed: UInt32? {
        switch self {
        case .imagine(let command): return command.seed
        case .edit(let command): return command.seed
        case .video(let command): return command.seed
        case .describe, .shorten: return nil
        }
    }

    /// Speed asked for, for tasks that render.
    public var mode: TaskMode? {
        switch self {
        case .imagine(let command): return command.mode
        case .edit(let command): return command.mode
        case .video(let command): return command.mode
        case .describe, .shorten: return nil
        }
    }

    /// The imagine actions that may follow this task's result (API.md's actions graph; an edit's grid is followed
    /// as a grid is, except by `reroll`, which would draw the prompt without the edited image).
    public var followUps: [ImagineAction] {
        switch self {
        case .imagine(let command): return command.action.followUps
        case .edit: return [.upscale1, .upscale2, .upscale3, .upscale4, .variation1, .variation2, .variation3, .variation4]
        case .describe, .shorten, .video: return []
        }
    }

    /// The imagine command, if this is one.
    public var imagine: ImagineCommand? {
        if case .imagine(let command) = self { return command }
        return nil
    }

    /// The shorten command, if this is one.
    public var shorten: ShortenCommand? {
        if case .shorten(let command) = self { return command }
        return nil
    }

    /// The describe command, if this is one.
    public var describe: DescribeCommand? {
        if case .describe(let command) = self { return command }
        return nil
    }

    /// The action's name (`describe` for describe tasks).
    public var actionName: String {
        switch self {
        case .imagine(let command): return command.action.rawValue
        case .describe: return "describe"
        case .shorten: return "shorten"
        case .edit: return "edit"
        case .video(let command): return "video_\(command.action.rawValue)"
        }
    }

    /// Credits the task costs when accepted.
    public var cost: Int {
        switch self {
        case .imagine(let command): return command.mode.cost
        case .describe: return TaskKind.describeCost
        case .shorten: return TaskKind.shortenCost
        case .edit(let command): return command.mode.cost
        case .video(let command): return command.cost
        }
    }
}

/// An imagine task's instructions.
public struct ImagineCommand: Sendable, Equatable, Codable {
    /// What to do.
    public var action: ImagineAction
    /// The prompt as given (nil for follow-ups that keep their source's).
    public var prompt: String?
    /// The task whose image this one acts on (nil for `generate`).
    public var parentTaskID: String?
    /// That image's id, as the client named it.
    public var parentImageID: String?
    /// PNG bytes of the `variation_region` mask (white = repaint), the source's size.
    public var mask: Data?
    /// Speed and cost.
    public var mode: TaskMode
    /// Whether the four quadrants of a grid are kept as images of their own.
    public var splitImages: Bool
    /// The seed chosen at acceptance (a prompt's `--seed` wins inside the engine).
    public var seed: UInt32

    /// Creates a command.
    public init(
        action: ImagineAction, prompt: String? = nil, parentTaskID: String? = nil, parentImageID: String? = nil, mask: Data? = nil,
        mode: TaskMode = .fast, splitImages: Bool = false, seed: UInt32
    ) {
        self.action = action
        self.prompt = prompt
        self.parentTaskID = parentTaskID
        self.parentImageID = parentImageID
        self.mask = mask
        self.mode = mode
        self.splitImages = splitImages
        self.seed = seed
    }
}

/// A shorten task's instructions.
public struct ShortenCommand: Sendable, Equatable, Codable {
    /// The prompt to shorten.
    public var prompt: String

    /// Creates a command.
    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// An edit task's instructions: the image to repaint, what to paint, and where.
public struct EditCommand: Sendable, Equatable, Codable {
    /// The image: an http(s) URL, possibly one of this server's own image URLs.
    public var imageURL: String
    /// What to paint.
    public var prompt: String
    /// PNG bytes of the mask (white = repaint; scaled to the image); nil repaints all of it, keeping its layout.
    public var mask: Data?
    /// Speed and cost.
    public var mode: TaskMode
    /// Whether the four quadrants of the grid are kept as images of their own.
    public var splitImages: Bool
    /// The seed chosen at acceptance (a prompt's `--seed` wins inside the engine).
    public var seed: UInt32

    /// Most pixels a mask may have: it is decoded to be checked at acceptance and again by the engine.
    public static let maxMaskPixels = 16_000_000

    /// Creates a command.
    public init(imageURL: String, prompt: String, mask: Data? = nil, mode: TaskMode = .fast, splitImages: Bool = false, seed: UInt32) {
        self.imageURL = imageURL
        self.prompt = prompt
        self.mask = mask
        self.mode = mode
        self.splitImages = splitImages
        self.seed = seed
    }
}

/// A video task's instructions: where its first frame comes from, what should happen, and how the videos are made.
public struct VideoCommand: Sendable, Equatable, Codable {
    /// `generate` from an image, or `extend` one video of an earlier result.
    public var action: VideoAction
    /// What should happen in the video.
    public var prompt: String
    /// The first frame (`generate`): an http(s) URL, possibly one of this server's own image URLs.
    public var imageURL: String?
    /// Where the video should end (as sent; engines that cannot aim at it start from the first frame only).
    public var endImageURL: String?
    /// The video task that is extended (`extend`).
    public var parentTaskID: String?
    /// Its video id, as the client named it.
    public var parentVideoID: String?
    /// Which of the parent's four videos goes on (0–3).
    public var videoIndex: Int
    /// Whether each video ends where it began.
    public var loop: Bool
    /// Speed and cost (`fast` or `turbo`).
    public var mode: TaskMode
    /// Frame height: 480 or 720 lines.
    public var resolution: VideoResolution
    /// The seed chosen at acceptance.
    public var seed: UInt32

    /// Creates a command.
    public init(
        action: VideoAction, prompt: String, imageURL: String? = nil, endImageURL: String? = nil, parentTaskID: String? = nil,
        parentVideoID: String? = nil, videoIndex: Int = 0, loop: Bool = false, mode: TaskMode = .fast,
        resolution: VideoResolution = .p720, seed: UInt32
    ) {
        self.action = action
        self.prompt = prompt
        self.imageURL = imageURL
        self.endImageURL = endImageURL
        self.parentTaskID = parentTaskID
        self.parentVideoID = parentVideoID
        self.videoIndex = videoIndex
        self.loop = loop
        self.mode = mode
        self.resolution = resolution
        self.seed = seed
    }

    /// Credits: four videos cost what two grids in the same mode do.
    public var cost: Int { mode.cost * 2 }
}

/// What a video task does.
public enum VideoAction: String, Sendable, Codable, CaseIterable {
    /// Four videos starting from an image.
    case generate
    /// Four videos going on from the last frame of an earlier video.
    case extend
}

/// How many lines a video's frames have.
public enum VideoResolution: String, Sendable, Codable, CaseIterable {
    case p480 = "480p"
    case p720 = "720p"

    /// Frame height in pixels.
    public var height: Int {
        switch self {
        case .p480: return 480
        case .p720: return 720
        }
    }
}

/// A describe task's instructions.
public struct DescribeCommand: Sendable, Equatable, Codable {
    /// The image: an http(s) URL, possibly one of this server's own image URLs.
    public var imageURL: String

    /// Creates a command.
    public init(imageURL: String) {
        self.imageURL = imageURL
    }
}

extension TaskCommand: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, imagine, describe, shorten, edit, video
    }

    /// Decodes `{"kind": ..., "<kind>": {...}}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(TaskKind.self, forKey: .kind) {
        case .imagine: self = .imagine(try container.decode(ImagineCommand.self, forKey: .imagine))
        case .describe: self = .describe(try container.decode(DescribeCommand.self, forKey: .describe))
        case .shorten: self = .shorten(try container.decode(ShortenCommand.self, forKey: .shorten))
        case .edits: self = .edit(try container.decode(EditCommand.self, forKey: .edit))
        case .videos: self = .video(try container.decode(VideoCommand.self, forKey: .video))
        }
    }

    /// Encodes `{"kind": ..., "<kind>": {...}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .imagine(let command): try container.encode(command, forKey: .imagine)
        case .describe(let command): try container.encode(command, forKey: .describe)
        case .shorten(let command): try container.encode(command, forKey: .shorten)
        case .edit(let command): try container.encode(command, forKey: .edit)
        case .video(let command): try container.encode(command, forKey: .video)
        }
    }
}
