/// Stable, process-independent hashing (FNV-1a), used to seed everything the engine draws.
enum StableHash {
    /// FNV-1a 64-bit hash of the UTF-8 bytes of `text`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Mixes several values into one well-spread 64-bit value.
    static func combine(_ values: UInt64...) -> UInt64 {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for value in values {
            state = SplitMix64.mix(state ^ value &+ 0x632b_e59b_d9b4_e019)
        }
        return state
    }
}
