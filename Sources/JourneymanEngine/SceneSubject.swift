/// The kind of scene a prompt asks for.
enum SceneSubject: String, Codable, Sendable, CaseIterable {
    case landscape, seascape, city, forest, space, abstract, desert, synthwave
}
