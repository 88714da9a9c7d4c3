import Foundation
import JourneymanImaging
import Logging
import MidjourneyAPI

/// The domain: accepts tasks durably, answers queries, cancels, and lets callers wait for results.
public struct TaskService: Sendable {
    /// Where tasks live.
    public let store: any TaskStore
    /// Where images live.
    public let blobs: any BlobStore
    /// Tells listeners what happens to tasks.
    public let events: TaskEventHub
    /// Wakes workers when a task is stored.
    public let workSignal: WorkSignal
    /// Wakes the webhook sender when a delivery is queued.
    public let deliverySignal: WorkSignal
    /// Absolute image URLs.
    public let links: ImageLinks
    /// Ids of every kind.
    public let identifiers: IdentifierFactory
    /// Per-application limits where an application has none of its own.
    public let limits: TaskLimits
    /// Words prompts may not contain.
    public let moderation: ModerationList
    /// Unix seconds now.
    public let now: @Sendable () -> Double

    /// Creates the service.
    public init(
        store: any TaskStore,
        blobs: any BlobStore,
        events: TaskEventHub = TaskEventHub(),
        workSignal: WorkSignal = WorkSignal(),
        deliverySignal: WorkSignal = WorkSignal(),
        links: ImageLinks,
        identifiers: IdentifierFactory = IdentifierFactory(),
        limits: TaskLimits = .none,
        moderation: ModerationList = ModerationList(words: []),
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.store = store
        self.blobs = blobs
        self.events = events
        self.workSignal = workSignal
        self.deliverySignal = deliverySignal
        self.links = links
        self.identifiers = identifiers
        self.limits = limits
        self.moderation = moderation
        self.now = now
    }

    // MARK: Access

    /// The credential and application behind a token, if it may call `scope`.
    public func authenticate(token: String?, scope: APIScope) async throws -> (Credential, Application) {
        guard let token, !token.isEmpty, token.utf8.count <= 512 else { throw ServiceError.invalidToken }
        guard let credential = try await store.credential(tokenHash: TokenHasher.hash(token)), !credential.revoked else {
            throw ServiceError.invalidToken
        }
        if let expiresAt = credential.expiresAt, expiresAt <= now() { throw ServiceError.invalidToken }
        guard let application = try await store.application(id: credential.applicationID) else { throw ServiceError.invalidToken }
        guard credential.scopes.contains(scope) else {
            throw ServiceError(.tokenMismatched, "This token is not granted the \(scope.rawValue) API.")
        }
        return (credential, application)
    }

    // MARK: Submitting

    /// Checks an imagine request against the actions graph and stores it as a pending task.
    public func submitImagine(
        _ request: ImagineRequest, credential: Credential, traceID: String, progressWebhooks: Bool = false
    ) async throws -> TaskRow {
        guard let action = ImagineAction(rawValue: request.action) else {
            throw ServiceError(.apiNotImplemented, "action '\(request.action.prefix(60))' is not implemented by the Imagine API")
        }
        let prompt = try request.prompt.map { try PromptParser.parse($0) }
        if let text = request.prompt, let word = moderation.firstHit(in: text) {
            throw ServiceError(.forbidden, "The prompt contains '\(word)', which this server does not accept.")
        }
        var parent: TaskRow?
        var seed: UInt32
        if action == .generate {
            guard let prompt, !prompt.text.isEmpty || !prompt.imageURLs.isEmpty else {
                throw ServiceError(.badRequest, "field 'prompt' is required for action 'generate'")
            }
            seed = prompt.seed ?? UInt32.random(in: 0...UInt32.max)
        } else {
            guard let imageID = request.imageID, !imageID.isEmpty else {
                throw ServiceError(.badRequest, "field 'image_id' is required for action '\(action.rawValue)'")
            }
            guard let found = try await store.task(imageID: imageID, applicationID: credential.applicationID) else {
                throw ServiceError(.badRequest, "image_id '\(imageID.prefix(40))' is unknown")
            }
            guard found.state == .succeeded else {
                throw ServiceError(.badRequest, "the task of image_id '\(imageID)' has not succeeded (it is \(found.state.rawValue))")
            }
            let parentAction = ImagineAction(rawValue: found.action) ?? .generate
            guard parentAction.followUps.contains(action) else {
                let allowed = parentAction.followUps.map(\.rawValue).joined(separator: ", ")
                throw ServiceError(
                    .badRequest,
                    "action '\(action.rawValue)' cannot follow '\(parentAction.rawValue)'; allowed: \(allowed.isEmpty ? "none" : allowed)"
                )
            }
            if action == .variationRegion {
                try validateMask(request.mask, parent: found)
            }
            parent = found
            seed = try seedForFollowUp(action, prompt: prompt, parent: found)
        }
        let createdAt = now()
        let date = Date(timeIntervalSince1970: createdAt)
        let task = TaskRow(
            id: identifiers.uuid(),
            objectID: identifiers.objectID(at: date),
            applicationID: credential.applicationID,
            credentialID: credential.id,
            traceID: traceID,
            type: .imagine,
            request: String(decoding: JSONValue.object(request.echo).encoded(), as: UTF8.self),
            imageID: identifiers.imageID(at: date),
            jobID: identifiers.uuid(),
            createdAt: createdAt,
            action: action.rawValue,
            parentID: parent?.id,
            seed: Int64(seed),
            cost: request.mode.cost,
            callbackURL: request.callbackURL,
            progressWebhooks: progressWebhooks && request.callbackURL != nil
        )
        try await insert(task)
        return task
    }

