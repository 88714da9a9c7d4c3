import JourneymanCore

/// Where an upstream task is, in this server's words, whatever contract the upstream speaks.
struct UpstreamTaskStatus: Sendable {
    /// Where it is.
    enum Phase: Sendable {
        /// Waiting or running upstream.
        case working
        /// Done: its image (imagine) or descriptions (describe).
        case succeeded
        /// Ended without a result, for this reason.
        case failed(EngineError)
    }

    var phase: Phase
    /// 0–100.
    var progress: Int
    /// The upstream's id of the result image (imagine), for follow-ups and seeds.
    var imageID: String?
    /// Where the full-size result is (imagine).
    var imageURL: String?
    /// Describe's four descriptions.
    var descriptions: [String]?
    /// Buttons' custom ids the upstream offers for follow-ups (midjourney-proxy), by action name.
    var buttons: [String: String] = [:]
    /// The upstream's id of a video result, for `extend`.
    var videoID: String?
    /// Where a video result's videos are (its cover is `imageURL`).
    var videoURLs: [String]?

    var isFinished: Bool {
        if case .working = phase { return false }
        return true
    }
}

/// What this server remembers of an upstream result, kept as the result's `lineage` for follow-ups.
struct UpstreamLineage: Codable, Sendable, Equatable {
    /// The upstream's name.
    var upstream: String
    /// The upstream's task id.
    var taskID: String
    /// The upstream's image id (public contract), when it has one.
    var imageID: String?
    /// Follow-up buttons (midjourney-proxy).
    var buttons: [String: String]?
    /// The upstream's video id (a video result), for `extend`.
    var videoID: String?

    enum CodingKeys: String, CodingKey {
        case upstream
        case taskID = "task_id"
        case imageID = "image_id"
        case buttons
        case videoID = "video_id"
    }
}

/// One upstream contract: how to submit, follow in batches, and call the family's synchronous endpoints.
protocol UpstreamContract: Sendable {
    /// Submits an imagine task (a follow-up names the parent's upstream ids); answers the upstream's task id.
    func submitImagine(_ job: ImagineJob, parent: UpstreamLineage?) async throws -> String
    /// Submits a describe of the image at `url`; answers the upstream's task id.
    func submitDescribe(url: String) async throws -> String
    /// Sends an edit of the image at `imageURL`; answers the upstream's task id.
    func submitEdit(_ job: EditJob, imageURL: String) async throws -> String
    /// Submits a video task: from the image at `imageURL` (`generate`), or going on from the parent's video
    /// (`extend`); answers the upstream's task id.
    func submitVideo(_ job: VideoJob, imageURL: String?, parent: UpstreamLineage?) async throws -> String
    /// Where the tasks `ids` are (at most 100); ids the upstream does not know are left out.
    func statuses(ids: [String]) async throws -> [String: UpstreamTaskStatus]
    /// Shorter prompts, where the upstream provides them.
    func shorten(_ prompt: String) async throws -> [String]
    /// The text in English, where the upstream provides it.
    func translate(_ content: String) async throws -> String
    /// The seed of an upstream image, where the upstream tells it.
    func seed(of lineage: UpstreamLineage) async throws -> UInt32?
}
