import Synchronization

/// Bytes that work running at once may hold between them: each piece of work reserves its share first and waits,
/// in arrival order, while the budget is spent. A reservation above the whole budget waits until it runs alone.
public final class MemoryBudget: Sendable {
    private struct State {
        var available: Int
        var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// The whole budget, in bytes.
    public let capacity: Int
    private let state: Mutex<State>

    /// A budget of `bytes`.
    public init(bytes: Int) {
        capacity = max(1, bytes)
        state = Mutex(State(available: max(1, bytes)))
    }

    /// The budget image decodes share unless given their own: two decodes at the per-decode limit.
    public static let imageDecodes = MemoryBudget(bytes: 2 * ImageDecoder.defaultMaxDecodeBytes)

    /// Bytes not reserved now.
    public var available: Int { state.withLock { $0.available } }

    /// Runs `body` holding `bytes` of the budget, waiting first while they are not available.
    public func withReservation<T>(_ bytes: Int, _ body: () async throws -> T) async throws -> T {
        let share = min(max(0, bytes), capacity)
        await reserve(share)
        defer { release(share) }
        return try await body()
    }

    private func reserve(_ bytes: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.waiters.isEmpty && state.available >= bytes {
                    state.available -= bytes
                    return true
                }
                state.waiters.append((bytes, continuation))
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release(_ bytes: Int) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.available += bytes
            var woken: [CheckedContinuation<Void, Never>] = []
            while let first = state.waiters.first, first.bytes <= state.available {
                state.available -= first.bytes
                woken.append(first.continuation)
                state.waiters.removeFirst()
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }
}
