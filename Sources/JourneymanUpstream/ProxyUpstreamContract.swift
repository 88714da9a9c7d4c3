import Foundation
import JourneymanCore
import MidjourneyAPI
import MidjourneyProxyAPI

/// midjourney-proxy's contract (`/mj/...`, the trueai edition's superset, which Journeyman also serves): imagine,
/// buttons through `/mj/submit/action` (a region completed through `/mj/submit/modal`), or `/mj/submit/change` for
/// upscale, variation and reroll where the upstream lists no buttons (novicezk's edition), describe by `link`,
/// `list-by-condition` for batches, `image-seed`, and shorten as a task followed to its end. A mode other than fast
/// goes to the `/mj-relax/mj` or `/mj-turbo/mj` prefix. Submit answers carry the proxy's codes in a 200, and are
/// sorted by them: 1 and 22 accepted, 23 (queue full) retried, 24 (banned), 3 (unknown task) and 4 refused.
struct ProxyUpstreamContract: UpstreamContract {
    let transport: UpstreamTransport
    /// How long shorten follows its task.
    var shortenSeconds: Double = 120

    func submitImagine(_ job: ImagineJob, parent: UpstreamLineage?) async throws -> String {
        let base = Self.base(job.mode)
        guard let parent else {
            return try await submit(base + "/submit/imagine", ["prompt": .string(job.promptText), "base64Array": .array([])]).id
        }
        guard let customID = parent.buttons?[job.action.rawValue] else {
            // No buttons listed (novicezk's edition): /mj/submit/change knows upscale, variation and reroll only.
            guard let change = Self.change(job.action) else {
                throw EngineError(
                    code: .notImplemented,
                    message:
                        "The upstream offers no '\(job.action.rawValue)' on this image (it lists no button for it, and /mj/submit/change has only upscale, variation and reroll)."
                )
            }
            var body: JSONObject = ["taskId": .string(parent.taskID), "action": .string(change.action)]
            if let index = change.index { body["index"] = .int(Int64(index)) }
            return try await submit(base + "/submit/change", body).id
        }
        let submitted = try await submit(
            base + "/submit/action", ["taskId": .string(parent.taskID), "customId": .string(customID)], modalExpected: job.mask != nil)
        guard let mask = job.mask else { return submitted.id }
        // Vary (Region) opens a window: completed with the mask (and the task's own prompt, if it has one).
        var modal: JSONObject = [
            "taskId": .string(submitted.id), "maskBase64": .string("data:image/png;base64," + Data(mask).base64EncodedString()),
        ]
        if job.hasOwnPrompt { modal["prompt"] = .string(job.promptText) }
        return try await submit(base + "/submit/modal", modal).id
    }

    func submitDescribe(url: String) async throws -> String {
        try await submit("/mj/submit/describe", ["link": .string(url)]).id
    }

    func submitVideo(_ job: VideoJob, imageURL: String?, parent: UpstreamLineage?) async throws -> String {
        throw EngineError(code: .notImplemented, message: "/midjourney/videos is not provided by a midjourney-proxy upstream")
    }

    func submitEdit(_ job: EditJob, imageURL: String) async throws -> String {
        throw EngineError(code: .notImplemented, message: "/midjourney/edits is not provided by a midjourney-proxy upstream")
    }

    func statuses(ids: [String]) async throws -> [String: UpstreamTaskStatus] {
        let answer = try await call("/mj/task/list-by-condition", ["ids": .array(ids.map { .string($0) })])
        guard case .array(let tasks) = answer else {
            throw UpstreamCallError.retry(after: nil, reason: "/mj/task/list-by-condition: the answer is no array")
        }
        var statuses: [String: UpstreamTaskStatus] = [:]
        for case .object(let task) in tasks {
            guard let id = task["id"]?.stringValue else { continue }
            statuses[id] = Self.status(of: task)
        }
        return statuses
    }

    func translate(_ content: String) async throws -> String {
        throw UpstreamCallError.refused(
            EngineError(code: .notImplemented, message: "/midjourney/translate is not provided by a midjourney-proxy upstream"))
    }

