/// A validated body of `POST /midjourney/tasks`.
public enum TasksRequest: Sendable, Equatable {
    /// One task by id, or by trace id when the id is absent or empty.
    case retrieve(id: String?, traceID: String?)
    /// Several tasks by ids (or trace ids), in the order asked.
    case retrieveBatch(ids: [String]?, traceIDs: [String]?)
    /// The application's own tasks, newest first.
    case list(offset: Int, limit: Int)
    /// Cancel a pending or running task (Journeyman's extension).
    case cancel(id: String)

    /// At most this many ids in one batch, and this many tasks in one page.
    public static let maxBatch = 100

    /// Reads and checks a parsed body.
    public init(body: JSONValue) throws(RequestError) {
        let fields = try RequestFields(body)
        let action = try fields.string("action") ?? "retrieve"
        let id = try fields.string("id").flatMap { $0.isEmpty ? nil : $0 }
        let traceID = try fields.string("trace_id").flatMap { $0.isEmpty ? nil : $0 }
        switch action {
        case "retrieve":
            guard id != nil || traceID != nil else {
                throw RequestError("field 'id' (or 'trace_id') is required for action 'retrieve'")
            }
            self = .retrieve(id: id, traceID: traceID)
        case "retrieve_batch":
            let ids = try fields.strings("ids", maxCount: Self.maxBatch)
            let traceIDs = try fields.strings("trace_ids", maxCount: Self.maxBatch)
            let offset = try fields.integer("offset", in: 0...Int(Int32.max)) ?? 0
            let limit = try fields.integer("limit", in: 0...Self.maxBatch) ?? 12
            if let ids, !ids.isEmpty {
                self = .retrieveBatch(ids: ids, traceIDs: nil)
            } else if let traceIDs, !traceIDs.isEmpty {
                self = .retrieveBatch(ids: nil, traceIDs: traceIDs)
            } else {
                self = .list(offset: offset, limit: limit)
            }
        case "cancel":
            guard let id else { throw RequestError("field 'id' is required for action 'cancel'") }
            self = .cancel(id: id)
        default:
            throw RequestError("action '\(action)' is not implemented by the Tasks API", code: .apiNotImplemented)
        }
    }
}
