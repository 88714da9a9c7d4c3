/// Plain-language colour names ("deep navy blue", "burnt orange") matched in OKLab.
enum ColorNaming {
    /// A named colour.
    struct Entry: Sendable {
        /// The name.
        let name: String
        /// OKLab coordinates.
        let lab: SIMD3<Float>
    }

    /// The named colours, each name carrying its family word where it has one.
    static let entries: [Entry] = {
        let table: [(String, Int, Int, Int)] = [
            ("crimson red", 180, 20, 45), ("deep red", 125, 15, 22), ("scarlet red", 228, 40, 30), ("brick red", 165, 60, 45),
            ("dark maroon red", 85, 20, 30), ("rosewood red", 140, 60, 62), ("coral red", 240, 110, 90),
            ("burnt orange", 200, 88, 24), ("bright orange", 255, 140, 20), ("amber orange", 255, 175, 45),
            ("peach orange", 250, 188, 140), ("terracotta orange", 200, 104, 72), ("rust orange", 160, 72, 32),
            ("soft apricot orange", 250, 205, 165), ("copper orange", 184, 104, 56), ("glowing tangerine orange", 255, 120, 50),
            ("chocolate brown", 78, 46, 28), ("warm brown", 128, 82, 48), ("tan brown", 190, 150, 104),
            ("dark umber brown", 52, 36, 26), ("sandy beige", 222, 198, 156), ("taupe brown", 130, 112, 96),
            ("golden yellow", 240, 190, 40), ("lemon yellow", 250, 240, 80), ("mustard yellow", 200, 168, 40),
            ("pale butter yellow", 250, 240, 180), ("ochre yellow", 196, 146, 44), ("warm gold yellow", 222, 172, 72),
            ("lime green", 150, 210, 50), ("emerald green", 20, 150, 82), ("forest green", 32, 82, 42),
            ("olive green", 110, 110, 42), ("muted sage green", 140, 160, 126), ("mint green", 160, 230, 190),
            ("deep green", 16, 50, 32), ("moss green", 90, 110, 52), ("pale green", 192, 222, 172), ("grass green", 80, 150, 60),
            ("deep teal", 10, 72, 78), ("teal", 0, 122, 122), ("turquoise", 50, 200, 190), ("aqua cyan", 110, 222, 232),
            ("deep navy blue", 16, 26, 70), ("midnight blue", 18, 24, 48), ("royal blue", 42, 72, 200),
            ("cobalt blue", 0, 72, 170), ("sky blue", 122, 180, 235), ("powder blue", 182, 206, 232),
            ("steel blue", 70, 110, 150), ("slate blue", 92, 102, 142), ("cerulean blue", 40, 140, 200),
            ("ice blue", 208, 226, 246), ("dusky blue", 62, 72, 112), ("electric blue", 40, 130, 255),
            ("deep indigo purple", 42, 22, 92), ("deep plum purple", 62, 24, 70), ("royal purple", 110, 50, 150),
            ("lavender purple", 182, 156, 222), ("lilac purple", 200, 162, 212), ("violet purple", 142, 70, 214),
            ("dusky mauve purple", 140, 100, 140), ("dark aubergine purple", 45, 20, 45), ("muted purple", 100, 80, 120),
            ("magenta", 210, 30, 160), ("fuchsia magenta", 245, 60, 190), ("orchid magenta", 200, 100, 200), ("plum magenta", 120, 40, 100),
            ("hot pink", 255, 80, 150), ("blush pink", 245, 190, 200), ("dusty rose pink", 200, 130, 140),
            ("salmon pink", 250, 150, 130), ("soft pink", 250, 200, 220), ("deep rose pink", 190, 60, 100),
            ("charcoal black", 30, 31, 34), ("jet black", 8, 8, 10), ("warm grey", 140, 132, 124), ("cool grey", 130, 138, 148),
            ("silver grey", 192, 196, 200), ("soft white", 240, 238, 232), ("ivory white", 250, 246, 228), ("slate grey", 80, 88, 96),
        ]
        return table.map { entry in
            Entry(name: entry.0, lab: ColorMath.oklab(Float(entry.1) / 255, Float(entry.2) / 255, Float(entry.3) / 255))
        }
    }()

    /// The name of the nearest named colour to an OKLab colour.
    static func name(lab: SIMD3<Float>) -> String {
        var best = entries[0]
        var bestDistance = Float.infinity
        for entry in entries {
            let d = lab - entry.lab
            // Lightness differences matter a little less than hue/chroma differences.
            let distance = d.x * d.x * 0.7 + d.y * d.y + d.z * d.z
            if distance < bestDistance {
                bestDistance = distance
                best = entry
            }
        }
        return best.name
    }

    /// The family word a colour name ends with ("deep plum purple" → "purple"), so names and families agree.
    static func family(named name: String) -> String? {
        guard let last = name.split(separator: " ").last.map(String.init) else { return nil }
        switch last {
        case "red", "orange", "brown", "yellow", "green", "teal", "blue", "purple", "magenta", "pink", "black", "white", "grey":
            return last
        case "turquoise", "cyan": return "teal"
        case "beige": return "brown"
        default: return nil
        }
    }

    /// The plain family word of an sRGB colour (0–1): "orange", "purple", "grey"...
    static func family(r: Float, g: Float, b: Float) -> String {
        let hsv = ColorMath.toHSV(SIMD4(r, g, b, 1))
        if hsv.v < 0.09 { return "black" }
        if hsv.s < 0.14 {
            if hsv.v > 0.82 { return "white" }
            return hsv.v < 0.3 ? "black" : "grey"
        }
        let family = HueFamily.of(hue: hsv.h)
        if (family == .orange || family == .red) && hsv.v < 0.5 && hsv.s > 0.3 && hsv.h > 12 { return "brown" }
        switch family {
        case .cyan: return "teal"
        default: return family.rawValue
        }
    }
}
