/// One depth layer of a scene: a silhouette whose top edge is stored per pixel column.
struct SceneLayer: Sendable {
    /// How the layer is shaded.
    enum Kind: UInt8, Sendable {
        case ridge, hills, trees, buildings, dunes, cliff, ground, water, grid, shore
    }

    /// Shading kind.
    var kind: Kind
    /// Base colour (already mixed with haze for its distance).
    var color: SIMD4<Float>
    /// 0 far – 1 near.
    var depth: Float
    /// How much the layer's lower part dissolves into mist.
    var mist: Float
    /// Whether peaks carry snow.
    var snow: Bool
    /// Noise seed for textures.
    var seed: UInt32
    /// Start of this layer's columns in the shared profile buffers.
    var offset: Int
}
