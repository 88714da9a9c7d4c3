import Synchronization

/// Version 4 UUIDs as lowercase text, made without Foundation's `UUID()`, which on Linux opens and reads
/// `/dev/urandom` for every id (that open was 4 % of a cached retrieve's time, for the trace id alone).
///
/// Each id is two outputs of SplitMix64's mix over a counter that starts at a value drawn once from the system's random
/// source and advances atomically. The mix is a bijection, so within a process two ids share their first 60 random
/// bits only if the counter has gone all the way round; separate processes start at unrelated points of the 2^64
/// cycle. They are identifiers, not secrets: tokens and webhook secrets come from the system's generator.
public enum RandomUUID {
    private static let counter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// A new id, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` in lowercase hex.
    public static func make() -> String {
        let start = counter.wrappingAdd(2, ordering: .relaxed).oldValue
        let high = (mix(start) & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        let low = (mix(start &+ 1) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            func put(_ word: UInt64, nibbles: ClosedRange<Int>) {
                for nibble in nibbles.reversed() {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let digit = UInt8(truncatingIfNeeded: word >> (UInt64(nibble) * 4)) & 0x0F
                    text[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    position += 1
                }
            }
            put(high, nibbles: 0...15)
            put(low, nibbles: 0...15)
            return position
        }
    }

    /// SplitMix64's output function of a counter value.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
