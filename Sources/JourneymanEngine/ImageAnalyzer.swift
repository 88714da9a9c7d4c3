import JourneymanImaging

/// Measures colour, light, composition and texture of an image (works on any picture).
enum ImageAnalyzer {
    /// Side of the analysis grid.
    private static let gridSide = 96

    /// Analyses an image (a few milliseconds for 1024 px).
    static func analyze(_ image: RGBAImage) -> ImageAnalysis {
        let gw = min(gridSide, image.width)
        let gh = min(gridSide, image.height)
        var rgb = [SIMD3<Float>](repeating: .zero, count: gw * gh)
        var luma = [Float](repeating: 0, count: gw * gh)
        let w = image.width, h = image.height
        var fineSum: Float = 0
        var fineCount: Float = 0
        image.pixels.withUnsafeBufferPointer { px in
            // Block averages for the grid.
            for gy in 0..<gh {
                let y0 = gy * h / gh, y1 = max(y0 + 1, (gy + 1) * h / gh)
                for gx in 0..<gw {
                    let x0 = gx * w / gw, x1 = max(x0 + 1, (gx + 1) * w / gw)
                    var sum = SIMD3<Float>.zero
                    let stepY = max(1, (y1 - y0) / 4), stepX = max(1, (x1 - x0) / 4)
                    var count: Float = 0
                    var y = y0
                    while y < y1 {
                        var x = x0
                        while x < x1 {
                            let i = (y * w + x) * 4
                            sum += SIMD3(Float(px[i]), Float(px[i + 1]), Float(px[i + 2]))
                            count += 1
                            x += stepX
                        }
                        y += stepY
                    }
                    let c = sum / (count * 255)
                    rgb[gy * gw + gx] = c
                    luma[gy * gw + gx] = 0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z
                }
            }
            // Pixel-scale detail: Laplacian on a sparse lattice of full-resolution pixels.
            let step = max(2, min(w, h) / 160)
            var y = 1
            while y < h - 1 {
                var x = 1
                while x < w - 1 {
                    func l(_ xx: Int, _ yy: Int) -> Float {
                        let i = (yy * w + xx) * 4
                        return (0.2126 * Float(px[i]) + 0.7152 * Float(px[i + 1]) + 0.0722 * Float(px[i + 2])) / 255
                    }
                    let lap = 4 * l(x, y) - l(x - 1, y) - l(x + 1, y) - l(x, y - 1) - l(x, y + 1)
                    fineSum += abs(lap)
                    fineCount += 1
                    x += step
                }
                y += step
            }
        }
        let n = Float(gw * gh)
        let meanLuma = luma.reduce(0, +) / n
        var variance: Float = 0
        for l in luma { variance += (l - meanLuma) * (l - meanLuma) }
        let contrast = (variance / n).squareRoot()
        let sorted = luma.sorted()
        let low = sorted[Int(Float(sorted.count - 1) * 0.05)]
        let high = sorted[Int(Float(sorted.count - 1) * 0.95)]
        var warmth: Float = 0
        var saturation: Float = 0
        for c in rgb {
            warmth += c.x - c.z
            let maxC = max(c.x, max(c.y, c.z)), minC = min(c.x, min(c.y, c.z))
            saturation += maxC > 0.01 ? (maxC - minC) / maxC : 0
        }
        warmth /= n
        saturation /= n

        let swatches = dominantColors(rgb)
        let hueFamilies = familyShares(rgb)
        let horizon = findHorizon(luma: luma, rgb: rgb, width: gw, height: gh)
        let focus = interest(rgb: rgb, luma: luma, width: gw, height: gh)
        let symmetry = mirrorSimilarity(luma: luma, width: gw, height: gh, contrast: contrast)
        var structure: Float = 0
        for y in 1..<(gh - 1) {
            for x in 1..<(gw - 1) {
                let i = y * gw + x
                structure += abs(4 * luma[i] - luma[i - 1] - luma[i + 1] - luma[i - gw] - luma[i + gw])
            }
        }
        structure /= Float(max(1, (gw - 2) * (gh - 2)))
        var sparkle: Float = 0
        for y in 1..<(gh - 1) {
            for x in 1..<(gw - 1) {
                let i = y * gw + x
                let around = (luma[i - 1] + luma[i + 1] + luma[i - gw] + luma[i + gw]) / 4
                if luma[i] > around + 0.12 && around < 0.3 { sparkle += 1 }
            }
        }
        sparkle /= n
        var reflection = false
        if let horizon {
            reflection = mirrorsAcross(horizon: horizon, rgb: rgb, width: gw, height: gh)
        }
        let topBand = gh / 4
        var topStructure: Float = 0
        var topLuma: Float = 0
        var bottomLuma: Float = 0
        for y in 1..<max(2, topBand) {
            for x in 1..<(gw - 1) {
                let i = y * gw + x
                topStructure += abs(2 * luma[i] - luma[i - 1] - luma[i + 1])
                topLuma += luma[i]
            }
        }
        topStructure /= Float(max(1, (topBand - 1) * (gw - 2)))
        topLuma /= Float(max(1, (topBand - 1) * (gw - 2)))
        for y in (gh * 3 / 4)..<gh {
            for x in 0..<gw { bottomLuma += luma[y * gw + x] }
        }
        bottomLuma /= Float(max(1, (gh - gh * 3 / 4) * gw))
        return ImageAnalysis(
            swatches: swatches, hueFamilies: hueFamilies, meanLuma: meanLuma, contrast: contrast, lowLuma: low, highLuma: high,
            warmth: warmth, saturation: saturation, horizon: horizon, focusX: focus.x, focusY: focus.y,
            focusSpread: focus.spread, symmetry: symmetry, fineDetail: fineCount > 0 ? fineSum / fineCount : 0,
            structure: structure, sparkle: sparkle, reflection: reflection, openSky: topStructure < 0.015,
            backlit: topLuma > bottomLuma + 0.25)
    }

