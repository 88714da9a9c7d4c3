import Foundation
import JourneymanCore

/// What the operate panel shows and does, as JSON: applications with credits and usage, tokens, webhook deliveries,
/// the queue and the tasks workers hold, and the engine with its upstreams' health when it has upstreams.
struct ConsoleOperations: Sendable {
    let store: any TaskStore
    let limits: TaskLimits
    let engineName: String
    let upstreams: (any UpstreamReporting)?
    /// This instance's id (the first part of its workers' names) and how many workers it runs.
    let instanceID: String
    let workerCount: Int

    /// Everything the panel shows at once.
    func overview() async throws -> String {
        let usage = Dictionary(uniqueKeysWithValues: try await store.usage().map { ($0.applicationID, $0) })
        let applications: [[String: Any]] = try await store.applications().map { application in
            [
                "id": application.id, "name": application.name, "credits": application.credits,
                "administrator": application.administrator, "credits_spent": usage[application.id]?.creditsSpent ?? 0,
                "tasks": usage[application.id]?.tasksByState ?? [:],
            ]
        }
        let tokens: [[String: Any]] = try await store.credentials().map { credential in
            [
                "id": credential.id, "application_id": credential.applicationID, "name": credential.name,
                "scopes": credential.scopes.map(\.rawValue).sorted(), "revoked": credential.revoked, "created_at": credential.createdAt,
            ]
        }
        let deliveries: [[String: Any]] = try await store.deliveries(taskID: nil, limit: 50).map { delivery in
            [
                "id": delivery.id, "task_id": delivery.taskID, "url": delivery.url, "state": "\(delivery.state)",
                "attempts": delivery.attempts, "last_error": delivery.lastError ?? NSNull(),
            ]
        }
        let queue = try await store.queueCounts(limits: limits)
        let names = Dictionary(uniqueKeysWithValues: try await store.applications().map { ($0.id, $0.name) })
        let now = Date().timeIntervalSince1970
        // Every instance's running tasks: a worker is named `<instance>/<index>` in its lease.
        let running: [[String: Any]] = try await store.runningTasks(limit: 100).map { task in
            [
                "task_id": task.id, "application": names[task.applicationID] ?? task.applicationID, "worker": task.leaseOwner ?? "",
                "progress": task.progress, "running_seconds": max(0, now - (task.startedAt ?? now)),
                "lease_seconds_left": (task.leaseExpiresAt ?? now) - now,
            ]
        }
        return try Self.json([
            "workers": ["instance": instanceID, "count": workerCount, "running": running],
            "applications": applications, "tokens": tokens, "deliveries": deliveries,
            "queue": [
                "pending": queue.pending, "running": queue.running, "holding": queue.holding,
                "webhook_backlog": try await store.pendingDeliveryCount(),
            ],
            "engine": ["name": engineName, "upstreams": await upstreamRows()],
        ])
    }

    /// Each upstream: name, kind, up or why not, tasks in flight, calls by purpose.
    private func upstreamRows() async -> [[String: Any]] {
        guard let upstreams else { return [] }
        return await upstreams.upstreamReadings().map { reading in
            [
                "name": reading.name, "kind": reading.kind, "up": reading.isUp, "down_reason": reading.downReason ?? NSNull(),
                "in_flight": reading.inFlight, "waiting": reading.waiting, "calls": reading.calls,
                "failures_last_hour": reading.failuresInLastHour,
            ]
        }
    }

    /// Creates a token: `{"name": ..., "application_id": ...}` (without `application_id`, a new application).
    func createToken(_ body: [UInt8]) async throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ServiceError.badRequest("the body must be a JSON object")
        }
        guard let name = object["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
            throw ServiceError.badRequest("field 'name' is required (at most 100 characters)")
        }
        let applicationID = object["application_id"] as? String
        do {
            let created = try await Administration(store: store).createCredential(
                name: name, applicationID: applicationID?.isEmpty == false ? applicationID : nil, scopes: Set(APIScope.allCases), credits: 0
            )
            return try Self.json([
                "id": created.credential.id, "application_id": created.application.id, "name": name, "token": created.token,
            ])
        } catch StoreError.unknownApplication {
            throw ServiceError.badRequest("field 'application_id' names no application")
        }
    }

    /// Revokes a token by its credential id.
    func revoke(_ id: String) async throws -> String {
        guard try await store.revokeCredential(id: id) else { throw ServiceError(.notFound, "There is no token with that id.") }
        return try Self.json(["id": id, "revoked": true])
    }

    static func json(_ value: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}
