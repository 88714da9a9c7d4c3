/// One element of a geometric abstract composition.
struct AbstractShape: Sendable {
    /// 0 disc, 1 half disc, 2 bar, 3 ring, 4 striped square.
    var kind: Int
    /// Centre.
    var x: Float, y: Float
    /// Radius or half size.
    var size: Float
    /// Fill colour.
    var color: SIMD4<Float>
    /// Orientation (0–3) for half discs.
    var orientation: Int
}
