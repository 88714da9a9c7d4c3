import Foundation
import JourneymanImaging
import Logging

/// The worker: claims pending tasks, runs each through the engine, keeps its images, and completes it once.
/// Everything about running one task lives here; `WorkerService` only starts and stops these loops.
public struct TaskWorker: Sendable {
    /// The queue tasks are claimed from.
    public let queue: any TaskQueue
    /// Where parents and sources are read.
    public let queries: any TaskQueries
    /// Where images live.
    public let blobs: any BlobStore
    /// The one path by which tasks end.
    public let completion: TaskCompletion
    /// Tells waiters about progress.
    public let events: TaskEventHub
    /// What renders and describes.
    public let engine: any Engine
    /// What fetches describe images the engine does not fetch itself.
    public let fetcher: any ImageFetcher
    /// This server's image URLs (a describe of one of them reads the blob store).
    public let links: ImageLinks
    /// Where encoding, decoding and thumbnails run.
    public let pool: CPUPool
    /// Limits on running tasks per application.
    public let limits: TaskLimits
    /// How long a claim lasts unless renewed.
    public let leaseSeconds: Double
    /// Largest describe image accepted, in bytes.
    public let maxDescribeBytes: Int
    /// Longest the engine may work on one task.
    public let taskTimeoutSeconds: Double
    /// Where it says what happened.
    public let logger: Logger
    /// Unix seconds now.
    public let now: @Sendable () -> Double

    /// Creates a worker.
    public init(
        queue: any TaskQueue, queries: any TaskQueries, blobs: any BlobStore, completion: TaskCompletion, events: TaskEventHub,
        engine: any Engine, fetcher: any ImageFetcher, links: ImageLinks, pool: CPUPool = .shared, limits: TaskLimits = .none,
        leaseSeconds: Double = 30, maxDescribeBytes: Int = 20 * 1024 * 1024, taskTimeoutSeconds: Double = 600, logger: Logger,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.queue = queue
        self.queries = queries
        self.blobs = blobs
        self.completion = completion
        self.events = events
        self.engine = engine
        self.fetcher = fetcher
        self.links = links
        self.pool = pool
        self.limits = limits
        self.leaseSeconds = leaseSeconds
        self.maxDescribeBytes = maxDescribeBytes
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.logger = logger
        self.now = now
    }

    // MARK: The claim loop

    /// Claims and runs tasks as `owner` until `shouldStop` or cancellation; sleeps on `signal` when there is no work.
    /// A task interrupted by cancellation goes back to pending at once.
    public func work(owner: String, signal: WorkSignal, shouldStop: @escaping @Sendable () -> Bool) async {
        while !Task.isCancelled && !shouldStop() {
            do {
                if let task = try await queue.claimTask(owner: owner, now: now(), leaseSeconds: leaseSeconds, limits: limits) {
                    await run(task, owner: owner)
                    continue
                }
            } catch  where Task.isCancelled {
                break
            } catch {
                logger.error("could not claim work", metadata: ["error": "\(error)"])
            }
            await signal.wait(timeout: 1)
        }
    }

    // MARK: One task

