import Foundation
import JourneymanCore
import MidjourneyAPI

/// The public service's contract (`midjourney-api`), the one Journeyman itself serves: asynchronous
/// `/midjourney/imagine` and `/midjourney/describe`, `retrieve_batch` on `/midjourney/tasks`, `/midjourney/seed`,
/// `/midjourney/shorten`, and the family's `/midjourney/edits`, `/midjourney/videos` and `/midjourney/translate`. Records are read tolerantly: unknown fields ignored, numbers as strings accepted.
struct PublicServiceContract: UpstreamContract {
    let transport: UpstreamTransport

    func submitImagine(_ job: ImagineJob, parent: UpstreamLineage?) async throws -> String {
        var body: JSONObject = ["action": .string(job.action.rawValue), "mode": .string(job.mode.rawValue), "async": .bool(true)]
        if job.hasOwnPrompt || parent == nil { body["prompt"] = .string(job.promptText) }
        if let parent {
            guard let imageID = parent.imageID else {
                throw EngineError(code: .badRequest, message: "The source image has no image id at the upstream.")
            }
            body["image_id"] = .string(imageID)
        }
        if let mask = job.mask { body["mask"] = .string(Data(mask).base64EncodedString()) }
        return try await submit("/midjourney/imagine", body)
    }

    func submitDescribe(url: String) async throws -> String {
        try await submit("/midjourney/describe", ["image_url": .string(url), "async": .bool(true)])
    }

    func submitEdit(_ job: EditJob, imageURL: String) async throws -> String {
        var body: JSONObject = [
            "image_url": .string(imageURL), "prompt": .string(job.promptText), "mode": .string(job.mode.rawValue), "async": .bool(true),
        ]
        if let mask = job.mask { body["mask"] = .string(Data(mask).base64EncodedString()) }
        return try await submit("/midjourney/edits", body)
    }

    func submitVideo(_ job: VideoJob, imageURL: String?, parent: UpstreamLineage?) async throws -> String {
        var body: JSONObject = [
            "action": .string(job.action.rawValue), "prompt": .string(job.promptText), "mode": .string(job.mode.rawValue),
            "resolution": .string(job.resolution.rawValue), "loop": .bool(job.loop), "async": .bool(true),
        ]
        if let imageURL { body["image_url"] = .string(imageURL) }
        if let end = job.endImageURL { body["end_image_url"] = .string(end) }
        if let parent {
            guard let videoID = parent.videoID else {
                throw EngineError(code: .badRequest, message: "The extended video has no video id at the upstream.")
            }
            body["video_id"] = .string(videoID)
            body["video_index"] = .int(Int64(job.videoIndex))
        }
        return try await submit("/midjourney/videos", body)
    }

    private func submit(_ path: String, _ body: JSONObject) async throws -> String {
        var body = body
        if let callback = transport.settings.callbackURL { body["callback_url"] = .string(callback) }
        let answer = try await call(path, body)
        guard let id = answer.objectValue?["task_id"]?.stringValue, !id.isEmpty else {
            throw UpstreamCallError.retry(after: nil, reason: "\(path): the answer has no task_id")
        }
        return id
    }

    func statuses(ids: [String]) async throws -> [String: UpstreamTaskStatus] {
        let answer = try await call("/midjourney/tasks", ["action": "retrieve_batch", "ids": .array(ids.map { .string($0) })])
        guard case .array(let items)? = answer.objectValue?["items"] else {
            throw UpstreamCallError.retry(after: nil, reason: "/midjourney/tasks: the answer has no items")
        }
        var statuses: [String: UpstreamTaskStatus] = [:]
        for case .object(let record) in items {
            guard let id = record["id"]?.stringValue else { continue }
            statuses[id] = Self.status(of: record)
        }
        return statuses
    }

    func shorten(_ prompt: String) async throws -> [String] {
        let answer = try await call("/midjourney/shorten", ["prompt": .string(prompt)])
        guard case .array(let prompts)? = answer.objectValue?["prompts"] else {
            throw EngineError(code: .internalError, message: "The upstream's shorten answer has no prompts.")
        }
        return prompts.compactMap(\.stringValue)
    }

    func translate(_ content: String) async throws -> String {
        let answer = try await call("/midjourney/translate", ["content": .string(content)])
        guard let translated = answer.objectValue?["content"]?.stringValue else {
            throw EngineError(code: .internalError, message: "The upstream's translate answer has no content.")
        }
        return translated
    }

