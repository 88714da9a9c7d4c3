import Foundation
import Synchronization

/// Makes the identifiers of API.md: UUIDs, ObjectId-like `_id`s and time-ordered snowflake `image_id`s.
public final class IdentifierFactory: Sendable {
    private struct State {
        var objectCounter: UInt32
        var lastSnowflakeMillis: Int64 = 0
        var snowflakeSequence: Int64 = 0
    }

    private let state: Mutex<State>
    private let machineBytes: [UInt8]
    private let workerBits: Int64
    // Discord's epoch (2015-01-01), which gives the public service's 19-digit image ids.
    private static let snowflakeEpochMillis: Int64 = 1_420_070_400_000

    /// Creates a factory with random machine bytes.
    public init() {
        var generator = SystemRandomNumberGenerator()
        machineBytes = (0..<5).map { _ in UInt8.random(in: 0...255, using: &generator) }
        workerBits = Int64.random(in: 0..<1024, using: &generator)
        state = Mutex(State(objectCounter: UInt32.random(in: 0...0xFF_FFFF, using: &generator)))
    }

    /// A lowercase UUID v4.
    public func uuid() -> String {
        RandomUUID.make()
    }

    /// 24 lowercase hex digits: 4 bytes of seconds, 5 machine bytes, a 3-byte counter.
    public func objectID(at date: Date) -> String {
        let seconds = UInt32(clamping: Int64(date.timeIntervalSince1970))
        let counter = state.withLock { state -> UInt32 in
            state.objectCounter = (state.objectCounter &+ 1) & 0xFF_FFFF
            return state.objectCounter
        }
        var bytes: [UInt8] = [UInt8(seconds >> 24), UInt8((seconds >> 16) & 0xFF), UInt8((seconds >> 8) & 0xFF), UInt8(seconds & 0xFF)]
        bytes += machineBytes
        bytes += [UInt8(counter >> 16), UInt8((counter >> 8) & 0xFF), UInt8(counter & 0xFF)]
        return Hex.lowercase(bytes)
    }

    /// A 19-digit decimal snowflake: milliseconds since 2015, 10 worker bits, a 12-bit sequence.
    public func imageID(at date: Date) -> String {
        let millis = Int64(date.timeIntervalSince1970 * 1000) - Self.snowflakeEpochMillis
        let (stamp, sequence) = state.withLock { state -> (Int64, Int64) in
            if millis > state.lastSnowflakeMillis {
                state.lastSnowflakeMillis = millis
                state.snowflakeSequence = 0
            } else {
                state.snowflakeSequence += 1
                if state.snowflakeSequence > 0xFFF {
                    // Borrow the next millisecond rather than repeat an id.
                    state.lastSnowflakeMillis += 1
                    state.snowflakeSequence = 0
                }
            }
            return (state.lastSnowflakeMillis, state.snowflakeSequence)
        }
        return String((stamp << 22) | (workerBits << 12) | sequence)
    }
}