    /// Stores a describe request as a pending task (the image is fetched by the worker).
    public func submitDescribe(
        _ request: DescribeRequest, credential: Credential, traceID: String, progressWebhooks: Bool = false
    ) async throws -> TaskRow {
        let createdAt = now()
        let task = TaskRow(
            id: identifiers.uuid(),
            objectID: identifiers.objectID(at: Date(timeIntervalSince1970: createdAt)),
            applicationID: credential.applicationID,
            credentialID: credential.id,
            traceID: traceID,
            type: .describe,
            request: String(decoding: JSONValue.object(request.echo).encoded(), as: UTF8.self),
            imageID: nil,
            jobID: identifiers.uuid(),
            createdAt: createdAt,
            action: "describe",
            cost: 1,
            callbackURL: request.callbackURL,
            progressWebhooks: progressWebhooks && request.callbackURL != nil
        )
        try await insert(task)
        return task
    }

    private func insert(_ task: TaskRow) async throws {
        do {
            try await store.insertTask(task, limits: limits)
        } catch StoreError.insufficientCredits(let balance, let cost) {
            throw ServiceError(.usedUp, "This application has \(balance) credits left; the task costs \(cost).")
        } catch StoreError.queueFull(let limit) {
            throw ServiceError(
                .tooManyRequests, "This application already has \(limit) tasks waiting (its queue limit); retry when some have started.",
                retryAfter: 5
            )
        }
        workSignal.notify()
    }

    private func seedForFollowUp(_ action: ImagineAction, prompt: ParsedPrompt?, parent: TaskRow) throws -> UInt32 {
        if let seed = prompt?.seed { return seed }
        switch action {
        case .upscale1, .upscale2, .upscale3, .upscale4, .upscale2x, .upscale4x:
            return UInt32(truncatingIfNeeded: parent.seed ?? 0)
        default:
            return UInt32.random(in: 0...UInt32.max)
        }
    }

    private func validateMask(_ mask: String?, parent: TaskRow) throws {
        try RegionMask.validate(mask, parentSize: Self.rawSize(of: parent).map { (width: $0.0, height: $0.1) })
    }

    /// The full-size dimensions a finished imagine row's response names.
    public static func rawSize(of row: TaskRow) -> (Int, Int)? {
        guard let response = row.response, let value = try? JSONValue.parse(Array(response.utf8)).objectValue,
            let width = value["raw_image_width"]?.doubleValue, let height = value["raw_image_height"]?.doubleValue
        else { return nil }
        return (Int(width), Int(height))
    }

    // MARK: Querying

