import JourneymanImaging

/// Pixel operations the actions need beyond JourneymanImaging's crop/draw/resize.
enum ImageOps {
    /// Places four equally sized tiles edge to edge (1 TL, 2 TR, 3 BL, 4 BR).
    static func grid(_ tiles: [RGBAImage]) -> RGBAImage {
        let w = tiles[0].width, h = tiles[0].height
        var out = RGBAImage(width: w * 2, height: h * 2)
        for (index, tile) in tiles.prefix(4).enumerated() {
            out.draw(tile, atX: (index % 2) * w, y: (index / 2) * h)
        }
        return out
    }

    /// Blends the rendered surroundings into a pasted rectangle's edge colours so the seam disappears:
    /// outside pixels within `band` pixels of the rectangle are shifted by the edge difference, fading out.
    /// Right at the edge the exact pixel difference applies (no visible seam); further out it gives way
    /// to the difference smoothed along the edge (corners take the mean of their two edges), so single
    /// edge pixels (grain, vignette, a star) do not smear into streaks or dark patches.
    /// `rendered` is the canvas before pasting; `result` already holds the pasted pixels.
    static func healSeams(result: inout RGBAImage, rendered: RGBAImage, rectX: Int, rectY: Int, rectWidth: Int, rectHeight: Int, band: Int)
    {
        let w = result.width, h = result.height
        guard rectWidth > 0 && rectHeight > 0 else { return }
        let bandF = Float(max(band, 1))
        let radius = max(2, band / 3)
        // Edge differences (pasted minus rendered), three channels per position, smoothed along the edge.
        func profile(count: Int, at position: (Int) -> Int) -> [SIMD4<Float>] {
            var raw = [SIMD4<Float>](repeating: .zero, count: count)
            result.pixels.withUnsafeBufferPointer { out in
                rendered.pixels.withUnsafeBufferPointer { before in
                    for i in 0..<count {
                        let p = position(i) * 4
                        raw[i] = SIMD4(
                            Float(out[p]) - Float(before[p]), Float(out[p + 1]) - Float(before[p + 1]),
                            Float(out[p + 2]) - Float(before[p + 2]), 0)
                    }
                }
            }
            var prefix = [SIMD4<Float>](repeating: .zero, count: count + 1)
            for i in 0..<count { prefix[i + 1] = prefix[i] + raw[i] }
            return (0..<count).map { i in
                let lo = max(0, i - radius), hi = min(count, i + radius + 1)
                return (prefix[hi] - prefix[lo]) / Float(hi - lo)
            }
        }
        let right = rectX + rectWidth - 1, bottom = rectY + rectHeight - 1
        let top = profile(count: rectWidth) { rectY * w + rectX + $0 }
        let low = profile(count: rectWidth) { bottom * w + rectX + $0 }
        let left = profile(count: rectHeight) { (rectY + $0) * w + rectX }
        let east = profile(count: rectHeight) { (rectY + $0) * w + right }
        let corners = [
            (top[0] + left[0]) * 0.5, (top[rectWidth - 1] + east[0]) * 0.5,
            (low[0] + left[rectHeight - 1]) * 0.5, (low[rectWidth - 1] + east[rectHeight - 1]) * 0.5,
        ]
        let short = max(2, bandF * 0.25)
        rendered.pixels.withUnsafeBufferPointer { before in
            result.pixels.withUnsafeMutableBufferPointer { out in
                for y in 0..<h {
                    let cy = min(max(y, rectY), bottom)
                    let dy = Float(abs(y - cy))
                    if dy >= bandF { continue }
                    for x in 0..<w {
                        let cx = min(max(x, rectX), right)
                        if cx == x && cy == y { continue }
                        let dx = Float(abs(x - cx))
                        let d = (dx * dx + dy * dy).squareRoot()
                        if d >= bandF { continue }
                        let offset: SIMD4<Float>
                        if cx == x {
                            offset = y < rectY ? top[x - rectX] : low[x - rectX]
                        } else if cy == y {
                            offset = x < rectX ? left[y - rectY] : east[y - rectY]
                        } else {
                            offset = corners[(y < rectY ? 0 : 2) + (x < rectX ? 0 : 1)]
                        }
                        let fade = (1 - d / bandF) * (1 - d / bandF)
                        let near = d < short ? (1 - d / short) * (1 - d / short) : 0
                        let edge = (cy * w + cx) * 4
                        let target = (y * w + x) * 4
                        for channel in 0..<3 {
                            let raw = Float(out[edge + channel]) - Float(before[edge + channel])
                            let value = Float(out[target + channel]) + offset[channel] * fade + (raw - offset[channel]) * near
                            out[target + channel] = UInt8(min(max(value.rounded(), 0), 255))
                        }
                    }
                }
            }
        }
    }

