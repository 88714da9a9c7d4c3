/// The lighting situation of a scene.
enum TimeOfDay: String, Codable, Sendable, CaseIterable {
    case day, golden, sunset, dusk, night, dawn, overcast

    /// Whether the sky is dark enough for stars and lit windows.
    var isDark: Bool { self == .night || self == .dusk }
}
