/// A failure to decode, encode or process an image, with a user-facing message.
public struct ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, phrased for the person who supplied the image.
    public var message: String

    /// Creates an error with the given user-facing message.
    public init(message: String) {
        self.message = message
    }

    /// Creates an error with the given user-facing message.
    public init(_ message: String) {
        self.message = message
    }

    /// The user-facing message.
    public var description: String {
        message
    }

    /// The error for bytes that are neither PNG nor JPEG.
    static let unrecognizedFormat = ImagingError("not a PNG or JPEG image")

    /// The error for an image whose header claims more pixels than allowed.
    static func tooLarge(width: Int, height: Int, maxPixels: Int) -> ImagingError {
        ImagingError("image is \(width)×\(height), larger than the \(megapixels(maxPixels)) limit")
    }

    /// Formats a pixel budget as "64-megapixel" (or a plain pixel count for small budgets).
    private static func megapixels(_ pixels: Int) -> String {
        if pixels >= 1_000_000 && pixels % 1_000_000 == 0 {
            return "\(pixels / 1_000_000)-megapixel"
        }
        if pixels >= 1_000_000 {
            let tenths = (pixels + 50_000) / 100_000
            return "\(tenths / 10).\(tenths % 10)-megapixel"
        }
        return "\(pixels)-pixel"
    }

    /// Throws `tooLarge` unless `width × height` fits in `maxPixels`.
    static func checkSize(width: Int, height: Int, maxPixels: Int) throws(ImagingError) {
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || product > maxPixels {
            throw tooLarge(width: width, height: height, maxPixels: maxPixels)
        }
    }

    /// Converts a NUL-terminated C error buffer into a Swift string.
    static func string(fromCBuffer buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty ? "unknown error" : text
    }
}
