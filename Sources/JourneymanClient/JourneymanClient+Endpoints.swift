import Foundation
import MidjourneyAPI

// MARK: Imagine

extension JourneymanClient {
    /// Submits a prompt and waits for its grid.
    ///
    /// ```swift
    /// let grid = try await client.imagine("a lighthouse at dusk --ar 3:2")
    /// print(grid.imageID, grid.actions)  // "1259...", [.upscale1, ...]
    /// ```
    public func imagine(_ prompt: String, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try ImageResult(
            try await run(.imagine, Self.imagineBody(prompt: prompt, action: .generate, imageID: nil, options: options)), client: self)
    }

    /// Performs an action on an image (by its `image_id`) and waits for the result.
    ///
    /// ```swift
    /// let upscaled = try await client.perform(.upscale3, on: "1259525319472185344")
    /// ```
    public func perform(_ action: ImageAction, on imageID: String, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try ImageResult(
            try await run(.imagine, Self.imagineBody(prompt: nil, action: action, imageID: imageID, options: options)), client: self)
    }

    /// Submits a prompt without waiting (`async: true`); answers the new task's id.
    ///
    /// ```swift
    /// let submitted = try await client.submitImagine("a lighthouse at dusk")
    /// for try await update in client.updates(of: submitted.taskID) { print(update.progress) }
    /// ```
    public func submitImagine(_ prompt: String, options: ImagineOptions = ImagineOptions()) async throws -> SubmittedTask {
        try await submit(.imagine, Self.imagineBody(prompt: prompt, action: .generate, imageID: nil, options: options))
    }

    /// Submits an action on an image without waiting; answers the new task's id.
    ///
    /// ```swift
    /// let submitted = try await client.submit(.zoomOut2x, on: image.imageID)
    /// ```
    public func submit(_ action: ImageAction, on imageID: String, options: ImagineOptions = ImagineOptions()) async throws -> SubmittedTask
    {
        try await submit(.imagine, Self.imagineBody(prompt: nil, action: action, imageID: imageID, options: options))
    }

    /// An image known only by its `image_id`, to act on without fetching it first.
    ///
    /// ```swift
    /// let image = try await client.image(id: "1259525319472185344").zoomOut(.x2)
    /// ```
    public func image(id imageID: String) -> ImageResult {
        ImageResult(imageID: imageID, client: self)
    }

    static func imagineBody(prompt: String?, action: ImageAction, imageID: String?, options: ImagineOptions) -> JSONObject {
        var body = JSONObject()
        if let prompt { body["prompt"] = .string(prompt) }
        body["action"] = .string(action.rawValue)
        if let imageID { body["image_id"] = .string(imageID) }
        options.apply(to: &body)
        return body
    }
}

// MARK: Edits

extension JourneymanClient {
    /// Repaints an image the server can fetch (http or https; PNG or JPEG) after a prompt, where `options.mask` (a
    /// base64 PNG) is white, or all of it without a mask; waits for the grid of four edits.
    ///
    /// ```swift
    /// let edits = try await client.edit(imageURL: "https://example.com/room.png", prompt: "a green sofa")
    /// let chosen = try await client.perform(.upscale2, on: edits.imageID)
    /// ```
    public func edit(imageURL: String, prompt: String, options: ImagineOptions = ImagineOptions()) async throws -> ImageResult {
        try ImageResult(try await run(.edits, Self.editBody(imageURL: imageURL, prompt: prompt, options: options)), client: self)
    }

    /// Submits an edit without waiting; answers the new task's id.
    ///
    /// ```swift
    /// let submitted = try await client.submitEdit(imageURL: url, prompt: "snow on the roofs")
    /// ```
    public func submitEdit(imageURL: String, prompt: String, options: ImagineOptions = ImagineOptions()) async throws -> SubmittedTask {
        try await submit(.edits, Self.editBody(imageURL: imageURL, prompt: prompt, options: options))
    }

    static func editBody(imageURL: String, prompt: String, options: ImagineOptions) -> JSONObject {
        var body = JSONObject()
        body["image_url"] = .string(imageURL)
        body["prompt"] = .string(prompt)
        options.apply(to: &body)
        return body
    }
}

// MARK: Videos

extension JourneymanClient {
    /// Four short videos that start from an image the server can fetch (http or https; PNG or JPEG), after a prompt;
    /// waits for them.
    ///
    /// ```swift
    /// let videos = try await client.video(imageURL: grid.rawImageURL!, prompt: "waves rolling in")
    /// let longer = try await client.extendVideo(videos.videoID, index: 2, prompt: "the tide goes out")
    /// ```
    public func video(imageURL: String, prompt: String, options: VideoOptions = VideoOptions()) async throws -> VideoResult {
        try VideoResult(
            try await run(
                .videos, Self.videoBody(action: "generate", prompt: prompt, options: options) { $0["image_url"] = .string(imageURL) }))
    }

