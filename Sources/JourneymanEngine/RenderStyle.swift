/// The medium a scene is rendered in.
enum RenderStyle: String, Codable, Sendable {
    case painterly, photo, watercolor, oil, pixel, sketch, minimal, illustration
}
