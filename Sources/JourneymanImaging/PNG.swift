import CPNG

/// PNG encoding and decoding through libpng.
public enum PNG {
    /// The zlib level used by `encode`: fast, with reasonable compression.
    static let compressionLevel: Int32 = 2

    /// Encodes an image as PNG; writes RGB without alpha when every pixel is opaque.
    public static func encode(_ image: RGBAImage) throws -> [UInt8] {
        let dropAlpha = image.isOpaque
        var errorBuffer = [CChar](repeating: 0, count: Int(CPNG_ERROR_LENGTH))
        var output: UnsafeMutablePointer<UInt8>?
        var outputLength = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            errorBuffer.withUnsafeMutableBufferPointer { error in
                cpng_encode_rgba(
                    pixels.baseAddress, UInt32(image.width), UInt32(image.height), image.width * 4,
                    dropAlpha ? 1 : 0, compressionLevel, &output, &outputLength,
                    error.baseAddress, error.count
                )
            }
        }
        guard status == 0, let output else {
            throw ImagingError("could not encode PNG: \(ImagingError.string(fromCBuffer: errorBuffer))")
        }
        defer { cpng_free_buffer(output) }
        return Array(UnsafeBufferPointer(start: output, count: outputLength))
    }

    /// Decodes a PNG of any colour type and bit depth to 8-bit RGBA, refusing images over `maxPixels`.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = 64_000_000) throws -> RGBAImage {
        guard ImageDecoder.format(of: bytes) == .png else {
            throw bytes.isEmpty ? ImagingError("empty image data") : ImagingError("not a PNG image")
        }
        return try bytes.withUnsafeBufferPointer { data throws(ImagingError) -> RGBAImage in
            var errorBuffer = [CChar](repeating: 0, count: Int(CPNG_ERROR_LENGTH))
            var width: UInt32 = 0
            var height: UInt32 = 0
            let reader = errorBuffer.withUnsafeMutableBufferPointer { error in
                cpng_reader_open(data.baseAddress, data.count, &width, &height, error.baseAddress, error.count)
            }
            guard let reader else {
                throw ImagingError("corrupt PNG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            defer { cpng_reader_free(reader) }
            let w = Int(width)
            let h = Int(height)
            guard w > 0, h > 0 else {
                throw ImagingError("corrupt PNG: image has no pixels")
            }
            try ImagingError.checkSize(width: w, height: h, maxPixels: maxPixels)
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: w * h * 4) { buffer, initialized in
                status = errorBuffer.withUnsafeMutableBufferPointer { error in
                    cpng_reader_read_rgba(reader, buffer.baseAddress, w * 4, error.baseAddress, error.count)
                }
                // UInt8 needs no deinitialisation, so on failure simply report nothing initialised.
                initialized = status == 0 ? w * h * 4 : 0
            }
            guard status == 0 else {
                throw ImagingError("corrupt PNG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            return RGBAImage(width: w, height: h, pixels: pixels)
        }
    }

    /// Decodes a non-interlaced PNG row by row, averaging each `factor`×`factor` block into one pixel, so only one
    /// source row is held at a time; refuses images over `maxPixels` (counted at full size).
    static func decode(_ bytes: [UInt8], maxPixels: Int, reducedBy factor: Int) throws(ImagingError) -> RGBAImage {
        guard ImageDecoder.format(of: bytes) == .png else {
            throw bytes.isEmpty ? ImagingError("empty image data") : ImagingError("not a PNG image")
        }
        return try bytes.withUnsafeBufferPointer { data throws(ImagingError) -> RGBAImage in
            var errorBuffer = [CChar](repeating: 0, count: Int(CPNG_ERROR_LENGTH))
            var width: UInt32 = 0
            var height: UInt32 = 0
            let reader = errorBuffer.withUnsafeMutableBufferPointer { error in
                cpng_reader_open(data.baseAddress, data.count, &width, &height, error.baseAddress, error.count)
            }
            guard let reader else {
                throw ImagingError("corrupt PNG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            defer { cpng_reader_free(reader) }
            guard width > 0, height > 0 else { throw ImagingError("corrupt PNG: image has no pixels") }
            try ImagingError.checkSize(width: Int(width), height: Int(height), maxPixels: maxPixels)
            let w = (Int(width) + factor - 1) / factor
            let h = (Int(height) + factor - 1) / factor
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: w * h * 4) { buffer, initialized in
                status = errorBuffer.withUnsafeMutableBufferPointer { error in
                    cpng_reader_read_rgba_reduced(reader, UInt32(factor), buffer.baseAddress, error.baseAddress, error.count)
                }
                initialized = status == 0 ? w * h * 4 : 0
            }
            guard status == 0 else {
                throw ImagingError("corrupt PNG: \(ImagingError.string(fromCBuffer: errorBuffer))")
            }
            return RGBAImage(width: w, height: h, pixels: pixels)
        }
    }

    /// Reads the width and height from a PNG's IHDR chunk without decoding, or nil if it has none.
    static func headerSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 24, ImageDecoder.format(of: bytes) == .png,
            bytes[12] == 0x49, bytes[13] == 0x48, bytes[14] == 0x44, bytes[15] == 0x52
        else {
            return nil
        }
        func bigEndian(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        }
        return (bigEndian(16), bigEndian(20))
    }
}
