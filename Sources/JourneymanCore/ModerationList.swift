import Foundation

/// Words a prompt may not contain (whole words, any case).
///
/// Prompts and listed words are compared after the same normalisation (see `ModerationText`), so invisible
/// characters, fullwidth or accented forms and Cyrillic or Greek look-alikes do not step around a listed word,
/// while a word that merely contains a listed one ("grass" for "ass") is not hit.
public struct ModerationList: Sendable, Equatable {
    /// The words, lowercased.
    public let words: Set<String>
    /// Each listed word or phrase as normalised words, by its first word.
    private let phrases: [String: [(words: [String], listed: String)]]

    /// A list of words; blank entries and `#` comments are ignored.
    public init(words: [String]) {
        let listed = Set(
            words.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        )
        self.words = listed
        var phrases: [String: [(words: [String], listed: String)]] = [:]
        // Sorted, so that of two listed entries a prompt hits, the same one is named every time.
        for word in listed.sorted() {
            let normalised = ModerationText.words(of: word)
            guard let first = normalised.first else { continue }
            phrases[first, default: []].append((normalised, word))
        }
        self.phrases = phrases
    }

    /// Reads one word (or phrase) a line from a file.
    public init(contentsOf path: String) throws {
        self.init(words: try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: .newlines))
    }

    /// The first listed word or phrase the text contains as whole words, if any.
    public func firstHit(in text: String) -> String? {
        guard !phrases.isEmpty else { return nil }
        let tokens = ModerationText.words(of: text)
        var best: String?
        for (index, token) in tokens.enumerated() {
            guard let candidates = phrases[token] else { continue }
            for candidate in candidates where index + candidate.words.count <= tokens.count {
                if tokens[index..<(index + candidate.words.count)].elementsEqual(candidate.words) {
                    if best == nil || candidate.listed < best! { best = candidate.listed }
                }
            }
        }
        return best
    }

    /// Equal when the same words are listed.
    public static func == (lhs: ModerationList, rhs: ModerationList) -> Bool { lhs.words == rhs.words }
}

/// The normalisation moderation compares text under.
public enum ModerationText {
    /// The text's words after normalisation: compatibility forms folded (NFKC: fullwidth, ligatures),
    /// format characters (zero-width spaces and joiners, soft hyphens, bidi marks) removed, combining marks removed,
    /// common Cyrillic and Greek look-alikes folded to Latin letters, lowercased, then split at anything that is
    /// neither a letter nor a digit.
    public static func words(of text: String) -> [String] {
        var folded = String.UnicodeScalarView()
        // NFKD: compatibility forms folded and accents split off their letters, so both can be dropped or mapped below.
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .format, .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            if let latin = confusables[scalar] {
                folded.append(latin)
            } else {
                folded.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Letters of other scripts that read as a Latin letter, mapped to that letter in lower case.
    static let confusables: [Unicode.Scalar: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            // Cyrillic, lower and upper case.
            ("а", "a"), ("в", "b"), ("е", "e"), ("к", "k"), ("м", "m"),
            ("н", "h"), ("о", "o"), ("р", "p"), ("с", "c"), ("т", "t"), ("у", "y"), ("х", "x"),
            ("і", "i"), ("ј", "j"), ("ѕ", "s"), ("ԁ", "d"), ("ԛ", "q"), ("ԝ", "w"), ("һ", "h"), ("ɡ", "g"),
            ("А", "a"), ("В", "b"), ("Е", "e"), ("К", "k"), ("М", "m"), ("Н", "h"), ("О", "o"),
            ("Р", "p"), ("С", "c"), ("Т", "t"), ("У", "y"), ("Х", "x"), ("І", "i"), ("Ј", "j"), ("Ѕ", "s"),
            ("Ԛ", "q"), ("Ԝ", "w"), ("Һ", "h"),
            // Greek, lower and upper case.
            ("α", "a"), ("β", "b"), ("γ", "y"), ("ε", "e"), ("η", "n"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"),
            ("ρ", "p"), ("τ", "t"), ("υ", "u"), ("χ", "x"), ("ω", "w"), ("ϲ", "c"), ("ϳ", "j"),
            ("Α", "a"), ("Β", "b"), ("Ε", "e"), ("Ζ", "z"), ("Η", "h"), ("Ι", "i"), ("Κ", "k"), ("Μ", "m"), ("Ν", "n"),
            ("Ο", "o"), ("Ρ", "p"), ("Τ", "t"), ("Υ", "y"), ("Χ", "x"), ("Ϲ", "c"),
            // Latin letters of other shapes.
            ("ı", "i"), ("ȷ", "j"), ("ł", "l"), ("ø", "o"), ("đ", "d"), ("ħ", "h"),
        ]
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (from, to) in pairs { table[from.unicodeScalars.first!] = to.unicodeScalars.first! }
        return table
    }()
}
