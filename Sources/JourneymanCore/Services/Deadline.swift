import Synchronization

/// Answers what `body` answers, or `otherwise` once `limit` has passed, whichever comes first. Unlike a task group,
/// it does not wait for `body` to notice its cancellation: a client library that does not honour cancellation
/// (a pool retrying a down database) cannot hold the caller past the limit. `body` is cancelled when it loses.
public func firstWithin<Value: Sendable>(
    _ limit: Duration, otherwise: Value, _ body: @escaping @Sendable () async -> Value
) async -> Value {
    await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
        let answer = OneAnswer(continuation)
        let work = Task { answer.give(await body()) }
        Task {
            try? await Task.sleep(for: limit)
            if answer.give(otherwise) { work.cancel() }
        }
    }
}

/// A continuation resumed once, by whichever side comes first.
private final class OneAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    /// Resumes with `value` unless an answer was given already; answers whether this one was.
    @discardableResult
    func give(_ value: Value) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(returning: value)
        return true
    }
}
