/// The hue families the palette, `--no` and the describer agree on (HSV hue bands in degrees).
enum HueFamily: String, Codable, Sendable, CaseIterable {
    case red, orange, yellow, green, cyan, blue, purple, magenta, pink, brown

    /// The centre and half-width of the family's hue band.
    var band: (center: Float, halfWidth: Float) {
        switch self {
        case .red: return (0, 15)
        case .orange: return (28.5, 13.5)
        case .yellow: return (56, 14)
        case .green: return (115, 45)
        case .cyan: return (180, 20)
        case .blue: return (225, 25)
        case .purple: return (270, 20)
        case .magenta: return (305, 15)
        case .pink: return (332.5, 12.5)
        case .brown: return (25, 20)
        }
    }

    /// The family a hue (degrees) falls into, ignoring brown.
    static func of(hue: Float) -> HueFamily {
        let h = hue < 0 ? hue + 360 : hue
        switch h {
        case 15..<42: return .orange
        case 42..<70: return .yellow
        case 70..<160: return .green
        case 160..<200: return .cyan
        case 200..<250: return .blue
        case 250..<290: return .purple
        case 290..<320: return .magenta
        case 320..<345: return .pink
        default: return .red
        }
    }

    /// Angular distance (degrees) from `hue` to this family's band; 0 inside it.
    func distance(toHue hue: Float) -> Float {
        let (center, halfWidth) = band
        var d = abs(hue - center).truncatingRemainder(dividingBy: 360)
        if d > 180 { d = 360 - d }
        return max(0, d - halfWidth)
    }

    /// Whether a colour (HSV) belongs to this family, for exclusion and measurement.
    func contains(h: Float, s: Float, v: Float) -> Bool {
        if self == .brown {
            return HueFamily.brown.distance(toHue: h) == 0 && s > 0.25 && v < 0.6 && v > 0.08
        }
        return distance(toHue: h) == 0 && s > 0.12
    }
}
