import JourneymanImaging

/// A floating-point RGB working buffer (the w lane carries a per-pixel depth/mask value).
struct Canvas: Sendable {
    /// Width in pixels.
    let width: Int
    /// Height in pixels.
    let height: Int
    /// Row-major pixels, components 0–1.
    var pixels: [SIMD4<Float>]

    /// A canvas filled with one colour.
    init(width: Int, height: Int, fill: SIMD4<Float> = SIMD4(0, 0, 0, 0)) {
        self.width = width
        self.height = height
        pixels = [SIMD4<Float>](repeating: fill, count: width * height)
    }

    /// A canvas holding an 8-bit image.
    init(image: RGBAImage) {
        width = image.width
        height = image.height
        var pixels = [SIMD4<Float>](repeating: .zero, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let scale: Float = 1.0 / 255.0
                for index in 0..<target.count {
                    let base = index * 4
                    target[index] = SIMD4(Float(source[base]), Float(source[base + 1]), Float(source[base + 2]), 0) * scale
                }
            }
        }
        self.pixels = pixels
    }

    /// Converts to 8-bit RGBA with ordered dithering (opaque).
    func toImage() -> RGBAImage {
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        let w = width
        let bayer = Canvas.bayer.map { (Float($0) + 0.5) / 16 - 0.5 }
        pixels.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let row = (y & 3) * 4
                    for x in 0..<w {
                        let d = bayer[row + (x & 3)]
                        let c = source[y * w + x] * 255 + SIMD4(repeating: d + 0.5)
                        let clamped = ColorMath.clamp(c, 0, 255)
                        let base = (y * w + x) * 4
                        target[base] = UInt8(clamped.x)
                        target[base + 1] = UInt8(clamped.y)
                        target[base + 2] = UInt8(clamped.z)
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: bytes)
    }

    /// The 4×4 Bayer threshold matrix.
    static let bayer: [Int] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]
}
