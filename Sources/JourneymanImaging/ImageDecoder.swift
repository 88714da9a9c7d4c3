/// Format sniffing and decoding of PNG or JPEG bytes with decompression-bomb protection.
public enum ImageDecoder {
    /// The format identified by the leading magic bytes, or nil if neither PNG nor JPEG.
    public static func format(of bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 8
            && bytes[0] == 0x89 && bytes[1] == 0x50 && bytes[2] == 0x4E && bytes[3] == 0x47
            && bytes[4] == 0x0D && bytes[5] == 0x0A && bytes[6] == 0x1A && bytes[7] == 0x0A
        {
            return .png
        }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
            return .jpeg
        }
        return nil
    }

    /// Sniffs and decodes PNG or JPEG, refusing headers over `maxPixels`; `fitWithin` shrinks large images while decoding.
    ///
    /// For JPEG, `fitWithin` picks a DCT scale (see `JPEG.decode`), so the long side may stay up to
    /// twice `maxDimension`; for PNG the decoded image is resampled so its long side is at most `maxDimension`.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = 64_000_000, fitWithin maxDimension: Int? = nil) throws -> DecodedImage {
        if bytes.isEmpty {
            throw ImagingError("empty image data")
        }
        switch format(of: bytes) {
        case .png:
            guard let size = PNG.headerSize(bytes) else {
                throw ImagingError("corrupt PNG: missing image header")
            }
            try ImagingError.checkSize(width: size.width, height: size.height, maxPixels: maxPixels)
            var image = try PNG.decode(bytes, maxPixels: maxPixels)
            if let maxDimension, maxDimension > 0 {
                image = image.fitting(within: maxDimension)
            }
            return DecodedImage(image: image, format: .png, originalWidth: size.width, originalHeight: size.height)
        case .jpeg:
            let decoded = try JPEG.decodeWithOriginalSize(bytes, maxPixels: maxPixels, fitWithin: maxDimension)
            return DecodedImage(image: decoded.image, format: .jpeg, originalWidth: decoded.width, originalHeight: decoded.height)
        case nil:
            throw ImagingError.unrecognizedFormat
        }
    }
}
