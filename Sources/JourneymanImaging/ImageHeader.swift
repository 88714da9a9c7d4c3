/// What an image's header says, read without decoding a pixel: enough to refuse an image, or to choose how to decode
/// it, before any memory is spent on it.
public struct ImageHeader: Sendable, Equatable {
    /// The file's format.
    public var format: ImageFormat
    /// Stored width.
    public var width: Int
    /// Stored height.
    public var height: Int
    /// A progressive JPEG, or an interlaced (Adam7) PNG: both need the whole image in memory while decoding.
    public var isProgressive: Bool
    /// For JPEG, the bytes of DCT coefficients a progressive decode holds at once (0 otherwise).
    public var coefficientBytes: Int

    /// Creates a header record.
    public init(format: ImageFormat, width: Int, height: Int, isProgressive: Bool = false, coefficientBytes: Int = 0) {
        self.format = format
        self.width = width
        self.height = height
        self.isProgressive = isProgressive
        self.coefficientBytes = coefficientBytes
    }

    /// Reads the header of PNG or JPEG bytes; throws for anything else or a header that is cut short.
    public static func read(_ bytes: [UInt8]) throws(ImagingError) -> ImageHeader {
        switch ImageDecoder.format(of: bytes) {
        case .png: return try png(bytes)
        case .jpeg: return try jpeg(bytes)
        case nil: throw bytes.isEmpty ? ImagingError("empty image data") : ImagingError.unrecognizedFormat
        }
    }

    /// The IHDR chunk of a PNG: width, height and interlace method.
    static func png(_ bytes: [UInt8]) throws(ImagingError) -> ImageHeader {
        guard bytes.count >= 29, bytes[12] == 0x49, bytes[13] == 0x48, bytes[14] == 0x44, bytes[15] == 0x52 else {
            throw ImagingError("corrupt PNG: missing image header")
        }
        let width = bigEndian32(bytes, 16)
        let height = bigEndian32(bytes, 20)
        guard width > 0, height > 0 else { throw ImagingError("corrupt PNG: image has no pixels") }
        return ImageHeader(format: .png, width: width, height: height, isProgressive: bytes[28] != 0)
    }

    /// The start-of-frame segment of a JPEG: size, progressive or not, and its components' sampling.
    static func jpeg(_ bytes: [UInt8]) throws(ImagingError) -> ImageHeader {
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { throw ImagingError("corrupt JPEG: bad marker") }
            let marker = bytes[offset + 1]
            if marker == 0xFF {
                offset += 1  // fill byte
                continue
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2  // markers without a length
                continue
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { throw ImagingError("corrupt JPEG: truncated header") }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame {
                let segment = offset + 4
                guard length >= 8 else { throw ImagingError("corrupt JPEG: truncated frame header") }
                let height = Int(bytes[segment + 1]) << 8 | Int(bytes[segment + 2])
                let width = Int(bytes[segment + 3]) << 8 | Int(bytes[segment + 4])
                let count = Int(bytes[segment + 5])
                guard width > 0, height > 0, count > 0, length >= 8 + 3 * count else {
                    throw ImagingError("corrupt JPEG: image has no pixels")
                }
                var sampling: [(h: Int, v: Int)] = []
                for component in 0..<count {
                    let factors = bytes[segment + 6 + 3 * component + 1]
                    sampling.append((max(1, Int(factors >> 4)), max(1, Int(factors & 0x0F))))
                }
                let progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
                let maxH = sampling.map(\.h).max() ?? 1
                let maxV = sampling.map(\.v).max() ?? 1
                // Each component's 8×8 blocks, padded to whole MCUs, at 64 two-byte coefficients a block.
                let mcuColumns = (width + 8 * maxH - 1) / (8 * maxH)
                let mcuRows = (height + 8 * maxV - 1) / (8 * maxV)
                let blocks = sampling.reduce(0) { $0 + mcuColumns * $1.h * mcuRows * $1.v }
                return ImageHeader(
                    format: .jpeg, width: width, height: height, isProgressive: progressive,
                    coefficientBytes: progressive ? blocks * 128 : 0
                )
            }
            if marker == 0xDA || marker == 0xD9 { break }  // scan data before any frame header
            offset += 2 + length
        }
        throw ImagingError("corrupt JPEG: no frame header")
    }

    private static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }

    /// The PNG row-reduction factor a decode fitting within `maxDimension` uses: the largest that keeps the long side
    /// at least `maxDimension` (1 when the image is no larger).
    public func reductionFactor(fitWithin maxDimension: Int?) -> Int {
        guard let maxDimension, maxDimension > 0 else { return 1 }
        return max(1, max(width, height) / maxDimension)
    }

    /// An upper estimate of the bytes a decode holds at its peak, fitting within `maxDimension` if given.
    public func decodeBytes(fitWithin maxDimension: Int?) -> Int {
        let full = width.multipliedReportingOverflow(by: height)
        guard !full.overflow, full.partialValue <= Int.max / 16 else { return Int.max }
        let fitted = maxDimension.map { min($0, max(width, height)) } ?? max(width, height)
        let final = fitted * fitted * 4
        switch format {
        case .png:
            guard let maxDimension, maxDimension > 0, !isProgressive else { return full.partialValue * 4 + final }
            let factor = reductionFactor(fitWithin: maxDimension)
            let reduced = ((width + factor - 1) / factor) * ((height + factor - 1) / factor) * 4
            // One source row (and libpng's own two), the reduced image, its sums, and the fitted copy.
            return width * 4 * 3 + reduced + (width / factor + 1) * 32 + final
        case .jpeg:
            let denominator = maxDimension.map { JPEG.scaleDenominator(width: width, height: height, fitWithin: $0) } ?? 1
            let scaled = ((width + denominator - 1) / denominator) * ((height + denominator - 1) / denominator) * 4
            // Scaled pixels, the coefficients a progressive decode keeps, a band of rows in the decoder, the fitted copy.
            return scaled + coefficientBytes + width * 4 * 16 + final
        }
    }
}