    /// One task of the application by id, or by trace id; nil when there is none (or it is another's).
    public func retrieve(id: String?, traceID: String?, applicationID: String) async throws -> TaskRow? {
        if let id {
            return try await store.task(id: id, applicationID: applicationID)
        }
        if let traceID {
            return try await store.task(traceID: traceID, applicationID: applicationID)
        }
        return nil
    }

    /// The application's tasks among `ids` (or `traceIDs`) in the order asked, unknown ones left out.
    public func retrieveBatch(ids: [String]?, traceIDs: [String]?, applicationID: String) async throws -> [TaskRow] {
        if let ids {
            let rows = try await store.tasks(ids: ids, applicationID: applicationID)
            let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { byID[$0] }
        }
        if let traceIDs {
            let rows = try await store.tasks(traceIDs: traceIDs, applicationID: applicationID)
            var byTrace: [String: TaskRow] = [:]
            for row in rows where byTrace[row.traceID] == nil { byTrace[row.traceID] = row }
            return traceIDs.compactMap { byTrace[$0] }
        }
        return []
    }

    /// The application's tasks, newest first.
    public func list(applicationID: String, offset: Int, limit: Int) async throws -> [TaskRow] {
        try await store.tasks(applicationID: applicationID, offset: offset, limit: limit)
    }

    /// Cancels a pending or running task of the application; its credits come back.
    public func cancel(id: String, applicationID: String) async throws -> TaskRow {
        guard let row = try await store.task(id: id, applicationID: applicationID) else {
            throw ServiceError(.badRequest, "task '\(id.prefix(40))' is unknown")
        }
        guard !row.state.isFinished else {
            throw ServiceError(
                .badRequest, "task '\(id)' has already finished (\(row.state.rawValue)); only pending or running tasks can be cancelled")
        }
        let failure = FailureResult(
            taskID: row.id, traceID: row.traceID, code: ErrorCode.cancelled.rawValue, message: "The task was cancelled.")
        let outcome = TaskOutcome(state: .cancelled, response: Self.json(failure), finishedAt: now())
        guard try await store.finishTask(id: id, owner: nil, outcome: outcome) else {
            throw ServiceError(.badRequest, "task '\(id)' has already finished; only pending or running tasks can be cancelled")
        }
        guard let finished = try await store.task(id: id) else { throw ServiceError(.apiError, "The task could not be read back.") }
        events.publish(id, .finished(finished))
        if finished.callbackURL != nil { deliverySignal.notify() }
        return finished
    }

    /// Waits until the task finishes or `timeout` seconds pass; answers the finished row, or nil on timeout.
    public func waitUntilFinished(_ taskID: String, timeout: Double) async throws -> TaskRow? {
        try await withThrowingTaskGroup(of: TaskRow?.self) { group in
            group.addTask { try await follow(taskID) { _ in } }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Follows a task: calls `onEvent` with its current progress, then each growth of it, and last `.finished`
    /// (at once for a finished task); answers the finished row, or nil for an unknown task.
    /// Hears this process's workers at once and polls the store every `pollInterval` seconds for the rest.
    @discardableResult
    public func follow(_ taskID: String, pollInterval: Double = 2, _ onEvent: (TaskEvent) async throws -> Void) async throws -> TaskRow? {
        let subscription = events.subscribe(taskID)
        // Subscribed first, then read: a finish between the two is not missed.
        guard let first = try await store.task(id: taskID) else { return nil }
        if first.state.isFinished {
            try await onEvent(.finished(first))
            return first
        }
        try await onEvent(.progress(first.progress))
        let (merged, sink) = AsyncStream.makeStream(of: TaskEvent.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in subscription { sink.yield(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(pollInterval))
                    guard let row = try await store.task(id: taskID) else { continue }
                    sink.yield(row.state.isFinished ? .finished(row) : .progress(row.progress))
                }
            }
            var last = first.progress
            for await event in merged {
                switch event {
                case .progress(let progress):
                    guard progress > last else { continue }
                    last = progress
                    try await onEvent(event)
                case .finished(let row):
                    try await onEvent(event)
                    group.cancelAll()
                    return row
                }
            }
            return nil
        }
    }

    /// Compact JSON text of a wire value.
    public static func json(_ value: some Encodable) -> String {
        String(decoding: (try? JSONCoding.encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
