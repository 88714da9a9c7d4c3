import JourneymanImaging
/// stub
struct ImageAnalysis: Sendable {}
/// stub
enum ImageAnalyzer { static func analyze(_ image: RGBAImage) -> ImageAnalysis { ImageAnalysis() } }
