import Foundation
import MidjourneyAPI

// Readers that accept what the public service's records are known to send: numbers as strings, strings as
// numbers, `null` for absent. Every record the client reads goes through them, so one odd field never fails a wait.
extension JSONObject {
    /// The member as a string; a number is written out, `null` or any other type is nil.
    func lenientString(_ key: String) -> String? {
        switch self[key] {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        default: return nil
        }
    }

    /// The member as a number; a numeric string (`"1024"`, `"42%"`) is read too.
    func lenientDouble(_ key: String) -> Double? {
        switch self[key] {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .string(let value):
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return Double(trimmed.hasSuffix("%") ? String(trimmed.dropLast()) : trimmed)
        default: return nil
        }
    }

    /// The member as a whole number (a fractional one is rounded).
    func lenientInt(_ key: String) -> Int? {
        guard let value = lenientDouble(key), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value.rounded())
    }

    /// The member as a boolean; `"true"`/`"false"` and 0/1 are read too.
    func lenientBool(_ key: String) -> Bool? {
        switch self[key] {
        case .bool(let value): return value
        case .string(let value): return value == "true" ? true : value == "false" ? false : nil
        case .int(let value): return value == 0 ? false : value == 1 ? true : nil
        default: return nil
        }
    }

    /// The member as an array of strings, non-strings left out; nil when absent or not an array.
    func lenientStrings(_ key: String) -> [String]? {
        guard case .array(let items) = self[key] else { return nil }
        return items.compactMap(\.stringValue)
    }

    /// The member as an object; nil when absent or of another type.
    func object(_ key: String) -> JSONObject? {
        self[key]?.objectValue
    }
}

extension JSONValue {
    /// Compact JSON text of the value.
    var jsonText: String {
        String(decoding: encoded(), as: UTF8.self)
    }
}
