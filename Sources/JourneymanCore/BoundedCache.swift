import Synchronization

/// A map of values that are costly to make and cheap to keep, holding at most `capacity` entries: entries live in
/// two generations, and when the newer one is full the older is dropped whole. Reading an entry of the older
/// generation moves it to the newer, so what is used stays while what is not ages out, at O(1) a call.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Generations {
        @usableFromInline var current: [Key: Value] = [:]
        @usableFromInline var previous: [Key: Value] = [:]

        @usableFromInline
        init() {}

        @inlinable
        mutating func insert(_ value: Value, for key: Key, half: Int) {
            if current[key] == nil, current.count >= half {
                previous = current
                current = [:]
                current.reserveCapacity(half)
            }
            current[key] = value
        }
    }

    // Inlinable, so that each client module specialises the lookups for its own key and value types.
    @usableFromInline
    let generations = Mutex(Generations())
    /// Most entries held.
    public let capacity: Int

    /// Creates an empty cache of at most `capacity` entries (at least 2).
    public init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    /// The value of `key`, if it is held.
    @inlinable
    public func value(for key: Key) -> Value? {
        let half = capacity / 2
        return generations.withLock { generations -> Value? in
            if let value = generations.current[key] { return value }
            guard let value = generations.previous.removeValue(forKey: key) else { return nil }
            generations.insert(value, for: key, half: half)
            return value
        }
    }

    /// Holds `value` under `key`, replacing what was there.
    @inlinable
    public func set(_ value: Value, for key: Key) {
        let half = capacity / 2
        generations.withLock { $0.insert(value, for: key, half: half) }
    }

    /// Forgets `key`.
    public func removeValue(for key: Key) {
        generations.withLock { generations in
            generations.current[key] = nil
            generations.previous[key] = nil
        }
    }

    /// Forgets every entry whose value matches `shouldRemove` (a scan of all entries: for rare events).
    public func removeValues(where shouldRemove: (Value) -> Bool) {
        generations.withLock { generations in
            generations.current = generations.current.filter { !shouldRemove($0.value) }
            generations.previous = generations.previous.filter { !shouldRemove($0.value) }
        }
    }

    /// How many entries are held.
    public var count: Int {
        generations.withLock { $0.current.count + $0.previous.count }
    }
}
