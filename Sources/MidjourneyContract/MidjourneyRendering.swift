import JourneymanCore
import MidjourneyAPI

/// The public contract's words for domain values: the task record, the finished bodies, progress lines,
/// webhook bodies and error codes. Rendered when an answer or a delivery is made; nothing here is stored.
public struct MidjourneyRendering: Sendable, WebhookBodyRenderer {
    /// This server's image URLs.
    public let links: ImageLinks

    /// The format name webhook deliveries of this contract carry.
    public static let format = "midjourney"

    /// Creates the rendering on the server's image links.
    public init(links: ImageLinks) {
        self.links = links
    }

    /// The task record's bytes: keys in the seed's order, then the extensions; the accepted request is written
    /// exactly as stored, so the same state always gives the same bytes.
    public func record(_ task: TaskSnapshot) -> [UInt8] {
        var members: [(String, JSONFragment)] = [
            ("_id", .value(.string(task.objectID))),
            ("id", .value(.string(task.id))),
            ("application_id", .value(.string(task.applicationID))),
            ("created_at", .value(.double(Self.millis(task.createdAt)))),
            ("credential_id", .value(.string(task.credentialID))),
            ("request", .raw(task.acceptedRequest.isEmpty ? Array("{}".utf8) : Array(task.acceptedRequest.utf8))),
            ("type", .value(.string(task.kind.rawValue))),
            ("hold", .value(.bool(task.hold))),
        ]
        if let imageID = task.imageID { members.append((task.kind == .videos ? "video_id" : "image_id", .value(.string(imageID)))) }
        members.append(("job_id", .value(.string(task.jobID))))
        if task.state.isFinished, let finishedAt = task.finishedAt {
            let finished = Self.millis(finishedAt)
            members.append(("response", .value(response(task))))
            members.append(("duration", .value(.double(Self.millis(finished - Self.millis(task.createdAt))))))
            members.append(("finished_at", .value(.double(finished))))
        }
        members.append(("trace_id", .value(.string(task.traceID))))
        if let startedAt = task.startedAt { members.append(("started_at", .value(.double(Self.millis(startedAt))))) }
        members.append(("state", .value(.string(task.state.rawValue))))
        members.append(("progress", .value(.int(Int64(task.progress)))))
        return JSONValue.serializedObject(members)
    }

    /// The body a finished task answers (also the record's `response` and the finished webhook's body).
    public func response(_ task: TaskSnapshot) -> JSONValue {
        let result = task.result ?? TaskResult()
        if task.state != .succeeded || result.failure != nil {
            let failure = result.failure ?? TaskFailure(code: .internalError, message: "The task failed.")
            var body = JSONObject()
            body["success"] = false
            body["task_id"] = .string(task.id)
            body["trace_id"] = .string(task.traceID)
            body["error"] = .object(["code": .string(Self.wireCode(failure.code).rawValue), "message": .string(failure.message)])
            return .object(body)
        }
        var body = JSONObject()
        body["success"] = true
        body["task_id"] = .string(task.id)
        body["trace_id"] = .string(task.traceID)
        switch task.command {
        case .describe:
            body["descriptions"] = .array(result.descriptions.map(JSONValue.string))
        case .shorten:
            body["prompts"] = .array(result.descriptions.map(JSONValue.string))
        case .imagine, .edit:
            body["image_id"] = .string(task.imageID ?? "")
            body["job_id"] = .string(task.jobID)
            body["progress"] = 100
            body["hold"] = false
            if let thumbnail = result.image(.thumbnail) {
                body["image_url"] = .string(links.thumbnail(task.id))
                body["image_width"] = .int(Int64(thumbnail.width))
                body["image_height"] = .int(Int64(thumbnail.height))
            }
            if let full = result.image(.full) {
                body["raw_image_url"] = .string(links.raw(task.id))
                body["raw_image_width"] = .int(Int64(full.width))
                body["raw_image_height"] = .int(Int64(full.height))
            }
            body["actions"] = .array(task.command.followUps.map { .string($0.rawValue) })
            let quadrants = result.quadrants
            if !quadrants.isEmpty {
                body["sub_image_urls"] = .array(quadrants.compactMap { $0.role.quadrant.map { .string(links.quadrant(task.id, $0)) } })
            }
        case .video:
            body["video_id"] = .string(task.imageID ?? "")
            body["job_id"] = .string(task.jobID)
            body["progress"] = 100
            if let full = result.image(.full) {
                // The cover: the videos' first frame, at their size.
                body["image_url"] = .string(links.raw(task.id))
                body["image_width"] = .int(Int64(full.width))
                body["image_height"] = .int(Int64(full.height))
            }
            body["video_urls"] = .array(result.videos.compactMap { $0.role.video.map { .string(links.video(task.id, $0)) } })
        }
        return .object(body)
    }

    /// One line of an ndjson stream (and a progress webhook's body): the task at `progress`, no actions yet.
    public func progressLine(_ task: TaskSnapshot, progress: Int) -> JSONValue {
        var line = JSONObject()
        line["success"] = true
        line["task_id"] = .string(task.id)
        line["trace_id"] = .string(task.traceID)
        if let imageID = task.imageID { line[task.kind == .videos ? "video_id" : "image_id"] = .string(imageID) }
        line["job_id"] = .string(task.jobID)
        line["progress"] = .int(Int64(progress))
        line["hold"] = false
        if task.kind != .videos { line["actions"] = .array([]) }
        return .object(line)
    }

    /// The webhook body of a delivery: the finished body, or the progress line it records.
    public func body(of delivery: WebhookDelivery, task: TaskSnapshot) -> String {
        switch delivery.kind {
        case .finished: return response(task).serializedText
        case .progress: return progressLine(task, progress: delivery.progress ?? task.progress).serializedText
        }
    }

    /// The contract's code for a domain failure.
    public static func wireCode(_ code: FailureCode) -> ErrorCode {
        switch code {
        case .badRequest: return .badRequest
        case .tokenMismatched: return .tokenMismatched
        case .notImplemented: return .apiNotImplemented
        case .invalidToken: return .invalidToken
        case .forbidden: return .forbidden
        case .usedUp: return .usedUp
        case .notFound: return .notFound
        case .tooManyRequests: return .tooManyRequests
        case .internalError, .unavailable: return .apiError
        case .timeout: return .timeout
        case .cancelled: return .cancelled
        }
    }

    /// Rounds Unix seconds to whole milliseconds.
    public static func millis(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
