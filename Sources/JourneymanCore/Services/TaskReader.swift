/// Queries: an application's tasks by id, trace id, image id, in batches and as a list; never another's.
public struct TaskReader: Sendable {
    /// Where tasks are read.
    public let queries: any TaskQueries

    /// Creates a reader.
    public init(queries: any TaskQueries) {
        self.queries = queries
    }

    /// One task of the application by id, or by trace id; nil when there is none (or it is another's).
    public func retrieve(id: String?, traceID: String?, applicationID: String) async throws -> TaskSnapshot? {
        if let id {
            return try await queries.task(id: id, applicationID: applicationID)
        }
        if let traceID {
            return try await queries.task(traceID: traceID, applicationID: applicationID)
        }
        return nil
    }

    /// The application's tasks among `ids` (or `traceIDs`) in the order asked, unknown ones left out.
    public func retrieveBatch(ids: [String]?, traceIDs: [String]?, applicationID: String) async throws -> [TaskSnapshot] {
        if let ids {
            let found = try await queries.tasks(ids: ids, applicationID: applicationID)
            let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { byID[$0] }
        }
        if let traceIDs {
            let found = try await queries.tasks(traceIDs: traceIDs, applicationID: applicationID)
            var byTrace: [String: TaskSnapshot] = [:]
            for task in found where byTrace[task.traceID] == nil { byTrace[task.traceID] = task }
            return traceIDs.compactMap { byTrace[$0] }
        }
        return []
    }

    /// The application's tasks, newest first.
    public func list(applicationID: String, offset: Int, limit: Int) async throws -> [TaskSnapshot] {
        try await queries.tasks(applicationID: applicationID, offset: offset, limit: limit)
    }

    /// The ids of the application's tasks, newest first: a contract that keeps finished records in memory reads
    /// only the rest.
    public func listIDs(applicationID: String, offset: Int, limit: Int) async throws -> [String] {
        try await queries.taskIDs(applicationID: applicationID, offset: offset, limit: limit)
    }

    /// The seed of the application's succeeded image; throws `bad_request` when it is unknown or not finished.
    public func seed(imageID: String, applicationID: String) async throws -> UInt32 {
        guard let task = try await queries.task(imageID: imageID, applicationID: applicationID), task.state == .succeeded,
            let seed = task.result?.seed ?? task.command.seed
        else {
            throw ServiceError(.badRequest, "image_id '\(imageID.prefix(40))' is unknown or not finished")
        }
        return seed
    }

    /// Any task by id (for image serving and workers).
    public func anyTask(id: String) async throws -> TaskSnapshot? {
        try await queries.task(id: id)
    }
}
