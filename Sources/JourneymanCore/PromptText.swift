/// Limits on prompt text that hold however the text is written: counted in Unicode scalars and UTF-8 bytes,
/// not in grapheme clusters (one cluster can hold any number of combining marks), and blind to invisible characters.
public enum PromptText {
    /// Most Unicode scalars a prompt may hold.
    public static let maxScalars = 6000
    /// Most UTF-8 bytes a prompt may hold (four per scalar at most).
    public static let maxBytes = 4 * maxScalars

    /// Refuses, with a 400 naming `field`, a prompt over the limits or one made only of invisible characters.
    public static func check(_ prompt: String, field: String = "prompt") throws(ServiceError) {
        let bytes = prompt.utf8.count
        guard bytes <= maxBytes else {
            throw ServiceError.badRequest(
                "field '\(field)' is \(bytes) bytes long; at most \(maxBytes) bytes (\(maxScalars) characters) are allowed")
        }
        let scalars = prompt.unicodeScalars.count
        guard scalars <= maxScalars else {
            throw ServiceError.badRequest("field '\(field)' is \(scalars) characters long; at most \(maxScalars) are allowed")
        }
        let unseen = prompt.unicodeScalars.contains { !$0.properties.isWhitespace }
        if unseen && !hasVisibleContent(prompt) {
            throw ServiceError.badRequest("field '\(field)' holds only invisible characters")
        }
    }

    /// Whether the text has a scalar that shows: not whitespace, control, format (zero-width, soft hyphen,
    /// bidi marks), a combining mark on its own, nor otherwise default-ignorable.
    public static func hasVisibleContent(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isVisible)
    }

    /// Whether one scalar shows by itself.
    public static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isWhitespace || properties.isDefaultIgnorableCodePoint { return false }
        switch properties.generalCategory {
        case .control, .format, .nonspacingMark, .spacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
