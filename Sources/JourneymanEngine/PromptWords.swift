/// The prompt split into lowercase words, with lookups for the vocabulary the recipe uses.
struct PromptWords: Sendable {
    /// Words in order.
    let words: [String]
    /// The same words as a set, singular forms added.
    let set: Set<String>
    /// The words joined by single spaces (for phrase lookups).
    let joined: String

    /// Splits text into words (letters and digits), lowercased.
    init(_ text: String) {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
        var set = Set(words)
        for word in words where word.count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") {
            set.insert(String(word.dropLast()))
            if word.hasSuffix("es") { set.insert(String(word.dropLast(2))) }
        }
        self.set = set
        self.joined = " " + words.joined(separator: " ") + " "
    }

    /// Whether any of the words (or phrases with spaces) occurs.
    func has(_ candidates: String...) -> Bool {
        has(candidates)
    }

    /// Whether any of the words (or phrases with spaces) occurs.
    func has(_ candidates: [String]) -> Bool {
        for candidate in candidates {
            if candidate.contains(" ") {
                if joined.contains(" \(candidate) ") { return true }
            } else if set.contains(candidate) {
                return true
            }
        }
        return false
    }
}
