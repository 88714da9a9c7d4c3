import JourneymanImaging

/// What renders and describes images: the local procedural engine, or one that calls a provider.
/// The worker does not care which: it hands an engine a job and keeps what comes back.
public protocol Engine: Sendable {
    /// A short name for logs and `serve --engine` (`local`, `upstream`).
    var name: String { get }

    /// What the engine offers beyond imagine.
    var capabilities: EngineCapabilities { get }

    /// Renders the result of one imagine task. Calls `progress` with growing values (0–100) while it works;
    /// CPU-heavy work runs off the caller's thread.
    func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput

    /// Four different prompt-style descriptions of an image, each ending in `--ar W:H` of the image.
    func describe(_ image: DescribeInput) async throws -> [String]

    /// Up to five shorter prompts that keep the prompt's content words and parameters.
    func shorten(_ prompt: String) async throws -> [String]

    /// Describes as a task: `journal` keeps what must survive a restart (an upstream's task id).
    func describe(_ image: DescribeInput, journal: EngineJournal) async throws -> [String]

    /// A prompt in English (`/translate`), where the engine offers it (`capabilities.translate`).
    func translate(_ content: String) async throws -> String

    /// Four repaints of an image after a prompt, as a 2×2 grid (`/edits`), where the engine offers it
    /// (`capabilities.edits`). Calls `progress` with growing values (0–100) while it works.
    func edit(_ job: EditJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput

    /// Four short videos (`/videos`), where the engine offers them (`capabilities.videos`). Calls `progress` with
    /// growing values (0–100) while it works.
    func video(_ job: VideoJob, progress: @escaping @Sendable (Int) -> Void) async throws -> VideoOutput
}

extension Engine {
    /// Engines that cannot translate say so.
    public func translate(_ content: String) async throws -> String {
        throw EngineError(code: .notImplemented, message: "/midjourney/translate is not provided by the running engine")
    }

    /// Engines that cannot edit say so.
    public func edit(_ job: EditJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        throw EngineError(code: .notImplemented, message: "/midjourney/edits is not provided by the running engine")
    }

    /// Engines that cannot make videos say so.
    public func video(_ job: VideoJob, progress: @escaping @Sendable (Int) -> Void) async throws -> VideoOutput {
        throw EngineError(code: .notImplemented, message: "/midjourney/videos is not provided by the running engine")
    }

    /// Engines that keep no per-task state describe the same way as a task.
    public func describe(_ image: DescribeInput, journal: EngineJournal) async throws -> [String] {
        try await describe(image)
    }
}

/// The family endpoints and inputs an engine provides.
public struct EngineCapabilities: Sendable, Equatable {
    /// `/shorten`.
    public var shorten: Bool
    /// Whether describe and edit take a URL to fetch themselves (else the worker fetches and hands over the bytes).
    public var fetchesDescribeImages: Bool
    /// `/translate`.
    public var translate: Bool
    /// `/edits`.
    public var edits: Bool
    /// `/videos`.
    public var videos: Bool

    /// Creates a set of capabilities.
    public init(
        shorten: Bool = true, fetchesDescribeImages: Bool = false, translate: Bool = false, edits: Bool = false, videos: Bool = false
    ) {
        self.shorten = shorten
        self.fetchesDescribeImages = fetchesDescribeImages
        self.translate = translate
        self.edits = edits
        self.videos = videos
    }
}

/// Everything an engine needs to render one imagine task.
public struct ImagineJob: Sendable {
    /// The task's id (an upstream engine keeps its own ids beside it).
    public var taskID: String
    /// The action being performed.
    public var action: ImagineAction
    /// The prompt in force: the task's own, or its source's for follow-ups without one.
    public var prompt: ParsedPrompt
    /// The prompt's text as given.
    public var promptText: String
    /// The seed chosen at acceptance.
    public var seed: UInt32
    /// Speed asked for.
    public var mode: TaskMode
    /// The image acted on; nil for `generate`.
    public var source: ImagineSource?
    /// For `variation_region`: the PNG mask (white = repaint), the source's size.
    public var mask: [UInt8]?
    /// Where the engine keeps this task's state across restarts (an upstream's task id).
    public var journal: EngineJournal = .none
    /// Whether the task has a prompt of its own (else `prompt` is its source's).
    public var hasOwnPrompt: Bool = true

