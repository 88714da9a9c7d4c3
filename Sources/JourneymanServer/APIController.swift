import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import Logging
import MidjourneyAPI
import NIOCore

/// The POST endpoints of the contract: imagine, describe, tasks, seed, shorten, and the family's others.
struct APIController: Sendable {
    let service: TaskService
    let engine: any Engine
    let maxBodyBytes: Int
    let limiter: RateLimiter
    let ratePolicy: RatePolicy
    let outbound: OutboundGuard

    /// Paths this controller answers.
    static let paths = [
        "/midjourney/imagine", "/midjourney/describe", "/midjourney/tasks", "/midjourney/seed",
        "/midjourney/shorten", "/midjourney/translate", "/midjourney/edits", "/midjourney/videos",
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/midjourney/imagine") { request, context in try await imagine(request, context) }
        router.post("/midjourney/describe") { request, context in try await describe(request, context) }
        router.post("/midjourney/tasks") { request, context in try await tasks(request, context) }
        router.post("/midjourney/seed") { request, context in try await seed(request, context) }
        router.post("/midjourney/shorten") { request, context in try await shorten(request, context) }
        for path in ["/midjourney/translate", "/midjourney/edits", "/midjourney/videos"] {
            router.post(RouterPath(path)) { request, context -> Response in
                _ = try await authenticate(request, scope: .imagine)
                throw ServiceError(.apiNotImplemented, "\(path) is not provided by the running engine")
            }
        }
    }

    // MARK: Endpoints

