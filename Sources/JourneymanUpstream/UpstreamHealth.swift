import Foundation
import Synchronization

/// Whether an upstream is usable, and why not: bad credentials take it down until a call succeeds again.
public final class UpstreamHealth: Sendable {
    private let state = Mutex<String?>(nil)

    /// A healthy upstream.
    public init() {}

    /// Why it is down, or nil when it is up.
    public var downReason: String? { state.withLock { $0 } }

    /// Marks it down; answers whether it was up before (so the operator is told once).
    @discardableResult
    func markDown(_ reason: String) -> Bool {
        state.withLock { current in
            defer { current = reason }
            return current == nil
        }
    }

    /// Marks it up; answers whether it was down before.
    @discardableResult
    func markUp() -> Bool {
        state.withLock { current in
            defer { current = nil }
            return current != nil
        }
    }
}

/// Counts of the calls made to one upstream, by purpose (for tests, benchmarks and `journeyman upstreams`).
public final class UpstreamCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    /// When the recent retries and errors happened (at most an hour's, at most 10,000).
    private let failures = Mutex<[Date]>([])

    /// No calls yet.
    public init() {}

    /// Adds one call of `kind` (`submit`, `poll`, `download`, `seed`, `shorten`, `retry`, `error`).
    func add(_ kind: String) {
        counts.withLock { $0[kind, default: 0] += 1 }
        guard kind == "retry" || kind == "error" else { return }
        let now = Date()
        failures.withLock { failures in
            failures.append(now)
            if failures.count > 10_000 || failures.first.map({ now.timeIntervalSince($0) > 3600 }) == true {
                failures.removeAll { now.timeIntervalSince($0) > 3600 }
                if failures.count > 10_000 { failures.removeFirst(failures.count - 10_000) }
            }
        }
    }

    /// Retries and errors in the hour before `now`.
    public func failuresInLastHour(now: Date = Date()) -> Int {
        failures.withLock { $0.filter { now.timeIntervalSince($0) <= 3600 }.count }
    }

    /// How many calls of `kind` were made.
    public func count(_ kind: String) -> Int { counts.withLock { $0[kind] ?? 0 } }

    /// Every count, by kind.
    public var all: [String: Int] { counts.withLock { $0 } }
}
