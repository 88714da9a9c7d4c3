/// The proxy's digit form of a task id: Journeyman's UUID read as one 128-bit number, written in decimal.
/// The mapping is exact both ways, so no store keeps a second id.
public enum ProxyTaskID {
    /// The digits of a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`); nil when it is not one.
    public static func digits(fromUUID uuid: String) -> String? {
        guard let limbs = limbs(ofUUID: uuid) else { return nil }
        var remaining = limbs
        var digits: [UInt8] = []
        while remaining.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for index in remaining.indices {
                let value = remainder << 32 | remaining[index]
                remaining[index] = value / 10
                remainder = value % 10
            }
            digits.append(UInt8(remainder) + UInt8(ascii: "0"))
        }
        if digits.isEmpty { return "0" }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// The lowercase UUID a proxy id names: canonical digits (no leading zero) of a number below 2^128, or a UUID
    /// given as it is (a task seen through the other contract); nil for anything else.
    public static func uuid(from id: String) -> String? {
        if id.utf8.count == 36, limbs(ofUUID: id) != nil { return id.lowercased() }
        guard !id.isEmpty, id.utf8.count <= 39, id.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            id == "0" || id.utf8.first != UInt8(ascii: "0")
        else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for byte in id.utf8 {
            var carry = UInt64(byte - UInt8(ascii: "0"))
            for index in limbs.indices.reversed() {
                let value = limbs[index] * 10 + carry
                limbs[index] = value & 0xFFFF_FFFF
                carry = value >> 32
            }
            if carry != 0 { return nil }
        }
        let hex = limbs.map { limb -> String in
            let text = String(limb, radix: 16)
            return String(repeating: "0", count: 8 - text.count) + text
        }.joined()
        let characters = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }

    /// Four 32-bit limbs, most significant first.
    private static func limbs(ofUUID uuid: String) -> [UInt64]? {
        let bytes = Array(uuid.utf8)
        guard bytes.count == 36 else { return nil }
        var hex: [UInt8] = []
        for (offset, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            hex.append(byte)
        }
        var limbs: [UInt64] = []
        for start in stride(from: 0, to: 32, by: 8) {
            guard let limb = UInt64(String(decoding: hex[start..<start + 8], as: UTF8.self), radix: 16) else { return nil }
            limbs.append(limb)
        }
        return limbs
    }
}
