/// A decoded image together with its source format and stored size.
public struct DecodedImage: Sendable, Equatable {
    /// The decoded pixels (possibly scaled down when decoding with `fitWithin`).
    public var image: RGBAImage
    /// The format the bytes were in.
    public var format: ImageFormat
    /// Width of the image as stored in the file, before any scaling.
    public var originalWidth: Int
    /// Height of the image as stored in the file, before any scaling.
    public var originalHeight: Int
    /// An upper estimate of the bytes the decode held at its peak (0 when not known).
    public var estimatedPeakBytes: Int = 0

    /// Creates a decoded-image record.
    public init(image: RGBAImage, format: ImageFormat, originalWidth: Int, originalHeight: Int) {
        self.image = image
        self.format = format
        self.originalWidth = originalWidth
        self.originalHeight = originalHeight
    }
}
