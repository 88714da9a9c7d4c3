/// Colour conversions shared by the renderer and the describer (sRGB, HSV, OKLab).
enum ColorMath {
    /// A colour from 0–255 sRGB components.
    @inline(__always)
    static func rgb(_ r: Int, _ g: Int, _ b: Int) -> SIMD4<Float> {
        SIMD4(Float(r) / 255, Float(g) / 255, Float(b) / 255, 1)
    }

    /// A colour from HSV (hue in degrees, saturation and value in 0–1).
    static func hsv(_ hue: Float, _ saturation: Float, _ value: Float) -> SIMD4<Float> {
        var h = hue.truncatingRemainder(dividingBy: 360)
        if h < 0 { h += 360 }
        let s = FastMath.clamp(saturation)
        let v = FastMath.clamp(value)
        let c = v * s
        let hp = h / 60
        let x = c * (1 - abs(hp.truncatingRemainder(dividingBy: 2) - 1))
        var rgb: SIMD3<Float>
        switch Int(hp) {
        case 0: rgb = SIMD3(c, x, 0)
        case 1: rgb = SIMD3(x, c, 0)
        case 2: rgb = SIMD3(0, c, x)
        case 3: rgb = SIMD3(0, x, c)
        case 4: rgb = SIMD3(x, 0, c)
        default: rgb = SIMD3(c, 0, x)
        }
        let m = v - c
        return SIMD4(rgb.x + m, rgb.y + m, rgb.z + m, 1)
    }

    /// HSV of a colour: hue in degrees [0, 360), saturation and value in 0–1.
    @inline(__always)
    static func toHSV(_ color: SIMD4<Float>) -> (h: Float, s: Float, v: Float) {
        let r = color.x, g = color.y, b = color.z
        let maxC = max(r, max(g, b))
        let minC = min(r, min(g, b))
        let delta = maxC - minC
        var h: Float = 0
        if delta > 1e-6 {
            if maxC == r {
                h = 60 * ((g - b) / delta)
            } else if maxC == g {
                h = 60 * ((b - r) / delta + 2)
            } else {
                h = 60 * ((r - g) / delta + 4)
            }
            if h < 0 { h += 360 }
        }
        let s = maxC > 1e-6 ? delta / maxC : 0
        return (h, s, maxC)
    }

    /// Clamps each component to [lo, hi] (inlined; the generic `clamped` is not).
    @inline(__always)
    static func clamp(_ c: SIMD4<Float>, _ lo: Float = 0, _ hi: Float = 1) -> SIMD4<Float> {
        SIMD4(min(max(c.x, lo), hi), min(max(c.y, lo), hi), min(max(c.z, lo), hi), min(max(c.w, lo), hi))
    }

    /// Relative luminance (Rec. 709 weights on the encoded values; good enough for shading).
    @inline(__always)
    static func luma(_ c: SIMD4<Float>) -> Float {
        0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z
    }

    /// Scales saturation around the colour's luma.
    @inline(__always)
    static func saturate(_ c: SIMD4<Float>, _ amount: Float) -> SIMD4<Float> {
        let l = luma(c)
        var out = SIMD4<Float>(repeating: l) + (c - SIMD4<Float>(repeating: l)) * amount
        out.w = 1
        return out
    }

    /// Rotates a colour's hue by `degrees`, keeping saturation and value.
    static func rotateHue(_ c: SIMD4<Float>, _ degrees: Float) -> SIMD4<Float> {
        let hsv = toHSV(c)
        return ColorMath.hsv(hsv.h + degrees, hsv.s, hsv.v)
    }

    /// sRGB-encoded component to linear light.
    @inline(__always)
    static func toLinear(_ c: Float) -> Float {
        c <= 0.04045 ? c / 12.92 : FastMath.pow((c + 0.055) / 1.055, 2.4)
    }

    /// OKLab (L, a, b) of an sRGB colour given as 0–1 components.
    static func oklab(_ r: Float, _ g: Float, _ b: Float) -> SIMD3<Float> {
        let lr = toLinear(r), lg = toLinear(g), lb = toLinear(b)
        let l = 0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb
        let m = 0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb
        let s = 0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb
        let l3 = cubeRoot(l), m3 = cubeRoot(m), s3 = cubeRoot(s)
        return SIMD3(
            0.2104542553 * l3 + 0.7936177850 * m3 - 0.0040720468 * s3,
            1.9779984951 * l3 - 2.4285922050 * m3 + 0.4505937099 * s3,
            0.0259040371 * l3 + 0.7827717662 * m3 - 0.8086757660 * s3
        )
    }

    @inline(__always)
    private static func cubeRoot(_ x: Float) -> Float {
        if x <= 0 { return 0 }
        return FastMath.exp2(FastMath.log2(x) / 3)
    }
}