    func shorten(_ prompt: String) async throws -> [String] {
        let id = try await submit("/mj/submit/shorten", ["prompt": .string(prompt)]).id
        let deadline = ContinuousClock.now + .milliseconds(Int64(shortenSeconds * 1000))
        while ContinuousClock.now < deadline {
            if let status = try await statuses(ids: [id])[id] {
                switch status.phase {
                case .succeeded: return status.descriptions ?? []
                case .failed(let error): throw error
                case .working: break
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw EngineError(code: .timeout, message: "The upstream's shorten task did not finish in \(Int(shortenSeconds)) s.")
    }

    func seed(of lineage: UpstreamLineage) async throws -> UInt32? {
        guard let id = lineage.taskID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else { return nil }
        let answer = try await transport.send("/mj/task/\(id)/image-seed", body: nil)
        guard (200..<300).contains(answer.status), let object = answer.body.objectValue, Self.code(object) == 1 else { return nil }
        return PublicServiceContract.number(object["result"]).flatMap { UInt32(exactly: $0) }
    }

    // MARK: Calls

    /// The path prefix of a mode: trueai serves relax and turbo under their own prefixes, fast (the default) at `/mj`.
    static func base(_ mode: JourneymanCore.TaskMode) -> String {
        switch mode {
        case .relax: return "/mj-relax/mj"
        case .turbo: return "/mj-turbo/mj"
        default: return "/mj"
        }
    }

    /// `/mj/submit/change`'s `action` and `index` for an action it knows.
    static func change(_ action: ImagineAction) -> (action: String, index: Int?)? {
        switch action {
        case .upscale1, .upscale2, .upscale3, .upscale4: return ("UPSCALE", action.quadrant)
        case .variation1, .variation2, .variation3, .variation4: return ("VARIATION", action.quadrant)
        case .reroll: return ("REROLL", nil)
        default: return nil
        }
    }

    /// POSTs a submit; answers the new task's id, sorted by the answer's code.
    private func submit(_ path: String, _ body: JSONObject, modalExpected: Bool = false) async throws -> (id: String, code: Int) {
        var body = body
        if let callback = transport.settings.callbackURL { body["notifyHook"] = .string(callback) }
        let answer = try await call(path, body)
        guard let object = answer.objectValue, let code = Self.code(object) else {
            throw UpstreamCallError.retry(after: nil, reason: "\(path): the answer has no code")
        }
        let description = object["description"]?.stringValue ?? ""
        let id = object["result"]?.stringValue ?? PublicServiceContract.number(object["result"]).map { String(Int64($0)) }
        switch code {
        case 1, 22, 21:
            // 21 is the window of a region (expected), or novicezk's "already exists" (the task it names).
            guard let id, !id.isEmpty else { throw UpstreamCallError.retry(after: nil, reason: "\(path): code \(code) without a task id") }
            if code == 21 && !modalExpected && !description.lowercased().contains("exist") {
                throw UpstreamCallError.refused(
                    EngineError(code: .badRequest, message: "The upstream asks for a window this task cannot fill: \(description)"))
            }
            return (id, code)
        case 23:
            throw UpstreamCallError.retry(after: 5, reason: "\(path): 23 queue full")
        case 24:
            let word = object["properties"]?.objectValue?["bannedWord"]?.stringValue.map { " ('\($0)')" } ?? ""
            throw UpstreamCallError.refused(
                EngineError(code: .forbidden, message: "The upstream refused the prompt: a banned word\(word)."))
        case 3:
            throw UpstreamCallError.refused(
                EngineError(code: .badRequest, message: "The upstream does not know the source task: \(description)"))
        case 4:
            throw UpstreamCallError.refused(EngineError(code: .badRequest, message: "The upstream refused the request: \(description)"))
        default:
            throw UpstreamCallError.retry(after: nil, reason: "\(path): code \(code) \(description.prefix(80))")
        }
    }

    /// POSTs `body`; answers a 2xx body, else throws the failure sorted by what to do about it.
    private func call(_ path: String, _ body: JSONObject) async throws -> JSONValue {
        let answer = try await transport.send(path, body: .object(body))
        if (200..<300).contains(answer.status) { return answer.body }
        let message = answer.body.objectValue?["description"]?.stringValue ?? "The upstream answered \(answer.status)."
        switch answer.status {
        case 429:
            throw UpstreamCallError.retry(after: answer.retryAfter, reason: "\(path): 429")
        case 401:
            throw UpstreamCallError.credentials("\(path) answered 401")
        case 403:
            throw UpstreamCallError.refused(EngineError(code: .forbidden, message: message))
        case 404:
            throw UpstreamCallError.refused(EngineError(code: .notImplemented, message: "The upstream does not provide \(path)."))
        case 400..<500:
            throw UpstreamCallError.refused(EngineError(code: .badRequest, message: message))
        default:
            throw UpstreamCallError.retry(after: answer.retryAfter, reason: "\(path): \(answer.status)")
        }
    }

    private static func code(_ object: JSONObject) -> Int? {
        PublicServiceContract.number(object["code"]).map { Int($0) }
    }

    // MARK: Tasks

    /// A proxy task object in this server's words.
    static func status(of task: JSONObject) -> UpstreamTaskStatus {
        let progress = PublicServiceContract.number(task["progress"]).map { Int(min(100, max(0, $0))) } ?? 0
        var status = UpstreamTaskStatus(phase: .working, progress: progress)
        let reason = task["failReason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        switch task["status"]?.stringValue {
        case "SUCCESS":
            status.phase = .succeeded
            status.progress = 100
        case "FAILURE":
            status.phase = .failed(EngineError(code: .internalError, message: "The upstream task failed: \(reason ?? "no reason given")"))
        case "CANCEL":
            status.phase = .failed(
                EngineError(code: .internalError, message: "The upstream task was cancelled\(reason.map { ": \($0)" } ?? ".")"))
        default:
            break
        }
        status.imageURL = task["imageUrl"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        status.imageID = task["id"]?.stringValue
        let finalPrompt = task["properties"]?.objectValue?["finalPrompt"]?.stringValue
        let action = task["action"]?.stringValue
        if action == "DESCRIBE" || action == "SHORTEN" {
            // The prompts in one string, numbered 1️⃣ 2️⃣ …; novicezk keeps them in `prompt`.
            status.descriptions = prompts(in: finalPrompt ?? task["prompt"]?.stringValue ?? "")
        }
        if case .array(let buttons)? = task["buttons"] {
            for case .object(let button) in buttons {
                guard let customID = button["customId"]?.stringValue, let job = ButtonJob.parse(customID)?.job else { continue }
                status.buttons[job.actionName] = customID
            }
        }
        return status
    }

    /// The prompts of describe's (or shorten's) text: paragraphs, each without its leading number mark.
    static func prompts(in text: String) -> [String] {
        text.components(separatedBy: "\n\n").compactMap { paragraph in
            var line = Substring(paragraph.trimmingCharacters(in: .whitespacesAndNewlines))
            if let first = line.first, first.unicodeScalars.contains("\u{20E3}") || (first.isNumber && line.dropFirst().first == ".") {
                line = line.drop { !$0.isWhitespace }
            }
            let prompt = line.trimmingCharacters(in: .whitespacesAndNewlines)
            return prompt.isEmpty ? nil : prompt
        }
    }
}
