import CJPEG

/// JPEG encoding and decoding through libjpeg(-turbo).
public enum JPEG {
    /// Encodes an image as a baseline JPEG at `quality` (1-100); transparent pixels are composited over white.
    public static func encode(_ image: RGBAImage, quality: Int = 90) throws -> [UInt8] {
        var errorBuffer = [CChar](repeating: 0, count: Int(CJPEG_ERROR_LENGTH))
        var output: UnsafeMutablePointer<UInt8>?
        var outputLength = 0
        let clampedQuality = Int32(min(100, max(1, quality)))
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            errorBuffer.withUnsafeMutableBufferPointer { error in
                cjpeg_encode_rgba(
                    pixels.baseAddress, UInt32(image.width), UInt32(image.height), image.width * 4,
                    clampedQuality, &output, &outputLength, error.baseAddress, error.count
                )
            }
        }
        guard status == 0, let output else {
            throw ImagingError("could not encode JPEG: \(ImagingError.string(fromCBuffer: errorBuffer))")
        }
        defer { cjpeg_free_buffer(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputLength))
    }

    /// Decodes a JPEG to RGBA8; with `fitWithin`, DCT-scales by 1/2, 1/4 or 1/8 while the long side stays >= `maxDimension`.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = 64_000_000, fitWithin maxDimension: Int? = nil) throws -> RGBAImage {
        try decodeWithOriginalSize(bytes, maxPixels: maxPixels, fitWithin: maxDimension).image
    }

    /// Decodes like `decode` and also reports the stored (unscaled) size.
    static func decodeWithOriginalSize(
        _ bytes: [UInt8], maxPixels: Int, fitWithin maxDimension: Int?, maxMemory: Int = 0
    ) throws(ImagingError) -> (image: RGBAImage, width: Int, height: Int) {
        guard ImageDecoder.format(of: bytes) == .jpeg else {
            throw bytes.isEmpty ? ImagingError("empty image data") : ImagingError("not a JPEG image")
        }
        // Read the stored size first, so the scale can be chosen and oversized images refused early.
        let (width, height) = try headerSize(bytes)
        try ImagingError.checkSize(width: width, height: height, maxPixels: maxPixels)
        let denominator = maxDimension.map { scaleDenominator(width: width, height: height, fitWithin: $0) } ?? 1

        return try bytes.withUnsafeBufferPointer { data throws(ImagingError) in
            var errorBuffer = [CChar](repeating: 0, count: Int(CJPEG_ERROR_LENGTH))
            var storedWidth: UInt32 = 0
            var storedHeight: UInt32 = 0
            var outputWidth: UInt32 = 0
            var outputHeight: UInt32 = 0
            let reader = errorBuffer.withUnsafeMutableBufferPointer { error in
                cjpeg_reader_open(
                    data.baseAddress, data.count, 1, UInt32(denominator), maxMemory,
                    &storedWidth, &storedHeight, &outputWidth, &outputHeight, error.baseAddress, error.count
                )
            }
            guard let reader else {
                throw ImagingError("corrupt JPEG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            defer { cjpeg_reader_free(reader) }
            let w = Int(outputWidth)
            let h = Int(outputHeight)
            guard w > 0, h > 0 else {
                throw ImagingError("corrupt JPEG: image has no pixels")
            }
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: w * h * 4) { buffer, initialized in
                status = errorBuffer.withUnsafeMutableBufferPointer { error in
                    cjpeg_reader_read_rgba(reader, buffer.baseAddress, w * 4, error.baseAddress, error.count)
                }
                initialized = status == 0 ? w * h * 4 : 0
            }
            guard status == 0 else {
                throw ImagingError("corrupt JPEG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            return (RGBAImage(width: w, height: h, pixels: pixels), Int(storedWidth), Int(storedHeight))
        }
    }

    /// Reads the stored width and height from the JPEG header without decoding any pixels.
    static func headerSize(_ bytes: [UInt8]) throws(ImagingError) -> (width: Int, height: Int) {
        var errorBuffer = [CChar](repeating: 0, count: Int(CJPEG_ERROR_LENGTH))
        var width: UInt32 = 0
        var height: UInt32 = 0
        let status = bytes.withUnsafeBufferPointer { data in
            errorBuffer.withUnsafeMutableBufferPointer { error in
                cjpeg_read_dimensions(data.baseAddress, data.count, &width, &height, error.baseAddress, error.count)
            }
        }
        guard status == 0 else {
            throw ImagingError("corrupt JPEG: \(ImagingError.string(fromCBuffer: errorBuffer))")
        }
        return (Int(width), Int(height))
    }

    /// The largest of 1, 2, 4, 8 that keeps the scaled long side at least `maxDimension` (8 if even that does).
    static func scaleDenominator(width: Int, height: Int, fitWithin maxDimension: Int) -> Int {
        let longSide = max(width, height)
        for denominator in [8, 4, 2] where (longSide + denominator - 1) / denominator >= maxDimension {
            return denominator
        }
        return 1
    }
}
