import Foundation
import JourneymanImaging

/// An imagine task as a contract hands it over: its fields decoded, nothing checked against the domain's rules yet.
public struct ImagineSubmission: Sendable {
    /// What to do.
    public var action: ImagineAction
    /// The prompt (required for `generate`).
    public var prompt: String?
    /// The image acted on (every action but `generate`).
    public var imageID: String?
    /// The `variation_region` mask as sent (base64 PNG, with or without a `data:` prefix).
    public var mask: String?
    /// Speed and cost.
    public var mode: TaskMode
    /// Whether a grid's quadrants are kept as images of their own.
    public var splitImages: Bool

    /// Creates a submission.
    public init(
        action: ImagineAction, prompt: String? = nil, imageID: String? = nil, mask: String? = nil, mode: TaskMode = .fast,
        splitImages: Bool = false
    ) {
        self.action = action
        self.prompt = prompt
        self.imageID = imageID
        self.mask = mask
        self.mode = mode
        self.splitImages = splitImages
    }
}

/// An edit as a contract received it, before the domain's checks.
public struct EditSubmission: Sendable {
    /// The image to repaint (http or https; this server's own image URLs too).
    public var imageURL: String
    /// What to paint.
    public var prompt: String
    /// Where to paint, as sent (base64 PNG, white = repaint, with or without a `data:` prefix); nil repaints all.
    public var mask: String?
    /// Speed and cost.
    public var mode: TaskMode
    /// Whether the grid's quadrants are kept as images of their own.
    public var splitImages: Bool

    /// Creates a submission.
    public init(imageURL: String, prompt: String, mask: String? = nil, mode: TaskMode = .fast, splitImages: Bool = false) {
        self.imageURL = imageURL
        self.prompt = prompt
        self.mask = mask
        self.mode = mode
        self.splitImages = splitImages
    }
}

/// A video task as a contract received it, before the domain's checks.
public struct VideoSubmission: Sendable {
    /// `generate` or `extend`.
    public var action: VideoAction
    /// What should happen.
    public var prompt: String
    /// The first frame (`generate`).
    public var imageURL: String?
    /// Where the video should end.
    public var endImageURL: String?
    /// The earlier result to go on from (`extend`).
    public var videoID: String?
    /// Which of its videos (0–3).
    public var videoIndex: Int
    /// Whether each video ends where it began.
    public var loop: Bool
    /// Speed and cost.
    public var mode: TaskMode
    /// Frame height.
    public var resolution: VideoResolution

    /// Creates a submission.
    public init(
        action: VideoAction, prompt: String, imageURL: String? = nil, endImageURL: String? = nil, videoID: String? = nil,
        videoIndex: Int = 0, loop: Bool = false, mode: TaskMode = .fast, resolution: VideoResolution = .p720
    ) {
        self.action = action
        self.prompt = prompt
        self.imageURL = imageURL
        self.endImageURL = endImageURL
        self.videoID = videoID
        self.videoIndex = videoIndex
        self.loop = loop
        self.mode = mode
        self.resolution = resolution
    }
}

/// How a task's results go out besides the answer to its request.
public struct Callback: Sendable, Equatable {
    /// Where the finished task is POSTed.
    public var url: String
    /// Whether each progress update is POSTed too.
    public var progress: Bool
    /// The contract whose bodies are POSTed.
    public var format: String

    /// Creates a callback.
    public init(url: String, progress: Bool, format: String) {
        self.url = url
        self.progress = progress
        self.format = format
    }
}

/// Submission: checks a new task against the domain's rules (actions graph, follow-up ownership, masks,
/// moderation) and stores it durably as pending, charged to its application, before its id is answered.
public struct TaskSubmission: Sendable {
    /// The queue new tasks go into.
    public let queue: any TaskQueue
    /// Where follow-ups find their parents.
    public let queries: any TaskQueries
    /// Wakes workers when a task is stored.
    public let workSignal: WorkSignal
    /// Ids of every kind.
    public let identifiers: IdentifierFactory
    /// Per-application limits where an application has none of its own.
    public let limits: TaskLimits
    /// Words prompts may not contain.
    public let moderation: ModerationList
    /// Unix seconds now.
    public let now: @Sendable () -> Double
    /// Told of every accepted task.
    public let observer: any TaskObserver
    /// Where masks are decoded.
    public let pool: CPUPool

    /// Creates the submission rules over a store.
    public init(
        queue: any TaskQueue, queries: any TaskQueries, workSignal: WorkSignal, identifiers: IdentifierFactory = IdentifierFactory(),
        limits: TaskLimits = .none, moderation: ModerationList = ModerationList(words: []), observer: any TaskObserver = NoTaskObserver(),
        pool: CPUPool = .shared, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.pool = pool
        self.queue = queue
        self.observer = observer
        self.queries = queries
        self.workSignal = workSignal
        self.identifiers = identifiers
        self.limits = limits
        self.moderation = moderation
        self.now = now
    }