    func seed(of lineage: UpstreamLineage) async throws -> UInt32? {
        guard let imageID = lineage.imageID else { return nil }
        let answer = try await call("/midjourney/seed", ["image_id": .string(imageID)])
        return Self.number(answer.objectValue?["seed"]).flatMap { UInt32(exactly: $0) }
    }

    /// POSTs `body`; answers a 2xx body, else throws the failure sorted by what to do about it.
    private func call(_ path: String, _ body: JSONObject) async throws -> JSONValue {
        let answer = try await transport.send(path, body: .object(body))
        if (200..<300).contains(answer.status) { return answer.body }
        let error = answer.body.objectValue?["error"]?.objectValue
        let code = error?["code"]?.stringValue ?? ""
        let message = error?["message"]?.stringValue ?? "The upstream answered \(answer.status)."
        switch (answer.status, code) {
        case (429, _), (_, "too_many_requests"):
            throw UpstreamCallError.retry(after: answer.retryAfter, reason: "\(path): \(answer.status) \(code)")
        case (401, _), (_, "invalid_token"), (_, "token_mismatched"), (_, "token_expired"), (_, "no_token"), (_, "disabled"):
            throw UpstreamCallError.credentials("\(path) answered \(answer.status) \(code)")
        case (_, "used_up"):
            throw UpstreamCallError.credentials("\(path) answered \(answer.status) used_up: the upstream account has no credits left")
        case (403, _), (_, "forbidden"):
            throw UpstreamCallError.refused(EngineError(code: .forbidden, message: message))
        case (_, "api_not_implemented"):
            throw UpstreamCallError.refused(EngineError(code: .notImplemented, message: "The upstream does not provide this: \(message)"))
        case (400..<500, _):
            throw UpstreamCallError.refused(EngineError(code: .badRequest, message: message))
        default:
            throw UpstreamCallError.retry(after: answer.retryAfter, reason: "\(path): \(answer.status) \(code)")
        }
    }

    /// A task record in this server's words.
    static func status(of record: JSONObject) -> UpstreamTaskStatus {
        let progress = number(record["progress"]).map { Int(min(100, max(0, $0))) } ?? 0
        var status = UpstreamTaskStatus(phase: .working, progress: progress)
        let response = record["response"]?.objectValue
        switch record["state"]?.stringValue {
        case "succeeded":
            status.phase = .succeeded
        case "failed", "cancelled":
            status.phase = .failed(failure(of: response, state: record["state"]?.stringValue ?? "failed"))
        default:
            // Records without `state` (the published schema has none): a response means finished.
            if let response {
                status.phase = response["success"]?.boolValue == false ? .failed(failure(of: response, state: "failed")) : .succeeded
            }
        }
        if let response {
            status.imageID = response["image_id"]?.stringValue ?? record["image_id"]?.stringValue
            status.imageURL = response["raw_image_url"]?.stringValue ?? response["image_url"]?.stringValue
            if case .array(let descriptions)? = response["descriptions"] { status.descriptions = descriptions.compactMap(\.stringValue) }
            status.videoID = response["video_id"]?.stringValue ?? record["video_id"]?.stringValue
            if case .array(let urls)? = response["video_urls"] { status.videoURLs = urls.compactMap(\.stringValue) }
        }
        return status
    }

    /// The failure an upstream task ended with, in this server's codes.
    static func failure(of response: JSONObject?, state: String) -> EngineError {
        let error = response?["error"]?.objectValue
        let message = error?["message"]?.stringValue ?? "The upstream task \(state)."
        switch error?["code"]?.stringValue {
        case "forbidden": return EngineError(code: .forbidden, message: message)
        case "bad_request": return EngineError(code: .badRequest, message: message)
        case "timeout": return EngineError(code: .timeout, message: "The upstream task timed out: \(message)")
        default: return EngineError(code: .internalError, message: "The upstream task \(state): \(message)")
        }
    }

    /// A number written as a number or as a string (the published schema types some numbers as strings; `"45%"`).
    static func number(_ value: JSONValue?) -> Double? {
        if let double = value?.doubleValue { return double }
        guard var text = value?.stringValue else { return nil }
        if text.hasSuffix("%") { text.removeLast() }
        return Double(text)
    }
}
