import Testing

@testable import JourneymanImaging

@Test func jpegRoundTripKeepsSizeAndStaysCloseToTheOriginal() throws {
    let image = TestSupport.gradientImage(width: 67, height: 45)
    let bytes = try JPEG.encode(image, quality: 90)
    let decoded = try JPEG.decode(bytes)
    #expect(decoded.width == 67 && decoded.height == 45)
    #expect(TestSupport.meanAbsoluteError(image, decoded) < 3)
    #expect(decoded.isOpaque)
}

@Test func jpegLowerQualityGivesSmallerFiles() throws {
    let image = TestSupport.noiseImage(width: 64, height: 64, alpha: false)
    let high = try JPEG.encode(image, quality: 95)
    let low = try JPEG.encode(image, quality: 30)
    #expect(low.count < high.count)
}

@Test func jpegEncodingCompositesTransparentPixelsOverWhite() throws {
    let image = RGBAImage(width: 16, height: 16, fill: RGBA(r: 0, g: 0, b: 0, a: 0))
    let decoded = try JPEG.decode(JPEG.encode(image))
    #expect(decoded.pixels.allSatisfy { $0 >= 250 })
}

@Test func jpegFitWithinUsesTheSmallestDCTScaleThatStillCoversTheSize() throws {
    let bytes = try JPEG.encode(TestSupport.gradientImage(width: 800, height: 600))
    let cases: [(maxDimension: Int, width: Int, height: Int)] = [
        (1000, 800, 600), (800, 800, 600), (500, 800, 600), (400, 400, 300),
        (300, 400, 300), (200, 200, 150), (150, 200, 150), (100, 100, 75), (20, 100, 75),
    ]
    for item in cases {
        let image = try JPEG.decode(bytes, fitWithin: item.maxDimension)
        #expect(image.width == item.width && image.height == item.height, "fitWithin \(item.maxDimension)")
    }
}

@Test func jpegScaledDecodeLooksLikeTheImage() throws {
    let original = TestSupport.gradientImage(width: 640, height: 480)
    let scaled = try JPEG.decode(JPEG.encode(original), fitWithin: 80)
    #expect(scaled.width == 80 && scaled.height == 60)
    let reference = original.resized(width: 80, height: 60)
    #expect(TestSupport.meanAbsoluteError(scaled, reference) < 4)
}

@Test func jpegFitWithinRoundsOddSizesUp() throws {
    let bytes = try JPEG.encode(TestSupport.gradientImage(width: 101, height: 33))
    let image = try JPEG.decode(bytes, fitWithin: 13)
    #expect(image.width == 13 && image.height == 5)
}

@Test func jpegRejectsPNGBytes() throws {
    let png = try PNG.encode(RGBAImage(width: 2, height: 2))
    #expect(throws: ImagingError.self) { try JPEG.decode(png) }
}
