import Synchronization

/// Combines the progress of parallel parts into one growing percentage and forwards each new
/// value once, in increasing order.
final class ProgressReporter: Sendable {
    private struct State {
        var fractions: [Double]
        var reported: Int
    }

    private let state: Mutex<State>
    private let callback: @Sendable (Int) -> Void

    /// A reporter over `parts` equally weighted parts.
    init(parts: Int, callback: @escaping @Sendable (Int) -> Void) {
        state = Mutex(State(fractions: Array(repeating: 0, count: max(parts, 1)), reported: 0))
        self.callback = callback
    }

    /// Records that `part` is `fraction` (0–1) done, forwarding the overall percentage (capped at 99).
    func update(part: Int, fraction: Double) {
        state.withLock { state in
            guard part >= 0 && part < state.fractions.count else { return }
            state.fractions[part] = max(state.fractions[part], min(1, fraction))
            let total = state.fractions.reduce(0, +) / Double(state.fractions.count)
            let percent = min(99, Int(total * 100))
            if percent > state.reported {
                state.reported = percent
                callback(percent)
            }
        }
    }

    /// Reports completion (100).
    func finish() {
        state.withLock { state in
            if state.reported < 100 {
                state.reported = 100
                callback(100)
            }
        }
    }
}