    /// Checks an imagine task against the actions graph and stores it as pending; `acceptedRequest` is the
    /// contract's echo of the request (JSON text).
    public func imagine(
        _ submission: ImagineSubmission, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        let action = submission.action
        let prompt = try submission.prompt.map { try PromptParser.parse($0) }
        if let text = submission.prompt, let word = moderation.firstHit(in: text) {
            throw ServiceError(.forbidden, "The prompt contains '\(word)', which this server does not accept.")
        }
        var parent: TaskSnapshot?
        var mask: Data?
        let seed: UInt32
        if action == .generate {
            guard let prompt, !prompt.text.isEmpty || !prompt.imageURLs.isEmpty else {
                throw ServiceError(.badRequest, "field 'prompt' is required for action 'generate'")
            }
            seed = prompt.seed ?? UInt32.random(in: 0...UInt32.max)
        } else {
            guard let imageID = submission.imageID, !imageID.isEmpty else {
                throw ServiceError(.badRequest, "field 'image_id' is required for action '\(action.rawValue)'")
            }
            guard let found = try await queries.task(imageID: imageID, applicationID: identity.applicationID) else {
                throw ServiceError(.badRequest, "image_id '\(imageID.prefix(40))' is unknown")
            }
            guard found.state == .succeeded else {
                throw ServiceError(.badRequest, "the task of image_id '\(imageID)' has not succeeded (it is \(found.state.rawValue))")
            }
            let followUps = found.command.followUps
            guard followUps.contains(action) else {
                let allowed = followUps.map(\.rawValue).joined(separator: ", ")
                throw ServiceError(
                    .badRequest,
                    "action '\(action.rawValue)' cannot follow '\(found.command.actionName)'; allowed: \(allowed.isEmpty ? "none" : allowed)"
                )
            }
            if action == .variationRegion {
                let text = submission.mask
                mask = try await pool.run { try Self.validateMask(text, parent: found) }
            }
            parent = found
            seed = Self.seedForFollowUp(action, prompt: prompt, parent: found)
        }
        let command = ImagineCommand(
            action: action, prompt: submission.prompt, parentTaskID: parent?.id, parentImageID: parent?.imageID, mask: mask,
            mode: submission.mode, splitImages: submission.splitImages, seed: seed
        )
        return try await insert(
            .imagine(command), identity: identity, traceID: traceID, acceptedRequest: acceptedRequest, callback: callback)
    }

    /// Stores a describe task as pending (the image is read by the worker).
    public func describe(
        imageURL: String, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        try await insert(
            .describe(DescribeCommand(imageURL: imageURL)), identity: identity, traceID: traceID, acceptedRequest: acceptedRequest,
            callback: callback
        )
    }

    /// Checks an edit (a prompt, an image URL, an optional PNG mask) and stores it as pending; the image is read by
    /// the worker, which scales the mask to it.
    public func edit(
        _ submission: EditSubmission, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        let prompt = try requiredPrompt(submission.prompt)
        var mask: Data?
        if let text = submission.mask, !text.isEmpty {
            // Checking a mask decodes it: such decodes share the server's one decode budget.
            mask = try await MemoryBudget.imageDecodes.withReservation(EditCommand.maxMaskPixels * 4) {
                try await pool.run { try Self.validateMask(text) }
            }
        }
        let command = EditCommand(
            imageURL: submission.imageURL, prompt: submission.prompt, mask: mask, mode: submission.mode,
            splitImages: submission.splitImages,
            seed: prompt.seed ?? UInt32.random(in: 0...UInt32.max)
        )
        return try await insert(.edit(command), identity: identity, traceID: traceID, acceptedRequest: acceptedRequest, callback: callback)
    }