    /// Four videos that go on from the last frame of video `index` (0–3) of an earlier result; waits for them.
    public func extendVideo(_ videoID: String, index: Int = 0, prompt: String, options: VideoOptions = VideoOptions()) async throws
        -> VideoResult
    {
        try VideoResult(
            try await run(
                .videos,
                Self.videoBody(action: "extend", prompt: prompt, options: options) {
                    $0["video_id"] = .string(videoID)
                    $0["video_index"] = .int(Int64(index))
                }))
    }

    /// Submits a video task without waiting; answers the new task's id.
    ///
    /// ```swift
    /// let submitted = try await client.submitVideo(imageURL: url, prompt: "clouds drifting")
    /// ```
    public func submitVideo(imageURL: String, prompt: String, options: VideoOptions = VideoOptions()) async throws -> SubmittedTask {
        try await submit(
            .videos, Self.videoBody(action: "generate", prompt: prompt, options: options) { $0["image_url"] = .string(imageURL) })
    }

    /// Submits an extend without waiting; answers the new task's id.
    public func submitExtendVideo(_ videoID: String, index: Int = 0, prompt: String, options: VideoOptions = VideoOptions()) async throws
        -> SubmittedTask
    {
        try await submit(
            .videos,
            Self.videoBody(action: "extend", prompt: prompt, options: options) {
                $0["video_id"] = .string(videoID)
                $0["video_index"] = .int(Int64(index))
            })
    }

    static func videoBody(action: String, prompt: String, options: VideoOptions, _ fill: (inout JSONObject) -> Void) -> JSONObject {
        var body = JSONObject()
        body["action"] = .string(action)
        body["prompt"] = .string(prompt)
        fill(&body)
        if let mode = options.mode { body["mode"] = .string(mode) }
        if let resolution = options.resolution { body["resolution"] = .string(resolution) }
        if options.loop { body["loop"] = .bool(true) }
        if let end = options.endImageURL { body["end_image_url"] = .string(end) }
        return body
    }
}

// MARK: Describe, seed, shorten

extension JourneymanClient {
    /// Describes an image the server can fetch (http or https; PNG or JPEG) and waits for the four descriptions.
    ///
    /// ```swift
    /// let answer = try await client.describe(imageURL: "https://example.com/cat.png")
    /// ```
    public func describe(imageURL: String) async throws -> Descriptions {
        var body = JSONObject()
        body["image_url"] = .string(imageURL)
        return try Descriptions(try await run(.describe, body))
    }

    /// Submits a describe task without waiting; answers the new task's id.
    ///
    /// ```swift
    /// let submitted = try await client.submitDescribe(imageURL: url, callbackURL: "https://example.com/hook")
    /// ```
    public func submitDescribe(imageURL: String, callbackURL: String? = nil) async throws -> SubmittedTask {
        var body = JSONObject()
        body["image_url"] = .string(imageURL)
        if let callbackURL { body["callback_url"] = .string(callbackURL) }
        return try await submit(.describe, body)
    }

    /// The seed a generated image was made with.
    ///
    /// ```swift
    /// let seed = try await client.seed(imageID: grid.imageID)  // "3141592653"
    /// ```
    public func seed(imageID: String) async throws -> String {
        var body = JSONObject()
        body["image_id"] = .string(imageID)
        let answer = try await post("/midjourney/seed", body, idempotent: true)
        guard let seed = answer.lenientString("seed") else {
            throw ClientError.unreadableAnswer(path: "/midjourney/seed", detail: "no seed in \(JSONValue.object(answer).jsonText)")
        }
        return seed
    }

    /// Up to five shorter versions of a prompt.
    ///
    /// ```swift
    /// let prompts = try await client.shorten("a very detailed painting of an old lighthouse on a cliff at dusk")
    /// ```
    public func shorten(_ prompt: String) async throws -> [String] {
        var body = JSONObject()
        body["prompt"] = .string(prompt)
        let answer = try await post("/midjourney/shorten", body, idempotent: true)
        guard let prompts = answer.lenientStrings("prompts") else {
            throw ClientError.unreadableAnswer(path: "/midjourney/shorten", detail: "no prompts in \(JSONValue.object(answer).jsonText)")
        }
        return prompts
    }
}

// MARK: Tasks

