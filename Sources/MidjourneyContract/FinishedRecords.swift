import JourneymanCore
import NIOCore

/// The record bytes of finished tasks, by task id: a finished task's record never changes again, so it is rendered
/// once and answered from memory after that. Unfinished tasks are never held; each entry keeps its application so
/// another application's retrieve of the id still finds nothing. At most `capacity` records are held.
public struct FinishedRecords: Sendable {
    /// One finished task's answer.
    struct Entry: Sendable {
        let applicationID: String
        let bytes: ByteBuffer
    }

    private let cache: BoundedCache<String, Entry>

    /// Creates an empty cache of at most `capacity` records (4,096 of about 2 KB each by default).
    public init(capacity: Int = 4096) {
        cache = BoundedCache(capacity: capacity)
    }

    /// The record of task `id` when it is held and belongs to `applicationID`.
    public func record(id: String, applicationID: String) -> ByteBuffer? {
        guard let entry = cache.value(for: id), entry.applicationID == applicationID else { return nil }
        return entry.bytes
    }

    /// The record of `task` as `render` makes it, kept when the task has finished (and taken from memory when it was).
    public func record(of task: TaskSnapshot, render: (TaskSnapshot) -> [UInt8]) -> ByteBuffer {
        if task.state.isFinished, let cached = record(id: task.id, applicationID: task.applicationID) { return cached }
        let bytes = ByteBuffer(bytes: render(task))
        if task.state.isFinished { cache.set(Entry(applicationID: task.applicationID, bytes: bytes), for: task.id) }
        return bytes
    }
}
