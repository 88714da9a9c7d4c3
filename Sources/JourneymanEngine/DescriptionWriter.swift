import JourneymanCore

/// Turns an `ImageAnalysis` into four Midjourney-style descriptions with different emphasis:
/// a scene, an art style, colour and light, and a terse keyword list.
struct DescriptionWriter: Sendable {
    /// The measurements.
    let analysis: ImageAnalysis
    /// The original image size (for orientation and `--ar`).
    let width: Int
    let height: Int

    /// The four descriptions, each ending in ` --ar W:H`.
    func descriptions() -> [String] {
        let ar = " --ar \(AspectRatio.reduced(width: width, height: height))"
        return [scene() + ar, artStyle() + ar, colorAndLight() + ar, keywords() + ar]
    }

    // MARK: - Vocabulary

    private var colors: [ImageAnalysis.Swatch] { analysis.swatches }

    private func colorName(_ index: Int) -> String {
        index < colors.count ? colors[index].name : (index == 0 ? "neutral grey" : "soft grey")
    }

    /// Distinct colourful family words, most prominent first ("orange", "purple").
    private var families: [String] {
        var seen: [String] = analysis.hueFamilies.prefix(4).map(\.family)
        if seen.count >= 2 { return seen }
        for swatch in colors where !seen.contains(swatch.family) {
            if ["grey", "black", "white"].contains(swatch.family) && swatch.share < 0.3 { continue }
            seen.append(swatch.family)
        }
        return seen
    }

    private var orientation: String {
        if abs(width - height) * 20 <= max(width, height) { return "square" }
        return width > height ? "landscape" : "portrait"
    }

    private var lightWord: String {
        let a = analysis
        if a.meanLuma < 0.28 && a.highLuma > 0.6 { return "low-key" }
        if a.meanLuma < 0.22 { return "dim" }
        if a.meanLuma > 0.68 && a.contrast < 0.18 { return "high-key" }
        if a.meanLuma > 0.58 { return "bright" }
        return a.contrast > 0.24 ? "high-contrast" : "softly lit"
    }

    private var contrastPhrase: String {
        if analysis.contrast > 0.27 { return "high contrast" }
        if analysis.contrast < 0.12 { return "low contrast" }
        return "balanced contrast"
    }

    private var temperature: String {
        if analysis.warmth > 0.08 { return "warm" }
        if analysis.warmth < -0.08 { return "cool" }
        return "neutral"
    }

    private var textureWord: String {
        let a = analysis
        if a.fineDetail > 0.09 && a.fineDetail > a.structure * 1.6 { return "grainy" }
        if a.structure > 0.05 || a.fineDetail > 0.07 { return "intricately detailed" }
        if a.structure < 0.015 && a.fineDetail < 0.025 { return "smooth" }
        return "finely textured"
    }

    private var compositionPhrases: [String] {
        var phrases: [String] = []
        let a = analysis
        let centred = abs(a.focusX - 0.5) < 0.1 && abs(a.focusY - 0.5) < 0.16 && a.focusSpread < 0.3
        if centred { phrases.append("centred subject") }
        if let horizon = a.horizon {
            if abs(horizon - 1.0 / 3) < 0.07 || abs(horizon - 2.0 / 3) < 0.07 {
                phrases.append("horizon on the rule of thirds")
            } else if horizon < 0.45 {
                phrases.append("high horizon line")
            } else if horizon > 0.55 {
                phrases.append("low horizon line")
            } else {
                phrases.append("horizon line across the middle")
            }
        }
        if a.symmetry > 0.8 { phrases.append("symmetrical composition") }
        if !centred {
            let thirdsX = abs(a.focusX - 1.0 / 3) < 0.08 || abs(a.focusX - 2.0 / 3) < 0.08
            if thirdsX {
                phrases.append("rule-of-thirds composition")
            } else if a.focusSpread > 0.33 {
                phrases.append("open, balanced composition")
            }
        }
        if phrases.isEmpty { phrases.append(orientation == "portrait" ? "vertical composition" : "wide composition") }
        return phrases
    }

