import Foundation
import JourneymanCore
import Logging
import ServiceLifecycle
import Synchronization

/// Follows every in-flight task of one upstream with batch requests: each interval, one status request for up to
/// 100 of them (however many workers wait), and each follower hears its own task's progress and end.
actor UpstreamPoller {
    private let contract: any UpstreamContract
    private let transport: UpstreamTransport
    private let interval: Duration
    private let logger: Logger
    /// Most ids in one status request.
    static let batchSize = 100
    /// Polls in a row that may miss a task before it is given up as unknown to the upstream.
    static let allowedMisses = 5

    /// Ends the wait between two polls early when an upstream callback arrives; several before the next poll are one.
    private let wake = WorkSignal()
    private let nudged = Atomic<Bool>(false)
    /// Least time between two polls, however many callbacks arrive.
    static let minimumGap: Duration = .milliseconds(200)

    private var followers: [String: [UUID: AsyncStream<UpstreamTaskStatus>.Continuation]] = [:]
    private var misses: [String: Int] = [:]
    private var failedPolls = 0

    init(contract: any UpstreamContract, transport: UpstreamTransport, interval: Duration, logger: Logger) {
        self.contract = contract
        self.transport = transport
        self.interval = interval
        self.logger = logger
    }

    /// The statuses of upstream task `id` from the next poll on, ending with its last one.
    func follow(_ id: String) -> AsyncStream<UpstreamTaskStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: UpstreamTaskStatus.self, bufferingPolicy: .bufferingNewest(4))
        let key = UUID()
        followers[id, default: [:]][key] = continuation
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.unfollow(id, key: key) }
        }
        return stream
    }

    private func unfollow(_ id: String, key: UUID) {
        followers[id]?[key] = nil
        if followers[id]?.isEmpty == true {
            followers[id] = nil
            misses[id] = nil
        }
    }

    /// How many upstream tasks are followed now.
    var inFlight: Int { followers.count }

    /// Makes the next poll happen now (an upstream callback said something changed), at most once per `minimumGap`.
    nonisolated func nudge() {
        if !nudged.exchange(true, ordering: .acquiringAndReleasing) { wake.notify() }
    }

    /// Polls every interval, or sooner when nudged, until cancelled (after a failed poll, less often, up to the
    /// backoff cap).
    func run() async throws {
        let clock = ContinuousClock()
        while true {
            var wait = interval
            if failedPolls > 0 {
                let delay = UpstreamTransport.delay(attempt: failedPolls, retryAfter: nil, cap: transport.settings.maxBackoffSeconds)
                wait = max(interval, .milliseconds(Int64(delay * 1000)))
            }
            let started = clock.now
            await wake.wait(timeout: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            try Task.checkCancellation()
            let waited = clock.now - started
            let gap = min(Self.minimumGap, interval)
            if waited < gap { try await Task.sleep(for: gap - waited) }
            nudged.store(false, ordering: .releasing)
            await pollOnce()
        }
    }

    /// One round: a status request per 100 followed tasks; each answer goes to that task's followers.
    func pollOnce() async {
        let ids = followers.keys.sorted()
        guard !ids.isEmpty else { return }
        for start in stride(from: 0, to: ids.count, by: Self.batchSize) {
            let batch = Array(ids[start..<min(start + Self.batchSize, ids.count)])
            let statuses: [String: UpstreamTaskStatus]
            do {
                transport.counters.add("poll")
                statuses = try await contract.statuses(ids: batch)
                failedPolls = 0
            } catch {
                failedPolls += 1
                transport.counters.add("retry")
                logger.warning(
                    "upstream poll failed; trying again later",
                    metadata: ["upstream": "\(transport.settings.name)", "error": "\(Self.describe(error))", "tasks": "\(batch.count)"])
                if case UpstreamCallError.credentials(let reason) = error, transport.health.markDown(reason) {
                    logger.error(
                        "upstream refused this server's credentials: it is marked down until a call succeeds",
                        metadata: ["upstream": "\(transport.settings.name)", "reason": "\(reason)"])
                }
                return
            }
            transport.health.markUp()
            for id in batch {
                guard let status = statuses[id] else {
                    misses[id, default: 0] += 1
                    if misses[id, default: 0] >= Self.allowedMisses {
                        end(
                            id,
                            with: UpstreamTaskStatus(
                                phase: .failed(EngineError(code: .internalError, message: "The upstream does not know this task.")),
                                progress: 0))
                    }
                    continue
                }
                misses[id] = nil
                if status.isFinished {
                    end(id, with: status)
                } else {
                    for continuation in (followers[id] ?? [:]).values { continuation.yield(status) }
                }
            }
        }
    }

    private func end(_ id: String, with status: UpstreamTaskStatus) {
        let ending = followers.removeValue(forKey: id) ?? [:]
        misses[id] = nil
        for continuation in ending.values {
            continuation.yield(status)
            continuation.finish()
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case UpstreamCallError.retry(_, let reason): return reason
        case UpstreamCallError.credentials(let reason): return reason
        case UpstreamCallError.refused(let error): return error.message
        default: return String(describing: type(of: error))
        }
    }
}

/// Runs an upstream's poller for as long as the server runs; it stops after the workers (services stop in reverse).
public struct UpstreamPollerService: Service {
    let poller: UpstreamPoller

    /// Polls until a graceful shutdown reaches it.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await poller.run() }
        } catch is CancellationError {
            return
        }
    }
}