extension JourneymanClient {
    /// One task by id; throws ``ClientError/taskNotFound(_:)`` for an unknown (or another application's) task.
    ///
    /// ```swift
    /// let task = try await client.task("7489df4c-ef03-4de0-b598-e9a590793434")
    /// ```
    public func task(_ id: String) async throws -> TaskSnapshot {
        try await retrieve(["action": "retrieve", "id": .string(id)], asked: id)
    }

    /// One task by the trace id of the request that created it.
    ///
    /// ```swift
    /// let task = try await client.task(traceID: submitted.traceID!)
    /// ```
    public func task(traceID: String) async throws -> TaskSnapshot {
        try await retrieve(["action": "retrieve", "trace_id": .string(traceID)], asked: traceID)
    }

    /// Several tasks by id, in the order asked; unknown ids are left out. More than 100 ids take several calls.
    ///
    /// ```swift
    /// let tasks = try await client.tasks(ids: [first.taskID, second.taskID])
    /// ```
    public func tasks(ids: [String]) async throws -> [TaskSnapshot] {
        var found: [TaskSnapshot] = []
        for start in stride(from: 0, to: ids.count, by: Self.maxBatch) {
            let chunk = ids[start..<min(start + Self.maxBatch, ids.count)]
            let answer = try await post(
                "/midjourney/tasks", ["action": "retrieve_batch", "ids": .array(chunk.map { .string($0) })], idempotent: true)
            found += Self.items(of: answer)
        }
        return found
    }

    /// A page of the application's own tasks, newest first.
    ///
    /// ```swift
    /// let page = try await client.tasks(offset: 0, limit: 20)
    /// ```
    public func tasks(offset: Int = 0, limit: Int = 12) async throws -> TaskPage {
        let (answer, text) = try await postForText(
            "/midjourney/tasks", ["action": "retrieve_batch", "offset": .int(Int64(offset)), "limit": .int(Int64(limit))], idempotent: true)
        let items = Self.items(of: answer)
        return TaskPage(items: items, count: answer.lenientInt("count") ?? items.count, raw: answer, json: text)
    }

    /// Cancels a pending or running task of one's own (a Journeyman extension); answers its cancelled record.
    /// The public service has no cancel: there it is a ``ServerError`` with code `api_not_implemented`.
    ///
    /// ```swift
    /// let cancelled = try await client.cancel(submitted.taskID)  // cancelled.state == .cancelled
    /// ```
    public func cancel(_ id: String) async throws -> TaskSnapshot {
        try await retrieve(["action": "cancel", "id": .string(id)], asked: id, idempotent: false)
    }

    /// Downloads an image URL of a result (no token is sent: image URLs are public).
    ///
    /// ```swift
    /// let png = try await client.download(grid.rawImageURL!)
    /// ```
    public func download(_ url: String) async throws -> [UInt8] {
        let response = try await send(.GET, url, accept: "image/png, image/*", idempotent: true, authorized: false)
        let body = try await response.body.collect(upTo: Self.maxImageBytes)
        return Array(body.readableBytesView)
    }

    static let maxBatch = 100
    static let maxImageBytes = 512 * 1024 * 1024

    private func retrieve(_ body: JSONObject, asked: String, idempotent: Bool = true) async throws -> TaskSnapshot {
        let (answer, text) = try await postForText("/midjourney/tasks", body, idempotent: idempotent)
        guard let task = TaskSnapshot(record: answer, json: text) else { throw ClientError.taskNotFound(asked) }
        return task
    }

    private static func items(of answer: JSONObject) -> [TaskSnapshot] {
        guard case .array(let items) = answer["items"] else { return [] }
        return items.compactMap { $0.objectValue.flatMap { TaskSnapshot(record: $0) } }
    }
}

// MARK: Submitting and running

/// The task-creating endpoints.
enum TaskEndpoint: String, Sendable {
    case imagine = "/midjourney/imagine"
    case describe = "/midjourney/describe"
    case edits = "/midjourney/edits"
    case videos = "/midjourney/videos"
}

extension JourneymanClient {
    /// Submits with `async: true`.
    func submit(_ endpoint: TaskEndpoint, _ body: JSONObject) async throws -> SubmittedTask {
        var body = body
        body["async"] = .bool(true)
        let (answer, text) = try await postForText(endpoint.rawValue, body)
        return try SubmittedTask(answer: answer, json: text, path: endpoint.rawValue)
    }

    /// Submits and waits for the finished task, by the configured strategy; a failed task throws ``TaskFailure``.
    func run(_ endpoint: TaskEndpoint, _ body: JSONObject) async throws -> TaskSnapshot {
        if configuration.waitStrategy == .ndjson {
            return try await waitWithinTimeout(TaskUpdates(client: self, source: .submission(endpoint, body)))
        }
        let submitted = try await submit(endpoint, body)
        return try await wait(for: submitted.taskID)
    }
}
