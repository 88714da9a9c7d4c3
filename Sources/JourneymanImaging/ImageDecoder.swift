/// Format sniffing and decoding of PNG or JPEG bytes with decompression-bomb protection.
public enum ImageDecoder {
    /// The most bytes one decode may hold at its peak unless told otherwise (about 40 megapixels decoded whole).
    public static let defaultMaxDecodeBytes = 160 * 1024 * 1024

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
    /// The header is read first, and an image whose decode would hold more than `maxDecodeBytes` at its peak is refused
    /// before any pixel is decoded. With `fitWithin`, JPEG picks a DCT scale (see `JPEG.decode`), so the long side may
    /// stay up to twice `maxDimension`; a non-interlaced PNG is read row by row and averaged down while it is read,
    /// then resampled so its long side is at most `maxDimension`: neither holds the full-size image.
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = 64_000_000, fitWithin maxDimension: Int? = nil,
        maxDecodeBytes: Int = defaultMaxDecodeBytes
    ) throws -> DecodedImage {
        if bytes.isEmpty {
            throw ImagingError("empty image data")
        }
        let header = try ImageHeader.read(bytes)
        try ImagingError.checkSize(width: header.width, height: header.height, maxPixels: maxPixels)
        let peak = header.decodeBytes(fitWithin: maxDimension)
        guard peak <= maxDecodeBytes else {
            throw ImagingError(
                "image is \(header.width)×\(header.height)\(header.isProgressive ? (header.format == .png ? " interlaced" : " progressive") : ""); decoding it would take \(megabytes(peak)) MB, more than the \(megabytes(maxDecodeBytes)) MB limit"
            )
        }
        var decoded: DecodedImage
        switch header.format {
        case .png:
            var image: RGBAImage
            let factor = header.reductionFactor(fitWithin: maxDimension)
            if factor > 1 && !header.isProgressive {
                image = try PNG.decode(bytes, maxPixels: maxPixels, reducedBy: factor)
            } else {
                image = try PNG.decode(bytes, maxPixels: maxPixels)
            }
            if let maxDimension, maxDimension > 0 {
                image = image.fitting(within: maxDimension)
            }
            decoded = DecodedImage(image: image, format: .png, originalWidth: header.width, originalHeight: header.height)
        case .jpeg:
            let result = try JPEG.decodeWithOriginalSize(bytes, maxPixels: maxPixels, fitWithin: maxDimension, maxMemory: maxDecodeBytes)
            decoded = DecodedImage(image: result.image, format: .jpeg, originalWidth: result.width, originalHeight: result.height)
        }
        decoded.estimatedPeakBytes = peak
        return decoded
    }

    /// Decodes like `decode`, first reserving the decode's estimated peak bytes from `budget`, so that decodes running
    /// at once never hold more than the budget between them (a decode waits for others to finish).
    public static func decode(
        _ bytes: [UInt8], maxPixels: Int = 64_000_000, fitWithin maxDimension: Int? = nil,
        maxDecodeBytes: Int = defaultMaxDecodeBytes, budget: MemoryBudget
    ) async throws -> DecodedImage {
        let header = try ImageHeader.read(bytes)
        try ImagingError.checkSize(width: header.width, height: header.height, maxPixels: maxPixels)
        let peak = min(header.decodeBytes(fitWithin: maxDimension), maxDecodeBytes)
        return try await budget.withReservation(peak) {
            try decode(bytes, maxPixels: maxPixels, fitWithin: maxDimension, maxDecodeBytes: maxDecodeBytes)
        }
    }

    private static func megabytes(_ bytes: Int) -> Int { (bytes + (1 << 20) - 1) >> 20 }
}
