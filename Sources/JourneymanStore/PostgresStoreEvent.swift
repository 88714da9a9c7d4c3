/// A committed change that `PostgresTaskStore` announces on its NOTIFY channel, for every instance to hear.
public enum PostgresStoreEvent: Sendable, Equatable {
    /// A task was stored (or put back) as pending: idle workers anywhere may claim it.
    case taskQueued(taskID: String)
    /// A running task's progress grew to this value.
    case progress(taskID: String, progress: Int)
    /// A task finished (succeeded, failed or cancelled).
    case finished(taskID: String)
    /// A webhook delivery of the task was queued.
    case deliveryQueued(taskID: String)

    /// The NOTIFY payload: a word, the task id and, for progress, the value (`progress <id> 40`).
    public var payload: String {
        switch self {
        case .taskQueued(let id): "queued \(id)"
        case .progress(let id, let progress): "progress \(id) \(progress)"
        case .finished(let id): "finished \(id)"
        case .deliveryQueued(let id): "delivery \(id)"
        }
    }

    /// Reads a payload; nil for one this version does not know (a newer instance may say more).
    public init?(payload: String) {
        let parts = payload.split(separator: " ").map(String.init)
        switch (parts.first, parts.count) {
        case ("queued", 2): self = .taskQueued(taskID: parts[1])
        case ("finished", 2): self = .finished(taskID: parts[1])
        case ("delivery", 2): self = .deliveryQueued(taskID: parts[1])
        case ("progress", 3):
            guard let progress = Int(parts[2]) else { return nil }
            self = .progress(taskID: parts[1], progress: progress)
        default: return nil
        }
    }
}
