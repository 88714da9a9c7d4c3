import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import Logging
import MidjourneyAPI
import NIOCore

/// The public contract's routes: imagine, describe, tasks, seed, shorten, the family's others, task events and
/// images. Each endpoint decodes its body into domain values, calls the domain, and renders the answer.
public struct MidjourneyRoutes<Context: IdentifiedRequestContext>: Sendable {
    /// The domain.
    public let domain: TaskDomain
    /// What shortens prompts (and says what else it offers).
    public let engine: any Engine
    /// This contract's words for domain values.
    public let rendering: MidjourneyRendering
    /// Where images are read for serving.
    public let blobs: any BlobStore
    /// Which URLs the server may call back or fetch.
    public let outbound: any OutboundPolicy
    /// Largest request body.
    public let maxBodyBytes: Int
    /// Finished tasks' record bytes, answered without reading the store again.
    public let records: FinishedRecords
    /// Where thumbnails are rendered.
    let pool: CPUPool

    /// Paths the POST endpoints answer (a wrong method on them is a 405).
    public static var paths: [String] {
        [
            "/midjourney/imagine", "/midjourney/describe", "/midjourney/tasks", "/midjourney/seed",
            "/midjourney/shorten", "/midjourney/translate", "/midjourney/edits", "/midjourney/videos",
        ]
    }

