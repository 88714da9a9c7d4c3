/// Neighbourhood filters that give a canvas its medium (all deterministic, no allocation per pixel).
enum StyleFilters {
    /// Oil painting: longer strokes, bristle texture and impasto highlights.
    static func oil(_ canvas: Canvas, amount: Float, seed: UInt32) -> Canvas {
        var out = smear(canvas, length: 3 + 6 * amount, samples: 5, texture: 0.05 * min(amount, 1.3), seed: seed, scale: 1)
        out = posterize(out, levels: 14, amount: 0.4)
        return out
    }

    /// Samples along a direction field to imitate brush strokes.
    private static func smear(_ canvas: Canvas, length: Float, samples: Int, texture: Float, seed: UInt32, scale: Float) -> Canvas {
        let w = canvas.width, h = canvas.height
        var out = canvas
        let unit = Float(max(w, h)) / 1024
        let len = length * unit
        // The stroke direction varies slowly: sample it on a coarse grid.
        let cellSize = 8
        let gw = w / cellSize + 2, gh = h / cellSize + 2
        var directions = [SIMD2<Float>](repeating: .zero, count: gw * gh)
        for gy in 0..<gh {
            for gx in 0..<gw {
                let fx = Float(gx * cellSize) / unit, fy = Float(gy * cellSize) / unit
                let angle = Noise.noise(fx * 0.006, fy * 0.006, seed: seed) * 1.1
                directions[gy * gw + gx] = SIMD2(FastMath.cos(angle), FastMath.sin(angle))
            }
        }
        let step = 1 / Float(max(samples - 1, 1))
        canvas.pixels.withUnsafeBufferPointer { src in
            directions.withUnsafeBufferPointer { dirs in
                out.pixels.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<h {
                        let row = (y / cellSize) * gw
                        let fy = Float(y) / unit
                        for x in 0..<w {
                            let direction = dirs[row + x / cellSize]
                            var sum = SIMD4<Float>.zero
                            for i in 0..<samples {
                                let t = (Float(i) * step - 0.5) * len
                                let sx = min(max(Int(Float(x) + direction.x * t), 0), w - 1)
                                let sy = min(max(Int(Float(y) + direction.y * t), 0), h - 1)
                                sum += src[sy * w + sx]
                            }
                            var c = sum / Float(samples)
                            if texture > 0 {
                                // Canvas weave and paint build-up.
                                let fx = Float(x) / unit
                                let weave =
                                    Noise.noise(fx * 0.7, fy * 0.7, seed: seed &+ 1) + 0.5
                                    * Noise.noise(fx * 0.12, fy * 0.3, seed: seed &+ 2)
                                c = c * (1 + weave * texture)
                            }
                            dst[y * w + x] = c
                        }
                    }
                }
            }
        }
        return out
    }

    /// Watercolour: wobbly edges, pigment granulation, darker wash edges, paper.
    static func watercolor(_ canvas: Canvas, amount: Float, seed: UInt32) -> Canvas {
        let w = canvas.width, h = canvas.height
        let unit = Float(max(w, h)) / 1024
        var wobbled = canvas
        let strength = (2 + 3 * amount) * unit
        canvas.pixels.withUnsafeBufferPointer { src in
            wobbled.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let fx = Float(x) / unit, fy = Float(y) / unit
                        let ox = Noise.fbm(fx * 0.02, fy * 0.02, octaves: 2, seed: seed) * strength
                        let oy = Noise.fbm(fx * 0.02 + 7, fy * 0.02, octaves: 2, seed: seed) * strength
                        let sx = min(max(Int(Float(x) + ox), 0), w - 1)
                        let sy = min(max(Int(Float(y) + oy), 0), h - 1)
                        dst[y * w + x] = src[sy * w + sx]
                    }
                }
            }
        }
        var out = wobbled
        let paper = SIMD4<Float>(0.97, 0.95, 0.9, 0)
        wobbled.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let y0 = max(y - 2, 0), y1 = min(y + 2, h - 1)
                    for x in 0..<w {
                        let x0 = max(x - 2, 0), x1 = min(x + 2, w - 1)
                        var c = src[y * w + x]
                        let gx = ColorMath.luma(src[y * w + x1]) - ColorMath.luma(src[y * w + x0])
                        let gy = ColorMath.luma(src[y1 * w + x]) - ColorMath.luma(src[y0 * w + x])
                        let edge = min(0.3, (gx * gx + gy * gy).squareRoot() * 1.4)
                        // Washes: lighter, flatter colour with darker pigment at the edges.
                        c = FastMath.mix(c, paper, 0.14 * amount)
                        c = c * (1 - edge * amount)
                        let fx = Float(x) / unit, fy = Float(y) / unit
                        let granulation = Noise.fbm(fx * 0.35, fy * 0.35, octaves: 2, seed: seed &+ 5)
                        let blotch = Noise.fbm(fx * 0.01, fy * 0.01, octaves: 2, seed: seed &+ 6)
                        c = c * (1 - 0.07 * amount * granulation) * (1 + 0.06 * blotch)
                        let fibre = Noise.noise(fx * 0.9, fy * 0.15, seed: seed &+ 7)
                        c = c * (0.975 + 0.025 * fibre)
                        dst[y * w + x] = c
                    }
                }
            }
        }
        return out
    }

    /// Pixel art: big pixels, limited levels, ordered dithering.
    static func pixelate(_ canvas: Canvas, amount: Float) -> Canvas {
        let w = canvas.width, h = canvas.height
        let block = max(4, Int((Float(max(w, h)) / (amount > 1 ? 96 : 128)).rounded()))
        var out = canvas
        let levels: Float = 7
        canvas.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                var by = 0
                while by < h {
                    var bx = 0
                    while bx < w {
                        let cx = min(bx + block / 2, w - 1)
                        let cy = min(by + block / 2, h - 1)
                        var c = src[cy * w + cx] * 0.5
                        let q1y = min(by + block / 4, h - 1), q1x = min(bx + block / 4, w - 1)
                        let q3y = min(by + 3 * block / 4, h - 1), q3x = min(bx + 3 * block / 4, w - 1)
                        let a: SIMD4<Float> = src[q1y * w + q1x]
                        let b: SIMD4<Float> = src[q3y * w + q3x]
                        c += (a + b) * 0.25
                        let bayerIndex = ((by / block) & 3) * 4 + ((bx / block) & 3)
                        let threshold: Float = (Float(Canvas.bayer[bayerIndex]) + 0.5) / 16 - 0.5
                        let scaled: SIMD4<Float> = c * (levels - 1) + SIMD4<Float>(repeating: threshold * 0.45)
                        var q: SIMD4<Float> = scaled.rounded(.toNearestOrEven) / (levels - 1)
                        q = ColorMath.clamp(q, 0, 1)
                        for y in by..<min(by + block, h) {
                            for x in bx..<min(bx + block, w) {
                                dst[y * w + x] = q
                            }
                        }
                        bx += block
                    }
                    by += block
                }
            }
        }
        return out
    }

    /// Pencil sketch: contour lines, cross-hatching by tone, paper.
    static func sketch(_ canvas: Canvas, amount: Float, keepColor: Bool, seed: UInt32) -> Canvas {
        let w = canvas.width, h = canvas.height
        let unit = Float(max(w, h)) / 1024
        var out = canvas
        let paper = SIMD4<Float>(0.95, 0.93, 0.88, 0)
        let graphite = SIMD4<Float>(0.16, 0.16, 0.19, 0)
        canvas.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let y0 = max(y - 1, 0), y1 = min(y + 1, h - 1)
                    for x in 0..<w {
                        let x0 = max(x - 1, 0), x1 = min(x + 1, w - 1)
                        let c = src[y * w + x]
                        let l = ColorMath.luma(c)
                        let gx = ColorMath.luma(src[y * w + x1]) - ColorMath.luma(src[y * w + x0])
                        let gy = ColorMath.luma(src[y1 * w + x]) - ColorMath.luma(src[y0 * w + x])
                        let edge = FastMath.smoothstep(0.03, 0.16, (gx * gx + gy * gy).squareRoot())
                        let fx = Float(x) / unit, fy = Float(y) / unit
                        let jitter = Noise.noise(fx * 0.05, fy * 0.05, seed: seed) * 2
                        let spacing: Float = 5
                        let d1 = (fx + fy + jitter) / spacing
                        let d2 = (fx - fy + jitter) / spacing
                        let line1 = abs(d1 - d1.rounded(.toNearestOrEven))
                        let line2 = abs(d2 - d2.rounded(.toNearestOrEven))
                        let tone = 1 - l
                        var ink = FastMath.smoothstep(0.32, 0.12, line1) * FastMath.smoothstep(0.25, 0.55, tone)
                        ink = max(ink, FastMath.smoothstep(0.3, 0.1, line2) * FastMath.smoothstep(0.5, 0.8, tone))
                        ink = max(ink * 0.7, edge * 0.9)
                        ink = max(ink, FastMath.smoothstep(0.75, 1, tone) * 0.6)
                        let stroke = 0.85 + 0.15 * Noise.noise(fx * 0.5, fy * 0.02, seed: seed &+ 3)
                        var base = paper
                        if keepColor {
                            base = FastMath.mix(paper, ColorMath.saturate(c, 1.1) * 1.1, 0.28 * min(amount, 1.2))
                        }
                        let fibre = Noise.noise(fx * 0.7, fy * 0.7, seed: seed &+ 4) * 0.02
                        dst[y * w + x] = FastMath.mix(base + SIMD4(repeating: fibre), graphite, ink * stroke)
                    }
                }
            }
        }
        return out
    }

    /// Cel shading: luminance bands that keep hue, with ink outlines on strong edges.
    static func cel(_ canvas: Canvas, amount: Float) -> Canvas {
        let w = canvas.width, h = canvas.height
        var out = canvas
        let bands: Float = 5
        canvas.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let y0 = max(y - 1, 0), y1 = min(y + 1, h - 1)
                    for x in 0..<w {
                        let x0 = max(x - 1, 0), x1 = min(x + 1, w - 1)
                        let c = src[y * w + x]
                        let l = max(ColorMath.luma(c), 0.001)
                        let stepped = (l * bands).rounded(.down) / bands + 0.5 / bands
                        let blend = FastMath.clamp(0.55 * amount)
                        var out = FastMath.mix(c, c * (stepped / l), blend)
                        out = ColorMath.saturate(out, 1.12)
                        let gx = ColorMath.luma(src[y * w + x1]) - ColorMath.luma(src[y * w + x0])
                        let gy = ColorMath.luma(src[y1 * w + x]) - ColorMath.luma(src[y0 * w + x])
                        let edge = FastMath.smoothstep(0.1, 0.25, (gx * gx + gy * gy).squareRoot())
                        dst[y * w + x] = out * (1 - edge * 0.6)
                    }
                }
            }
        }
        return out
    }

    /// Flat colour: smoothly quantised tones.
    static func posterize(_ canvas: Canvas, levels: Float, amount: Float) -> Canvas {
        var out = canvas
        let blend = FastMath.clamp(0.6 * amount)
        out.pixels.withUnsafeMutableBufferPointer { px in
            for i in 0..<px.count {
                let c = px[i]
                let q = (c * levels).rounded(.toNearestOrEven) / levels
                px[i] = FastMath.mix(c, q, blend)
            }
        }
        return out
    }
}