    /// A guess at what the picture shows, from layout and light.
    private var subjectPhrase: String {
        let a = analysis
        let night = a.meanLuma < 0.25
        let fam = families
        let warmGlow = fam.prefix(3).contains { ["orange", "yellow", "pink", "red", "magenta"].contains($0) }
        if a.reflection && a.horizon != nil {
            if night { return "a nocturnal waterscape with lights mirrored in still water" }
            return warmGlow
                ? "a tranquil waterscape at golden dusk, the sky mirrored in the water"
                : "a calm waterscape with the sky reflected in the water"
        }
        if a.sparkle > 0.01 && night { return "a night scene scattered with points of light" }
        if a.horizon != nil && a.backlit {
            return warmGlow ? "silhouetted land against a glowing sky" : "dark silhouettes against a pale sky"
        }
        if a.horizon != nil && a.openSky {
            if fam.first == "green" || fam.contains("green") { return "a wide green landscape under an open sky" }
            return "a wide landscape beneath an open sky"
        }
        if abs(a.focusX - 0.5) < 0.1 && a.focusSpread < 0.28 {
            return orientation == "portrait"
                ? "a portrait-like central figure against a quiet background"
                : "a single central subject against a quiet background"
        }
        if a.structure > 0.05 { return "a busy, richly detailed scene" }
        if a.saturation > 0.45 { return "a bold abstract composition of colour fields" }
        return "an atmospheric, minimal scene"
    }

    private func article(_ phrase: String) -> String {
        guard let first = phrase.first else { return phrase }
        return ["a", "e", "i", "o", "u"].contains(first) ? "an \(phrase)" : "a \(phrase)"
    }

    private var familyList: String {
        let f = Array(families.prefix(3))
        switch f.count {
        case 0: return "muted"
        case 1: return f[0]
        case 2: return "\(f[0]) and \(f[1])"
        default: return "\(f[0]), \(f[1]) and \(f[2])"
        }
    }

    // MARK: - The four descriptions

    private func scene() -> String {
        var parts = [subjectPhrase]
        parts.append("\(colorName(0)) and \(colorName(1)) tones")
        parts.append("\(lightWord) \(temperature) light")
        parts.append(compositionPhrases[0])
        parts.append("\(textureWord) \(orientation) view")
        return parts.joined(separator: ", ")
    }

    private func artStyle() -> String {
        let a = analysis
        let medium: String
        if a.fineDetail > 0.09 && a.fineDetail > a.structure * 1.6 {
            medium = "grainy film photograph"
        } else if a.structure < 0.02 && a.saturation > 0.4 {
            medium = "flat vector illustration"
        } else if a.saturation < 0.08 {
            medium = "monochrome study"
        } else if a.structure < 0.035 {
            medium = "soft digital painting"
        } else {
            medium = "detailed matte painting"
        }
        var extras: [String] = []
        if a.horizon != nil && !a.backlit { extras.append("atmospheric perspective") }
        if a.backlit { extras.append("dramatic backlighting") }
        if a.sparkle > 0.01 { extras.append("glowing highlights") }
        if a.contrast < 0.12 { extras.append("minimalist") }
        if extras.isEmpty { extras.append("cinematic lighting") }
        return "\(article(medium)) in \(colorName(0)), \(colorName(1)) and \(colorName(2)), "
            + "\(extras.joined(separator: ", ")), \(compositionPhrases.joined(separator: ", ")), \(temperature) \(familyList) palette"
    }

    private func colorAndLight() -> String {
        let names = (0..<min(4, max(colors.count, 2))).map(colorName)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names[0]
        return "\(familyList) colour study, \(lightWord) \(temperature) lighting, \(list), \(contrastPhrase), "
            + "\(textureWord) surfaces"
    }

    private func keywords() -> String {
        var words = Array(analysis.hueFamilies.prefix(5).map(\.family))
        for family in families where !words.contains(family) { words.append(family) }
        words.append(lightWord)
        words.append(contentsOf: compositionPhrases.map { $0.replacingOccurrences(of: " composition", with: "") })
        words.append(textureWord)
        words.append(orientation)
        if analysis.reflection { words.append("reflections") }
        if analysis.sparkle > 0.01 { words.append("lights") }
        return words.joined(separator: ", ")
    }
}