    /// Creates a job.
    public init(
        taskID: String = "", action: ImagineAction, prompt: ParsedPrompt, promptText: String = "", seed: UInt32, mode: TaskMode = .fast,
        source: ImagineSource? = nil, mask: [UInt8]? = nil
    ) {
        self.taskID = taskID
        self.action = action
        self.prompt = prompt
        self.promptText = promptText
        self.seed = seed
        self.mode = mode
        self.source = source
        self.mask = mask
    }
}

/// Everything an engine needs to carry out one edit task.
public struct EditJob: Sendable {
    /// The task's id.
    public var taskID: String
    /// What to paint.
    public var prompt: ParsedPrompt
    /// The prompt's text as given.
    public var promptText: String
    /// The seed chosen at acceptance.
    public var seed: UInt32
    /// Speed asked for.
    public var mode: TaskMode
    /// The image to repaint.
    public var image: Image
    /// The PNG mask (white = repaint), to be scaled to the image; nil repaints all of it.
    public var mask: [UInt8]?
    /// Where the engine keeps this task's state across restarts (an upstream's task id).
    public var journal: EngineJournal = .none

    /// The image an edit repaints.
    public enum Image: Sendable {
        /// Bytes the worker fetched.
        case encoded(EncodedImage)
        /// A URL the engine fetches itself (only for engines with `fetchesDescribeImages`).
        case url(String)
    }

    /// Creates a job.
    public init(
        taskID: String = "", prompt: ParsedPrompt, promptText: String, seed: UInt32, mode: TaskMode = .fast, image: Image,
        mask: [UInt8]? = nil
    ) {
        self.taskID = taskID
        self.prompt = prompt
        self.promptText = promptText
        self.seed = seed
        self.mode = mode
        self.image = image
        self.mask = mask
    }
}

/// Everything an engine needs to make one video task's four videos.
public struct VideoJob: Sendable {
    /// The task's id.
    public var taskID: String
    /// `generate` or `extend`.
    public var action: VideoAction
    /// What should happen, parsed.
    public var prompt: ParsedPrompt
    /// The prompt's text as given.
    public var promptText: String
    /// The seed chosen at acceptance.
    public var seed: UInt32
    /// Speed asked for.
    public var mode: TaskMode
    /// Frame height.
    public var resolution: VideoResolution
    /// Whether each video ends where it began.
    public var loop: Bool
    /// The first frame: the image a `generate` starts from, or the last frame of the extended video (bytes the worker
    /// read), or its URL for engines that fetch for themselves; nil for an `extend` whose source kept no last frame.
    public var start: EditJob.Image?
    /// Where the video should end, as sent.
    public var endImageURL: String?
    /// For `extend`: the extended task's lineage (what its engine returned), and which of its videos goes on.
    public var parentLineage: String?
    /// For `extend`: 0–3.
    public var videoIndex: Int
    /// Where the engine keeps this task's state across restarts (an upstream's task id).
    public var journal: EngineJournal = .none