    /// Creates the routes.
    public init(
        domain: TaskDomain, engine: any Engine, rendering: MidjourneyRendering, blobs: any BlobStore, outbound: any OutboundPolicy,
        maxBodyBytes: Int, records: FinishedRecords = FinishedRecords(), pool: CPUPool = .shared
    ) {
        self.pool = pool
        self.records = records
        self.domain = domain
        self.engine = engine
        self.rendering = rendering
        self.blobs = blobs
        self.outbound = outbound
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds the routes: images without auth, everything else behind the bearer token.
    public func addRoutes(to router: Router<Context>) {
        ImageController<Context>(blobs: blobs, renderer: ThumbnailRenderer(pool: pool)).addRoutes(to: router)
        VideoController<Context>(blobs: blobs).addRoutes(to: router)
        let authenticated = router.group()
            .add(middleware: AuthenticationMiddleware<Context>(access: domain.access, token: AuthenticationMiddleware<Context>.bearerToken))
        authenticated.post("/midjourney/imagine") { request, context in try await imagine(request, context) }
        authenticated.post("/midjourney/describe") { request, context in try await describe(request, context) }
        authenticated.post("/midjourney/tasks") { request, context in try await tasks(request, context) }
        authenticated.post("/midjourney/seed") { request, context in try await seed(request, context) }
        authenticated.post("/midjourney/shorten") { request, context in try await shorten(request, context) }
        authenticated.post("/midjourney/translate") { request, context in try await translate(request, context) }
        authenticated.post("/midjourney/edits") { request, context in try await edits(request, context) }
        authenticated.post("/midjourney/videos") { request, context in try await videos(request, context) }
        EventsController<Context>(domain: domain, rendering: rendering).addRoutes(to: authenticated)
    }

    // MARK: Endpoints

    private func imagine(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try ImagineRequest(body: try await json(request))
        guard let action = ImagineAction(rawValue: body.action) else {
            throw ServiceError(.notImplemented, "action '\(body.action.prefix(60))' is not implemented by the Imagine API")
        }
        if let callback = body.callbackURL { try await outbound.permit(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let submission = ImagineSubmission(
            action: action, prompt: body.prompt, imageID: body.imageID, mask: body.mask,
            mode: TaskMode(rawValue: body.mode.rawValue) ?? .fast, splitImages: body.splitImages
        )
        let task = try await domain.submission.imagine(
            submission, identity: identity, traceID: context.traceID, acceptedRequest: JSONValue.object(body.echo).serializedText,
            callback: body.callbackURL.map { Callback(url: $0, progress: streams, format: MidjourneyRendering.format) }
        )
        context.logger.info("imagine accepted", metadata: ["task_id": "\(task.id)", "action": "\(action.rawValue)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func describe(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.describe)
        let body = try DescribeRequest(body: try await json(request))
        if try rendering.links.ownImageName(of: body.imageURL) == nil { try await outbound.permit(body.imageURL, field: "image_url") }
        if let callback = body.callbackURL { try await outbound.permit(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let task = try await domain.submission.describe(
            imageURL: body.imageURL, identity: identity, traceID: context.traceID,
            acceptedRequest: JSONValue.object(body.echo).serializedText,
            callback: body.callbackURL.map { Callback(url: $0, progress: streams, format: MidjourneyRendering.format) }
        )
        context.logger.info("describe accepted", metadata: ["task_id": "\(task.id)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func edits(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try EditsRequest(body: try await json(request))
        guard engine.capabilities.edits else {
            throw ServiceError(.notImplemented, "/midjourney/edits is not provided by the running engine")
        }
        if try rendering.links.ownImageName(of: body.imageURL) == nil { try await outbound.permit(body.imageURL, field: "image_url") }
        if let callback = body.callbackURL { try await outbound.permit(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let task = try await domain.submission.edit(
            EditSubmission(
                imageURL: body.imageURL, prompt: body.prompt, mask: body.mask, mode: TaskMode(rawValue: body.mode.rawValue) ?? .fast,
                splitImages: body.splitImages),
            identity: identity, traceID: context.traceID, acceptedRequest: JSONValue.object(body.echo).serializedText,
            callback: body.callbackURL.map { Callback(url: $0, progress: streams, format: MidjourneyRendering.format) }
        )
        context.logger.info("edit accepted", metadata: ["task_id": "\(task.id)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func videos(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try VideosRequest(body: try await json(request))
        guard let action = VideoAction(rawValue: body.action) else {
            throw ServiceError(.notImplemented, "action '\(body.action.prefix(60))' is not implemented by the Videos API")
        }
        guard engine.capabilities.videos else {
            throw ServiceError(.notImplemented, "/midjourney/videos is not provided by the running engine")
        }
        for (field, url) in [("image_url", body.imageURL), ("end_image_url", body.endImageURL)] {
            if let url, try rendering.links.ownImageName(of: url, field: field) == nil { try await outbound.permit(url, field: field) }
        }
        if let callback = body.callbackURL { try await outbound.permit(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let task = try await domain.submission.video(
            VideoSubmission(
                action: action, prompt: body.prompt, imageURL: body.imageURL, endImageURL: body.endImageURL, videoID: body.videoID,
                videoIndex: body.videoIndex, loop: body.loop, mode: TaskMode(rawValue: body.mode.rawValue) ?? .fast,
                resolution: VideoResolution(rawValue: body.resolution) ?? .p720),
            identity: identity, traceID: context.traceID, acceptedRequest: JSONValue.object(body.echo).serializedText,
            callback: body.callbackURL.map { Callback(url: $0, progress: streams, format: MidjourneyRendering.format) }
        )
        context.logger.info("video accepted", metadata: ["task_id": "\(task.id)", "action": "\(action.rawValue)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func tasks(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        let query = try TasksRequest(body: try await json(request))
        let applicationID = identity.applicationID
        switch query {
        case .retrieve(let id, let traceID):
            if let id, let cached = records.record(id: id, applicationID: applicationID) { return JSONResponse.raw(cached) }
            guard let task = try await domain.reader.retrieve(id: id, traceID: traceID, applicationID: applicationID) else {
                return JSONResponse.raw(Array("{}".utf8))
            }
            return JSONResponse.raw(record(task))
        case .retrieveBatch(let ids?, _):
            return batch(try await records(ids: ids, applicationID: applicationID))
        case .retrieveBatch(nil, let traceIDs):
            return batch(try await domain.reader.retrieveBatch(ids: nil, traceIDs: traceIDs, applicationID: applicationID).map(record))
        case .list(let offset, let limit):
            // The page's ids in one light query; finished records from memory, the rest in one more.
            let ids = try await domain.reader.listIDs(applicationID: applicationID, offset: offset, limit: limit)
            return batch(try await records(ids: ids, applicationID: applicationID))
        case .cancel(let id):
            let task = try await domain.completion.cancel(id, applicationID: applicationID)
            context.logger.info("task cancelled", metadata: ["task_id": "\(id)"])
            return JSONResponse.raw(record(task))
        }
    }

    /// A task's record bytes, kept for later retrieves once it has finished.
    private func record(_ task: TaskSnapshot) -> ByteBuffer {
        records.record(of: task, render: rendering.record)
    }

    /// The records of the application's tasks among `ids`, in the order asked, unknown ones left out: finished ones
    /// from memory, the others in one store query.
    private func records(ids: [String], applicationID: String) async throws -> [ByteBuffer] {
        var found: [String: ByteBuffer] = [:]
        var missing: [String] = []
        var asked: Set<String> = []
        for id in ids where asked.insert(id).inserted {
            if let cached = records.record(id: id, applicationID: applicationID) { found[id] = cached } else { missing.append(id) }
        }
        if !missing.isEmpty {
            for task in try await domain.reader.retrieveBatch(ids: missing, traceIDs: nil, applicationID: applicationID) {
                found[task.id] = record(task)
            }
        }
        return ids.compactMap { found[$0] }
    }

    /// `{"items":[...],"count":n}` of records already rendered.
    private func batch(_ items: [ByteBuffer]) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(items.reduce(32) { $0 + $1.readableBytes + 1 })
        buffer.writeString(#"{"items":["#)
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeImmutableBuffer(item)
        }
        buffer.writeString(#"],"count":\#(items.count)}"#)
        return JSONResponse.raw(buffer)
    }

    private func seed(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let fields = try RequestFields(try await json(request))
        guard let imageID = try fields.string("image_id"), !imageID.isEmpty else {
            throw ServiceError(.badRequest, "field 'image_id' is required")
        }
        let seed = try await domain.reader.seed(imageID: imageID, applicationID: identity.applicationID)
        return JSONResponse.make(SeedResponse(seed: String(seed)))
    }

    private func shorten(_ request: Request, _ context: Context) async throws -> Response {
        _ = try context.requireIdentity(.imagine)
        let fields = try RequestFields(try await json(request))
        guard let prompt = try fields.string("prompt"), !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ServiceError(.badRequest, "field 'prompt' is required")
        }
        guard engine.capabilities.shorten else {
            throw ServiceError(.notImplemented, "/midjourney/shorten is not provided by the running engine")
        }
        _ = try PromptParser.parse(prompt)
        return JSONResponse.make(ShortenResponse(prompts: try await engine.shorten(prompt)))
    }

    private func translate(_ request: Request, _ context: Context) async throws -> Response {
        _ = try context.requireIdentity(.imagine)
        let fields = try RequestFields(try await json(request))
        guard let content = try fields.string("content"), !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServiceError(.badRequest, "field 'content' is required")
        }
        guard content.count <= Self.maxTranslateCharacters else {
            throw ServiceError(.badRequest, "field 'content' is longer than \(Self.maxTranslateCharacters) characters")
        }
        guard engine.capabilities.translate else {
            throw ServiceError(.notImplemented, "/midjourney/translate is not provided by the running engine")
        }
        return JSONResponse.raw(JSONValue.object(["content": .string(try await engine.translate(content))]).encoded())
    }

    /// Longest text `/translate` passes on.
    static var maxTranslateCharacters: Int { 6000 }

    // MARK: Delivery

    /// Answers at once with the task id, or waits for the finished body (504 after `timeout`).
    private func deliver(_ task: TaskSnapshot, asynchronously: Bool, timeout: Double, context: Context) async throws -> Response {
        if asynchronously {
            return JSONResponse.raw(CreatedResponse(taskID: task.id, traceID: context.traceID).serialized())
        }
        guard let finished = try await domain.following.waitUntilFinished(task.id, timeout: timeout) else {
            throw ServiceError(
                .timeout,
                "The task did not finish within \(Self.format(timeout)) seconds; it goes on: query task_id \(task.id) with the Tasks API."
            )
        }
        return finishedResponse(finished, traceID: context.traceID)
    }

    /// Streams one JSON object a line: the progress as it grows, the finished body last.
    /// A client that goes away stops only its stream, never the task.
    private func stream(_ task: TaskSnapshot) -> Response {
        let following = domain.following
        let rendering = rendering
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                try await following.follow(task.id, pollInterval: 1) { event in
                    let line: [UInt8]
                    switch event {
                    case .progress(let progress): line = rendering.progressLine(task, progress: progress).serialized()
                    case .finished(let finished): line = rendering.response(finished).serialized()
                    }
                    var buffer = ByteBuffer(bytes: line)
                    buffer.writeString("\n")
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            }
        )
    }

    /// Whether the client asked for an ndjson stream.
    static func wantsNDJSON(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("application/x-ndjson") }
    }

    /// The finished body of a task, or its error in the envelope with the status of its code.
    func finishedResponse(_ task: TaskSnapshot, traceID: String) -> Response {
        if task.state == .succeeded { return JSONResponse.raw(rendering.response(task).serialized()) }
        let failure = task.result?.failure ?? TaskFailure(code: .internalError, message: "The task failed.")
        return APIError(MidjourneyRendering.wireCode(failure.code), failure.message, traceID: traceID).makeResponse()
    }

    // MARK: Helpers

    private func json(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return try JSONValue.parse(buffer.readableBytesView)
    }

    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
