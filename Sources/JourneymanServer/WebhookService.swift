import AsyncHTTPClient
import Foundation
import JourneymanCore
import Logging
import NIOCore
import ServiceLifecycle

/// How webhook deliveries are retried.
public struct WebhookPolicy: Sendable {
    /// Attempts before a delivery is given up.
    public var maxAttempts: Int
    /// Delay before the first retry; each later one doubles (with ±20 % jitter).
    public var baseDelay: Double
    /// Longest delay between two attempts.
    public var maxDelay: Double
    /// How long one attempt may take.
    public var timeout: Double

    /// 8 attempts over about an hour by default: 30 s, 1, 2, 4, 8, 16, 32 minutes (capped at 30).
    public init(maxAttempts: Int = 8, baseDelay: Double = 30, maxDelay: Double = 1800, timeout: Double = 10) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
    }

    /// Seconds to wait after the `attempt`-th failed attempt (1-based), jittered.
    public func delay(afterAttempt attempt: Int) -> Double {
        let exponential = baseDelay * pow(2, Double(max(0, attempt - 1)))
        return min(maxDelay, exponential) * Double.random(in: 0.8...1.2)
    }
}

/// Sends queued webhook deliveries from the store's outbox, signed, retried with backoff, in order per task.
public struct WebhookService: Service {
    let store: any TaskStore
    let renderers: [String: any WebhookBodyRenderer]
    let client: OutboundClient
    let signal: WorkSignal
    let policy: WebhookPolicy
    let outbound: OutboundGuard
    let instanceID: String
    let now: @Sendable () -> Double
    let observer: any TaskObserver
    let logger: Logger

    /// Creates the sender.
    public init(
        store: any TaskStore, renderers: [String: any WebhookBodyRenderer], client: OutboundClient, signal: WorkSignal,
        policy: WebhookPolicy, outbound: OutboundGuard, instanceID: String, observer: any TaskObserver = NoTaskObserver(),
        now: @escaping @Sendable () -> Double, logger: Logger
    ) {
        self.renderers = renderers
        self.observer = observer
        self.outbound = outbound
        self.store = store
        self.client = client
        self.signal = signal
        self.policy = policy
        self.instanceID = instanceID
        self.now = now
        self.logger = logger
    }

    /// Sends until shutdown; what is not yet delivered stays in the outbox for the next start. At shutdown, attempts
    /// in flight may finish (each is bounded by the webhook timeout); a store call that hangs past that (a pool
    /// reconnecting to a database that went away) does not hold the service group.
    public func run() async throws {
        let stopping = StopFlag()
        let sending = Task { [self] in
            while !Task.isCancelled && !stopping.value.load(ordering: .relaxed) {
                let sent = await sendDueDeliveries()
                if sent == 0 {
                    var wait = 1.0
                    if let due = try? await store.nextDeliveryDue() { wait = max(0.01, min(1.0, due - now())) }
                    await signal.wait(timeout: wait)
                }
            }
        }
        try? await gracefulShutdown()
        stopping.value.store(true, ordering: .relaxed)
        signal.notify()
        let finished = await firstWithin(.milliseconds(Int64((policy.timeout + 5) * 1000)), otherwise: false) {
            await sending.value
            return true
        }
        if !finished {
            sending.cancel()
            logger.warning("the webhook sender did not stop in time; its unfinished deliveries stay in the outbox")
        }
    }

    /// Sends one batch of due deliveries at once; answers how many were attempted.
    func sendDueDeliveries() async -> Int {
        let due: [WebhookDelivery]
        do {
            due = try await store.claimDeliveries(owner: instanceID, now: now(), limit: 16, leaseSeconds: policy.timeout * 2 + 5)
        } catch {
            logger.error("could not read the webhook outbox", metadata: ["error": "\(error)"])
            return 0
        }
        guard !due.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await attempt(delivery) }
            }
        }
        return due.count
    }

    private func attempt(_ delivery: WebhookDelivery) async {
        let attempt = delivery.attempts + 1
        var logger = logger
        logger[metadataKey: "task_id"] = "\(delivery.taskID)"
        logger[metadataKey: "webhook_id"] = "\(delivery.id)"
        let failure: String?
        do {
            guard let application = try await store.application(id: delivery.applicationID) else {
                try await store.recordFailedAttempt(id: delivery.id, error: "the application no longer exists", nextAttemptAt: nil)
                observer.webhookAttempted(.givenUp)
                return
            }
            let target: OutboundGuard.Target
            do {
                target = try await outbound.check(delivery.url, field: "callback_url")
            } catch let error as ServiceError {
                // The address became non-public since the task was accepted: never send there.
                try await store.recordFailedAttempt(id: delivery.id, error: error.message, nextAttemptAt: nil)
                observer.webhookAttempted(.givenUp)
                logger.warning("webhook given up", metadata: ["error": "\(error.message)"])
                return
            }
            // The body is rendered now, in the words of the contract that accepted the task.
            guard let body = try await body(of: delivery) else {
                try await store.recordFailedAttempt(id: delivery.id, error: "the task or its contract is gone", nextAttemptAt: nil)
                observer.webhookAttempted(.givenUp)
                return
            }
            let timestamp = Int(now())
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "journeyman-webhooks/1")
            request.headers.add(name: "webhook-id", value: delivery.id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(
                name: "webhook-signature",
                value: WebhookSigner.signature(
                    secret: application.webhookSecret, id: delivery.id, timestamp: timestamp, body: body)
            )
            request.body = .bytes(ByteBuffer(string: body))
            // Connected to the address just checked, never to a second lookup of the name.
            let status = try await outbound.withClient(for: target, default: client.http) { [request, policy] client in
                let response = try await client.execute(request, timeout: .milliseconds(Int64(policy.timeout * 1000)))
                // Read (and drop) a little of the answer so the connection can be reused.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                return response.status
            }
            failure =
                (200..<300).contains(status.code)
                ? nil : "the receiver answered \(status.code) (redirects are not followed)"
        } catch {
            failure = "\(error)".prefix(200).description
        }
        do {
            if let failure {
                let giveUp = attempt >= policy.maxAttempts
                let next = giveUp ? nil : now() + policy.delay(afterAttempt: attempt)
                try await store.recordFailedAttempt(id: delivery.id, error: failure, nextAttemptAt: next)
                observer.webhookAttempted(giveUp ? .givenUp : .retried)
                if giveUp {
                    logger.warning("webhook given up", metadata: ["attempts": "\(attempt)", "error": "\(failure)"])
                } else {
                    logger.info("webhook attempt failed; will retry", metadata: ["attempt": "\(attempt)", "error": "\(failure)"])
                }
            } else {
                try await store.recordDelivered(id: delivery.id, now: now())
                observer.webhookAttempted(.delivered)
                logger.info("webhook delivered", metadata: ["kind": "\(delivery.kind.rawValue)", "attempt": "\(attempt)"])
            }
        } catch {
            // The claim lapses and the delivery is attempted again: a duplicate carries the same webhook-id.
            logger.error("could not record a webhook attempt", metadata: ["error": "\(error)"])
        }
    }

    /// The delivery's body: as queued (deliveries of earlier releases), or rendered from the task by its contract.
    private func body(of delivery: WebhookDelivery) async throws -> String? {
        if let body = delivery.body { return body }
        guard let renderer = renderers[delivery.format], let task = try await store.task(id: delivery.taskID) else { return nil }
        return renderer.body(of: delivery, task: task)
    }
}
