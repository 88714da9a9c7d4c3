import JourneymanImaging

/// Deterministic pseudo-random images and hand-built PNG files for the tests.
enum TestSupport {
    /// An image of reproducible pseudo-random pixels; alpha is 255 unless `alpha` is true.
    static func noiseImage(width: Int, height: Int, alpha: Bool, seed: UInt32 = 1) -> RGBAImage {
        var state = seed
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for index in 0..<pixels.count {
            state = state &* 1_664_525 &+ 1_013_904_223
            pixels[index] = UInt8(truncatingIfNeeded: state >> 24)
            if index % 4 == 3 && !alpha {
                pixels[index] = 255
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// A smooth opaque gradient, which JPEG reproduces closely.
    static func gradientImage(width: Int, height: Int) -> RGBAImage {
        var image = RGBAImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                image[x, y] = RGBA(
                    r: UInt8(x * 255 / max(1, width - 1)),
                    g: UInt8(y * 255 / max(1, height - 1)),
                    b: UInt8((x + y) * 255 / max(1, width + height - 2))
                )
            }
        }
        return image
    }

    /// Mean absolute difference over the RGB channels of two same-sized images.
    static func meanAbsoluteError(_ a: RGBAImage, _ b: RGBAImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var total = 0
        for index in 0..<a.pixels.count where index % 4 != 3 {
            total += abs(Int(a.pixels[index]) - Int(b.pixels[index]))
        }
        return Double(total) / Double(a.width * a.height * 3)
    }

    /// Builds a PNG independently of libpng: IHDR, optional PLTE/tRNS, one IDAT with stored (uncompressed) deflate blocks.
    /// `rows` are raw scanlines without the filter byte (filter 0 is added).
    static func makePNG(
        width: Int, height: Int, bitDepth: UInt8, colorType: UInt8,
        rows: [[UInt8]], palette: [UInt8]? = nil, transparency: [UInt8]? = nil
    ) -> [UInt8] {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [bitDepth, colorType, 0, 0, 0]
        file += chunk("IHDR", header)
        if let palette {
            file += chunk("PLTE", palette)
        }
        if let transparency {
            file += chunk("tRNS", transparency)
        }
        var raw: [UInt8] = []
        for row in rows {
            raw.append(0)
            raw += row
        }
        file += chunk("IDAT", zlibStored(raw))
        file += chunk("IEND", [])
        return file
    }

    /// One PNG chunk: length, type, data, CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// A zlib stream holding `data` in stored deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }

    /// CRC-32 as used by PNG.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// Four big-endian bytes.
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
