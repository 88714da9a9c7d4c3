import Synchronization

/// Wakes idle workers when new work is stored, so they need not poll quickly.
public final class WorkSignal: Sendable {
    private struct State {
        var nextID = 0
        var pending = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var expired: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Creates a signal with nothing pending.
    public init() {}

    /// Wakes one waiting worker, or lets the next `wait` return at once.
    public func notify() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.pending += 1
                return nil
            }
            return state.waiting.removeFirst().continuation
        }
        continuation?.resume()
    }

    /// Waits until notified or `timeout` seconds pass (workers poll on the timeout for work stored by other processes).
    public func wait(timeout: Double) async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.expired.remove(id) != nil { return true }
                        if state.pending > 0 {
                            state.pending -= 1
                            return true
                        }
                        state.waiting.append((id, continuation))
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                self.expire(id)
            }
            await group.next()
            group.cancelAll()
        }
        // The sleeper of a wait that a notify ended marks the id expired on its way out: forget it.
        _ = state.withLock { $0.expired.remove(id) }
    }

    private func expire(_ id: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let index = state.waiting.firstIndex(where: { $0.id == id }) {
                return state.waiting.remove(at: index).continuation
            }
            state.expired.insert(id)
            return nil
        }
        continuation?.resume()
    }
}