    /// Shares of the HSV hue families (the same bands the renderer's palette and `--no` use).
    private static func familyShares(_ rgb: [SIMD3<Float>]) -> [(family: String, share: Float)] {
        var counts: [String: Float] = [:]
        for c in rgb {
            let hsv = ColorMath.toHSV(SIMD4(c.x, c.y, c.z, 1))
            guard hsv.s > 0.22 && hsv.v > 0.18 else { continue }
            var family = HueFamily.of(hue: hsv.h).rawValue
            if family == "cyan" { family = "teal" }
            if (family == "orange" || family == "red") && hsv.v < 0.45 && hsv.h > 12 { family = "brown" }
            counts[family, default: 0] += 1
        }
        let total = Float(max(rgb.count, 1))
        return counts.map { (family: $0.key, share: $0.value / total) }
            .filter { $0.share >= 0.04 }
            .sorted { $0.share != $1.share ? $0.share > $1.share : $0.family < $1.family }
    }

    /// k-means in OKLab; clusters named and sorted by prominence.
    private static func dominantColors(_ rgb: [SIMD3<Float>]) -> [ImageAnalysis.Swatch] {
        let labs = rgb.map { ColorMath.oklab($0.x, $0.y, $0.z) }
        let k = 8
        // Deterministic start: farthest-point seeding from the mean.
        var mean = SIMD3<Float>.zero
        for lab in labs { mean += lab }
        mean /= Float(labs.count)
        var centers: [SIMD3<Float>] = []
        var nearest = [Float](repeating: .infinity, count: labs.count)
        var seed = mean
        for _ in 0..<k {
            var bestIndex = 0
            var bestDistance: Float = -1
            for (i, lab) in labs.enumerated() {
                let d = lab - seed
                nearest[i] = min(nearest[i], centers.isEmpty ? (d * d).sum() : (d * d).sum())
                if nearest[i] > bestDistance {
                    bestDistance = nearest[i]
                    bestIndex = i
                }
            }
            seed = labs[bestIndex]
            centers.append(seed)
        }
        var assignment = [Int](repeating: 0, count: labs.count)
        for _ in 0..<10 {
            for (i, lab) in labs.enumerated() {
                var best = 0
                var bestDistance = Float.infinity
                for (j, center) in centers.enumerated() {
                    let d = lab - center
                    let distance = (d * d).sum()
                    if distance < bestDistance { bestDistance = distance; best = j }
                }
                assignment[i] = best
            }
            var sums = [SIMD3<Float>](repeating: .zero, count: k)
            var counts = [Float](repeating: 0, count: k)
            for (i, lab) in labs.enumerated() {
                sums[assignment[i]] += lab
                counts[assignment[i]] += 1
            }
            for j in 0..<k where counts[j] > 0 { centers[j] = sums[j] / counts[j] }
        }
        var counts = [Float](repeating: 0, count: k)
        var rgbSums = [SIMD3<Float>](repeating: .zero, count: k)
        for (i, c) in rgb.enumerated() {
            counts[assignment[i]] += 1
            rgbSums[assignment[i]] += c
        }
        var swatches: [ImageAnalysis.Swatch] = []
        for j in 0..<k where counts[j] > 0 {
            let lab = centers[j]
            let c = rgbSums[j] / counts[j]
            let chroma = (lab.y * lab.y + lab.z * lab.z).squareRoot()
            let name = ColorNaming.name(lab: lab)
            swatches.append(
                ImageAnalysis.Swatch(
                    name: name, family: ColorNaming.family(named: name) ?? ColorNaming.family(r: c.x, g: c.y, b: c.z),
                    share: counts[j] / Float(rgb.count), chroma: chroma, lightness: lab.x))
        }
        // Prominence: area, with a bonus for colourful clusters (the eye names those first).
        swatches.sort { ($0.share * (0.6 + $0.chroma * 5)) > ($1.share * (0.6 + $1.chroma * 5)) }
        var unique: [ImageAnalysis.Swatch] = []
        for swatch in swatches where swatch.share > 0.02 {
            if let index = unique.firstIndex(where: { $0.name == swatch.name }) {
                unique[index].share += swatch.share
            } else {
                unique.append(swatch)
            }
        }
        return unique
    }

