import JourneymanCore
import Synchronization

/// Group commit for one writer: the inserts that arrive while a write transaction runs wait, then share the next one.
///
/// Each submit is answered only after the COMMIT that holds it, so an answered task is as durable as if it had had a
/// transaction of its own; what a group saves is the transaction's fixed cost (the writer's queue, BEGIN and COMMIT,
/// and the log pages every commit rewrites: the application's row, each index's last leaf). There is no wait for
/// company: a submit that finds the writer idle starts a transaction at once, so one client alone sees no delay.
///
/// `Item` is what one insert needs; `write` runs a whole group in one transaction and answers one outcome per item,
/// in order (an item's refusal must undo only its own statements: the store runs each in a savepoint).
final class SubmitGroup<Item: Sendable>: Sendable {
    typealias Write = @Sendable ([Item]) async throws -> [Result<Void, any Error>]

    private struct Waiting {
        let item: Item
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
        var groupsWritten = 0
    }

    private let state = Mutex(State())
    private let write: Write
    private let largest: Int

    /// `largest`: the most items one transaction takes (the rest wait for the next).
    init(largest: Int = 256, write: @escaping Write) {
        self.largest = largest
        self.write = write
    }

    /// How many submits wait for the next transaction, and how many transactions have been started (for tests).
    var counts: (waiting: Int, groupsWritten: Int) { state.withLock { ($0.waiting.count, $0.groupsWritten) } }

    /// Inserts `item` in the next group transaction; returns once it has committed, or throws its refusal.
    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { state in
                state.waiting.append(Waiting(item: item, continuation: continuation))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes groups until none waits; only one drain runs at a time.
    private func drain() async {
        while true {
            let group: [Waiting] = state.withLock { state in
                if state.waiting.isEmpty {
                    state.writing = false
                    return []
                }
                let taken = Array(state.waiting.prefix(largest))
                state.waiting.removeFirst(taken.count)
                state.groupsWritten += 1
                return taken
            }
            if group.isEmpty { return }
            do {
                let outcomes = try await write(group.map(\.item))
                for (index, waiting) in group.enumerated() {
                    waiting.continuation.resume(with: index < outcomes.count ? outcomes[index] : .failure(SubmitGroupError.noOutcome))
                }
            } catch {
                // The transaction did not commit: nothing of the group is stored.
                for waiting in group { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A group write answered fewer outcomes than it had items (a defect of the store, never expected).
enum SubmitGroupError: Error {
    case noOutcome
}