    private func imagine(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (credential, _) = try await authenticate(request, scope: .imagine)
        let body = try ImagineRequest(body: try await json(request))
        if let callback = body.callbackURL { try await outbound.check(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let task = try await service.submitImagine(body, credential: credential, traceID: context.traceID, progressWebhooks: streams)
        context.logger.info("imagine accepted", metadata: ["task_id": "\(task.id)", "action": "\(task.action)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func describe(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (credential, _) = try await authenticate(request, scope: .describe)
        let body = try DescribeRequest(body: try await json(request))
        if try service.links.ownImageName(of: body.imageURL) == nil { try await outbound.check(body.imageURL, field: "image_url") }
        if let callback = body.callbackURL { try await outbound.check(callback, field: "callback_url") }
        let streams = Self.wantsNDJSON(request)
        let task = try await service.submitDescribe(body, credential: credential, traceID: context.traceID, progressWebhooks: streams)
        context.logger.info("describe accepted", metadata: ["task_id": "\(task.id)"])
        if streams { return stream(task) }
        return try await deliver(task, asynchronously: body.isAsync || body.callbackURL != nil, timeout: body.timeout, context: context)
    }

    private func tasks(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (credential, _) = try await authenticate(request, scope: .tasks)
        let query = try TasksRequest(body: try await json(request))
        let applicationID = credential.applicationID
        switch query {
        case .retrieve(let id, let traceID):
            guard let row = try await service.retrieve(id: id, traceID: traceID, applicationID: applicationID) else {
                return JSONResponse.raw(Array("{}".utf8))
            }
            return JSONResponse.make(TaskRecordBuilder.record(row))
        case .retrieveBatch(let ids, let traceIDs):
            let rows = try await service.retrieveBatch(ids: ids, traceIDs: traceIDs, applicationID: applicationID)
            return JSONResponse.make(TaskBatch(items: rows.map(TaskRecordBuilder.record)))
        case .list(let offset, let limit):
            let rows = try await service.list(applicationID: applicationID, offset: offset, limit: limit)
            return JSONResponse.make(TaskBatch(items: rows.map(TaskRecordBuilder.record)))
        case .cancel(let id):
            let row = try await service.cancel(id: id, applicationID: applicationID)
            context.logger.info("task cancelled", metadata: ["task_id": "\(id)"])
            return JSONResponse.make(TaskRecordBuilder.record(row))
        }
    }

    private func seed(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (credential, _) = try await authenticate(request, scope: .imagine)
        let fields = try RequestFields(try await json(request))
        guard let imageID = try fields.string("image_id"), !imageID.isEmpty else {
            throw ServiceError(.badRequest, "field 'image_id' is required")
        }
        guard let row = try await service.store.task(imageID: imageID, applicationID: credential.applicationID), row.state == .succeeded,
            let seed = row.seed
        else {
            throw ServiceError(.badRequest, "image_id '\(imageID.prefix(40))' is unknown or not finished")
        }
        return JSONResponse.make(SeedResponse(seed: String(seed)))
    }

    private func shorten(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        _ = try await authenticate(request, scope: .imagine)
        let fields = try RequestFields(try await json(request))
        guard let prompt = try fields.string("prompt"), !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ServiceError(.badRequest, "field 'prompt' is required")
        }
        do {
            _ = try PromptParser.parse(prompt)
        } catch {
            throw ServiceError(error)
        }
        return JSONResponse.make(ShortenResponse(prompts: try engine.shorten(prompt)))
    }

    // MARK: Delivery

    /// Answers at once with the task id, or waits for the finished body (504 after `timeout`).
    private func deliver(_ task: TaskRow, asynchronously: Bool, timeout: Double, context: AppRequestContext) async throws -> Response {
        if asynchronously {
            return JSONResponse.make(CreatedResponse(taskID: task.id, traceID: context.traceID))
        }
        guard let finished = try await service.waitUntilFinished(task.id, timeout: timeout) else {
            throw ServiceError(
                .timeout,
                "The task did not finish within \(Self.format(timeout)) seconds; it goes on: query task_id \(task.id) with the Tasks API."
            )
        }
        return Self.finishedResponse(finished, traceID: context.traceID)
    }

    /// Streams one JSON object a line: the progress as it grows, the finished body last.
    /// A client that goes away stops only its stream, never the task.
    private func stream(_ task: TaskRow) -> Response {
        let service = service
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                try await service.follow(task.id, pollInterval: 1) { event in
                    let line: String
                    switch event {
                    case .progress(let progress):
                        line = TaskService.json(
                            ProgressLine(
                                taskID: task.id, traceID: task.traceID, imageID: task.imageID, jobID: task.jobID, progress: progress,
                                hold: false)
                        )
                    case .finished(let row):
                        line = row.response ?? "{}"
                    }
                    try await writer.write(ByteBuffer(string: line + "\n"))
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
    static func finishedResponse(_ row: TaskRow, traceID: String) -> Response {
        let body = Array((row.response ?? "{}").utf8)
        if row.state == .succeeded { return JSONResponse.raw(body) }
        let error = (try? JSONValue.parse(body))?.objectValue?["error"]?.objectValue
        let code = error?["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:)) ?? .apiError
        let message = error?["message"]?.stringValue ?? "The task failed."
        return JSONResponse.make(
            ErrorEnvelope(code: code.rawValue, message: message, traceID: traceID),
            status: HTTPResponse.Status(code: code.httpStatus)
        )
    }

    // MARK: Helpers

    /// The credential of the request's token, checked for `scope` and for its rate limit.
    func authenticate(_ request: Request, scope: APIScope) async throws -> (Credential, JourneymanCore.Application) {
        let (credential, application) = try await service.authenticate(
            token: Self.token(from: request.headers[.authorization]), scope: scope)
        var policy = ratePolicy
        if let perSecond = credential.ratePerSecond { policy.perSecond = perSecond }
        if let burst = credential.rateBurst { policy.burst = burst }
        if let wait = limiter.take(credential.id, policy: policy) {
            throw ServiceError(
                .tooManyRequests,
                "This token's rate limit (\(Self.format(policy.perSecond)) requests a second, \(policy.burst) at once) is exceeded.",
                retryAfter: max(1, Int(wait.rounded(.up)))
            )
        }
        return (credential, application)
    }

    /// `Bearer <token>`, or a bare token.
    static func token(from header: String?) -> String? {
        guard var value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.lowercased().hasPrefix("bearer ") { value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        return value
    }

    private func json(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return try JSONValue.parse(buffer.readableBytesView)
    }

    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
