import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanImaging
import Logging
import ServiceLifecycle

/// An engine that has a real provider do the work: each task is submitted upstream asynchronously, followed by the
/// upstream's batch poller, and on success its image is downloaded, so the record's links are this server's own.
///
/// Follow-ups go to the upstream with the parent's upstream ids, kept in the parent's `lineage`. Which upstream and
/// its task id are recorded in the task's journal before and after submission: a task re-claimed after a crash
/// resumes by polling, and is submitted again only when the crash fell between sending and recording (once, never
/// more).
public struct UpstreamEngine: Engine, UpstreamReporting, UpstreamNudging {
    /// The upstream as configured (its token is never shown).
    public let settings: UpstreamSettings
    /// Calls made to the upstream, by purpose.
    public let counters: UpstreamCounters
    /// Whether the upstream is up, and why not.
    public let health: UpstreamHealth
    /// The poller to run as a service, before the workers start.
    public let service: UpstreamPollerService
    let contract: any UpstreamContract
    let transport: UpstreamTransport
    let poller: UpstreamPoller
    let fetcher: any ImageFetcher
    let logger: Logger

    /// An engine for the upstream `settings` describes, calling it through `client` and downloading its images
    /// through `fetcher` (which applies the outbound rules to every redirect).
    public init(settings: UpstreamSettings, client: HTTPClient, fetcher: any ImageFetcher, logger: Logger) {
        self.settings = settings
        counters = UpstreamCounters()
        health = UpstreamHealth()
        transport = UpstreamTransport(client: client, settings: settings, counters: counters, health: health, logger: logger)
        switch settings.kind {
        case .midjourneyAPI: contract = PublicServiceContract(transport: transport)
        case .midjourneyProxy: contract = ProxyUpstreamContract(transport: transport)
        }
        poller = UpstreamPoller(contract: contract, transport: transport, interval: settings.pollInterval, logger: logger)
        service = UpstreamPollerService(poller: poller)
        self.fetcher = fetcher
        self.logger = logger
    }

    public var name: String { "upstream" }

    public var capabilities: EngineCapabilities {
        // The proxy's contract has no translate; the public one does (an upstream that lacks it says so).
        EngineCapabilities(
            shorten: true, fetchesDescribeImages: true, translate: settings.kind == .midjourneyAPI, edits: settings.kind == .midjourneyAPI,
            videos: settings.kind == .midjourneyAPI)
    }

    /// Polls this upstream now when `secret` is its callback secret.
    public func nudge(secret: String) async -> Bool {
        guard UpstreamCallbacks.matches(secret, UpstreamCallbacks.secret(for: settings)) else { return false }
        poller.nudge()
        return true
    }

    /// How many upstream tasks are being followed now.
    public func inFlight() async -> Int { await poller.inFlight }

    /// Its one upstream: up or why not, its tasks in flight, its calls.
    public func upstreamReadings() async -> [UpstreamReading] {
        [
            UpstreamReading(
                name: settings.name, kind: settings.kind.rawValue, downReason: health.downReason, inFlight: await inFlight(),
                calls: counters.all, failuresInLastHour: counters.failuresInLastHour())
        ]
    }

    // MARK: Imagine

