/// A living figure placed in the scene, if any.
enum FigureKind: String, Codable, Sendable {
    case none, person, cat, dog, bust
}
