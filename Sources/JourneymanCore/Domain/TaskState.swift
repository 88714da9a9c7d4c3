/// Where a task is in its life.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    /// Accepted, waiting for a worker.
    case pending
    /// A worker holds it.
    case running
    /// Finished with a result.
    case succeeded
    /// Finished with a failure.
    case failed
    /// Finished because its application cancelled it.
    case cancelled

    /// Whether the task has finished, one way or another.
    public var isFinished: Bool {
        self == .succeeded || self == .failed || self == .cancelled
    }
}

/// How fast (and how dear) an imagine task runs.
public enum TaskMode: String, Sendable, Codable, CaseIterable {
    case relax, fast, turbo

    /// Credits the mode costs.
    public var cost: Int {
        switch self {
        case .relax: return 1
        case .fast: return 2
        case .turbo: return 4
        }
    }
}

/// Kind of task.
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    case imagine, describe, shorten, edits, videos

    /// Credits a describe costs (an imagine costs by its mode).
    public static let describeCost = 1

    /// Credits a shorten costs: nothing, as the public contract's `/midjourney/shorten` answer costs nothing.
    public static let shortenCost = 0
}
