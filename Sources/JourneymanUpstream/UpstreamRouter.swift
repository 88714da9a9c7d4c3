import AsyncHTTPClient
import Foundation
import JourneymanCore
import Logging
import ServiceLifecycle
import Synchronization

/// An engine in front of several upstreams (`serve --upstreams FILE`). A new task goes to the healthy upstream
/// with the lowest running ÷ weight among those that take its mode and have a place under their `max_running`
/// (when every one is full, it waits for a place). A follow-up goes where its source was made; a task re-claimed
/// after a crash goes back where it was sent. A submission that fails for want of an upstream (down, out of
/// retries) before the upstream gave an id fails over to the next; a few such failures in a row open that
/// upstream's circuit, and after `breaker_probe_seconds` one task probes it again.
public struct UpstreamRouter: Engine, UpstreamReporting, UpstreamNudging {
    /// The upstreams, in the order configured.
    public let members: [UpstreamEngine]
    /// Their pollers, to run as services before the workers start.
    public var services: [UpstreamPollerService] { members.map(\.service) }
    let state: RouterState
    let logger: Logger

    /// A router over one engine per upstream in `settings`, each calling through `client` and downloading through
    /// `fetcher`. With more than one upstream, each call is tried at most four times, so a stopped upstream is
    /// failed over in seconds rather than retried for a minute.
    public init(settings: [UpstreamSettings], client: HTTPClient, fetcher: any ImageFetcher, logger: Logger) {
        members = settings.map { upstream in
            var upstream = upstream
            if settings.count > 1 { upstream.maxAttempts = min(upstream.maxAttempts, 4) }
            return UpstreamEngine(settings: upstream, client: client, fetcher: fetcher, logger: logger)
        }
        state = RouterState(names: settings.map(\.name))
        self.logger = logger
    }

    public var name: String { "upstream" }

    public var capabilities: EngineCapabilities {
        EngineCapabilities(
            shorten: true, fetchesDescribeImages: true, translate: members.contains { $0.capabilities.translate },
            edits: members.contains { $0.capabilities.edits }, videos: members.contains { $0.capabilities.videos })
    }

    // MARK: Imagine and describe

