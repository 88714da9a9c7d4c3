/// Planar 4:2:0 samples (what a decoder outputs): Y then Cb then Cr.
public struct YUVFrame: Sendable, Equatable {
    /// Width in luma samples.
    public let width: Int
    /// Height in luma samples.
    public let height: Int
    /// Luma, `width × height` samples, top row first.
    public var y: [UInt8]
    /// Blue-difference chroma, `(width / 2) × (height / 2)` samples, top row first.
    public var cb: [UInt8]
    /// Red-difference chroma, `(width / 2) × (height / 2)` samples, top row first.
    public var cr: [UInt8]

    /// A frame made of the given planes.
    public init(width: Int, height: Int, y: [UInt8], cb: [UInt8], cr: [UInt8]) {
        self.width = width
        self.height = height
        self.y = y
        self.cb = cb
        self.cr = cr
    }

    /// The planes back to back, Y then Cb then Cr: the layout of ffmpeg's `-pix_fmt yuv420p` raw output.
    public var planarBytes: [UInt8] { y + cb + cr }
}

/// The encoder's RGB to Y'CbCr conversion: BT.709 matrix, limited range (Y 16...235, Cb and Cr 16...240), in integers.
///
/// Luma is `(16·2¹⁶ + 2¹⁵ + 11966·R + 40254·G + 4064·B) >> 16` for each pixel. Chroma belongs to a 2×2 block and is
/// computed from the sums of its four pixels' R, G and B: Cb is `(128·2¹⁸ + 2¹⁷ − 6596·ΣR − 22188·ΣG + 28784·ΣB) >> 18`
/// and Cr is `(128·2¹⁸ + 2¹⁷ + 28784·ΣR − 26145·ΣG − 2639·ΣB) >> 18` (the average of the block, rounded half up once).
public enum BT709 {
    /// Luma of one pixel, 16...235.
    @inline(__always)
    public static func luma(red: Int, green: Int, blue: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (16 << 16 + 1 << 15 + 11966 * red + 40254 * green + 4064 * blue) >> 16)
    }

    /// Chroma of a 2×2 block from the sums of its four pixels' red, green and blue (each sum 0...1020), 16...240.
    @inline(__always)
    public static func chroma(redSum: Int, greenSum: Int, blueSum: Int) -> (cb: UInt8, cr: UInt8) {
        let cb = (128 << 18 + 1 << 17 - 6596 * redSum - 22188 * greenSum + 28784 * blueSum) >> 18
        let cr = (128 << 18 + 1 << 17 + 28784 * redSum - 26145 * greenSum - 2639 * blueSum) >> 18
        return (UInt8(truncatingIfNeeded: cb), UInt8(truncatingIfNeeded: cr))
    }
}

/// A whole panorama in Y'CbCr, converted once: luma at full size, chroma for every complete 2×2 block (an odd last
/// column or row has luma only; no window at an even position reaches its chroma).
struct PanoramaPlanes: Sendable {
    let width: Int
    let height: Int
    let chromaWidth: Int
    let chromaHeight: Int
    let y: [UInt8]
    let cb: [UInt8]
    let cr: [UInt8]

    /// Converts `rgba` (`width × height × 4` bytes, R G B A, top row first; alpha ignored).
    init(width: Int, height: Int, rgba: [UInt8]) {
        precondition(rgba.count == width * height * 4)
        self.width = width
        self.height = height
        chromaWidth = width / 2
        chromaHeight = height / 2
        let chromaCount = chromaWidth * chromaHeight
        let (cw, ch) = (chromaWidth, chromaHeight)
        y = rgba.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: width * height) { luma, count in
                for index in 0..<(width * height) {
                    let p = index * 4
                    luma[index] = BT709.luma(red: Int(source[p]), green: Int(source[p + 1]), blue: Int(source[p + 2]))
                }
                count = width * height
            }
        }
        var cbPlane = [UInt8](repeating: 128, count: chromaCount)
        var crPlane = [UInt8](repeating: 128, count: chromaCount)
        rgba.withUnsafeBufferPointer { source in
            cbPlane.withUnsafeMutableBufferPointer { cbOut in
                crPlane.withUnsafeMutableBufferPointer { crOut in
                    let stride = width * 4
                    for row in 0..<ch {
                        var top = row * 2 * stride
                        var out = row * cw
                        for _ in 0..<cw {
                            let bottom = top + stride
                            let r = Int(source[top]) + Int(source[top + 4]) + Int(source[bottom]) + Int(source[bottom + 4])
                            let g = Int(source[top + 1]) + Int(source[top + 5]) + Int(source[bottom + 1]) + Int(source[bottom + 5])
                            let b = Int(source[top + 2]) + Int(source[top + 6]) + Int(source[bottom + 2]) + Int(source[bottom + 6])
                            let (cb, cr) = BT709.chroma(redSum: r, greenSum: g, blueSum: b)
                            cbOut[out] = cb
                            crOut[out] = cr
                            top += 8
                            out += 1
                        }
                    }
                }
            }
        }
        cb = cbPlane
        cr = crPlane
    }

    /// The `frameWidth × frameHeight` window whose top-left corner is at the (even) `position`.
    func window(at position: PanPosition, frameWidth: Int, frameHeight: Int) -> YUVFrame {
        YUVFrame(
            width: frameWidth, height: frameHeight,
            y: Self.crop(y, stride: width, x: position.x, y: position.y, width: frameWidth, height: frameHeight),
            cb: Self.crop(cb, stride: chromaWidth, x: position.x / 2, y: position.y / 2, width: frameWidth / 2, height: frameHeight / 2),
            cr: Self.crop(cr, stride: chromaWidth, x: position.x / 2, y: position.y / 2, width: frameWidth / 2, height: frameHeight / 2)
        )
    }

    private static func crop(_ plane: [UInt8], stride: Int, x: Int, y: Int, width: Int, height: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(width * height)
        plane.withUnsafeBufferPointer { source in
            for row in 0..<height {
                let start = (y + row) * stride + x
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<(start + width)]))
            }
        }
        return out
    }
}
