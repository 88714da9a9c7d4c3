import MidjourneyAPI

/// What every submit body may carry: `state` (echoed on the task) and `notifyHook` (the callback URL).
public struct SubmitCommon: Sendable, Equatable {
    /// Free text echoed on the task.
    public var state: String?
    /// Where the task is POSTed on every change.
    public var notifyHook: String?

    /// Reads both from a body; an empty `notifyHook` is none.
    public init(_ fields: RequestFields) throws(RequestError) {
        state = try fields.string("state").map { String($0.prefix(4096)) }
        if let hook = try fields.string("notifyHook"), !hook.isEmpty {
            notifyHook = try fields.url("notifyHook")
        } else {
            notifyHook = nil
        }
    }
}

/// `/mj/submit/imagine`: `prompt`, and optional image prompts in `base64Array` (data URLs).
public struct ProxyImagineRequest: Sendable {
    /// The prompt.
    public var prompt: String
    /// Image prompts as data URLs.
    public var base64Array: [String]
    /// `state` and `notifyHook`.
    public var common: SubmitCommon

    /// Decodes a body.
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        prompt = try fields.string("prompt") ?? ""
        base64Array = try fields.strings("base64Array", maxCount: 5) ?? []
        common = try SubmitCommon(fields)
    }
}

/// `/mj/submit/change`: `taskId`, `action` UPSCALE|VARIATION|REROLL, `index` 1–4.
public struct ProxyChangeRequest: Sendable {
    /// The image's task.
    public var taskID: String
    /// `UPSCALE`, `VARIATION` or `REROLL`.
    public var action: String
    /// 1–4 (not for REROLL).
    public var index: Int?
    /// `state` and `notifyHook`.
    public var common: SubmitCommon

    /// Decodes a body.
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        taskID = try fields.string("taskId") ?? ""
        action = (try fields.string("action") ?? "").uppercased()
        index = try fields.integer("index", in: 1...4)
        common = try SubmitCommon(fields)
    }

    /// The change of `/mj/submit/simple-change`'s `content`: `"<taskId> U2"`, `"<taskId> V1"`, `"<taskId> R"`;
    /// nil when it is not of that form.
    public static func simple(_ content: String) -> (taskID: String, action: String, index: Int?)? {
        let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else { return nil }
        let change = words[1].uppercased()
        if change == "R" { return (String(words[0]), "REROLL", nil) }
        guard change.count == 2, let index = Int(change.dropFirst()), (1...4).contains(index) else { return nil }
        switch change.first {
        case "U": return (String(words[0]), "UPSCALE", index)
        case "V": return (String(words[0]), "VARIATION", index)
        default: return nil
        }
    }
}

/// `/mj/submit/blend`: 2–5 images as data URLs and the shape of the result.
public struct ProxyBlendRequest: Sendable {
    /// The images.
    public var base64Array: [String]
    /// `PORTRAIT` (2:3), `SQUARE` (1:1) or `LANDSCAPE` (3:2).
    public var dimensions: String
    /// `state` and `notifyHook`.
    public var common: SubmitCommon

    /// Decodes a body.
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        base64Array = try fields.strings("base64Array", maxCount: 16) ?? []
        dimensions = (try fields.string("dimensions") ?? "SQUARE").uppercased()
        common = try SubmitCommon(fields)
    }

    /// The aspect ratio of `dimensions`; nil for an unknown one.
    public var aspectRatio: String? {
        switch dimensions {
        case "PORTRAIT": return "2:3"
        case "SQUARE": return "1:1"
        case "LANDSCAPE": return "3:2"
        default: return nil
        }
    }
}

/// `/mj/submit/describe`: the image as `base64` (a data URL) or as a `link`.
public struct ProxyDescribeRequest: Sendable {
    /// The image as a data URL.
    public var base64: String?
    /// The image's URL.
    public var link: String?
    /// `state` and `notifyHook`.
    public var common: SubmitCommon

    /// Decodes a body.
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        base64 = try fields.string("base64").flatMap { $0.isEmpty ? nil : $0 }
        link = try fields.string("link").flatMap { $0.isEmpty ? nil : $0 }
        if link != nil { link = try fields.url("link") }
        common = try SubmitCommon(fields)
    }
}

/// `/mj/submit/action` (`taskId`, `customId`) and `/mj/submit/modal` (`taskId`, `prompt`, `maskBase64`).
public struct ProxyActionRequest: Sendable {
    /// The image's task.
    public var taskID: String
    /// A button's `customId` (action).
    public var customID: String
    /// The prompt (modal).
    public var prompt: String?
    /// The region mask as a data URL (modal).
    public var maskBase64: String?
    /// `state` and `notifyHook`.
    public var common: SubmitCommon

    /// Decodes a body.
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        taskID = try fields.string("taskId") ?? ""
        customID = try fields.string("customId") ?? ""
        prompt = try fields.string("prompt").flatMap { $0.isEmpty ? nil : $0 }
        maskBase64 = try fields.string("maskBase64").flatMap { $0.isEmpty ? nil : $0 }
        common = try SubmitCommon(fields)
    }
}

/// `/mj/task/list-by-condition`: `{"ids": [...]}`.
public struct ProxyListRequest: Sendable {
    /// The ids asked for, in digit form.
    public var ids: [String]

    /// Decodes a body (an empty body asks for nothing).
    public init(_ body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        ids = try fields.strings("ids", maxCount: 1000) ?? []
    }
}