    /// Checks a video task (a prompt; a first frame to `generate` from, or a succeeded video task of the application
    /// to `extend`) and stores it as pending; images are read by the worker.
    public func video(
        _ submission: VideoSubmission, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        let prompt = try requiredPrompt(submission.prompt)
        guard (0...3).contains(submission.videoIndex) else { throw ServiceError(.badRequest, "field 'video_index' must be 0 to 3") }
        var parent: TaskSnapshot?
        switch submission.action {
        case .generate:
            guard let imageURL = submission.imageURL, !imageURL.isEmpty else {
                throw ServiceError(.badRequest, "field 'image_url' is required for action 'generate'")
            }
        case .extend:
            guard let videoID = submission.videoID, !videoID.isEmpty else {
                throw ServiceError(.badRequest, "field 'video_id' is required for action 'extend'")
            }
            guard let found = try await queries.task(imageID: videoID, applicationID: identity.applicationID), found.kind == .videos
            else {
                throw ServiceError(.badRequest, "video_id '\(videoID.prefix(40))' is unknown")
            }
            guard found.state == .succeeded else {
                throw ServiceError(.badRequest, "the task of video_id '\(videoID)' has not succeeded (it is \(found.state.rawValue))")
            }
            parent = found
        }
        let command = VideoCommand(
            action: submission.action, prompt: submission.prompt, imageURL: submission.imageURL, endImageURL: submission.endImageURL,
            parentTaskID: parent?.id, parentVideoID: parent?.imageID, videoIndex: submission.videoIndex, loop: submission.loop,
            mode: submission.mode, resolution: submission.resolution, seed: prompt.seed ?? UInt32.random(in: 0...UInt32.max)
        )
        return try await insert(.video(command), identity: identity, traceID: traceID, acceptedRequest: acceptedRequest, callback: callback)
    }

    /// A prompt that must say something: parsed, and passed by moderation.
    private func requiredPrompt(_ text: String) throws -> ParsedPrompt {
        let prompt = try PromptParser.parse(text)
        guard !prompt.text.isEmpty else { throw ServiceError(.badRequest, "field 'prompt' is required") }
        if let word = moderation.firstHit(in: text) {
            throw ServiceError(.forbidden, "The prompt contains '\(word)', which this server does not accept.")
        }
        return prompt
    }

    /// Stores a shorten task as pending, once its prompt parses and passes moderation.
    public func shorten(
        prompt: String, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        guard !prompt.trimmingCharacters(in: .whitespaces).isEmpty else { throw ServiceError(.badRequest, "field 'prompt' is required") }
        _ = try PromptParser.parse(prompt)
        if let word = moderation.firstHit(in: prompt) {
            throw ServiceError(.forbidden, "The prompt contains '\(word)', which this server does not accept.")
        }
        return try await insert(
            .shorten(ShortenCommand(prompt: prompt)), identity: identity, traceID: traceID, acceptedRequest: acceptedRequest,
            callback: callback
        )
    }

    private func insert(
        _ command: TaskCommand, identity: Identity, traceID: String, acceptedRequest: String, callback: Callback?
    ) async throws -> TaskSnapshot {
        let createdAt = now()
        let date = Date(timeIntervalSince1970: createdAt)
        let task = TaskSnapshot(
            id: identifiers.uuid(),
            objectID: identifiers.objectID(at: date),
            applicationID: identity.applicationID,
            credentialID: identity.credential.id,
            traceID: traceID,
            command: command,
            acceptedRequest: acceptedRequest,
            // Imagine and edit tasks get their image id at acceptance, video tasks their video id (kept in the same place).
            imageID: [.imagine, .edits, .videos].contains(command.kind) ? identifiers.imageID(at: date) : nil,
            jobID: identifiers.uuid(),
            createdAt: createdAt,
            cost: command.cost,
            callbackURL: callback?.url,
            progressWebhooks: callback?.progress ?? false,
            callbackFormat: callback?.format ?? "midjourney"
        )
        do {
            try await queue.insertTask(task, limits: limits)
        } catch StoreError.insufficientCredits(let balance, let cost) {
            throw ServiceError(.usedUp, "This application has \(balance) credits left; the task costs \(cost).")
        } catch StoreError.queueFull(let limit) {
            throw ServiceError(
                .tooManyRequests, "This application already has \(limit) tasks waiting (its queue limit); retry when some have started.",
                retryAfter: 5
            )
        }
        workSignal.notify()
        observer.taskSubmitted(task)
        return task
    }

    private static func seedForFollowUp(_ action: ImagineAction, prompt: ParsedPrompt?, parent: TaskSnapshot) -> UInt32 {
        if let seed = prompt?.seed { return seed }
        switch action {
        case .upscale1, .upscale2, .upscale3, .upscale4, .upscale2x, .upscale4x:
            return parent.result?.seed ?? parent.command.seed ?? 0
        default:
            return UInt32.random(in: 0...UInt32.max)
        }
    }

    /// The mask's PNG bytes, once they are known to be a PNG of the parent's size (checked from its header first).
    private static func validateMask(_ mask: String?, parent: TaskSnapshot) throws -> Data {
        let full = parent.result?.image(.full)
        return try validateMask(mask, size: full.map { (width: $0.width, height: $0.height) })
    }

    /// The mask's PNG bytes, once they are known to be a whole PNG (of `size`, when given).
    private static func validateMask(_ mask: String?, size: (width: Int, height: Int)? = nil) throws -> Data {
        try RegionMask.validate(mask, parentSize: size)
        let text = mask ?? ""
        let base64 = text.split(separator: ",", maxSplits: 1).last.map(String.init) ?? text
        return Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data()
    }
}
