import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Version 4 UUIDs as lowercase text, with all 122 random bits from the system's cryptographic generator.
///
/// Task ids name a task's images, which are served without a token (API.md: "their names are unguessable task UUIDs"),
/// so the bits must be unpredictable even to someone who has seen every other id. Foundation's `UUID()` gets them
/// right but on Linux opens and reads `/dev/urandom` for every id (that open was 4 % of a cached retrieve's time, for
/// the trace id alone). Here the bits come from a 4 KiB buffer that one read of `/dev/urandom` (opened once) refills
/// after 256 ids; each byte of it is handed out once.
public enum RandomUUID {
    private static let pool = Mutex(RandomPool())

    /// A new id, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` in lowercase hex.
    public static func make() -> String {
        let (drawnHigh, drawnLow) = pool.withLock { $0.next() }
        let high = (drawnHigh & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        let low = (drawnLow & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            func put(_ word: UInt64) {
                for nibble in (0..<16).reversed() {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    let digit = UInt8(truncatingIfNeeded: word >> (UInt64(nibble) * 4)) & 0x0F
                    text[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                    position += 1
                }
            }
            put(high)
            put(low)
            return position
        }
    }
}

/// 4 KiB of the kernel's random bytes, handed out 16 at a time and refilled whole when used up.
private struct RandomPool {
    private var words = [UInt64](repeating: 0, count: 512)
    private var used = 512

    /// Two words never handed out before.
    mutating func next() -> (UInt64, UInt64) {
        if used == words.count {
            words.withUnsafeMutableBytes { Self.fill($0) }
            used = 0
        }
        defer {
            // Handed out once: clear what leaves the pool.
            words[used] = 0
            words[used + 1] = 0
            used += 2
        }
        return (words[used], words[used + 1])
    }

    /// `/dev/urandom`, opened once for the life of the process (-1 if it cannot be opened).
    private static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    /// Fills `bytes` from the system's cryptographic generator.
    private static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
            var filled = 0
            while filled < bytes.count, urandom >= 0 {
                let got = read(urandom, bytes.baseAddress! + filled, bytes.count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 || errno != EINTR {
                    break
                }
            }
            if filled < bytes.count {
                // No /dev/urandom (a bare chroot): the standard library's generator asks the kernel 8 bytes at a time.
                var generator = SystemRandomNumberGenerator()
                for index in stride(from: filled, to: bytes.count, by: 8) {
                    withUnsafeBytes(of: generator.next()) { word in
                        (bytes.baseAddress! + index).copyMemory(from: word.baseAddress!, byteCount: min(8, bytes.count - index))
                    }
                }
            }
        #else
            arc4random_buf(bytes.baseAddress!, bytes.count)
        #endif
    }
}
