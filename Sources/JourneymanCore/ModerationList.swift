import Foundation

/// Words a prompt may not contain (whole words, any case).
public struct ModerationList: Sendable, Equatable {
    /// The words, lowercased.
    public let words: Set<String>

    /// A list of words; blank entries and `#` comments are ignored.
    public init(words: [String]) {
        self.words = Set(
            words.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        )
    }

    /// Reads one word (or phrase) a line from a file.
    public init(contentsOf path: String) throws {
        self.init(words: try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: .newlines))
    }

    /// The first listed word or phrase the text contains, if any.
    public func firstHit(in text: String) -> String? {
        guard !words.isEmpty else { return nil }
        let tokens = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let joined = " " + tokens.joined(separator: " ") + " "
        for word in words.sorted() {
            let normalised = word.split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
            if !normalised.isEmpty, joined.contains(" \(normalised) ") { return word }
        }
        return nil
    }
}
