/// A small object drawn over the layers (lighthouse, boat, figure, birds), with its bounding box.
struct SceneShape: Sendable {
    /// What the shape is.
    enum Kind: UInt8, Sendable {
        case lighthouse, boat, person, cat, dog, bust, bird, catHead, dogHead, castle, house, pagoda, palm
    }

    /// Shape kind.
    var kind: Kind
    /// Anchor x (scene units): centre of the base.
    var x: Float
    /// Anchor y: the ground line the shape stands on.
    var y: Float
    /// Overall height.
    var size: Float
    /// Drawn after this layer index (−1: before all layers).
    var afterLayer: Int
    /// Silhouette colour.
    var color: SIMD4<Float>
    /// Mirror horizontally.
    var flip: Bool
    /// Bounding box (scene units).
    var minX: Float, minY: Float, maxX: Float, maxY: Float
}
