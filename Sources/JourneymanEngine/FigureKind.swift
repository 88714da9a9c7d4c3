/// A living figure placed in the scene, if any.
enum FigureKind: String, Codable, Sendable {
    case none, person, cat, dog, bust, catPortrait, dogPortrait

    /// Whether the figure fills the frame as a portrait (head and shoulders).
    var isPortrait: Bool { self == .bust || self == .catPortrait || self == .dogPortrait }
}
