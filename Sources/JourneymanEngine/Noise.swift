/// Table-free gradient noise (Perlin-style) in one and two dimensions, with fractal sums.
/// Lattice gradients come from an integer hash, so there is nothing to precompute or share.
enum Noise {
    @inline(__always)
    private static func fade(_ t: Float) -> Float {
        t * t * t * (t * (t * 6 - 15) + 10)
    }

    @inline(__always)
    private static func gradient(_ h: UInt32, _ dx: Float, _ dy: Float) -> Float {
        let gx = Float(Int32(bitPattern: h) >> 16) * (1.0 / 32768.0)
        let gy = Float(Int16(truncatingIfNeeded: h)) * (1.0 / 32768.0)
        return gx * dx + gy * dy
    }

    /// 2-D gradient noise, roughly in [-1, 1].
    @inline(__always)
    static func noise(_ x: Float, _ y: Float, seed: UInt32 = 0) -> Float {
        let fx = x.rounded(.down)
        let fy = y.rounded(.down)
        let ix = Int32(truncatingIfNeeded: Int(fx))
        let iy = Int32(truncatingIfNeeded: Int(fy))
        let dx = x - fx
        let dy = y - fy
        let n00 = gradient(FastMath.hash(ix, iy, seed), dx, dy)
        let n10 = gradient(FastMath.hash(ix &+ 1, iy, seed), dx - 1, dy)
        let n01 = gradient(FastMath.hash(ix, iy &+ 1, seed), dx, dy - 1)
        let n11 = gradient(FastMath.hash(ix &+ 1, iy &+ 1, seed), dx - 1, dy - 1)
        let u = fade(dx)
        let v = fade(dy)
        let a = n00 + (n10 - n00) * u
        let b = n01 + (n11 - n01) * u
        return (a + (b - a) * v) * 1.6
    }

    /// Fractal Brownian motion of 2-D noise; result roughly in [-1, 1].
    @inline(__always)
    static func fbm(_ x: Float, _ y: Float, octaves: Int, seed: UInt32 = 0, gain: Float = 0.5) -> Float {
        var sum: Float = 0
        var amplitude: Float = 0.5
        var px = x
        var py = y
        var norm: Float = 0
        for octave in 0..<octaves {
            sum += amplitude * noise(px, py, seed: seed &+ UInt32(octave) &* 1013)
            norm += amplitude
            // Rotate and scale between octaves to hide lattice alignment.
            let nx = 1.6 * px - 1.2 * py
            let ny = 1.2 * px + 1.6 * py
            px = nx + 17.3
            py = ny + 9.1
            amplitude *= gain
        }
        return sum / norm
    }

    /// 1-D gradient noise, roughly in [-1, 1].
    @inline(__always)
    static func noise(_ x: Float, seed: UInt32 = 0) -> Float {
        let fx = x.rounded(.down)
        let ix = Int32(truncatingIfNeeded: Int(fx))
        let d = x - fx
        let g0 = Float(Int32(bitPattern: FastMath.hash(ix, 0x51ed, seed)) >> 16) * (1.0 / 32768.0)
        let g1 = Float(Int32(bitPattern: FastMath.hash(ix &+ 1, 0x51ed, seed)) >> 16) * (1.0 / 32768.0)
        let a = g0 * d
        let b = g1 * (d - 1)
        return (a + (b - a) * fade(d)) * 2.0
    }

    /// Fractal sum of 1-D noise, roughly in [-1, 1].
    @inline(__always)
    static func fbm(_ x: Float, octaves: Int, seed: UInt32 = 0, gain: Float = 0.5) -> Float {
        var sum: Float = 0
        var amplitude: Float = 0.5
        var norm: Float = 0
        var px = x
        for octave in 0..<octaves {
            sum += amplitude * noise(px, seed: seed &+ UInt32(octave) &* 7919)
            norm += amplitude
            px = px * 2.03 + 3.7
            amplitude *= gain
        }
        return sum / norm
    }

    /// Ridged fractal 1-D noise in [0, 1]: sharp crests like mountain ranges.
    @inline(__always)
    static func ridged(_ x: Float, octaves: Int, seed: UInt32 = 0) -> Float {
        var sum: Float = 0
        var amplitude: Float = 0.5
        var norm: Float = 0
        var px = x
        var weight: Float = 1
        for octave in 0..<octaves {
            var n = 1 - abs(noise(px, seed: seed &+ UInt32(octave) &* 7919))
            n = n * n * weight
            weight = FastMath.clamp(n * 1.5)
            sum += amplitude * n
            norm += amplitude
            px = px * 2.1 + 5.3
            amplitude *= 0.5
        }
        return sum / norm
    }
}