    public func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        if let source = job.source {
            // Where the source was made; the engine refuses a source no upstream made.
            let parent = try? JSONDecoder().decode(UpstreamLineage.self, from: Data(source.lineage.utf8))
            let member = try parent.map { try self.member(named: $0.upstream, for: "The source image") } ?? members[0]
            return try await running(member) { try await member.imagine(job, progress: progress) }
        }
        return try await routed(job.journal, mode: job.mode.rawValue) { member in
            try await member.imagine(job, progress: progress)
        }
    }

    public func describe(_ image: DescribeInput) async throws -> [String] {
        try await describe(image, journal: .none)
    }

    public func edit(_ job: EditJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        try await routed(job.journal, mode: job.mode.rawValue, among: \.capabilities.edits, what: "that edits") { member in
            try await member.edit(job, progress: progress)
        }
    }

    public func video(_ job: VideoJob, progress: @escaping @Sendable (Int) -> Void) async throws -> VideoOutput {
        if let lineage = job.parentLineage {
            // An extend goes where the extended video was made; the engine refuses a video no upstream made.
            let parent = try? JSONDecoder().decode(UpstreamLineage.self, from: Data(lineage.utf8))
            let member = try parent.map { try self.member(named: $0.upstream, for: "The extended video") } ?? members[0]
            return try await running(member) { try await member.video(job, progress: progress) }
        }
        return try await routed(job.journal, mode: job.mode.rawValue, among: \.capabilities.videos, what: "that makes videos") { member in
            try await member.video(job, progress: progress)
        }
    }

    public func describe(_ image: DescribeInput, journal: EngineJournal) async throws -> [String] {
        try await routed(journal, mode: nil) { member in try await member.describe(image, journal: journal) }
    }

    /// Translates on the first healthy member that offers it, going on past one that is down or lacks it.
    public func translate(_ content: String) async throws -> String {
        try await onFirstAdmitted(where: \.capabilities.translate, passing: [.unavailable, .notImplemented], what: "that translates") {
            try await $0.translate(content)
        }
    }

    public func shorten(_ prompt: String) async throws -> [String] {
        try await onFirstAdmitted(passing: [.unavailable]) { try await $0.shorten(prompt) }
    }

    /// Runs `work` on the members that are admitted now (and pass `filter`), in order, until one answers: a failure
    /// whose code is in `passing` goes on to the next, any other ends it.
    private func onFirstAdmitted<Value: Sendable>(
        where filter: (UpstreamEngine) -> Bool = { _ in true }, passing: Set<FailureCode>, what: String = "",
        _ work: (UpstreamEngine) async throws -> Value
    ) async throws -> Value {
        var lastError: (any Error)?
        for member in members where filter(member) && state.admits(member.settings.name, health: member.health, now: Date()) {
            do {
                return try await work(member)
            } catch let error as EngineError where passing.contains(error.code) {
                lastError = error
            }
        }
        let provider = what.isEmpty ? "provider" : "provider \(what)"
        throw lastError ?? EngineError(code: .unavailable, message: "No upstream \(provider) is available now.")
    }

    /// Runs `work` on a chosen upstream: the one the journal names (a resumed task), else the best one with a place,
    /// failing over while the submission had no upstream id yet.
    private func routed<Value: Sendable>(
        _ journal: EngineJournal, mode: String?, among capable: @escaping @Sendable (UpstreamEngine) -> Bool = { _ in true },
        what: String = "", _ work: @escaping @Sendable (UpstreamEngine) async throws -> Value
    ) async throws -> Value {
        if let recorded = try await journal.read().flatMap(UpstreamEngine.decodeState), !recorded.upstream.isEmpty,
            recorded.taskID != nil || recorded.submissions > 0
        {
            let member = try member(named: recorded.upstream, for: "The task")
            return try await running(member) { try await work(member) }
        }
        var tried: Set<String> = []
        while true {
            let member = try await place(mode: mode, among: capable, what: what, excluding: tried)
            let name = member.settings.name
            let result: Result<Value, any Error>
            do {
                result = .success(try await running(member, reserved: true) { try await work(member) })
            } catch {
                result = .failure(error)
            }
            // Unavailable before the upstream gave an id: nothing runs there, and another upstream may take it.
            // Any other outcome means the upstream answered: its circuit closes.
            if case .failure(let error as EngineError) = result, error.code == .unavailable,
                (try await journal.read().flatMap(UpstreamEngine.decodeState))?.taskID == nil
            {
                tried.insert(name)
                if state.failed(
                    name, threshold: member.settings.breakerFailures, probeSeconds: member.settings.breakerProbeSeconds, now: Date())
                {
                    logger.error(
                        "upstream circuit opened after failed submissions; new tasks go elsewhere until it is probed",
                        metadata: ["upstream": "\(name)", "probe_seconds": "\(member.settings.breakerProbeSeconds)"])
                }
                // Sent to no one: the next upstream starts its count afresh.
                try await journal.record(UpstreamEngine.encode(UpstreamTaskState(upstream: "", submissions: 0, taskID: nil)))
                logger.warning(
                    "upstream submission failed; failing over",
                    metadata: ["task_id": "\(journal.taskID)", "upstream": "\(name)", "reason": "\(error.message)"])
                continue
            }
            state.succeeded(name)
            return try result.get()
        }
    }

    /// The upstream for a new task, its place reserved: waits while every eligible one is full; throws `unavailable`
    /// when none is eligible (all down, open, excluded or without the mode).
    private func place(
        mode: String?, among capable: (UpstreamEngine) -> Bool, what: String, excluding tried: Set<String>
    ) async throws -> UpstreamEngine {
        // The upstreams this task is counted as waiting for, while it waits.
        var waitingFor: [String] = []
        defer { state.stopWaiting(for: waitingFor) }
        while true {
            let now = Date()
            let eligible = members.filter { member in
                !tried.contains(member.settings.name) && capable(member) && (mode == nil || member.settings.modes?.contains(mode!) ?? true)
                    && state.admits(member.settings.name, health: member.health, now: now)
            }
            guard !eligible.isEmpty else {
                throw EngineError(
                    code: .unavailable,
                    message:
                        "No upstream provider\(what.isEmpty ? "" : " \(what)") is available now\(mode.map { " for mode \($0)" } ?? "") (each is down, failing, or was tried)."
                )
            }
            if let chosen = state.reserve(eligible.map { ($0.settings.name, $0.settings.weight, $0.settings.maxRunning) }) {
                return members.first { $0.settings.name == chosen }!
            }
            let names = eligible.map(\.settings.name)
            if names != waitingFor {
                state.stopWaiting(for: waitingFor)
                state.startWaiting(for: names)
                waitingFor = names
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Runs `work` counted as running on `member` (its place already reserved, or taken now).
    private func running<Value: Sendable>(
        _ member: UpstreamEngine, reserved: Bool = false, _ work: () async throws -> Value
    ) async throws -> Value {
        if !reserved { state.take(member.settings.name) }
        defer { state.release(member.settings.name) }
        return try await work()
    }

    private func member(named name: String, for what: String) throws -> UpstreamEngine {
        guard let member = members.first(where: { $0.settings.name == name }) else {
            throw EngineError(code: .badRequest, message: "\(what) was made by the upstream '\(name)', which is not configured now.")
        }
        return member
    }

    /// Polls the member whose callback secret is `secret` now.
    public func nudge(secret: String) async -> Bool {
        for member in members where await member.nudge(secret: secret) { return true }
        return false
    }

    // MARK: Reporting

    public func upstreamReadings() async -> [UpstreamReading] {
        var readings: [UpstreamReading] = []
        for member in members {
            var reading = await member.upstreamReadings()[0]
            if reading.downReason == nil, let open = state.openReason(member.settings.name, now: Date()) { reading.downReason = open }
            reading.waiting = state.waiting(member.settings.name)
            readings.append(reading)
        }
        return readings
    }
}

/// The router's counts: tasks running on each upstream, consecutive failed submissions, open circuits.
final class RouterState: Sendable {
    private struct Upstream {
        var running = 0
        var waiting = 0
        var failures = 0
        var openUntil: Date?
    }

    private let upstreams: Mutex<[String: Upstream]>

    init(names: [String]) {
        upstreams = Mutex(Dictionary(uniqueKeysWithValues: names.map { ($0, Upstream()) }))
    }

    /// Whether new tasks may go to `name` now: its credentials work and its circuit is closed (or due a probe).
    func admits(_ name: String, health: UpstreamHealth, now: Date) -> Bool {
        guard health.downReason == nil else { return false }
        return upstreams.withLock { ($0[name]?.openUntil).map { $0 <= now } ?? true }
    }

    /// Reserves a place on the candidate with the lowest (running + 1) ÷ weight under its limit; nil when all are full.
    func reserve(_ candidates: [(name: String, weight: Double, maxRunning: Int?)]) -> String? {
        upstreams.withLock { upstreams in
            let open = candidates.filter { candidate in (upstreams[candidate.name]?.running ?? 0) < (candidate.maxRunning ?? Int.max) }
            guard
                let best = open.min(by: { a, b in
                    Double((upstreams[a.name]?.running ?? 0) + 1) / max(a.weight, 0.001)
                        < Double((upstreams[b.name]?.running ?? 0) + 1) / max(b.weight, 0.001)
                })
            else { return nil }
            upstreams[best.name]?.running += 1
            // A probe of an open circuit: one task at a time until it succeeds.
            if upstreams[best.name]?.openUntil != nil { upstreams[best.name]?.openUntil = .distantFuture }
            return best.name
        }
    }

    func take(_ name: String) { upstreams.withLock { $0[name]?.running += 1 } }

    /// A task starts or stops waiting for a place on any of `names`.
    func startWaiting(for names: [String]) { upstreams.withLock { for name in names { $0[name]?.waiting += 1 } } }
    func stopWaiting(for names: [String]) { upstreams.withLock { for name in names { $0[name]?.waiting -= 1 } } }
    /// Tasks waiting for a place that `name` could take.
    func waiting(_ name: String) -> Int { upstreams.withLock { $0[name]?.waiting ?? 0 } }
    func release(_ name: String) { upstreams.withLock { $0[name]?.running -= 1 } }

    /// A submission went through: the circuit closes.
    func succeeded(_ name: String) {
        upstreams.withLock { upstreams in
            upstreams[name]?.failures = 0
            upstreams[name]?.openUntil = nil
        }
    }

    /// A submission failed; answers whether this opened the circuit.
    func failed(_ name: String, threshold: Int, probeSeconds: Double, now: Date) -> Bool {
        upstreams.withLock { upstreams in
            guard var upstream = upstreams[name] else { return false }
            upstream.failures += 1
            let opens = upstream.failures >= threshold
            let wasOpen = upstream.openUntil != nil
            if opens { upstream.openUntil = now.addingTimeInterval(probeSeconds) }
            upstreams[name] = upstream
            return opens && !wasOpen
        }
    }

    /// Why `name` takes no new tasks, when its circuit is open.
    func openReason(_ name: String, now: Date) -> String? {
        upstreams.withLock { upstreams in
            guard let upstream = upstreams[name], let until = upstream.openUntil else { return nil }
            if until == .distantFuture { return "circuit open after \(upstream.failures) failed submissions; a probe is running" }
            guard until > now else { return nil }
            return
                "circuit open after \(upstream.failures) failed submissions; probed again in \(Int(until.timeIntervalSince(now).rounded(.up))) s"
        }
    }
}
