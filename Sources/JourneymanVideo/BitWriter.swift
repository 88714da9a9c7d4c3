/// Writes an H.264 RBSP most significant bit first: fixed-width fields, Exp-Golomb codes and aligned byte runs.
struct BitWriter {
    /// The complete bytes so far.
    private(set) var bytes: [UInt8] = []
    /// Pending bits in the low `pendingCount` bits (bits above them are stale and ignored).
    private var pending: UInt64 = 0
    private var pendingCount = 0

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// True when no bits wait for a byte to be completed.
    var isByteAligned: Bool { pendingCount == 0 }

    /// The number of bits written.
    var bitCount: Int { bytes.count * 8 + pendingCount }

    /// Forgets everything written, keeping the capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        pending = 0
        pendingCount = 0
    }

    /// The low `count` bits of `value` (count 0...32).
    @inline(__always)
    mutating func write(_ value: UInt32, bits count: Int) {
        pending = pending << UInt64(count) | UInt64(value & UInt32(truncatingIfNeeded: (1 << UInt64(count)) - 1))
        pendingCount += count
        while pendingCount >= 8 {
            pendingCount -= 8
            bytes.append(UInt8(truncatingIfNeeded: pending >> UInt64(pendingCount)))
        }
    }

    /// One bit.
    @inline(__always)
    mutating func write(flag: Bool) {
        write(flag ? 1 : 0, bits: 1)
    }

    /// ue(v): unsigned Exp-Golomb (values below 2³¹, far above any this encoder writes).
    @inline(__always)
    mutating func writeUE(_ value: UInt32) {
        let coded = UInt64(value) + 1
        let length = 64 - coded.leadingZeroBitCount  // bits of value + 1
        if length <= 16 {
            write(UInt32(coded), bits: 2 * length - 1)
        } else {
            write(0, bits: length - 1)
            write(UInt32(truncatingIfNeeded: coded), bits: length)
        }
    }

    /// se(v): signed Exp-Golomb (k > 0 codes as 2k − 1, k ≤ 0 as −2k).
    @inline(__always)
    mutating func writeSE(_ value: Int32) {
        let magnitude = UInt32(value.magnitude)
        writeUE(value > 0 ? 2 * magnitude - 1 : 2 * magnitude)
    }

    /// Zero bits up to the next byte boundary (pcm_alignment_zero_bit).
    mutating func alignWithZeros() {
        if pendingCount > 0 { write(0, bits: 8 - pendingCount) }
    }

    /// Raw bytes at a byte boundary (the caller aligns first).
    @inline(__always)
    mutating func appendAligned(_ run: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: run)
    }

    /// rbsp_trailing_bits: a one bit, then zeros to the byte boundary.
    mutating func writeTrailingBits() {
        write(1, bits: 1)
        alignWithZeros()
    }
}

/// NAL unit assembly: the header byte, then the RBSP with emulation prevention (0x03 after two zero bytes whenever the
/// next byte is 0, 1, 2 or 3), over the whole payload including PCM samples.
enum NALUnit {
    /// Appends a NAL unit's bytes to `output` (no start code, no length prefix).
    static func append(header: UInt8, rbsp: [UInt8], to output: inout [UInt8]) {
        output.append(header)
        var zeros = 0
        rbsp.withUnsafeBufferPointer { payload in
            var runStart = 0
            for index in 0..<payload.count {
                let byte = payload[index]
                if zeros == 2 && byte <= 3 {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: payload[runStart..<index]))
                    output.append(0x03)
                    runStart = index
                    zeros = 0
                }
                zeros = byte == 0 ? zeros + 1 : 0
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: payload[runStart..<payload.count]))
        }
    }

    /// A NAL unit on its own.
    static func make(header: UInt8, rbsp: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(rbsp.count + rbsp.count / 64 + 1)
        append(header: header, rbsp: rbsp, to: &output)
        return output
    }
}
