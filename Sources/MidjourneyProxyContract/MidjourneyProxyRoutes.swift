import Foundation
import HTTPTypes
import Hummingbird
import JourneymanCore
import JourneymanHTTP
import MidjourneyAPI
import MidjourneyProxyAPI

/// The midjourney-proxy contract's routes (`/mj/submit/...`, `/mj/task/...`, and the same under `/mj-fast`,
/// `/mj-relax`, `/mj-turbo`) over the same domain as the public contract: one set of tasks, the same tokens, scopes,
/// credits, limits and isolation. Each endpoint decodes its body into domain values, calls the domain, and renders.
public struct MidjourneyProxyRoutes<Context: IdentifiedRequestContext>: Sendable {
    /// The domain.
    public let domain: TaskDomain
    /// This contract's words for domain values.
    public let rendering: ProxyRendering
    /// Which URLs the server may call back or fetch.
    public let outbound: any OutboundPolicy
    /// Largest body of the endpoints that take no images.
    public let maxBodyBytes: Int
    /// Largest body of the endpoints that take images inline (imagine, blend, describe, modal).
    public let maxUploadBodyBytes: Int
    let uploads: ProxyUploads

    /// The path prefixes served, with the mode each chooses (nil: the default, or a follow-up's source's).
    public static var prefixes: [(path: String, mode: JourneymanCore.TaskMode?)] {
        [("/mj", nil), ("/mj-fast/mj", .fast), ("/mj-relax/mj", .relax), ("/mj-turbo/mj", .turbo)]
    }

    /// Creates the routes.
    public init(
        domain: TaskDomain, rendering: ProxyRendering, blobs: any BlobStore, outbound: any OutboundPolicy, maxBodyBytes: Int,
        maxUploadBodyBytes: Int, pool: CPUPool = .shared
    ) {
        self.domain = domain
        self.rendering = rendering
        self.outbound = outbound
        self.maxBodyBytes = maxBodyBytes
        self.maxUploadBodyBytes = max(maxBodyBytes, maxUploadBodyBytes)
        self.uploads = ProxyUploads(blobs: blobs, links: rendering.links, pool: pool)
    }

    /// Adds the routes, each behind the proxy's token headers and answering errors in the proxy's shape.
    public func addRoutes(to router: Router<Context>) {
        for (path, mode) in Self.prefixes {
            let group = router.group(RouterPath(path))
                .add(middleware: ProxyErrorMiddleware<Context>())
                .add(middleware: AuthenticationMiddleware<Context>(access: domain.access, token: Self.token))
            group.post("submit/imagine") { request, context in try await imagine(request, context, mode: mode) }
            group.post("submit/change") { request, context in try await change(request, context, mode: mode, simple: false) }
            group.post("submit/simple-change") { request, context in try await change(request, context, mode: mode, simple: true) }
            group.post("submit/action") { request, context in try await action(request, context, mode: mode) }
            group.post("submit/modal") { request, context in try await modal(request, context, mode: mode) }
            group.post("submit/blend") { request, context in try await blend(request, context, mode: mode) }
            group.post("submit/describe") { request, context in try await describe(request, context) }
            group.post("submit/shorten") { request, context in try await shorten(request, context) }
            group.get("task/:id/fetch") { request, context in try await fetch(request, context) }
            group.post("task/list-by-condition") { request, context in try await listByCondition(request, context) }
            group.get("task/list") { request, context in try await list(request, context) }
            group.get("task/:id/image-seed") { request, context in try await imageSeed(request, context) }
            group.post("task/:id/cancel") { request, context in try await cancel(request, context) }
            // A wrong method on a path is a 405 naming the right one; anything else under the prefix a 404; both in
            // this contract's shape.
            for (paths, allowed) in [(Self.postPaths, HTTPRequest.Method.post), (Self.getPaths, .get)] {
                for path in paths {
                    for method: HTTPRequest.Method in [.get, .post, .put, .delete, .patch] where method != allowed {
                        group.on(RouterPath(path), method: method) { request, _ -> Response in
                            throw ProxyError(
                                status: .methodNotAllowed, .validationError,
                                "Method \(request.method.rawValue.prefix(20)) is not allowed on this path; use \(allowed.rawValue).",
                                allow: allowed == .get ? "GET, HEAD" : "POST")
                        }
                    }
                }
            }
            for method: HTTPRequest.Method in [.get, .post, .put, .delete, .patch] {
                group.on("**", method: method) { _, _ -> Response in
                    throw ProxyError(status: .notFound, .validationError, "There is nothing at this path.")
                }
            }
        }
    }

