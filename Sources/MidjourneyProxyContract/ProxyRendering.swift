import JourneymanCore
import MidjourneyAPI
import MidjourneyProxyAPI

/// The /mj contract's words for domain values: the task object (answers and `notifyHook` bodies).
/// Rendered when an answer or a delivery is made; nothing here is stored.
public struct ProxyRendering: Sendable, WebhookBodyRenderer {
    /// This server's image URLs.
    public let links: ImageLinks

    /// The format name webhook deliveries of this contract carry.
    public static let format = "midjourney-proxy"

    /// Creates the rendering on the server's image links.
    public init(links: ImageLinks) {
        self.links = links
    }

    /// The task object as it is now.
    public func task(_ task: TaskSnapshot) -> JSONValue {
        object(task, inProgressAt: nil)
    }

    /// The task objects of a list.
    public func tasks(_ tasks: [TaskSnapshot]) -> [UInt8] {
        JSONValue.array(tasks.map { object($0, inProgressAt: nil) }).serialized()
    }

    /// The `notifyHook` body: the finished task, or the task as it was at the progress a delivery records.
    public func body(of delivery: WebhookDelivery, task: TaskSnapshot) -> String {
        switch delivery.kind {
        case .finished: return object(task, inProgressAt: nil).serializedText
        case .progress: return object(task, inProgressAt: delivery.progress ?? task.progress).serializedText
        }
    }

    /// The task object; with `inProgressAt`, the task as it was while running at that progress.
    func object(_ task: TaskSnapshot, inProgressAt progressAt: Int?) -> JSONValue {
        let echo = ProxyEcho(acceptedRequest: task.acceptedRequest)
        let state: JourneymanCore.TaskState = progressAt == nil ? task.state : .running
        let result = progressAt == nil ? task.result : nil
        var object = JSONObject()
        object["id"] = .string(Self.proxyID(task.id))
        object["action"] = .string(echo.action ?? Self.actionName(task.command))
        object["status"] = .string(Self.status(state))
        let prompt = echo.prompt ?? task.command.prompt ?? ""
        object["prompt"] = .string(prompt)
        object["promptEn"] = .string(prompt)
        object["description"] = .string(echo.description ?? Self.description(task.command, prompt: prompt))
        object["state"] = echo.state.map(JSONValue.string) ?? .null
        object["submitTime"] = .int(Self.millis(task.createdAt))
        object["startTime"] = task.startedAt.map { .int(Self.millis($0)) } ?? .null
        object["finishTime"] = (state.isFinished ? task.finishedAt : nil).map { .int(Self.millis($0)) } ?? .null
        object["imageUrl"] = imageURL(task, succeeded: state == .succeeded).map(JSONValue.string) ?? .null
        object["progress"] = .string(Self.progress(state, progressAt ?? task.progress))
        object["failReason"] = (state == .failed || state == .cancelled ? result?.failure?.message : nil).map(JSONValue.string) ?? .null
        if task.kind == .videos {
            // A video task made through the public contract: its videos, beside the cover in imageUrl.
            let videos = state == .succeeded ? result?.videos.compactMap(\.role.video) ?? [] : []
            object["videoUrls"] = .array(videos.map { .string(links.video(task.id, $0)) })
        }
        var properties = JSONObject()
        if state == .succeeded, let result, task.kind != .imagine, task.kind != .videos {
            properties["finalPrompt"] = .string(Self.finalPrompt(result.descriptions))
        }
        if task.callbackFormat == Self.format, let hook = task.callbackURL { properties["notifyHook"] = .string(hook) }
        properties["discordInstanceId"] = "journeyman"
        properties["journeymanTaskId"] = .string(task.id)
        if let imageID = task.imageID { properties["journeymanImageId"] = .string(imageID) }
        object["properties"] = .object(properties)
        object["buttons"] = .array(state == .succeeded ? buttons(task) : [])
        return .object(object)
    }

    /// The buttons of a succeeded image: exactly the actions that may follow it.
    func buttons(_ task: TaskSnapshot) -> [JSONValue] {
        let hash = Self.proxyID(task.id)
        return task.command.followUps.compactMap { ProxyActions.job(for: $0)?.button(hash: hash) }
    }

    private func imageURL(_ task: TaskSnapshot, succeeded: Bool) -> String? {
        switch task.command {
        case .describe(let command): return command.imageURL
        case .shorten: return nil
        case .imagine, .edit, .video: return succeeded && task.result?.image(.full) != nil ? links.raw(task.id) : nil
        }
    }

    /// The proxy's digit form of a task id.
    public static func proxyID(_ taskID: String) -> String {
        ProxyTaskID.digits(fromUUID: taskID) ?? taskID
    }

    /// The proxy's action name of a command.
    static func actionName(_ command: TaskCommand) -> String {
        if case .shorten = command { return "SHORTEN" }
        if case .edit = command { return "EDIT" }
        if case .video(let video) = command { return video.action == .extend ? "VIDEO_EXTEND" : "VIDEO" }
        guard let action = command.imagine?.action else { return "DESCRIBE" }
        switch action {
        case .generate: return "IMAGINE"
        case .upscale1, .upscale2, .upscale3, .upscale4, .upscale2x, .upscale4x: return "UPSCALE"
        case .variation1, .variation2, .variation3, .variation4, .variationSubtle, .variationStrong: return "VARIATION"
        case .reroll: return "REROLL"
        case .variationRegion: return "INPAINT"
        case .zoomOut2x, .zoomOut1_5x: return "OUTPAINT"
        case .panLeft, .panRight, .panUp, .panDown: return "PAN"
        }
    }

    /// `/imagine <prompt>`, `/up <id> U2`, ... for tasks whose request did not come through this contract.
    static func description(_ command: TaskCommand, prompt: String) -> String {
        switch command {
        case .describe: return "/describe"
        case .shorten: return "/shorten \(prompt)"
        case .edit: return "/edit \(prompt)"
        case .video: return "/video \(prompt)"
        case .imagine(let imagine):
            guard imagine.action != .generate else { return "/imagine \(prompt)" }
            let parent = imagine.parentTaskID.map(proxyID) ?? ""
            if let quadrant = imagine.action.quadrant {
                return "/up \(parent) \(imagine.action.rawValue.hasPrefix("upscale") ? "U" : "V")\(quadrant)"
            }
            if imagine.action == .reroll { return "/up \(parent) R" }
            return "/up \(parent) \(imagine.action.rawValue)"
        }
    }

    static func status(_ state: JourneymanCore.TaskState) -> String {
        switch state {
        case .pending: return "SUBMITTED"
        case .running: return "IN_PROGRESS"
        case .succeeded: return "SUCCESS"
        case .failed: return "FAILURE"
        case .cancelled: return "CANCEL"
        }
    }

    static func progress(_ state: JourneymanCore.TaskState, _ progress: Int) -> String {
        switch state {
        case .pending: return "0%"
        case .running: return "\(min(max(progress, 0), 99))%"
        case .succeeded: return "100%"
        case .failed, .cancelled: return ""
        }
    }

    /// Describe's four prompts in one string, numbered the proxy's way.
    static func finalPrompt(_ descriptions: [String]) -> String {
        let marks = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]
        return descriptions.enumerated().map { index, text in "\(index < marks.count ? marks[index] : "\(index + 1).") \(text)" }
            .joined(separator: "\n\n")
    }

    static func millis(_ seconds: Double) -> Int64 {
        Int64((seconds * 1000).rounded())
    }
}