    /// A light unsharp mask: each pixel pushed away from the mean of its four neighbours
    /// (integer arithmetic; `amount` 0.35 is gentle).
    static func sharpen(_ image: RGBAImage, amount: Float) -> RGBAImage {
        let w = image.width, h = image.height
        guard w > 2 && h > 2 else { return image }
        var out = image
        let k = Int32((amount * 256).rounded())
        let stride = w * 4
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 1..<(h - 1) {
                    let row = y * stride
                    for i in (row + 4)..<(row + stride - 4) where i & 3 != 3 {
                        let c = Int32(src[i])
                        let around = Int32(src[i - 4]) + Int32(src[i + 4]) + Int32(src[i - stride]) + Int32(src[i + stride])
                        let value = c + (k * (4 * c - around) + 512) >> 10
                        dst[i] = UInt8(clamping: value)
                    }
                }
            }
        }
        return out
    }

    /// Keeps `source` where the mask is black and takes `repaint` where it is white (partial in between).
    static func masked(source: RGBAImage, repaint: RGBAImage, mask: RGBAImage) -> RGBAImage {
        var out = source
        let count = source.width * source.height
        source.pixels.withUnsafeBufferPointer { src in
            repaint.pixels.withUnsafeBufferPointer { rep in
                mask.pixels.withUnsafeBufferPointer { m in
                    out.pixels.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<count {
                            let base = i * 4
                            let weight = (Int(m[base]) * 299 + Int(m[base + 1]) * 587 + Int(m[base + 2]) * 114) / 1000
                            if weight == 0 { continue }
                            for channel in 0..<3 {
                                let a = Int(src[base + channel])
                                let b = Int(rep[base + channel])
                                dst[base + channel] = UInt8(a + ((b - a) * weight + (b > a ? 127 : -127)) / 255)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// A variation of an arbitrary picture (no scene parameters known): a smooth warp plus a
    /// small colour drift; `amount` 0.1 subtle to 0.4 strong.
    static func warpVariation(_ image: RGBAImage, amount: Float, seed: UInt32) -> RGBAImage {
        let w = image.width, h = image.height
        var out = image
        let scale = Float(max(w, h))
        let displacement = amount * 0.06 * scale
        let hueShift = (Float(seed % 1000) / 1000 - 0.5) * amount * 40
        let gain = 1 + (Float((seed >> 10) % 1000) / 1000 - 0.5) * amount * 0.3
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let u = Float(x) / scale * 3, v = Float(y) / scale * 3
                        let ox = Noise.fbm(u, v, octaves: 3, seed: seed) * displacement
                        let oy = Noise.fbm(u + 7.1, v + 2.3, octaves: 3, seed: seed) * displacement
                        let fx = min(max(Float(x) + ox, 0), Float(w - 1))
                        let fy = min(max(Float(y) + oy, 0), Float(h - 1))
                        let x0 = Int(fx), y0 = Int(fy)
                        let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                        let tx = fx - Float(x0), ty = fy - Float(y0)
                        var c = SIMD4<Float>.zero
                        for channel in 0..<3 {
                            let a = Float(src[(y0 * w + x0) * 4 + channel]) * (1 - tx) + Float(src[(y0 * w + x1) * 4 + channel]) * tx
                            let b = Float(src[(y1 * w + x0) * 4 + channel]) * (1 - tx) + Float(src[(y1 * w + x1) * 4 + channel]) * tx
                            c[channel] = (a + (b - a) * ty) / 255
                        }
                        if abs(hueShift) > 0.5 {
                            c = ColorMath.rotateHue(c, hueShift)
                        }
                        c = ColorMath.clamp(c * gain, 0, 1)
                        let base = (y * w + x) * 4
                        dst[base] = UInt8((c.x * 255).rounded())
                        dst[base + 1] = UInt8((c.y * 255).rounded())
                        dst[base + 2] = UInt8((c.z * 255).rounded())
                        dst[base + 3] = 255
                    }
                }
            }
        }
        return out
    }

    /// Mean absolute difference per channel of two equally sized images (0–255).
    static func meanDifference(_ a: RGBAImage, _ b: RGBAImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var total = 0
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                for i in 0..<pa.count where i & 3 != 3 {
                    total += abs(Int(pa[i]) - Int(pb[i]))
                }
            }
        }
        return Double(total) / Double(a.width * a.height * 3)
    }
}
