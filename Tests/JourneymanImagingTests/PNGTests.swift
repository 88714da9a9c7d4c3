import Testing

@testable import JourneymanImaging

@Test func pngRoundTripKeepsEveryPixelOfAnOpaqueImage() throws {
    let image = TestSupport.noiseImage(width: 3, height: 5, alpha: false)
    let bytes = try PNG.encode(image)
    #expect(bytes[25] == 2, "an opaque image is written as RGB without alpha")
    #expect(try PNG.decode(bytes) == image)
}

@Test func pngRoundTripKeepsEveryPixelWithAlpha() throws {
    let image = TestSupport.noiseImage(width: 3, height: 5, alpha: true, seed: 7)
    let bytes = try PNG.encode(image)
    #expect(bytes[25] == 6, "a translucent image is written as RGBA")
    #expect(try PNG.decode(bytes) == image)
}

@Test func pngRoundTripKeepsEveryPixelOfLargerOddSizes() throws {
    for (width, height) in [(1, 1), (257, 129), (1, 300), (300, 1)] {
        let opaque = TestSupport.noiseImage(width: width, height: height, alpha: false, seed: UInt32(width))
        #expect(try PNG.decode(PNG.encode(opaque)) == opaque)
        let translucent = TestSupport.noiseImage(width: width, height: height, alpha: true, seed: UInt32(height))
        #expect(try PNG.decode(PNG.encode(translucent)) == translucent)
    }
}

@Test func pngDecodesEightBitGrayscale() throws {
    let bytes = TestSupport.makePNG(width: 3, height: 2, bitDepth: 8, colorType: 0, rows: [[0, 128, 255], [10, 20, 30]])
    let image = try PNG.decode(bytes)
    #expect(image.width == 3 && image.height == 2)
    #expect(image[1, 0] == RGBA(r: 128, g: 128, b: 128, a: 255))
    #expect(image[2, 1] == RGBA(r: 30, g: 30, b: 30, a: 255))
}

@Test func pngDecodesTwoBitGrayscaleByScalingToEightBits() throws {
    // Four 2-bit samples 0, 1, 2, 3 packed in one byte.
    let bytes = TestSupport.makePNG(width: 4, height: 1, bitDepth: 2, colorType: 0, rows: [[0b00_01_10_11]])
    let image = try PNG.decode(bytes)
    #expect((0..<4).map { image[$0, 0].r } == [0, 85, 170, 255])
    #expect(image[3, 0].a == 255)
}

@Test func pngDecodesGrayscaleWithAlpha() throws {
    let bytes = TestSupport.makePNG(width: 2, height: 1, bitDepth: 8, colorType: 4, rows: [[50, 100, 200, 0]])
    let image = try PNG.decode(bytes)
    #expect(image[0, 0] == RGBA(r: 50, g: 50, b: 50, a: 100))
    #expect(image[1, 0] == RGBA(r: 200, g: 200, b: 200, a: 0))
}

@Test func pngDecodesPaletteImagesWithTransparency() throws {
    let palette: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255]
    let bytes = TestSupport.makePNG(
        width: 3, height: 2, bitDepth: 8, colorType: 3,
        rows: [[0, 1, 2], [2, 1, 0]], palette: palette, transparency: [128]
    )
    let image = try PNG.decode(bytes)
    #expect(image[0, 0] == RGBA(r: 255, g: 0, b: 0, a: 128))
    #expect(image[1, 0] == RGBA(r: 0, g: 255, b: 0, a: 255))
    #expect(image[0, 1] == RGBA(r: 0, g: 0, b: 255, a: 255))
}

@Test func pngDecodesFourBitPaletteImages() throws {
    let palette: [UInt8] = [0, 0, 0, 10, 20, 30, 40, 50, 60]
    let bytes = TestSupport.makePNG(width: 3, height: 1, bitDepth: 4, colorType: 3, rows: [[0x21, 0x00]], palette: palette)
    let image = try PNG.decode(bytes)
    #expect(image[0, 0] == RGBA(r: 40, g: 50, b: 60))
    #expect(image[1, 0] == RGBA(r: 10, g: 20, b: 30))
    #expect(image[2, 0] == RGBA(r: 0, g: 0, b: 0))
}

@Test func pngDecodesSixteenBitColourWithoutGammaChanges() throws {
    // Samples are b * 257, which scale to exactly b in 8 bits.
    let row: [UInt8] = [0x12, 0x12, 0x80, 0x80, 0xFE, 0xFE, 0x40, 0x40, 0x00, 0x00, 0xFF, 0xFF]
    let bytes = TestSupport.makePNG(width: 2, height: 1, bitDepth: 16, colorType: 2, rows: [row])
    let image = try PNG.decode(bytes)
    #expect(image[0, 0] == RGBA(r: 0x12, g: 0x80, b: 0xFE, a: 255))
    #expect(image[1, 0] == RGBA(r: 0x40, g: 0x00, b: 0xFF, a: 255))
}

@Test func pngDecodesSixteenBitGrayscaleWithAlpha() throws {
    let bytes = TestSupport.makePNG(width: 1, height: 1, bitDepth: 16, colorType: 4, rows: [[0x80, 0x80, 0x33, 0x33]])
    let image = try PNG.decode(bytes)
    #expect(image[0, 0] == RGBA(r: 0x80, g: 0x80, b: 0x80, a: 0x33))
}

@Test func pngDecodesAHandBuiltRGBAFile() throws {
    let bytes = TestSupport.makePNG(width: 2, height: 1, bitDepth: 8, colorType: 6, rows: [[1, 2, 3, 4, 5, 6, 7, 8]])
    let image = try PNG.decode(bytes)
    #expect(image.pixels == [1, 2, 3, 4, 5, 6, 7, 8])
}

@Test func pngEncodesLargeImagesCompactly() throws {
    let image = RGBAImage(width: 512, height: 512, fill: RGBA(r: 10, g: 200, b: 30))
    let bytes = try PNG.encode(image)
    #expect(bytes.count < 10_000)
    #expect(try PNG.decode(bytes) == image)
}

@Test func pngRejectsJPEGBytes() throws {
    let jpeg = try JPEG.encode(RGBAImage(width: 4, height: 4))
    #expect(throws: ImagingError.self) { try PNG.decode(jpeg) }
}
