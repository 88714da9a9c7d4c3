/// Portable float maths built only from IEEE basic operations, so renders are bit-identical
/// on every platform (libm's `exp`/`sin`/`pow` differ between C libraries).
enum FastMath {
    /// π as a Float.
    static let pi: Float = 3.14159265358979

    /// Clamps `x` to [lo, hi].
    @inline(__always)
    static func clamp(_ x: Float, _ lo: Float = 0, _ hi: Float = 1) -> Float {
        x < lo ? lo : (x > hi ? hi : x)
    }

    /// Linear interpolation between `a` and `b`.
    @inline(__always)
    static func mix(_ a: Float, _ b: Float, _ t: Float) -> Float {
        a + (b - a) * t
    }

    /// Linear interpolation between two colours.
    @inline(__always)
    static func mix(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ t: Float) -> SIMD4<Float> {
        a + (b - a) * t
    }

    /// Hermite smoothstep.
    @inline(__always)
    static func smoothstep(_ e0: Float, _ e1: Float, _ x: Float) -> Float {
        let t = clamp((x - e0) / (e1 - e0))
        return t * t * (3 - 2 * t)
    }

    /// 2^x for x in a sane range (about ±126).
    @inline(__always)
    static func exp2(_ x: Float) -> Float {
        let clamped = clamp(x, -126, 126)
        let whole = clamped.rounded(.down)
        let f = clamped - whole
        // Polynomial for 2^f on [0, 1), max relative error about 2e-7.
        var p: Float = 1.8775767e-3
        p = p * f + 8.9893397e-3
        p = p * f + 5.5826318e-2
        p = p * f + 2.4015361e-1
        p = p * f + 6.9315308e-1
        p = p * f + 0.99999994
        let bits = UInt32(Int32(whole) + 127) << 23
        return p * Float(bitPattern: bits)
    }

    /// e^x.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        exp2(x * 1.4426950409)
    }

    /// log2(x) for x > 0.
    @inline(__always)
    static func log2(_ x: Float) -> Float {
        let value = max(x, 1e-30)
        let bits = value.bitPattern
        let exponent = Float(Int32((bits >> 23) & 0xff) - 127)
        let m = Float(bitPattern: (bits & 0x007f_ffff) | 0x3f80_0000)  // [1, 2)
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        // 2·atanh(t)/ln 2 series.
        let series = t * (2.8853900 + t2 * (0.9617967 + t2 * (0.5770780 + t2 * 0.4121986)))
        return exponent + series
    }

    /// x^y for x ≥ 0.
    @inline(__always)
    static func pow(_ x: Float, _ y: Float) -> Float {
        if x <= 0 { return 0 }
        return exp2(y * log2(x))
    }

    /// sin(x), any x.
    @inline(__always)
    static func sin(_ x: Float) -> Float {
        // Reduce to [-π, π].
        let twoPi: Float = 6.28318530718
        var r = x - twoPi * (x / twoPi).rounded(.toNearestOrEven)
        // Reduce to [-π/2, π/2] using sin(π - r) = sin(r).
        if r > pi / 2 { r = pi - r } else if r < -pi / 2 { r = -pi - r }
        let r2 = r * r
        return r * (1 + r2 * (-1.6666667e-1 + r2 * (8.3333310e-3 + r2 * (-1.9840874e-4 + r2 * 2.7525562e-6))))
    }

    /// cos(x), any x.
    @inline(__always)
    static func cos(_ x: Float) -> Float {
        sin(x + pi / 2)
    }

    /// atan2(y, x) in radians, max error about 1e-4.
    @inline(__always)
    static func atan2(_ y: Float, _ x: Float) -> Float {
        let ax = abs(x)
        let ay = abs(y)
        if ax == 0 && ay == 0 { return 0 }
        let a = min(ax, ay) / max(ax, ay)
        let s = a * a
        var r = ((-0.0464964749 * s + 0.15931422) * s - 0.327622764) * s * a + a
        if ay > ax { r = 1.57079637 - r }
        if x < 0 { r = 3.14159274 - r }
        if y < 0 { r = -r }
        return r
    }

    /// A 32-bit integer hash of a lattice point and a seed.
    @inline(__always)
    static func hash(_ x: Int32, _ y: Int32, _ seed: UInt32) -> UInt32 {
        var h = UInt32(bitPattern: x) &* 0x8da6_b343
        h ^= UInt32(bitPattern: y) &* 0xd816_3841
        h ^= seed &* 0xcb1a_b31f
        h ^= h >> 15
        h &*= 0x2c1b_3c6d
        h ^= h >> 12
        h &*= 0x297a_2d39
        h ^= h >> 15
        return h
    }

    /// A hash mapped to [0, 1).
    @inline(__always)
    static func hashUnit(_ x: Int32, _ y: Int32, _ seed: UInt32) -> Float {
        Float(hash(x, y, seed) >> 8) * (1.0 / 16_777_216.0)
    }
}