    /// The paths under each prefix that answer POST.
    static var postPaths: [String] {
        [
            "submit/imagine", "submit/change", "submit/simple-change", "submit/action", "submit/modal", "submit/blend", "submit/describe",
            "submit/shorten", "task/list-by-condition", "task/:id/cancel",
        ]
    }
    /// The paths under each prefix that answer GET (and HEAD).
    static var getPaths: [String] { ["task/:id/fetch", "task/list", "task/:id/image-seed"] }

    /// `mj-api-secret: <token>`, else `Authorization: <token>` with or without `Bearer `.
    public static func token(_ request: Request) -> String? {
        if let secret = request.headers[.mjAPISecret]?.trimmingCharacters(in: .whitespaces), !secret.isEmpty { return secret }
        return AuthenticationMiddleware<Context>.bearerToken(request)
    }

    // MARK: Submits

    private func imagine(_ request: Request, _ context: Context, mode: JourneymanCore.TaskMode?) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try ProxyImagineRequest(try await json(request, limit: maxUploadBodyBytes))
        return try await answer {
            let prompt = body.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !prompt.isEmpty else { return SubmitResult(.validationError, "field 'prompt' is required") }
            if let refusal = banned(prompt) { return refusal }
            // The prompt is checked before any image is kept, so a refused prompt leaves nothing behind.
            let parsed = try PromptParser.parse(prompt)
            guard parsed.imageURLs.count + body.base64Array.count <= PromptParser.maxImagePrompts else {
                return SubmitResult(
                    .validationError,
                    "at most \(PromptParser.maxImagePrompts) image prompts are allowed, in base64Array and the prompt together")
            }
            var urls: [String] = []
            for (index, image) in body.base64Array.enumerated() {
                urls.append(try await uploads.store(image, field: "base64Array[\(index)]"))
            }
            let echo = ProxyEcho(state: body.common.state, prompt: prompt, description: "/imagine \(prompt)")
            return try await submit(
                ImagineSubmission(action: .generate, prompt: (urls + [prompt]).joined(separator: " "), mode: mode ?? .fast),
                identity: identity, context: context, common: body.common, echo: echo
            )
        }
    }

    private func change(_ request: Request, _ context: Context, mode: JourneymanCore.TaskMode?, simple: Bool) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let value = try await json(request, limit: maxBodyBytes)
        var body: (taskID: String, action: String, index: Int?)
        let common: SubmitCommon
        if simple {
            let fields = try RequestFields(value)
            common = try SubmitCommon(fields)
            guard let content = try fields.string("content"), let change = ProxyChangeRequest.simple(content) else {
                return JSONResponse.raw(
                    SubmitResult(.validationError, "field 'content' must be '<taskId> U1'…'U4', 'V1'…'V4' or 'R'").serialized())
            }
            body = change
        } else {
            let change = try ProxyChangeRequest(value)
            body = (change.taskID, change.action, change.index)
            common = change.common
        }
        let (taskID, actionName, index) = body
        return try await answer {
            guard let action = ProxyActions.change(actionName, index: index) else {
                return SubmitResult(.validationError, "field 'action' must be UPSCALE or VARIATION with an 'index' of 1–4, or REROLL")
            }
            return try await followUp(
                taskID, action: action, prompt: nil, mask: nil, identity: identity, context: context, common: common, mode: mode)
        }
    }

    private func action(_ request: Request, _ context: Context, mode: JourneymanCore.TaskMode?) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try ProxyActionRequest(try await json(request, limit: maxBodyBytes))
        return try await answer {
            guard let button = ButtonJob.parse(body.customID), let action = ProxyActions.action(for: button.job) else {
                return SubmitResult(.validationError, "field 'customId' must be the customId of one of the task's buttons")
            }
            let hash = button.hash
            let taskID = body.taskID.isEmpty ? hash : body.taskID
            guard hash == taskID || ProxyTaskID.uuid(from: hash) == ProxyTaskID.uuid(from: taskID) else {
                return SubmitResult(.validationError, "the customId belongs to another task than '\(taskID.prefix(40))'")
            }
            if action == .variationRegion {
                // The region is drawn in a window: the client completes it through /mj/submit/modal with this task id.
                guard let parent = try await parentTask(taskID, identity: identity) else { return Self.relatedTaskNotFound }
                guard parent.state == .succeeded, parent.command.followUps.contains(.variationRegion) else {
                    return SubmitResult(.validationError, "Vary (Region) cannot follow this task")
                }
                return SubmitResult(
                    .modal, "Waiting for window confirm: send maskBase64 (and an optional prompt) to /mj/submit/modal",
                    result: ProxyRendering.proxyID(parent.id),
                    properties: [
                        "finalPrompt": .string(
                            ProxyEcho(acceptedRequest: parent.acceptedRequest).prompt ?? parent.command.prompt ?? "")
                    ]
                )
            }
            return try await followUp(
                taskID, action: action, prompt: nil, mask: nil, identity: identity, context: context, common: body.common, mode: mode)
        }
    }

    private func modal(_ request: Request, _ context: Context, mode: JourneymanCore.TaskMode?) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try ProxyActionRequest(try await json(request, limit: maxUploadBodyBytes))
        return try await answer {
            guard let mask = body.maskBase64 else {
                // Remix: no region, a new prompt. An upscaled image is varied strongly under it, a grid rerolled.
                guard let prompt = body.prompt, !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
                    return SubmitResult(
                        .validationError,
                        "field 'maskBase64' (the region to repaint, white on black, as a PNG) or 'prompt' (a remix) is required")
                }
                guard let parent = try await parentTask(body.taskID, identity: identity) else { return Self.relatedTaskNotFound }
                let followUps = parent.command.followUps
                guard parent.state == .succeeded, let remix = [ImagineAction.variationStrong, .reroll].first(where: followUps.contains)
                else {
                    return SubmitResult(.validationError, "task '\(body.taskID.prefix(40))' cannot be remixed")
                }
                return try await followUp(
                    body.taskID, action: remix, prompt: prompt, mask: nil, identity: identity, context: context, common: body.common,
                    mode: mode)
            }
            return try await followUp(
                body.taskID, action: .variationRegion, prompt: body.prompt, mask: mask, identity: identity, context: context,
                common: body.common, mode: mode)
        }
    }

    private func blend(_ request: Request, _ context: Context, mode: JourneymanCore.TaskMode?) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let body = try ProxyBlendRequest(try await json(request, limit: maxUploadBodyBytes))
        return try await answer {
            guard (2...5).contains(body.base64Array.count) else {
                return SubmitResult(.validationError, "field 'base64Array' must hold 2 to 5 images")
            }
            guard let ratio = body.aspectRatio else {
                return SubmitResult(.validationError, "field 'dimensions' must be PORTRAIT, SQUARE or LANDSCAPE")
            }
            var urls: [String] = []
            for (index, image) in body.base64Array.enumerated() {
                urls.append(try await uploads.store(image, field: "base64Array[\(index)]"))
            }
            let echo = ProxyEcho(action: "BLEND", state: body.common.state, prompt: "", description: "/blend")
            return try await submit(
                ImagineSubmission(action: .generate, prompt: urls.joined(separator: " ") + " --ar \(ratio)", mode: mode ?? .fast),
                identity: identity, context: context, common: body.common, echo: echo
            )
        }
    }

    private func describe(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.describe)
        let body = try ProxyDescribeRequest(try await json(request, limit: maxUploadBodyBytes))
        return try await answer {
            let imageURL: String
            if let base64 = body.base64 {
                imageURL = try await uploads.store(base64, field: "base64")
            } else if let link = body.link {
                if try rendering.links.ownImageName(of: link, field: "link") == nil { try await outbound.permit(link, field: "link") }
                imageURL = link
            } else {
                return SubmitResult(.validationError, "field 'base64' (a data URL) or 'link' is required")
            }
            let echo = ProxyEcho(state: body.common.state, prompt: "", description: "/describe")
            let task = try await domain.submission.describe(
                imageURL: imageURL, identity: identity, traceID: context.traceID, acceptedRequest: echo.serializedText,
                callback: try await callback(body.common)
            )
            context.logger.info("describe accepted", metadata: ["task_id": "\(task.id)", "contract": "midjourney-proxy"])
            return try await accepted(task, identity: identity)
        }
    }

    private func shorten(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        let fields = try RequestFields(try await json(request, limit: maxBodyBytes))
        let common = try SubmitCommon(fields)
        let prompt = (try fields.string("prompt") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return try await answer {
            guard !prompt.isEmpty else { return SubmitResult(.validationError, "field 'prompt' is required") }
            if let refusal = banned(prompt) { return refusal }
            let echo = ProxyEcho(state: common.state, prompt: prompt, description: "/shorten \(prompt)")
            let task = try await domain.submission.shorten(
                prompt: prompt, identity: identity, traceID: context.traceID, acceptedRequest: echo.serializedText,
                callback: try await callback(common)
            )
            context.logger.info("shorten accepted", metadata: ["task_id": "\(task.id)", "contract": "midjourney-proxy"])
            return try await accepted(task, identity: identity)
        }
    }

    // MARK: Queries

    private func fetch(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        guard let task = try await parentTask(context.parameters.get("id") ?? "", identity: identity) else {
            return JSONResponse.raw(Array("null".utf8))
        }
        return JSONResponse.raw(rendering.task(task).serialized())
    }

    private func listByCondition(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        let ids = buffer.readableBytes == 0 ? [] : try ProxyListRequest(try JSONValue.parse(buffer.readableBytesView)).ids
        let found = try await domain.reader.retrieveBatch(
            ids: ids.compactMap(ProxyTaskID.uuid(from:)), traceIDs: nil, applicationID: identity.applicationID)
        return JSONResponse.raw(rendering.tasks(found))
    }

    private func list(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        return JSONResponse.raw(rendering.tasks(try await domain.reader.list(applicationID: identity.applicationID, offset: 0, limit: 100)))
    }

    private func imageSeed(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.imagine)
        guard let task = try await parentTask(context.parameters.get("id") ?? "", identity: identity) else {
            return JSONResponse.raw(Self.relatedTaskNotFound.serialized())
        }
        guard task.state == .succeeded, case .imagine(let command) = task.command else {
            return JSONResponse.raw(SubmitResult(.validationError, "the task has no finished image").serialized())
        }
        return JSONResponse.raw(SubmitResult(.submitted, "Success", result: String(task.result?.seed ?? command.seed)).serialized())
    }

    private func cancel(_ request: Request, _ context: Context) async throws -> Response {
        let identity = try context.requireIdentity(.tasks)
        guard let task = try await parentTask(context.parameters.get("id") ?? "", identity: identity) else {
            return JSONResponse.raw(Self.relatedTaskNotFound.serialized())
        }
        return try await answer {
            let cancelled = try await domain.completion.cancel(task.id, applicationID: identity.applicationID)
            context.logger.info("task cancelled", metadata: ["task_id": "\(cancelled.id)", "contract": "midjourney-proxy"])
            return SubmitResult(.submitted, "Success", result: ProxyRendering.proxyID(cancelled.id))
        }
    }

    // MARK: Submission

    private static var relatedTaskNotFound: SubmitResult { SubmitResult(.notFound, "related task not found") }

    /// Answers a submit with HTTP 200 and its code, as the proxies do; a domain refusal becomes its code.
    private func answer(_ work: () async throws -> SubmitResult) async throws -> Response {
        do {
            return JSONResponse.raw(try await work().serialized())
        } catch let error as ServiceError {
            guard let code = ProxyError.submitCode(of: error.code) else { throw error }
            return JSONResponse.raw(SubmitResult(code, error.message).serialized())
        }
    }

    /// The refusal of a prompt holding a word of the moderation list, naming it.
    private func banned(_ prompt: String) -> SubmitResult? {
        guard let word = domain.submission.moderation.firstHit(in: prompt) else { return nil }
        return SubmitResult(.bannedPrompt, "Banned prompt: it contains '\(word)'", properties: ["bannedWord": .string(word)])
    }

    /// A task of the caller's application by its proxy id (or UUID); nil for a malformed, unknown or foreign one.
    private func parentTask(_ id: String, identity: Identity) async throws -> TaskSnapshot? {
        guard let uuid = ProxyTaskID.uuid(from: id) else { return nil }
        return try await domain.reader.retrieve(id: uuid, traceID: nil, applicationID: identity.applicationID)
    }

    /// An action on the image of the task `taskID`.
    private func followUp(
        _ taskID: String, action: ImagineAction, prompt: String?, mask: String?, identity: Identity, context: Context,
        common: SubmitCommon, mode: JourneymanCore.TaskMode?
    ) async throws -> SubmitResult {
        guard let parent = try await parentTask(taskID, identity: identity) else { return Self.relatedTaskNotFound }
        guard case .imagine(let source) = parent.command, let imageID = parent.imageID else {
            return SubmitResult(.validationError, "task '\(taskID.prefix(40))' has no image to act on")
        }
        if let prompt, let refusal = banned(prompt) { return refusal }
        let shownPrompt = prompt ?? ProxyEcho(acceptedRequest: parent.acceptedRequest).prompt ?? source.prompt ?? ""
        let command = ImagineCommand(action: action, parentTaskID: parent.id, seed: 0)
        let echo = ProxyEcho(
            state: common.state, prompt: shownPrompt, description: ProxyRendering.description(.imagine(command), prompt: shownPrompt))
        return try await submit(
            ImagineSubmission(action: action, prompt: prompt, imageID: imageID, mask: mask, mode: mode ?? source.mode),
            identity: identity, context: context, common: common, echo: echo
        )
    }

    private func submit(
        _ submission: ImagineSubmission, identity: Identity, context: Context, common: SubmitCommon, echo: ProxyEcho
    ) async throws -> SubmitResult {
        let task = try await domain.submission.imagine(
            submission, identity: identity, traceID: context.traceID, acceptedRequest: echo.serializedText,
            callback: try await callback(common)
        )
        context.logger.info(
            "imagine accepted",
            metadata: ["task_id": "\(task.id)", "action": "\(submission.action.rawValue)", "contract": "midjourney-proxy"])
        return try await accepted(task, identity: identity)
    }

    /// `notifyHook` as the task's callback: every progress and the finished task, in this contract's body.
    private func callback(_ common: SubmitCommon) async throws -> Callback? {
        guard let hook = common.notifyHook else { return nil }
        try await outbound.permit(hook, field: "notifyHook")
        return Callback(url: hook, progress: true, format: ProxyRendering.format)
    }

    /// Code 1, or 22 with the task's place in the queue when it waits behind its application's running limit.
    private func accepted(_ task: TaskSnapshot, identity: Identity) async throws -> SubmitResult {
        let id = ProxyRendering.proxyID(task.id)
        guard let limit = identity.application.maxRunning ?? domain.submission.limits.maxRunningPerApplication else {
            return SubmitResult(.submitted, "Submitted", result: id)
        }
        let recent = try await domain.reader.list(applicationID: identity.applicationID, offset: 0, limit: 1000)
        let running = recent.filter { $0.state == .running }.count
        let ahead = recent.filter { $0.state == .pending && $0.id != task.id && $0.createdAt <= task.createdAt }.count
        guard running + ahead >= limit else { return SubmitResult(.submitted, "Submitted", result: id) }
        let place = running + ahead - limit + 1
        return SubmitResult(
            .queued, "In queue: \(place) \(place == 1 ? "task" : "tasks") to start before this one", result: id,
            properties: ["numberOfQueues": .int(Int64(place))]
        )
    }

    // MARK: Helpers

    private func json(_ request: Request, limit: Int) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return try JSONValue.parse(buffer.readableBytesView)
    }
}

extension HTTPField.Name {
    /// `mj-api-secret`.
    public static let mjAPISecret = HTTPField.Name("mj-api-secret")!
}
