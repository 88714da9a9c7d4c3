import Foundation
import JourneymanImaging
import Logging
import MidjourneyAPI
import Synchronization

/// Runs one claimed task to its end: engine, images into the blob store, the finished record, the events.
public struct TaskRunner: Sendable {
    /// The domain service (store, blobs, events, links).
    public let service: TaskService
    /// What renders and describes.
    public let engine: any Engine
    /// What fetches describe images.
    public let fetcher: any ImageFetcher
    /// How long a claim lasts unless renewed.
    public let leaseSeconds: Double
    /// Largest describe image accepted, in bytes.
    public let maxDescribeBytes: Int
    /// Longest the engine may work on one task.
    public let taskTimeoutSeconds: Double
    /// Where it says what happened.
    public let logger: Logger

    /// Creates a runner.
    public init(
        service: TaskService, engine: any Engine, fetcher: any ImageFetcher, leaseSeconds: Double = 30,
        maxDescribeBytes: Int = 20 * 1024 * 1024, taskTimeoutSeconds: Double = 600, logger: Logger
    ) {
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.service = service
        self.engine = engine
        self.fetcher = fetcher
        self.leaseSeconds = leaseSeconds
        self.maxDescribeBytes = maxDescribeBytes
        self.logger = logger
    }

    /// Runs `task`, held by `owner`, and records how it ended. Never throws: failures end the task as failed.
    public func run(_ task: TaskRow, owner: String) async {
        let started = ContinuousClock.now
        var logger = logger
        logger[metadataKey: "task_id"] = "\(task.id)"
        logger[metadataKey: "trace_id"] = "\(task.traceID)"
        logger.info("task started", metadata: ["action": "\(task.action)"])
        let outcome: TaskOutcome
        do {
            let result = try await withLease(task, owner: owner) { progress in
                try await perform(task, progress: progress)
            }
            outcome = TaskOutcome(state: .succeeded, response: result.response, lineage: result.lineage, finishedAt: service.now())
        } catch is LeaseLost {
            logger.info("task left: it was cancelled or another worker holds it")
            return
        } catch  where Task.isCancelled {
            // Shutdown interrupted the work: the task goes back to pending for the next start.
            let released = (try? await service.store.releaseTasks(owner: owner)) ?? 0
            logger.info("task interrupted by shutdown; back to pending", metadata: ["released": "\(released)"])
            return
        } catch {
            let detail = Self.errorDetail(error)
            if detail.code == ErrorCode.apiError.rawValue {
                logger.error("task failed", metadata: ["error": "\(error)"])
            } else {
                logger.info("task refused", metadata: ["code": "\(detail.code)", "message": "\(detail.message)"])
            }
            let failure = FailureResult(taskID: task.id, traceID: task.traceID, code: detail.code, message: detail.message)
            outcome = TaskOutcome(state: .failed, response: TaskService.json(failure), finishedAt: service.now())
        }
        do {
            guard try await service.store.finishTask(id: task.id, owner: owner, outcome: outcome) else {
                logger.info("task already finished elsewhere (cancelled or reclaimed); result dropped")
                return
            }
            if let finished = try await service.store.task(id: task.id) {
                service.events.publish(task.id, .finished(finished))
            }
            if task.callbackURL != nil { service.deliverySignal.notify() }
            logger.info(
                "task finished",
                metadata: ["state": "\(outcome.state.rawValue)", "seconds": "\(Self.seconds(since: started))"]
            )
        } catch {
            // The lease will lapse and another claim will run it again: nothing is lost.
            logger.error("could not record the task's end; it will be retried", metadata: ["error": "\(error)"])
        }
    }

    private struct Result {
        var response: String
        var lineage: String?
    }

    private struct LeaseLost: Error {}

