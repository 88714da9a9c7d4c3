import Synchronization

/// A thread-safe flag set when the awaiting task is cancelled; render loops poll it.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    /// Creates an unset flag.
    init() {}

    /// Marks the work as cancelled.
    func cancel() {
        state.store(true, ordering: .relaxed)
    }

    /// Whether the work was cancelled.
    var isCancelled: Bool {
        state.load(ordering: .relaxed)
    }

    /// Throws `CancellationError` once cancelled.
    func check() throws {
        if isCancelled { throw CancellationError() }
    }
}
