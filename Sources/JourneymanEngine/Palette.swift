/// The key colours of a scene, from sky to water; every layer draws from these.
struct Palette: Codable, Sendable, Equatable {
    /// Top of the sky.
    var zenith: SIMD4<Float>
    /// Middle of the sky.
    var skyMid: SIMD4<Float>
    /// Sky at the horizon.
    var horizon: SIMD4<Float>
    /// Sun or moon disc.
    var sun: SIMD4<Float>
    /// Halo around the sun.
    var glow: SIMD4<Float>
    /// Lit side of clouds.
    var cloudLight: SIMD4<Float>
    /// Shadowed side of clouds.
    var cloudShadow: SIMD4<Float>
    /// Most distant land.
    var far: SIMD4<Float>
    /// Middle-distance land.
    var mid: SIMD4<Float>
    /// Nearest land and silhouettes.
    var near: SIMD4<Float>
    /// Open ground.
    var ground: SIMD4<Float>
    /// Deep water tint.
    var water: SIMD4<Float>
    /// Haze and mist.
    var fog: SIMD4<Float>
    /// Warm lights (windows, lamps).
    var accent: SIMD4<Float>
    /// Secondary accent (neon, nebula).
    var accent2: SIMD4<Float>
    /// Trees and foliage.
    var foliage: SIMD4<Float>

    /// All colours in a fixed order (for bulk edits).
    var all: [SIMD4<Float>] {
        get { [zenith, skyMid, horizon, sun, glow, cloudLight, cloudShadow, far, mid, near, ground, water, fog, accent, accent2, foliage] }
        set {
            zenith = newValue[0]; skyMid = newValue[1]; horizon = newValue[2]; sun = newValue[3]
            glow = newValue[4]; cloudLight = newValue[5]; cloudShadow = newValue[6]; far = newValue[7]
            mid = newValue[8]; near = newValue[9]; ground = newValue[10]; water = newValue[11]
            fog = newValue[12]; accent = newValue[13]; accent2 = newValue[14]; foliage = newValue[15]
        }
    }

    /// Applies `transform` to every colour.
    mutating func apply(_ transform: (SIMD4<Float>) -> SIMD4<Float>) {
        all = all.map(transform)
    }

    /// The base palette of a time of day.
    static func preset(_ time: TimeOfDay) -> Palette {
        let c = ColorMath.rgb
        switch time {
        case .day:
            return Palette(
                zenith: c(38, 92, 182), skyMid: c(92, 152, 222), horizon: c(196, 218, 236), sun: c(255, 250, 236),
                glow: c(255, 240, 212), cloudLight: c(255, 255, 255), cloudShadow: c(160, 176, 204), far: c(128, 158, 196),
                mid: c(78, 116, 124), near: c(40, 68, 54), ground: c(86, 124, 62), water: c(30, 78, 128), fog: c(204, 222, 236),
                accent: c(255, 206, 128), accent2: c(120, 200, 255), foliage: c(42, 88, 52))
        case .golden:
            return Palette(
                zenith: c(58, 98, 168), skyMid: c(186, 172, 168), horizon: c(255, 206, 128), sun: c(255, 242, 204),
                glow: c(255, 188, 96), cloudLight: c(255, 226, 170), cloudShadow: c(150, 118, 128), far: c(178, 150, 148),
                mid: c(122, 94, 88), near: c(58, 44, 40), ground: c(142, 110, 58), water: c(58, 80, 112), fog: c(250, 212, 162),
                accent: c(255, 190, 90), accent2: c(255, 140, 80), foliage: c(74, 78, 36))
        case .sunset:
            return Palette(
                zenith: c(42, 48, 110), skyMid: c(204, 96, 112), horizon: c(255, 162, 78), sun: c(255, 236, 182),
                glow: c(255, 138, 58), cloudLight: c(255, 172, 120), cloudShadow: c(108, 58, 100), far: c(152, 82, 112),
                mid: c(92, 46, 82), near: c(34, 20, 40), ground: c(62, 36, 46), water: c(50, 40, 82), fog: c(242, 142, 112),
                accent: c(255, 202, 120), accent2: c(255, 100, 120), foliage: c(36, 24, 40))
        case .dusk:
            return Palette(
                zenith: c(24, 24, 72), skyMid: c(112, 60, 132), horizon: c(246, 140, 90), sun: c(255, 212, 150),
                glow: c(250, 118, 80), cloudLight: c(240, 150, 140), cloudShadow: c(70, 44, 96), far: c(102, 70, 132),
                mid: c(62, 40, 92), near: c(22, 16, 40), ground: c(36, 26, 52), water: c(34, 30, 72), fog: c(162, 100, 142),
                accent: c(255, 192, 110), accent2: c(120, 200, 255), foliage: c(20, 18, 36))
        case .night:
            return Palette(
                zenith: c(5, 8, 22), skyMid: c(14, 22, 52), horizon: c(36, 52, 94), sun: c(236, 236, 226),
                glow: c(130, 152, 206), cloudLight: c(92, 102, 134), cloudShadow: c(20, 24, 44), far: c(36, 46, 78),
                mid: c(20, 26, 50), near: c(8, 10, 22), ground: c(16, 18, 32), water: c(10, 16, 36), fog: c(42, 56, 92),
                accent: c(255, 200, 120), accent2: c(100, 220, 255), foliage: c(8, 14, 22))
        case .dawn:
            return Palette(
                zenith: c(72, 102, 172), skyMid: c(202, 170, 204), horizon: c(255, 202, 182), sun: c(255, 246, 224),
                glow: c(255, 190, 170), cloudLight: c(255, 222, 216), cloudShadow: c(140, 128, 172), far: c(170, 160, 192),
                mid: c(120, 114, 150), near: c(58, 58, 84), ground: c(90, 100, 90), water: c(90, 110, 152), fog: c(236, 216, 226),
                accent: c(255, 210, 160), accent2: c(150, 200, 255), foliage: c(50, 66, 60))
        case .overcast:
            return Palette(
                zenith: c(56, 62, 76), skyMid: c(102, 108, 122), horizon: c(168, 172, 178), sun: c(232, 232, 226),
                glow: c(192, 192, 192), cloudLight: c(174, 178, 188), cloudShadow: c(56, 60, 72), far: c(112, 120, 130),
                mid: c(72, 80, 86), near: c(34, 40, 44), ground: c(62, 72, 60), water: c(50, 60, 72), fog: c(152, 156, 164),
                accent: c(255, 210, 150), accent2: c(180, 200, 255), foliage: c(40, 56, 46))
        }
    }
}