    /// Runs `work` while renewing the lease and recording progress; stops the work when the lease is lost.
    private func withLease(
        _ task: TaskRow, owner: String, _ work: @escaping @Sendable (@escaping @Sendable (Int) -> Void) async throws -> Result
    ) async throws -> Result {
        let (progressStream, progressContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let reporter: @Sendable (Int) -> Void = { value in progressContinuation.yield(min(99, max(0, value))) }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
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
                    let held = try await service.store.updateProgress(
                        id: task.id, owner: owner, progress: progress, now: service.now(), leaseSeconds: leaseSeconds,
                        webhook: progressWebhook(task, progress: progress)
                    )
                    guard held else { throw LeaseLost() }
                    if value > last {
                        last = value
                        service.events.publish(task.id, .progress(value))
                        if task.progressWebhooks { service.deliverySignal.notify() }
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

    /// The progress delivery of a task that asked for progress webhooks.
    private func progressWebhook(_ task: TaskRow, progress: Int) -> WebhookDelivery? {
        guard task.progressWebhooks, let url = task.callbackURL else { return nil }
        let line = ProgressLine(
            taskID: task.id, traceID: task.traceID, imageID: task.imageID, jobID: task.jobID, progress: progress, hold: false)
        let now = service.now()
        return WebhookDelivery(
            id: WebhookIDs.make(), taskID: task.id, applicationID: task.applicationID, url: url, body: TaskService.json(line),
            kind: .progress, nextAttemptAt: now, createdAt: now
        )
    }

    private func perform(_ task: TaskRow, progress: @escaping @Sendable (Int) -> Void) async throws -> Result {
        switch task.type {
        case .imagine: return try await imagine(task, progress: progress)
        case .describe: return try await describe(task)
        }
    }

    private func imagine(_ task: TaskRow, progress: @escaping @Sendable (Int) -> Void) async throws -> Result {
        let request = try ImagineRequest(body: JSONValue.parse(Array(task.request.utf8)))
        guard let action = ImagineAction(rawValue: task.action) else {
            throw ServiceError(.apiNotImplemented, "action '\(task.action)' is not implemented")
        }
        var prompt = try request.prompt.map { try PromptParser.parse($0) }
        var source: RenderSource?
        var mask: RGBAImage?
        if let parentID = task.parentID {
            guard let parent = try await service.store.task(id: parentID),
                let bytes = try await service.blobs.get("\(parentID).png")
            else {
                throw ServiceError(.apiError, "The source image of this task is missing.")
            }
            let parentRequest = try ImagineRequest(body: JSONValue.parse(Array(parent.request.utf8)))
            let parentPrompt = try await sourcePrompt(of: parent, request: parentRequest)
            source = RenderSource(
                image: try PNG.decode(bytes),
                prompt: parentPrompt,
                seed: UInt32(truncatingIfNeeded: parent.seed ?? 0),
                lineage: parent.lineage ?? ""
            )
            if prompt == nil { prompt = parentPrompt }
            if action == .variationRegion, let encoded = request.mask {
                let base64 = encoded.split(separator: ",", maxSplits: 1).last.map(String.init) ?? encoded
                mask = try PNG.decode([UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data()))
            }
        }
        guard let prompt else { throw ServiceError(.badRequest, "field 'prompt' is required") }
        let job = RenderJob(action: action, prompt: prompt, seed: UInt32(truncatingIfNeeded: task.seed ?? 0), source: source, mask: mask)
        let rendered = try await engine.render(job, progress: progress)
        let image = rendered.image
        let links = service.links
        try await service.blobs.put("\(task.id).png", bytes: try PNG.encode(image))
        let thumbnail = image.thumbnail(percent: 50)
        try await service.blobs.put("\(task.id)@50.png", bytes: try PNG.encode(thumbnail))
        var subImageURLs: [String]?
        if request.splitImages && action.producesGrid {
            var urls: [String] = []
            for n in 1...4 {
                try await service.blobs.put("\(task.id)-\(n).png", bytes: try PNG.encode(image.quadrant(n)))
                urls.append(links.quadrant(task.id, n))
            }
            subImageURLs = urls
        }
        let result = ImagineResult(
            taskID: task.id, traceID: task.traceID, imageID: task.imageID ?? "", jobID: task.jobID,
            imageURL: links.thumbnail(task.id), imageWidth: thumbnail.width, imageHeight: thumbnail.height,
            rawImageURL: links.raw(task.id), rawImageWidth: image.width, rawImageHeight: image.height,
            actions: action.followUps.map(\.rawValue), subImageURLs: subImageURLs
        )
        return Result(response: TaskService.json(result), lineage: rendered.lineage)
    }

    /// The prompt a parent was rendered with: its own, or (for follow-ups without one) its ancestors'.
    private func sourcePrompt(of parent: TaskRow, request: ImagineRequest) async throws -> ParsedPrompt {
        var current = parent
        var currentRequest = request
        for _ in 0..<64 {
            if let text = currentRequest.prompt { return try PromptParser.parse(text) }
            guard let grandparentID = current.parentID, let grandparent = try await service.store.task(id: grandparentID) else { break }
            current = grandparent
            currentRequest = try ImagineRequest(body: JSONValue.parse(Array(grandparent.request.utf8)))
        }
        throw ServiceError(.apiError, "The prompt of the source image could not be found.")
    }

    private func describe(_ task: TaskRow) async throws -> Result {
        let request = try DescribeRequest(body: JSONValue.parse(Array(task.request.utf8)))
        let bytes: [UInt8]
        if let name = service.links.blobName(of: request.imageURL) {
            guard let stored = try await service.blobs.get(name) else {
                throw ServiceError(.badRequest, "image_url names an image of this server that does not exist")
            }
            bytes = stored
        } else {
            bytes = try await fetcher.fetch(request.imageURL, maxBytes: maxDescribeBytes)
        }
        let decoded: DecodedImage
        do {
            decoded = try await ImageDecoder.decode(bytes, maxPixels: 100_000_000, fitWithin: 1024, budget: .imageDecodes)
        } catch let error as ImagingError {
            throw ServiceError(.badRequest, "image_url could not be decoded: \(error.message)")
        }
        let descriptions = try await engine.describe(
            decoded.image, originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight)
        let result = DescribeResult(taskID: task.id, traceID: task.traceID, descriptions: descriptions)
        return Result(response: TaskService.json(result), lineage: nil)
    }

    /// The code and message a failed task records for an error.
    static func errorDetail(_ error: any Error) -> ErrorDetail {
        switch error {
        case let error as ServiceError: return ErrorDetail(code: error.code.rawValue, message: error.message)
        case let error as RequestError: return ErrorDetail(code: error.code.rawValue, message: error.message)
        case let error as EngineError: return ErrorDetail(code: error.code, message: error.message)
        default: return ErrorDetail(code: ErrorCode.apiError.rawValue, message: "The engine failed to produce the result.")
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        let duration = ContinuousClock.now - start
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.3f", seconds)
    }
}