    /// Runs `task`, held by `owner`, and completes it. Never throws: failures end the task as failed, and an
    /// interruption (shutdown) puts it back to pending for the next claim.
    public func run(_ task: TaskSnapshot, owner: String) async {
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "task_id"] = "\(task.id)"
        logger[metadataKey: "trace_id"] = "\(task.traceID)"
        logger.info("task started", metadata: ["action": "\(task.command.actionName)"])
        let outcome: TaskOutcome
        do {
            let result = try await withLease(task, owner: owner) { progress in
                try await perform(task, owner: owner, progress: progress)
            }
            outcome = TaskOutcome(state: .succeeded, result: result, finishedAt: now())
        } catch is LeaseLost {
            logger.info("task left: it was cancelled or another worker holds it")
            return
        } catch  where Task.isCancelled {
            // Shutdown interrupted the work: back to pending now, not when the lease lapses. The store call must
            // not inherit the cancellation, or it would be refused before it ran.
            let queue = queue
            let released = await Task.detached { (try? await queue.releaseTasks(owner: owner)) ?? 0 }.value
            logger.info("task interrupted by shutdown; back to pending", metadata: ["released": "\(released)"])
            return
        } catch {
            let failure = Self.failure(of: error)
            if failure.code == .internalError {
                logger.error("task failed", metadata: ["error": "\(error)"])
            } else {
                logger.info("task refused", metadata: ["code": "\(failure.code.rawValue)", "message": "\(failure.message)"])
            }
            outcome = TaskOutcome(state: .failed, result: TaskResult(failure: failure), finishedAt: now())
        }
        do {
            // The result exists (its images are stored): record it even if a shutdown cancels this task meanwhile,
            // or the task would stay running until its lease lapsed and be rendered again.
            let completion = completion
            let finished = try await Task.detached { try await completion.finish(task.id, owner: owner, outcome: outcome) }.value
            guard finished != nil else {
                logger.info("task already finished elsewhere (cancelled or reclaimed); result dropped")
                return
            }
            logger.info(
                "task finished", metadata: ["state": "\(outcome.state.rawValue)", "seconds": "\(Self.seconds(since: started))"])
        } catch {
            // The lease will lapse and another claim will run it again: nothing is lost.
            logger.error("could not record the task's end; it will be retried", metadata: ["error": "\(error)"])
        }
    }

    private struct LeaseLost: Error {}

    /// Runs `work` while renewing the lease and recording progress; stops the work when the lease is lost.
    private func withLease(
        _ task: TaskSnapshot, owner: String, _ work: @escaping @Sendable (@escaping @Sendable (Int) -> Void) async throws -> TaskResult
    ) async throws -> TaskResult {
        let (progressStream, progressContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let reporter: @Sendable (Int) -> Void = { value in progressContinuation.yield(min(99, max(0, value))) }
        return try await withThrowingTaskGroup(of: TaskResult?.self) { group in
            group.addTask {
                defer { progressContinuation.finish() }
                return try await work(reporter)
            }
            // The engine gets a deadline: one that hangs fails its task instead of holding a worker forever.
            let deadline = taskTimeoutSeconds
            group.addTask {
                try await Task.sleep(for: .seconds(deadline))
                throw ServiceError(.timeout, "The engine did not finish the task within \(Int(deadline)) seconds.")
            }
            // A heartbeat renews the lease while the engine is quiet (-1 means "no new progress").
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(leaseSeconds / 3))
                    progressContinuation.yield(-1)
                }
                return nil
            }
            // Progress and renewal, newest value only; losing the lease (cancelled, reclaimed) stops the work.
            group.addTask {
                var last = 0
                for await value in progressStream {
                    let progress = max(value, last)
                    let held = try await queue.updateProgress(
                        id: task.id, owner: owner, progress: progress, now: now(), leaseSeconds: leaseSeconds)
                    guard held else { throw LeaseLost() }
                    if value > last {
                        last = value
                        events.publish(task.id, .progress(value))
                        if task.progressWebhooks { completion.deliverySignal.notify() }
                    }
                }
                return nil
            }
            // The first result wins; the heartbeat, the progress reader and the deadline are then cancelled.
            while let value = try await group.next() {
                if let value {
                    group.cancelAll()
                    return value
                }
            }
            throw LeaseLost()
        }
    }

    private func perform(_ task: TaskSnapshot, owner: String, progress: @escaping @Sendable (Int) -> Void) async throws -> TaskResult {
        // The engine's per-task state lives with the task, so a re-claimed task resumes where the last run left it.
        let journal = (queue as? any EngineStateStore).map { EngineJournal(store: $0, taskID: task.id, owner: owner) } ?? .none
        switch task.command {
        case .imagine(let command): return try await imagine(task, command, journal: journal, progress: progress)
        case .describe(let command): return try await describe(command, journal: journal)
        case .edit(let command): return try await edit(task, command, journal: journal, progress: progress)
        case .video(let command): return try await video(task, command, journal: journal, progress: progress)
        case .shorten(let command):
            guard engine.capabilities.shorten else { throw ServiceError(.notImplemented, "shorten is not provided by the running engine") }
            return TaskResult(descriptions: try await engine.shorten(command.prompt))
        }
    }

    private func imagine(
        _ task: TaskSnapshot, _ command: ImagineCommand, journal: EngineJournal, progress: @escaping @Sendable (Int) -> Void
    ) async throws
        -> TaskResult
    {
        var prompt = try command.prompt.map { try PromptParser.parse($0) }
        var promptText = command.prompt ?? ""
        var source: ImagineSource?
        if let parentID = command.parentTaskID {
            guard let parent = try await queries.task(id: parentID), let full = parent.result?.image(.full),
                let bytes = try await blobs.get(full.name)
            else {
                throw ServiceError(.internalError, "The source image of this task is missing.")
            }
            let (parentPrompt, parentText) = try await sourcePrompt(of: parent)
            source = ImagineSource(
                image: EncodedImage(bytes: bytes, format: full.format, width: full.width, height: full.height),
                prompt: parentPrompt, seed: parent.result?.seed ?? parent.command.seed ?? 0,
                lineage: parent.result?.lineage ?? ""
            )
            if prompt == nil {
                prompt = parentPrompt
                promptText = parentText
            }
        }
        guard let prompt else { throw ServiceError(.badRequest, "field 'prompt' is required") }
        var job = ImagineJob(
            taskID: task.id, action: command.action, prompt: prompt, promptText: promptText, seed: command.seed, mode: command.mode,
            source: source, mask: command.mask.map { [UInt8]($0) }
        )
        job.journal = journal
        job.hasOwnPrompt = command.prompt != nil
        let output = try await engine.imagine(job, progress: progress)
        return try await keep(output, taskID: task.id, split: command.splitImages && command.action.producesGrid, seed: command.seed)
    }

    /// Stores an engine's image (full size, thumbnail, quadrants with `split`) and answers the result naming them.
    private func keep(_ output: ImagineOutput, taskID id: String, split: Bool, seed: UInt32) async throws -> TaskResult {
        let encoded = try await pool.run { try Self.encode(output.image, taskID: id, split: split) }
        for (image, bytes) in encoded {
            try await blobs.put(image.name, bytes: bytes)
        }
        return TaskResult(images: encoded.map(\.0), seed: output.seed ?? seed, lineage: output.lineage)
    }

    private func edit(
        _ task: TaskSnapshot, _ command: EditCommand, journal: EngineJournal, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> TaskResult {
        guard engine.capabilities.edits else {
            throw ServiceError(.notImplemented, "/midjourney/edits is not provided by the running engine")
        }
        let image = try await inputImage(command.imageURL, field: "image_url")
        var job = EditJob(
            taskID: task.id, prompt: try PromptParser.parse(command.prompt), promptText: command.prompt, seed: command.seed,
            mode: command.mode, image: image, mask: command.mask.map { [UInt8]($0) })
        job.journal = journal
        let output = try await engine.edit(job, progress: progress)
        return try await keep(output, taskID: task.id, split: command.splitImages, seed: command.seed)
    }

    /// An image a task names by URL, as the engine takes it: the URL itself for engines that fetch for themselves,
    /// else its bytes (this server's own images from the blob store), which must be a PNG or a JPEG.
    private func inputImage(_ url: String, field: String) async throws -> EditJob.Image {
        if engine.capabilities.fetchesDescribeImages { return .url(url) }
        let bytes = try await imageBytes(url)
        let header: ImageHeader
        do {
            header = try ImageHeader.read(bytes)
        } catch {
            throw ServiceError(.badRequest, "\(field) is no PNG or JPEG image")
        }
        return .encoded(
            EncodedImage(bytes: bytes, format: header.format == .jpeg ? "jpeg" : "png", width: header.width, height: header.height))
    }

    private func video(
        _ task: TaskSnapshot, _ command: VideoCommand, journal: EngineJournal, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> TaskResult {
        guard engine.capabilities.videos else {
            throw ServiceError(.notImplemented, "/midjourney/videos is not provided by the running engine")
        }
        var start: EditJob.Image?
        var parentLineage: String?
        switch command.action {
        case .generate:
            guard let url = command.imageURL else { throw ServiceError(.badRequest, "field 'image_url' is required for action 'generate'") }
            start = try await inputImage(url, field: "image_url")
        case .extend:
            guard let parentID = command.parentTaskID, let parent = try await queries.task(id: parentID), parent.state == .succeeded else {
                throw ServiceError(.internalError, "The extended video's task is missing.")
            }
            parentLineage = parent.result?.lineage
            // The last frame of the extended video, where the engine that made it kept one.
            if let last = parent.result?.image(.lastFrame(command.videoIndex)), let bytes = try await blobs.get(last.name) {
                start = .encoded(EncodedImage(bytes: bytes, format: last.format, width: last.width, height: last.height))
            }
        }
        var job = VideoJob(
            taskID: task.id, action: command.action, prompt: try PromptParser.parse(command.prompt), promptText: command.prompt,
            seed: command.seed, mode: command.mode, resolution: command.resolution, loop: command.loop, start: start,
            endImageURL: command.endImageURL, parentLineage: parentLineage, videoIndex: command.videoIndex)
        job.journal = journal
        let output = try await engine.video(job, progress: progress)
        let stored = try await pool.run { try Self.encode(output, taskID: task.id) }
        for (image, bytes) in stored {
            try await blobs.put(image.name, bytes: bytes)
        }
        return TaskResult(images: stored.map(\.0), seed: command.seed, lineage: output.lineage)
    }

    /// A video result's blobs: the cover (full size and 50 % thumbnail), each video (`<id>-v<n>.mp4`) and each video's
    /// last frame (`<id>-v<n>-last.png`), named after the task.
    static func encode(_ output: VideoOutput, taskID: String) throws -> [(StoredImage, [UInt8])] {
        var blobs = try encode(output.cover, taskID: taskID, split: false)
        for (n, video) in output.videos.prefix(4).enumerated() {
            blobs.append(
                (
                    StoredImage(role: .video(n), name: "\(taskID)-v\(n).mp4", width: output.width, height: output.height, format: "mp4"),
                    video.mp4
                ))
            if let last = video.lastFrame {
                let (bytes, width, height) = try pngBytes(of: last)
                blobs.append((StoredImage(role: .lastFrame(n), name: "\(taskID)-v\(n)-last.png", width: width, height: height), bytes))
            }
        }
        return blobs
    }

    /// An engine image as PNG bytes with its size (PNG bytes kept as they are).
    private static func pngBytes(of image: EngineImage) throws -> ([UInt8], Int, Int) {
        switch image {
        case .pixels(let pixels): return (try PNG.encode(pixels), pixels.width, pixels.height)
        case .encoded(let encoded) where encoded.format == "png": return (encoded.bytes, encoded.width, encoded.height)
        case .encoded(let encoded):
            let pixels = try ImageDecoder.decode(encoded.bytes, maxPixels: 100_000_000).image
            return (try PNG.encode(pixels), pixels.width, pixels.height)
        }
    }

    /// The full-size PNG, its 50 % thumbnail and (with `split`) the four quadrants, named after the task.
    static func encode(_ image: EngineImage, taskID: String, split: Bool) throws -> [(StoredImage, [UInt8])] {
        let pixels: RGBAImage
        var fullBytes: [UInt8]?
        switch image {
        case .pixels(let drawn):
            pixels = drawn
        case .encoded(let encoded):
            pixels = try ImageDecoder.decode(encoded.bytes, maxPixels: 100_000_000).image
            // PNG bytes are kept as the provider made them; other formats are stored as PNG under the PNG name.
            if encoded.format == "png" { fullBytes = encoded.bytes }
        }
        var images: [(StoredImage, [UInt8])] = []
        images.append(
            (
                StoredImage(role: .full, name: "\(taskID).png", width: pixels.width, height: pixels.height),
                try fullBytes ?? PNG.encode(pixels)
            ))
        let thumbnail = pixels.thumbnail(percent: 50)
        images.append(
            (
                StoredImage(role: .thumbnail, name: "\(taskID)@50.png", width: thumbnail.width, height: thumbnail.height),
                try PNG.encode(thumbnail)
            ))
        if split {
            for n in 1...4 {
                let quadrant = pixels.quadrant(n)
                images.append(
                    (
                        StoredImage(role: .quadrant(n), name: "\(taskID)-\(n).png", width: quadrant.width, height: quadrant.height),
                        try PNG.encode(quadrant)
                    ))
            }
        }
        return images
    }

    /// The prompt a parent was rendered with: its own, or (for follow-ups without one) its ancestors'.
    private func sourcePrompt(of parent: TaskSnapshot) async throws -> (ParsedPrompt, String) {
        var current = parent
        for _ in 0..<64 {
            if let text = current.command.prompt { return (try PromptParser.parse(text), text) }
            guard let grandparentID = current.parentID, let grandparent = try await queries.task(id: grandparentID) else { break }
            current = grandparent
        }
        throw ServiceError(.internalError, "The prompt of the source image could not be found.")
    }

    private func describe(_ command: DescribeCommand, journal: EngineJournal) async throws -> TaskResult {
        let input: DescribeInput
        if engine.capabilities.fetchesDescribeImages {
            // An engine that fetches for itself (an upstream) gets the URL, this server's own images included.
            input = .url(command.imageURL)
        } else {
            input = .bytes(try await imageBytes(command.imageURL))
        }
        return TaskResult(descriptions: try await engine.describe(input, journal: journal))
    }

    /// An image's bytes: from the blob store for this server's own image URLs, else fetched (size-capped).
    private func imageBytes(_ url: String) async throws -> [UInt8] {
        if let name = links.blobName(of: url) {
            guard let stored = try await blobs.get(name) else {
                throw ServiceError(.badRequest, "image_url names an image of this server that does not exist")
            }
            return stored
        }
        return try await fetcher.fetch(url, maxBytes: maxDescribeBytes)
    }

    /// The failure a task records for an error.
    static func failure(of error: any Error) -> TaskFailure {
        switch error {
        case let error as ServiceError: return TaskFailure(code: error.code, message: error.message)
        case let error as EngineError: return TaskFailure(code: error.code, message: error.message)
        default: return TaskFailure(code: .internalError, message: "The engine failed to produce the result.")
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        let duration = ContinuousClock.now - start
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.3f", seconds)
    }
}