    /// Creates a job.
    public init(
        taskID: String = "", action: VideoAction, prompt: ParsedPrompt, promptText: String, seed: UInt32, mode: TaskMode = .fast,
        resolution: VideoResolution = .p720, loop: Bool = false, start: EditJob.Image?, endImageURL: String? = nil,
        parentLineage: String? = nil, videoIndex: Int = 0
    ) {
        self.taskID = taskID
        self.action = action
        self.prompt = prompt
        self.promptText = promptText
        self.seed = seed
        self.mode = mode
        self.resolution = resolution
        self.loop = loop
        self.start = start
        self.endImageURL = endImageURL
        self.parentLineage = parentLineage
        self.videoIndex = videoIndex
    }
}

/// An engine's four videos: MP4 bytes, a cover picture, and the last frame of each (what an `extend` starts from).
public struct VideoOutput: Sendable {
    /// One video.
    public struct Video: Sendable {
        /// The MP4 file.
        public var mp4: [UInt8]
        /// Its last frame, when the engine has it (the local engine does; an upstream extends by its own ids).
        public var lastFrame: EngineImage?

        /// Creates a video.
        public init(mp4: [UInt8], lastFrame: EngineImage? = nil) {
            self.mp4 = mp4
            self.lastFrame = lastFrame
        }
    }

    /// The four videos, in order.
    public var videos: [Video]
    /// The cover picture (the first frame), at the videos' size.
    public var cover: EngineImage
    /// Pixels across and down of each frame.
    public var width: Int
    public var height: Int
    /// Opaque to everything but the engine that wrote it (upstream ids); handed back for `extend`.
    public var lineage: String

    /// Creates a result.
    public init(videos: [Video], cover: EngineImage, width: Int, height: Int, lineage: String) {
        self.videos = videos
        self.cover = cover
        self.width = width
        self.height = height
        self.lineage = lineage
    }
}

/// The parent image of a follow-up action.
public struct ImagineSource: Sendable {
    /// The parent's full-size image, encoded: a 2×2 grid for `upscaleN`, `variationN` and `reroll`; one image otherwise.
    public var image: EncodedImage
    /// The parent's prompt.
    public var prompt: ParsedPrompt
    /// The parent's seed.
    public var seed: UInt32
    /// What the engine returned as `lineage` with the parent.
    public var lineage: String

    /// Creates a source.
    public init(image: EncodedImage, prompt: ParsedPrompt, seed: UInt32, lineage: String) {
        self.image = image
        self.prompt = prompt
        self.seed = seed
        self.lineage = lineage
    }
}

/// An image as bytes of a format, with its size.
public struct EncodedImage: Sendable, Equatable {
    /// The encoded bytes.
    public var bytes: [UInt8]
    /// `png` or `jpeg`.
    public var format: String
    /// Pixels across.
    public var width: Int
    /// Pixels down.
    public var height: Int

    /// Creates an encoded image.
    public init(bytes: [UInt8], format: String, width: Int, height: Int) {
        self.bytes = bytes
        self.format = format
        self.width = width
        self.height = height
    }
}

/// An engine's image: pixels drawn here, or bytes fetched from a provider.
public enum EngineImage: Sendable {
    /// Decoded pixels.
    case pixels(RGBAImage)
    /// Encoded bytes.
    case encoded(EncodedImage)
}

/// An engine's result for one imagine task.
public struct ImagineOutput: Sendable {
    /// The full-size result (a grid, or one image).
    public var image: EngineImage
    /// The seed used, when the engine knows it.
    public var seed: UInt32?
    /// Opaque to everything but the engine that wrote it (scene parameters, upstream ids); handed back for follow-ups.
    public var lineage: String

    /// Creates a result.
    public init(image: EngineImage, seed: UInt32? = nil, lineage: String) {
        self.image = image
        self.seed = seed
        self.lineage = lineage
    }
}

/// The image a describe task reads.
public enum DescribeInput: Sendable {
    /// The image's encoded bytes.
    case bytes([UInt8])
    /// A URL the engine fetches itself (only for engines with `fetchesDescribeImages`).
    case url(String)
}

/// An engine failure that names its cause for the task's error message.
public struct EngineError: Error, Sendable, Equatable {
    /// Why, in the domain's words.
    public var code: FailureCode
    /// Human-readable message.
    public var message: String

    /// Creates an engine error.
    public init(code: FailureCode = .internalError, message: String) {
        self.code = code
        self.message = message
    }
}
