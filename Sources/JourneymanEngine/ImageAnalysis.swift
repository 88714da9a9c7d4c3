/// What the describer measured in an image's pixels.
struct ImageAnalysis: Sendable {
    /// A dominant colour: its name, family word and share of the picture.
    struct Swatch: Sendable {
        /// Descriptive name ("burnt orange").
        var name: String
        /// Family word ("orange").
        var family: String
        /// Fraction of the image (0–1).
        var share: Float
        /// OKLab chroma.
        var chroma: Float
        /// OKLab lightness.
        var lightness: Float
    }

    /// Dominant colours, most prominent first.
    var swatches: [Swatch]
    /// Colourful hue families (the palette's HSV bands) covering at least 4% of the picture, largest first.
    var hueFamilies: [(family: String, share: Float)]
    /// Mean luma (0–1).
    var meanLuma: Float
    /// Luma standard deviation.
    var contrast: Float
    /// 5th and 95th luma percentiles.
    var lowLuma: Float, highLuma: Float
    /// Mean warmth (red minus blue, −1…1).
    var warmth: Float
    /// Mean saturation.
    var saturation: Float
    /// Height of a strong horizontal division (0 top – 1 bottom), if any.
    var horizon: Float?
    /// Centroid of visual interest (0–1 each).
    var focusX: Float, focusY: Float
    /// How concentrated the interest is (small = one compact subject).
    var focusSpread: Float
    /// Mirror similarity of left and right halves (0–1).
    var symmetry: Float
    /// Fine-scale (pixel) detail energy.
    var fineDetail: Float
    /// Mid-scale detail energy.
    var structure: Float
    /// Fraction of small, bright points on a dark ground (stars, city lights).
    var sparkle: Float
    /// Whether the bottom of the picture mirrors the top (water reflections).
    var reflection: Bool
    /// Whether the top band is smooth and open (sky).
    var openSky: Bool
    /// Whether the lower part is much darker than the upper (silhouettes against light).
    var backlit: Bool
}