    public func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        let parent = try job.source.map { try parentLineage($0.lineage) }
        let upstreamID = try await submitOnce(job.journal) {
            try await contract.submitImagine(job, parent: parent)
        }
        let status = try await follow(upstreamID, progress: progress)
        return try await output(of: status, upstreamID: upstreamID)
    }

    // MARK: Edits

    public func edit(_ job: EditJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        guard capabilities.edits else {
            throw EngineError(code: .notImplemented, message: "/midjourney/edits is not provided by a \(settings.kind.rawValue) upstream")
        }
        guard case .url(let url) = job.image else {
            throw EngineError(code: .notImplemented, message: "The upstream edits images by URL only.")
        }
        let upstreamID = try await submitOnce(job.journal) { try await contract.submitEdit(job, imageURL: url) }
        let status = try await follow(upstreamID, progress: progress)
        return try await output(of: status, upstreamID: upstreamID)
    }

    // MARK: Videos

    public func video(_ job: VideoJob, progress: @escaping @Sendable (Int) -> Void) async throws -> VideoOutput {
        guard capabilities.videos else {
            throw EngineError(code: .notImplemented, message: "/midjourney/videos is not provided by a \(settings.kind.rawValue) upstream")
        }
        var imageURL: String?
        var parent: UpstreamLineage?
        switch job.action {
        case .generate:
            guard case .url(let url)? = job.start else {
                throw EngineError(code: .notImplemented, message: "The upstream makes videos from images by URL only.")
            }
            imageURL = url
        case .extend:
            parent = try parentLineage(job.parentLineage ?? "")
        }
        let (firstFrame, extended) = (imageURL, parent)
        let upstreamID = try await submitOnce(job.journal) {
            try await contract.submitVideo(job, imageURL: firstFrame, parent: extended)
        }
        let status = try await follow(upstreamID, progress: progress)
        guard let urls = status.videoURLs, !urls.isEmpty else {
            throw EngineError(code: .internalError, message: "The upstream's finished video task has no videos.")
        }
        guard let coverURL = status.imageURL else {
            throw EngineError(code: .internalError, message: "The upstream's finished video task has no cover image.")
        }
        let cover = try await encodedImage(try await download(coverURL))
        var videos: [VideoOutput.Video] = []
        for url in urls.prefix(4) {
            videos.append(VideoOutput.Video(mp4: try await download(url, what: "video")))
        }
        let lineage = UpstreamLineage(upstream: settings.name, taskID: upstreamID, imageID: nil, buttons: nil, videoID: status.videoID)
        return VideoOutput(videos: videos, cover: .encoded(cover), width: cover.width, height: cover.height, lineage: Self.encode(lineage))
    }

    /// Downloaded image bytes with their format and size; an upstream image that is no PNG or JPEG fails the task.
    private func encodedImage(_ bytes: [UInt8]) async throws -> EncodedImage {
        let header: ImageHeader
        do {
            header = try ImageHeader.read(bytes)
        } catch {
            throw EngineError(code: .internalError, message: "The upstream's image is no PNG or JPEG.")
        }
        return EncodedImage(bytes: bytes, format: header.format == .jpeg ? "jpeg" : "png", width: header.width, height: header.height)
    }

    /// A finished upstream image task's result: its image downloaded, its seed asked for, its ids kept as lineage.
    private func output(of status: UpstreamTaskStatus, upstreamID: String) async throws -> ImagineOutput {
        guard let url = status.imageURL else {
            throw EngineError(code: .internalError, message: "The upstream's finished task has no image.")
        }
        let image = try await encodedImage(try await download(url))
        let lineage = UpstreamLineage(
            upstream: settings.name, taskID: upstreamID, imageID: status.imageID, buttons: status.buttons.isEmpty ? nil : status.buttons)
        // The seed is the upstream's (a prompt without --seed is seeded there); a failure to learn it is not the task's.
        let seed = try? await transport.withRetries("seed") { try await contract.seed(of: lineage) }
        return ImagineOutput(
            image: .encoded(image),
            seed: seed ?? nil,
            lineage: Self.encode(lineage)
        )
    }

    // MARK: Describe and shorten

    public func describe(_ image: DescribeInput) async throws -> [String] {
        try await describe(image, journal: .none)
    }

    public func describe(_ image: DescribeInput, journal: EngineJournal) async throws -> [String] {
        guard case .url(let url) = image else {
            throw EngineError(code: .notImplemented, message: "The upstream describes images by URL only.")
        }
        let upstreamID = try await submitOnce(journal) { try await contract.submitDescribe(url: url) }
        let status = try await follow(upstreamID, progress: { _ in })
        guard let descriptions = status.descriptions, !descriptions.isEmpty else {
            throw EngineError(code: .internalError, message: "The upstream's finished describe has no descriptions.")
        }
        return descriptions
    }

    public func shorten(_ prompt: String) async throws -> [String] {
        try await transport.withRetries("shorten") { try await contract.shorten(prompt) }
    }

    public func translate(_ content: String) async throws -> String {
        try await transport.withRetries("translate") { try await contract.translate(content) }
    }

    // MARK: Submitting once, following, downloading

    /// The upstream task id of this task: the one recorded by an earlier run (resume by polling), else a new
    /// submission, recorded before it is sent (how many were sent) and after (the id).
    private func submitOnce(_ journal: EngineJournal, _ submit: @escaping @Sendable () async throws -> String) async throws -> String {
        let recorded = try await journal.read().flatMap(Self.decodeState)
        if let recorded, let id = recorded.taskID {
            guard recorded.upstream == settings.name else {
                throw EngineError(
                    code: .internalError, message: "The task was sent to the upstream '\(recorded.upstream)', which is not configured now.")
            }
            logger.info(
                "resuming an upstream task by polling", metadata: ["task_id": "\(journal.taskID)", "upstream_task_id": "\(id)"])
            return id
        }
        let sent = recorded?.submissions ?? 0
        guard sent < 2 else {
            throw EngineError(
                code: .internalError,
                message: "The task was sent upstream twice without its upstream id being recorded; it is not sent again.")
        }
        if sent == 1 {
            logger.warning(
                """
                sending a task upstream again: an earlier run crashed between sending it and recording the upstream's id; \
                that earlier upstream task's result, if any, is discarded
                """,
                metadata: ["task_id": "\(journal.taskID)", "upstream": "\(settings.name)"])
        }
        try await journal.record(Self.encode(UpstreamTaskState(upstream: settings.name, submissions: sent + 1, taskID: nil)))
        let id = try await transport.withRetries("submit", submit)
        try await journal.record(Self.encode(UpstreamTaskState(upstream: settings.name, submissions: sent + 1, taskID: id)))
        return id
    }

    /// Waits for upstream task `id` to end, passing its progress on; answers its final status, or throws its failure.
    private func follow(_ id: String, progress: @escaping @Sendable (Int) -> Void) async throws -> UpstreamTaskStatus {
        for await status in await poller.follow(id) {
            switch status.phase {
            case .working: progress(status.progress)
            case .succeeded: return status
            case .failed(let error): throw error
            }
        }
        try Task.checkCancellation()
        throw EngineError(code: .internalError, message: "Following the upstream task stopped before it ended.")
    }

    /// A result's image (or video) bytes, fetched under the outbound rules with a size cap; retried a few times.
    private func download(_ url: String, what: String = "image") async throws -> [UInt8] {
        var lastError: (any Error)?
        for attempt in 1...3 {
            do {
                counters.add("download")
                return try await fetcher.fetch(url, maxBytes: settings.maxImageBytes)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try Task.checkCancellation()
                lastError = error
                try await Task.sleep(for: .milliseconds(Int64(UpstreamTransport.delay(attempt: attempt, retryAfter: nil, cap: 2) * 1000)))
            }
        }
        let reason = (lastError as? ServiceError)?.message ?? "it could not be fetched"
        throw EngineError(code: .internalError, message: "The upstream's \(what) could not be downloaded: \(reason)")
    }

    private func parentLineage(_ lineage: String) throws -> UpstreamLineage {
        guard let parent = try? JSONDecoder().decode(UpstreamLineage.self, from: Data(lineage.utf8)) else {
            throw EngineError(code: .badRequest, message: "The source image was not made by an upstream; follow it up where it was made.")
        }
        guard parent.upstream == settings.name else {
            throw EngineError(
                code: .badRequest, message: "The source image was made by the upstream '\(parent.upstream)', which is not configured now.")
        }
        return parent
    }

    static func decodeState(_ text: String) -> UpstreamTaskState? {
        try? JSONDecoder().decode(UpstreamTaskState.self, from: Data(text.utf8))
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// What a task's journal holds for an upstream engine: where it was sent, how often, and the upstream's task id.
struct UpstreamTaskState: Codable, Sendable, Equatable {
    /// The upstream's name.
    var upstream: String
    /// How many times it was sent (a crash between sending and recording leaves 1 without an id).
    var submissions: Int
    /// The upstream's task id, once it answered.
    var taskID: String?

    enum CodingKeys: String, CodingKey {
        case upstream, submissions
        case taskID = "task_id"
    }
}
