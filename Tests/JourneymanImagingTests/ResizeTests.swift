import Testing

@testable import JourneymanImaging

@Test func resizedProducesExactlyTheRequestedSize() {
    let image = TestSupport.noiseImage(width: 37, height: 23, alpha: true)
    for (width, height) in [(1, 1), (37, 1), (1, 23), (74, 46), (100, 7), (12, 90), (36, 23), (1000, 3)] {
        let resized = image.resized(width: width, height: height)
        #expect(resized.width == width && resized.height == height)
        #expect(resized.pixels.count == width * height * 4)
    }
}

@Test func resizedToTheSameSizeIsUnchanged() {
    let image = TestSupport.noiseImage(width: 9, height: 4, alpha: true)
    #expect(image.resized(width: 9, height: 4) == image)
}

@Test func enlargingBlackAndWhiteProducesIntermediateGreys() {
    var image = RGBAImage(width: 2, height: 1, fill: RGBA(r: 0, g: 0, b: 0))
    image[1, 0] = RGBA(r: 255, g: 255, b: 255)
    let enlarged = image.resized(width: 8, height: 1)
    let reds = (0..<8).map { enlarged[$0, 0].r }
    #expect(reds.contains { $0 > 20 && $0 < 235 }, "not nearest neighbour: \(reds)")
    #expect(reds.first! < 30 && reds.last! > 225)
    #expect(zip(reds, reds.dropFirst()).allSatisfy { $0 <= $1 }, "monotonic ramp: \(reds)")
}

@Test func resizingAFlatColourKeepsItExactly() {
    let colour = RGBA(r: 12, g: 200, b: 99, a: 255)
    let image = RGBAImage(width: 13, height: 7, fill: colour)
    for resized in [image.resized(width: 50, height: 31), image.resized(width: 3, height: 2)] {
        for y in 0..<resized.height {
            for x in 0..<resized.width {
                #expect(resized[x, y] == colour)
            }
        }
    }
}

@Test func shrinkingAveragesInsteadOfSampling() {
    var image = RGBAImage(width: 64, height: 64, fill: RGBA(r: 0, g: 0, b: 0))
    for y in 0..<64 {
        for x in 0..<64 where (x + y) % 2 == 0 {
            image[x, y] = RGBA(r: 255, g: 255, b: 255)
        }
    }
    let small = image.resized(width: 16, height: 16)
    for y in 0..<16 {
        for x in 0..<16 {
            #expect(abs(Int(small[x, y].g) - 128) <= 3)
        }
    }
}

@Test func transparentPixelsDoNotBleedTheirColour() {
    var image = RGBAImage(width: 8, height: 8, fill: RGBA(r: 255, g: 0, b: 0, a: 0))
    for y in 0..<8 {
        for x in 4..<8 {
            image[x, y] = RGBA(r: 0, g: 0, b: 255, a: 255)
        }
    }
    let resized = image.resized(width: 20, height: 20)
    for y in 0..<20 {
        for x in 0..<20 where resized[x, y].a > 0 {
            #expect(resized[x, y].r == 0 && resized[x, y].b == 255)
        }
    }
    #expect(resized[0, 0].a == 0 && resized[19, 19].a == 255)
}

@Test func thumbnailPercentRoundsEachSide() {
    let image = RGBAImage(width: 1023, height: 767)
    let half = image.thumbnail(percent: 50)
    #expect(half.width == 512 && half.height == 384)
    let tiny = RGBAImage(width: 3, height: 1).thumbnail(percent: 10)
    #expect(tiny.width == 1 && tiny.height == 1)
    let double = RGBAImage(width: 5, height: 3).thumbnail(percent: 200)
    #expect(double.width == 10 && double.height == 6)
}

@Test func thumbnailWidthKeepsTheAspectRatio() {
    let image = RGBAImage(width: 1000, height: 333)
    let thumb = image.thumbnail(width: 500)
    #expect(thumb.width == 500 && thumb.height == 167)
    let strip = RGBAImage(width: 1000, height: 2).thumbnail(width: 100)
    #expect(strip.width == 100 && strip.height == 1)
}
