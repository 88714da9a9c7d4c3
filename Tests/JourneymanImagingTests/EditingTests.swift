import Testing

@testable import JourneymanImaging

@Test func croppedCopiesExactlyThatRectangle() {
    let image = TestSupport.noiseImage(width: 11, height: 9, alpha: true)
    let crop = image.cropped(x: 3, y: 2, width: 5, height: 4)
    #expect(crop.width == 5 && crop.height == 4)
    for y in 0..<4 {
        for x in 0..<5 {
            #expect(crop[x, y] == image[x + 3, y + 2])
        }
    }
    #expect(image.cropped(x: 0, y: 0, width: 11, height: 9) == image)
}

@Test func drawCopiesPixelsWithoutBlending() {
    var canvas = RGBAImage(width: 6, height: 6, fill: RGBA(r: 9, g: 9, b: 9))
    let stamp = TestSupport.noiseImage(width: 2, height: 3, alpha: true)
    canvas.draw(stamp, atX: 1, y: 2)
    for y in 0..<6 {
        for x in 0..<6 {
            let inside = (1..<3).contains(x) && (2..<5).contains(y)
            #expect(canvas[x, y] == (inside ? stamp[x - 1, y - 2] : RGBA(r: 9, g: 9, b: 9)))
        }
    }
}

@Test func drawClipsToTheCanvas() {
    var canvas = RGBAImage(width: 4, height: 4, fill: RGBA(r: 0, g: 0, b: 0))
    let stamp = TestSupport.noiseImage(width: 3, height: 3, alpha: false)
    canvas.draw(stamp, atX: -1, y: 2)
    #expect(canvas[0, 2] == stamp[1, 0])
    #expect(canvas[1, 3] == stamp[2, 1])
    #expect(canvas[2, 2] == RGBA(r: 0, g: 0, b: 0))
    canvas.draw(stamp, atX: 3, y: -2)
    #expect(canvas[3, 0] == stamp[0, 2])
    let before = canvas
    canvas.draw(stamp, atX: 10, y: 10)
    canvas.draw(stamp, atX: -3, y: 0)
    #expect(canvas == before)
}

@Test func quadrantsSplitATwoByTwoGridExactly() {
    let colours = [RGBA(r: 255, g: 0, b: 0), RGBA(r: 0, g: 255, b: 0), RGBA(r: 0, g: 0, b: 255), RGBA(r: 9, g: 9, b: 9, a: 9)]
    var grid = RGBAImage(width: 8, height: 6)
    for (index, colour) in colours.enumerated() {
        grid.draw(RGBAImage(width: 4, height: 3, fill: colour), atX: (index % 2) * 4, y: (index / 2) * 3)
    }
    for n in 1...4 {
        #expect(grid.quadrant(n) == RGBAImage(width: 4, height: 3, fill: colours[n - 1]))
    }
    let noise = TestSupport.noiseImage(width: 10, height: 6, alpha: true)
    #expect(noise.quadrant(4) == noise.cropped(x: 5, y: 3, width: 5, height: 3))
}

@Test func quadrantsOfOddSizesAreHalfTheSizeRoundedDown() {
    let image = TestSupport.noiseImage(width: 7, height: 5, alpha: false)
    let quadrant = image.quadrant(2)
    #expect(quadrant.width == 3 && quadrant.height == 2)
    #expect(quadrant == image.cropped(x: 3, y: 0, width: 3, height: 2))
}

@Test func opacityIsDetected() {
    var image = RGBAImage(width: 3, height: 3)
    #expect(image.isOpaque)
    image[2, 2] = RGBA(r: 0, g: 0, b: 0, a: 254)
    #expect(!image.isOpaque)
}