    /// The row of the strongest, most uniform horizontal change, if clearly stronger than the rest.
    private static func findHorizon(luma: [Float], rgb: [SIMD3<Float>], width: Int, height: Int) -> Float? {
        guard height > 8 else { return nil }
        var rowMeans = [SIMD3<Float>](repeating: .zero, count: height)
        for y in 0..<height {
            var sum = SIMD3<Float>.zero
            for x in 0..<width { sum += rgb[y * width + x] }
            rowMeans[y] = sum / Float(width)
        }
        var best: Float = 0
        var bestRow = 0
        var total: Float = 0
        for y in 2..<(height - 2) {
            let d = rowMeans[y + 2] - rowMeans[y - 2]
            let strength = (d * d).sum().squareRoot()
            total += strength
            if strength > best && y > height / 6 && y < height * 5 / 6 {
                best = strength
                bestRow = y
            }
        }
        let average = total / Float(height - 4)
        // The change must be shared by most columns, not one object.
        var agreeing = 0
        for x in 0..<width {
            let a = luma[max(bestRow - 2, 0) * width + x]
            let b = luma[min(bestRow + 2, height - 1) * width + x]
            if abs(a - b) > 0.03 { agreeing += 1 }
        }
        if best > average * 3 && best > 0.06 && agreeing > width / 2 {
            return Float(bestRow) / Float(height)
        }
        return nil
    }

    /// Where the picture's interest lies: colour distance from the average plus local contrast.
    private static func interest(rgb: [SIMD3<Float>], luma: [Float], width: Int, height: Int) -> (x: Float, y: Float, spread: Float) {
        var mean = SIMD3<Float>.zero
        for c in rgb { mean += c }
        mean /= Float(rgb.count)
        var weights = [Float](repeating: 0, count: rgb.count)
        var total: Float = 0
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let i = y * width + x
                let d = rgb[i] - mean
                let edge = abs(luma[i + 1] - luma[i - 1]) + abs(luma[i + width] - luma[i - width])
                let wgt = (d * d).sum().squareRoot() * 0.5 + edge * 2
                let weight = wgt * wgt
                weights[i] = weight
                total += weight
            }
        }
        guard total > 0 else { return (0.5, 0.5, 1) }
        var cx: Float = 0, cy: Float = 0
        for y in 0..<height {
            for x in 0..<width {
                let weight = weights[y * width + x]
                cx += weight * Float(x)
                cy += weight * Float(y)
            }
        }
        cx /= total
        cy /= total
        var spread: Float = 0
        for y in 0..<height {
            for x in 0..<width {
                let dx = (Float(x) - cx) / Float(width), dy = (Float(y) - cy) / Float(height)
                spread += weights[y * width + x] * (dx * dx + dy * dy)
            }
        }
        spread = (spread / total).squareRoot()
        return ((cx + 0.5) / Float(width), (cy + 0.5) / Float(height), spread)
    }

    /// 1 for a perfectly mirror-symmetric picture, lower otherwise.
    private static func mirrorSimilarity(luma: [Float], width: Int, height: Int, contrast: Float) -> Float {
        var diff: Float = 0
        for y in 0..<height {
            for x in 0..<(width / 2) {
                diff += abs(luma[y * width + x] - luma[y * width + width - 1 - x])
            }
        }
        diff /= Float(height * (width / 2))
        return max(0, 1 - diff / max(contrast * 1.2, 0.02))
    }

    /// Whether the band below the horizon resembles the band above, mirrored.
    private static func mirrorsAcross(horizon: Float, rgb: [SIMD3<Float>], width: Int, height: Int) -> Bool {
        let row = Int(horizon * Float(height))
        let band = min(row, height - row, height / 5)
        guard band > 3 else { return false }
        var matched: Float = 0
        var unmatched: Float = 0
        for offset in 1...band {
            for x in stride(from: 0, to: width, by: 2) {
                let above = rgb[(row - offset) * width + x]
                let below = rgb[min(row + offset, height - 1) * width + x]
                let shifted = rgb[max(row - band * 2 - offset, 0) * width + x]
                let d1 = above - below
                let d2 = shifted - below
                matched += (d1 * d1).sum()
                unmatched += (d2 * d2).sum()
            }
        }
        return matched < unmatched * 0.6
    }
}
