import Foundation
import JourneymanCore

/// Shortens prompts Midjourney-style: filler and duplicates go first, then descriptive words,
/// keeping the subject words and every `--parameter` unchanged at the end.
enum PromptShortener {
    private static let stopWords: Set<String> = [
        "a", "an", "the", "of", "with", "and", "in", "on", "at", "to", "for", "by", "from", "into", "onto", "over",
        "under", "is", "are", "be", "it", "its", "this", "that", "these", "those", "as", "some", "very", "really",
        "just", "so", "quite", "there", "their", "his", "her", "which", "while", "featuring", "showing", "image",
        "picture", "photo of", "style", "made", "like", "or",
    ]
    private static let fillers: Set<String> = [
        "beautiful", "stunning", "amazing", "awesome", "gorgeous", "incredible", "epic", "masterpiece", "best",
        "quality", "high", "highly", "ultra", "hyper", "detailed", "intricate", "trending", "artstation", "8k", "4k",
        "hd", "uhd", "hdr", "award", "winning", "professional", "breathtaking", "majestic", "perfect", "insanely",
        "extremely", "super", "unreal", "octane", "render", "sharp", "focus", "resolution",
    ]

    /// Up to five distinct shorter prompts; throws `bad_request` for empty or parameter-only prompts.
    static func shorten(_ prompt: String) throws -> [String] {
        let (text, parameters) = split(prompt)
        let words = tokens(text)
        guard !words.isEmpty else {
            throw EngineError(code: .badRequest, message: "the prompt has no words to shorten")
        }
        // Content words, lowercased duplicates removed, order kept.
        var seen = Set<String>()
        var content: [String] = []
        for word in words {
            let key = word.lowercased()
            if stopWords.contains(key) || seen.contains(key) { continue }
            seen.insert(key)
            content.append(word)
        }
        if content.isEmpty { content = [words[0]] }
        let scored = content.map { ($0, score($0.lowercased())) }
        var candidates: [[String]] = []
        candidates.append(scored.filter { $0.1 > 0 }.map(\.0))
        candidates.append(content)
        candidates.append(scored.filter { $0.1 > 1 }.map(\.0))
        candidates.append(scored.filter { $0.1 > 2 }.map(\.0))
        let core = scored.enumerated().sorted { lhs, rhs in
            lhs.element.1 != rhs.element.1 ? lhs.element.1 > rhs.element.1 : lhs.offset < rhs.offset
        }.prefix(3).sorted { $0.offset < $1.offset }.map(\.element.0)
        candidates.append(core)
        candidates.append(Array(core.prefix(2)))
        candidates.append(Array(core.prefix(1)))

        let originalText = words.joined(separator: " ").lowercased()
        var results: [String] = []
        var used = Set<String>()
        for candidate in candidates where !candidate.isEmpty {
            let phrase = candidate.joined(separator: " ")
            let key = phrase.lowercased()
            if used.contains(key) || (key == originalText && words.count > 1) { continue }
            if candidate.count > words.count || (candidate.count == words.count && words.count > 1) { continue }
            used.insert(key)
            results.append(parameters.isEmpty ? phrase : "\(phrase) \(parameters)")
            if results.count == 5 { break }
        }
        if results.isEmpty {
            results.append(parameters.isEmpty ? content.joined(separator: " ") : "\(content.joined(separator: " ")) \(parameters)")
        }
        return results
    }

    /// Splits at the first ` --` or ` —` into the words and the parameters (kept verbatim).
    static func split(_ prompt: String) -> (text: String, parameters: String) {
        let trimmed = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("--") || trimmed.hasPrefix("—") { return ("", trimmed) }
        var cut: String.Index?
        for marker in [" --", " —"] {
            if let range = trimmed.range(of: marker), cut.map({ range.lowerBound < $0 }) ?? true {
                cut = range.lowerBound
            }
        }
        guard let cut else { return (trimmed, "") }
        return (
            String(trimmed[..<cut]).trimmingCharacters(in: .whitespaces),
            String(trimmed[cut...]).trimmingCharacters(in: .whitespaces)
        )
    }

    /// Words of the text, punctuation stripped from their ends.
    private static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == "\n" || $0 == "\t" })
            .map { $0.trimmingCharacters(in: CharacterSet.punctuationCharacters.subtracting(CharacterSet(charactersIn: "-'"))) }
            .filter { !$0.isEmpty }
    }

    /// 0 filler, 1 adverb, 2 descriptive, 3 other, 4 known subject or colour.
    private static func score(_ word: String) -> Int {
        if fillers.contains(word) { return 0 }
        if ColorWord.all[word] != nil { return 3 }
        if subjects.contains(word) { return 4 }
        if word.hasSuffix("ly") && word.count > 4 { return 1 }
        for suffix in ["ful", "ous", "ive", "ic", "ish", "ing", "ed", "al", "esque", "less"]
        where word.hasSuffix(suffix) && word.count > suffix.count + 2 {
            return 2
        }
        return 3
    }

    private static let subjects: Set<String> = [
        "lighthouse", "mountain", "mountains", "sea", "ocean", "city", "skyline", "forest", "tree", "trees", "galaxy",
        "planet", "space", "cat", "dog", "wolf", "fox", "person", "woman", "man", "girl", "boy", "portrait", "castle",
        "dragon", "robot", "lake", "river", "beach", "desert", "island", "village", "street", "bridge", "ship", "boat",
        "flower", "flowers", "garden", "moon", "sun", "stars", "sky", "clouds", "house", "temple", "car", "bird", "owl",
    ]
}
