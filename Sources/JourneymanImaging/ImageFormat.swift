/// The encoded image formats Journeyman reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    /// Portable Network Graphics.
    case png
    /// JPEG (JFIF/EXIF).
    case jpeg

    /// The MIME type for this format, e.g. "image/png".
    public var mimeType: String {
        switch self {
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        }
    }

    /// The usual file extension without the dot, e.g. "png".
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        }
    }
}
