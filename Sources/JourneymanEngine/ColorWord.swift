/// A colour word of the prompt vocabulary and the HSV colour it stands for.
struct ColorWord: Sendable {
    /// The word as written.
    let word: String
    /// Hue in degrees.
    let hue: Float
    /// HSV saturation.
    let saturation: Float
    /// HSV value.
    let value: Float
    /// The family it belongs to, or nil for neutrals (white, black, grey...).
    let family: HueFamily?

    /// The colour as RGBA floats.
    var color: SIMD4<Float> { ColorMath.hsv(hue, saturation, value) }

    /// Every colour word the engine understands.
    static let all: [String: ColorWord] = {
        let table: [(String, Float, Float, Float, HueFamily?)] = [
            ("red", 2, 0.85, 0.88, .red), ("crimson", 350, 0.85, 0.75, .red), ("scarlet", 5, 0.9, 0.92, .red),
            ("ruby", 352, 0.8, 0.7, .red), ("maroon", 352, 0.8, 0.42, .red), ("burgundy", 348, 0.75, 0.42, .red),
            ("cherry", 355, 0.85, 0.8, .red), ("vermilion", 8, 0.9, 0.9, .red), ("blood", 0, 0.9, 0.55, .red),
            ("orange", 27, 0.9, 0.97, .orange), ("tangerine", 24, 0.9, 0.98, .orange), ("amber", 36, 0.9, 0.97, .orange),
            ("peach", 24, 0.45, 1.0, .orange), ("rust", 20, 0.8, 0.62, .orange), ("copper", 24, 0.72, 0.74, .orange),
            ("terracotta", 17, 0.65, 0.78, .orange), ("apricot", 28, 0.55, 0.98, .orange), ("coral", 14, 0.62, 0.97, .red),
            ("gold", 45, 0.8, 0.96, .yellow), ("golden", 42, 0.78, 0.97, .yellow), ("yellow", 54, 0.85, 0.98, .yellow),
            ("lemon", 57, 0.8, 1.0, .yellow), ("mustard", 47, 0.8, 0.8, .yellow), ("honey", 40, 0.75, 0.92, .yellow),
            ("saffron", 43, 0.9, 0.96, .yellow), ("ochre", 40, 0.8, 0.75, .yellow),
            ("lime", 88, 0.8, 0.88, .green), ("green", 130, 0.65, 0.7, .green), ("emerald", 145, 0.78, 0.68, .green),
            ("jade", 152, 0.55, 0.66, .green), ("mint", 150, 0.38, 0.92, .green), ("olive", 68, 0.62, 0.52, .green),
            ("sage", 95, 0.28, 0.66, .green), ("moss", 78, 0.58, 0.52, .green), ("verdant", 120, 0.7, 0.65, .green),
            ("chartreuse", 80, 0.85, 0.9, .green),
            ("teal", 180, 0.78, 0.62, .cyan), ("turquoise", 174, 0.72, 0.86, .cyan), ("cyan", 186, 0.85, 0.96, .cyan),
            ("aqua", 178, 0.62, 0.96, .cyan), ("aquamarine", 165, 0.5, 0.92, .cyan),
            ("blue", 218, 0.8, 0.88, .blue), ("azure", 208, 0.72, 0.96, .blue), ("cobalt", 222, 0.85, 0.72, .blue),
            ("navy", 226, 0.8, 0.38, .blue), ("sapphire", 222, 0.85, 0.68, .blue), ("cerulean", 202, 0.78, 0.86, .blue),
            ("ultramarine", 232, 0.85, 0.8, .blue), ("denim", 215, 0.55, 0.68, .blue),
            ("indigo", 252, 0.75, 0.52, .purple), ("purple", 276, 0.68, 0.72, .purple), ("violet", 268, 0.62, 0.86, .purple),
            ("lavender", 264, 0.32, 0.94, .purple), ("lilac", 278, 0.32, 0.88, .purple), ("amethyst", 274, 0.56, 0.72, .purple),
            ("mauve", 286, 0.32, 0.72, .purple), ("plum", 292, 0.5, 0.52, .magenta), ("purplish", 276, 0.6, 0.7, .purple),
            ("magenta", 305, 0.85, 0.88, .magenta), ("fuchsia", 310, 0.85, 0.96, .magenta),
            ("pink", 335, 0.45, 1.0, .pink), ("rose", 340, 0.55, 0.92, .pink), ("blush", 346, 0.3, 1.0, .pink),
            ("salmon", 8, 0.5, 0.98, .red), ("pinkish", 335, 0.45, 0.95, .pink),
            ("brown", 26, 0.62, 0.42, .brown), ("chocolate", 22, 0.7, 0.35, .brown), ("tan", 32, 0.42, 0.8, .orange),
            ("beige", 38, 0.22, 0.92, .orange), ("sepia", 30, 0.5, 0.55, .brown), ("umber", 28, 0.65, 0.38, .brown),
            ("bronze", 32, 0.72, 0.7, .orange),
            ("white", 40, 0.03, 0.97, nil), ("black", 230, 0.25, 0.06, nil), ("grey", 220, 0.06, 0.55, nil),
            ("gray", 220, 0.06, 0.55, nil), ("silver", 215, 0.06, 0.8, nil), ("charcoal", 225, 0.15, 0.22, nil),
            ("ivory", 48, 0.08, 0.98, nil), ("cream", 42, 0.14, 0.98, nil),
        ]
        var words: [String: ColorWord] = [:]
        for (word, hue, s, v, family) in table {
            words[word] = ColorWord(word: word, hue: hue, saturation: s, value: v, family: family)
        }
        return words
    }()

    /// The hue family named by a word (`red`, `reds`, `reddish`, a colour word), if any.
    static func family(named word: String) -> HueFamily? {
        if let family = HueFamily(rawValue: word) { return family }
        if let entry = all[word] { return entry.family }
        if word.hasSuffix("s"), let entry = all[String(word.dropLast())] { return entry.family }
        if word.hasSuffix("ish"), let entry = all[String(word.dropLast(3))] { return entry.family }
        if word == "violet" || word == "violets" { return .purple }
        return nil
    }
}
