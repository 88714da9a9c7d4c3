/// Reads typed fields out of a JSON request body with messages that name the field.
public struct RequestFields: Sendable {
    /// The body's members.
    public let object: JSONObject

    /// Wraps a parsed body; anything but an object is refused.
    public init(_ body: JSONValue) throws(RequestError) {
        guard case .object(let object) = body else {
            throw RequestError("the request body must be a JSON object, not \(body.typeName)")
        }
        self.object = object
    }

    /// The value of `key`, with JSON `null` read as absent.
    public func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    /// An optional string field.
    public func string(_ key: String) throws(RequestError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let string) = value else {
            throw RequestError("field '\(key)' must be a string, not \(value.typeName)")
        }
        return string
    }

    /// An optional boolean field.
    public func bool(_ key: String) throws(RequestError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let bool) = value else {
            throw RequestError("field '\(key)' must be true or false, not \(value.typeName)")
        }
        return bool
    }

    /// An optional number field within `range`.
    public func number(_ key: String, in range: ClosedRange<Double>) throws(RequestError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else {
            throw RequestError("field '\(key)' must be a number, not \(value.typeName)")
        }
        guard number.isFinite, range.contains(number) else {
            throw RequestError("field '\(key)' must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound))")
        }
        return number
    }

    /// An optional whole-number field within `range`.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws(RequestError) -> Int? {
        guard let value = value(key) else { return nil }
        let whole: Int64
        switch value {
        case .int(let int): whole = int
        case .double(let double) where double.rounded() == double && abs(double) < 1e15: whole = Int64(double)
        default: throw RequestError("field '\(key)' must be a whole number, not \(value.typeName)")
        }
        guard whole >= Int64(range.lowerBound), whole <= Int64(range.upperBound) else {
            throw RequestError("field '\(key)' must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int(whole)
    }

    /// An optional array-of-strings field holding at most `maxCount` items.
    public func strings(_ key: String, maxCount: Int) throws(RequestError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else {
            throw RequestError("field '\(key)' must be an array of strings, not \(value.typeName)")
        }
        guard items.count <= maxCount else {
            throw RequestError("field '\(key)' holds \(items.count) items; at most \(maxCount) are allowed")
        }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard case .string(let string) = item else {
                throw RequestError("field '\(key)' must hold only strings, found \(item.typeName)")
            }
            strings.append(string)
        }
        return strings
    }

    /// An optional http(s) URL field.
    public func url(_ key: String) throws(RequestError) -> String? {
        guard let string = try string(key) else { return nil }
        let lowered = string.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), string.count > 8, string.count <= 4096,
            !string.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        else {
            throw RequestError("field '\(key)' must be an http or https URL")
        }
        return string
    }

    /// A copy of the members named in `keys` (null members left out), in the body's order.
    public func known(_ keys: Set<String>) -> JSONObject {
        var echo = JSONObject()
        for member in object.members where keys.contains(member.key) && member.value != .null {
            echo[member.key] = member.value
        }
        return echo
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int64(number)) : String(number)
    }
}
