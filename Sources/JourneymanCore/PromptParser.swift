import Foundation

/// Splits a Midjourney-style prompt into image URLs, words and `--parameters`, refusing what Midjourney would.
public enum PromptParser {
    /// Longest prompt accepted, in Unicode scalars (see `PromptText`).
    public static let maxLength = 6000
    /// Most image prompts at the start of a prompt.
    public static let maxImagePrompts = 5

    /// Parses `prompt`; throws a `bad_request` naming the offending parameter.
    public static func parse(_ prompt: String) throws(ServiceError) -> ParsedPrompt {
        // Counted in scalars and bytes, not grapheme clusters; a prompt of only invisible characters is refused.
        try PromptText.check(prompt)
        // Both "--name" and the long-dash "—name" forms (as phones and word processors turn "--" into "—").
        let normalised = prompt.replacingOccurrences(of: "\u{2014}", with: "--")
        var tokens = normalised.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
        // A word made only of invisible characters (zero-width spaces, joiners, soft hyphens) is no word.
        tokens.removeAll { !PromptText.hasVisibleContent($0) }

        var imageURLs: [String] = []
        while let first = tokens.first, isURL(first) {
            imageURLs.append(first)
            tokens.removeFirst()
        }
        guard imageURLs.count <= maxImagePrompts else {
            throw ServiceError.badRequest(
                "the prompt starts with \(imageURLs.count) image URLs; at most \(maxImagePrompts) image prompts are allowed")
        }

        let firstParameter = tokens.firstIndex { $0.hasPrefix("--") } ?? tokens.endIndex
        let text = tokens[..<firstParameter].joined(separator: " ")
        var parsed = ParsedPrompt(text: text, imageURLs: imageURLs)

        var index = firstParameter
        while index < tokens.endIndex {
            let rawName = String(tokens[index].dropFirst(2)).lowercased()
            var valueTokens: [String] = []
            index += 1
            while index < tokens.endIndex, !tokens[index].hasPrefix("--") {
                valueTokens.append(tokens[index])
                index += 1
            }
            try apply(name: rawName, value: valueTokens.joined(separator: " "), to: &parsed)
        }
        return parsed
    }

    private static func isURL(_ token: String) -> Bool {
        let lowered = token.lowercased()
        return (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && token.count > 8
    }

    /// Canonical names of every accepted parameter, by each spelling.
    private static let canonicalNames: [String: String] = [
        "ar": "ar", "aspect": "ar", "chaos": "chaos", "c": "chaos", "no": "no", "q": "quality", "quality": "quality",
        "seed": "seed", "stop": "stop", "style": "style", "stylize": "stylize", "s": "stylize", "tile": "tile",
        "v": "version", "version": "version", "niji": "niji", "weird": "weird", "w": "weird", "iw": "iw",
        "sref": "sref", "sw": "sw", "sv": "sv", "cref": "cref", "cw": "cw", "oref": "oref", "ow": "ow",
        "repeat": "repeat", "r": "repeat", "p": "profile", "profile": "profile", "raw": "raw", "draft": "draft",
        "hd": "hd", "exp": "exp", "video": "video", "relax": "relax", "fast": "fast", "turbo": "turbo",
    ]

    /// Parameters that take no value.
    private static let flags: Set<String> = ["tile", "raw", "draft", "hd", "video", "relax", "fast", "turbo"]
    /// Parameters whose value may be left out.
    private static let optionalValue: Set<String> = ["niji", "profile"]
    /// Numeric parameters kept as written, with the range Midjourney accepts.
    private static let numericRanges: [String: ClosedRange<Double>] = [
        "quality": 0.25...4, "stop": 10...100, "weird": 0...3000, "iw": 0...3, "sw": 0...1000, "cw": 0...100,
        "ow": 1...1000, "repeat": 1...40, "exp": 0...100, "version": 1...8.1, "niji": 4...7,
    ]

    private static func apply(name rawName: String, value: String, to parsed: inout ParsedPrompt) throws(ServiceError) {
        guard let name = canonicalNames[rawName] else {
            let shown = rawName.isEmpty ? "--" : "--\(rawName)"
            throw ServiceError.badRequest("'\(shown.prefix(40))' in the prompt is not a Midjourney parameter")
        }
        let shown = "--\(rawName)"
        if flags.contains(name) {
            guard value.isEmpty else { throw ServiceError.badRequest("'\(shown)' takes no value, but '\(value.prefix(40))' follows it") }
            parsed.otherParameters.append(PromptParameter(name: name, value: ""))
            return
        }
        if value.isEmpty && !optionalValue.contains(name) {
            throw ServiceError.badRequest("'\(shown)' needs a value")
        }
        switch name {
        case "ar":
            parsed.aspect = try aspectRatio(value, shown: shown)
        case "seed":
            guard let seed = UInt32(value) else {
                throw ServiceError.badRequest(
                    "'\(shown) \(value.prefix(40))' is out of range: the seed is a whole number from 0 to 4294967295")
            }
            parsed.seed = seed
        case "chaos":
            parsed.chaos = try wholeNumber(value, in: 0...100, shown: shown)
        case "stylize":
            parsed.stylize = try wholeNumber(value, in: 0...1000, shown: shown)
        case "no":
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            guard !items.isEmpty else { throw ServiceError.badRequest("'\(shown)' needs the words to leave out") }
            parsed.exclusions.append(contentsOf: items)
        default:
            if let range = numericRanges[name], !value.isEmpty {
                guard let number = Double(value), number.isFinite, range.contains(number) else {
                    throw ServiceError.badRequest(
                        "'\(shown) \(value.prefix(40))' is out of range: it takes a number from \(format(range.lowerBound)) to \(format(range.upperBound))"
                    )
                }
            }
            parsed.otherParameters.append(PromptParameter(name: name, value: value))
        }
    }

    private static func aspectRatio(_ value: String, shown: String) throws(ServiceError) -> AspectRatio {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), (1...64).contains(width), (1...64).contains(height)
        else {
            throw ServiceError.badRequest("'\(shown) \(value.prefix(40))' is not an aspect ratio W:H with whole terms from 1 to 64")
        }
        let ratio = Double(width) / Double(height)
        guard ratio >= 0.25 - 1e-9, ratio <= 4 + 1e-9 else {
            throw ServiceError.badRequest("'\(shown) \(value)' is out of range: the aspect ratio must lie between 1:4 and 4:1")
        }
        return AspectRatio(width: width, height: height)
    }

    private static func wholeNumber(_ value: String, in range: ClosedRange<Int>, shown: String) throws(ServiceError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw ServiceError.badRequest(
                "'\(shown) \(value.prefix(40))' is out of range: it takes a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
