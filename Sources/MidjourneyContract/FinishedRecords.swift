import JourneymanCore
import NIOCore

/// The record bytes of finished tasks, by task id: a finished task's record never changes again, so it is rendered
/// once and answered from memory after that. Unfinished tasks are never answered from memory without a read; each entry keeps its application so
/// another application's retrieve of the id still finds nothing. At most `capacity` records are held.
public struct FinishedRecords: Sendable {
    /// One finished task's answer.
    struct Entry: Sendable {
        let applicationID: String
        let bytes: ByteBuffer
    }

    private let cache: BoundedCache<String, Entry>

    /// An unfinished task's answer, and what of the task it was rendered from may still change.
    struct UnfinishedEntry: Sendable {
        let version: Version
        let bytes: ByteBuffer
    }

    /// What changes in an unfinished task's record: everything else in it is fixed at acceptance.
    struct Version: Sendable, Equatable {
        let applicationID: String
        let state: TaskState
        let progress: Int
        let startedAt: Double?

        init(_ task: TaskSnapshot) {
            applicationID = task.applicationID
            state = task.state
            progress = task.progress
            startedAt = task.startedAt
        }
    }

    /// Unfinished tasks' answers, used again only when the task just read from the store is at the same version (never
    /// answered without reading it): rendering was 3 % of a pending retrieve.
    private let unfinished: BoundedCache<String, UnfinishedEntry>

    /// Creates an empty cache of at most `capacity` records (4,096 of about 2 KB each by default), and as many renders
    /// of unfinished ones.
    public init(capacity: Int = 4096) {
        cache = BoundedCache(capacity: capacity)
        unfinished = BoundedCache(capacity: capacity)
    }

    /// The record of task `id` when it is held and belongs to `applicationID`.
    public func record(id: String, applicationID: String) -> ByteBuffer? {
        guard let entry = cache.value(for: id), entry.applicationID == applicationID else { return nil }
        return entry.bytes
    }

    /// The record of `task` as `render` makes it, kept when the task has finished (and taken from memory when it was).
    public func record(of task: TaskSnapshot, render: (TaskSnapshot) -> [UInt8]) -> ByteBuffer {
        guard task.state.isFinished else {
            let version = Version(task)
            if let rendered = unfinished.value(for: task.id), rendered.version == version { return rendered.bytes }
            let bytes = ByteBuffer(bytes: render(task))
            unfinished.set(UnfinishedEntry(version: version, bytes: bytes), for: task.id)
            return bytes
        }
        if let cached = record(id: task.id, applicationID: task.applicationID) { return cached }
        let bytes = ByteBuffer(bytes: render(task))
        cache.set(Entry(applicationID: task.applicationID, bytes: bytes), for: task.id)
        unfinished.removeValue(for: task.id)
        return bytes
    }
}
