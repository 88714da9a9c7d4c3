/// How much structure a parsed JSON document may have; past either limit it is refused with a 400 naming the limit.
public struct JSONLimits: Sendable, Equatable {
    /// Most arrays and objects nested inside one another.
    public var maxDepth: Int
    /// Most keys one object may hold.
    public var maxKeysPerObject: Int

    /// Creates limits.
    public init(maxDepth: Int, maxKeysPerObject: Int) {
        self.maxDepth = maxDepth
        self.maxKeysPerObject = maxKeysPerObject
    }

    /// The limits request bodies are parsed with: far above any body the contract describes, far below harm.
    public static let requestBody = JSONLimits(maxDepth: 64, maxKeysPerObject: 1000)
}

/// A single-pass JSON parser (RFC 8259) that keeps object keys in the order written, in linear time,
/// with bounded nesting (so no input can exhaust the stack) and a bounded number of keys per object.
struct JSONParser: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: JSONLimits
    private var position = 0
    private var depth = 0
    /// Scratch for strings with escapes, reused across strings.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Parses the whole input as one value surrounded by optional whitespace.
    mutating func parseDocument() throws(RequestError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw invalid() }
        return value
    }

    private func invalid() -> RequestError { RequestError("the request body is not valid JSON") }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(RequestError) -> JSONValue {
        guard position < bytes.count else { throw invalid() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw invalid()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(RequestError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw invalid() }
        let text = word.utf8Start
        for offset in 0..<count where bytes[position + offset] != text[offset] { throw invalid() }
        position += count
        return value
    }

    private mutating func enter() throws(RequestError) {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw RequestError("the request body nests arrays and objects deeper than \(limits.maxDepth) levels")
        }
    }

    private mutating func parseObject() throws(RequestError) -> JSONObject {
        try enter()
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return object
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw invalid() }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw invalid() }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // A key given twice keeps its last value, in the place it was first written.
            object[key] = value
            guard object.count <= limits.maxKeysPerObject else {
                throw RequestError("an object in the request body has more than \(limits.maxKeysPerObject) keys")
            }
            skipWhitespace()
            guard position < bytes.count else { throw invalid() }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw invalid() }
            position += 1
            depth -= 1
            return object
        }
    }

    private mutating func parseArray() throws(RequestError) -> [JSONValue] {
        try enter()
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return items
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw invalid() }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw invalid() }
            position += 1
            depth -= 1
            return items
        }
    }

    private mutating func parseString() throws(RequestError) -> String {
        position += 1
        let start = position
        var highBits: UInt8 = 0
        // Fast path: no escapes, so the string is the bytes between the quotes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                // ASCII needs no validation (and decoding it is the specialised, cheap path); anything else is checked.
                if highBits < 0x80 { return String(decoding: slice, as: UTF8.self) }
                guard let string = String(validating: slice, as: UTF8.self) else { throw invalid() }
                return string
            }
            highBits |= byte
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw invalid() }
            position += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: scratch, as: UTF8.self) else { throw invalid() }
                return string
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw invalid() }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape()
                default: throw invalid()
                }
            default:
                guard byte >= 0x20 else { throw invalid() }
                scratch.append(byte)
            }
        }
        throw invalid()
    }

    private mutating func hex4() throws(RequestError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw invalid()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func appendUnicodeEscape() throws(RequestError) {
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            // A high surrogate must be followed by an escaped low one.
            guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw invalid()
            }
            position += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw invalid() }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
            throw invalid()
        }
        guard let scalar = Unicode.Scalar(code) else { throw invalid() }
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    private mutating func parseNumber() throws(RequestError) -> JSONValue {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw invalid() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard try digits() > 0 else { throw invalid() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard try digits() > 0 else { throw invalid() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard try digits() > 0 else { throw invalid() }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        guard let double = Double(text), double.isFinite else {
            throw RequestError("the request body holds a number too large to represent: \(text.prefix(40))")
        }
        // As Foundation's decoder does: a whole number written with a fraction or exponent is still an integer.
        if double.rounded() == double, abs(double) < 9.2e18 { return .int(Int64(double)) }
        return .double(double)
    }

    private mutating func digits() throws(RequestError) -> Int {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        return position - start
    }
}
