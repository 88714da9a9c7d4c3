import Synchronization

/// Collects progress values from any thread.
final class ProgressLog: Sendable {
    private let values = Mutex<[Int]>([])

    /// Records one value.
    func record(_ value: Int) { values.withLock { $0.append(value) } }

    /// Everything recorded so far.
    var all: [Int] { values.withLock { $0 } }
}
