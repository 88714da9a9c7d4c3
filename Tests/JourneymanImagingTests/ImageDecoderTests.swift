import Testing

@testable import JourneymanImaging

@Test func formatSniffingRecognisesPNGAndJPEGByMagicBytes() throws {
    let png = try PNG.encode(RGBAImage(width: 2, height: 2))
    let jpeg = try JPEG.encode(RGBAImage(width: 2, height: 2))
    #expect(ImageDecoder.format(of: png) == .png)
    #expect(ImageDecoder.format(of: jpeg) == .jpeg)
    #expect(ImageDecoder.format(of: []) == nil)
    #expect(ImageDecoder.format(of: [0xFF, 0xD8]) == nil)
    #expect(ImageDecoder.format(of: Array("GIF89a and more".utf8)) == nil)
    #expect(ImageDecoder.format(of: Array(png.prefix(7))) == nil)
}

@Test func decoderReportsFormatAndOriginalSize() throws {
    let image = TestSupport.gradientImage(width: 40, height: 30)
    let fromPNG = try ImageDecoder.decode(PNG.encode(image))
    #expect(fromPNG.format == .png)
    #expect(fromPNG.image == image)
    #expect(fromPNG.originalWidth == 40 && fromPNG.originalHeight == 30)
    let fromJPEG = try ImageDecoder.decode(JPEG.encode(image))
    #expect(fromJPEG.format == .jpeg)
    #expect(fromJPEG.image.width == 40 && fromJPEG.image.height == 30)
}

@Test func decoderFitWithinScalesJPEGAndKeepsTheOriginalSize() throws {
    let bytes = try JPEG.encode(TestSupport.gradientImage(width: 1600, height: 1200))
    let decoded = try ImageDecoder.decode(bytes, fitWithin: 300)
    #expect(decoded.image.width == 400 && decoded.image.height == 300)
    #expect(decoded.originalWidth == 1600 && decoded.originalHeight == 1200)
}

@Test func decoderFitWithinDownscalesPNGToTheLimit() throws {
    let bytes = try PNG.encode(TestSupport.gradientImage(width: 300, height: 200))
    let decoded = try ImageDecoder.decode(bytes, fitWithin: 150)
    #expect(decoded.image.width == 150 && decoded.image.height == 100)
    #expect(decoded.originalWidth == 300 && decoded.originalHeight == 200)
    let small = try ImageDecoder.decode(bytes, fitWithin: 1000)
    #expect(small.image.width == 300 && small.image.height == 200)
}

@Test func garbageBytesThrowAnImagingError() {
    #expect(throws: ImagingError("not a PNG or JPEG image")) {
        try ImageDecoder.decode(Array("definitely not an image".utf8))
    }
    #expect(throws: ImagingError.self) { try PNG.decode([1, 2, 3]) }
    #expect(throws: ImagingError.self) { try JPEG.decode([1, 2, 3]) }
}

@Test func emptyInputThrowsAnImagingError() {
    #expect(throws: ImagingError.self) { try ImageDecoder.decode([]) }
    #expect(throws: ImagingError.self) { try PNG.decode([]) }
    #expect(throws: ImagingError.self) { try JPEG.decode([]) }
}

@Test func truncatedPNGThrowsAtEveryCutPoint() throws {
    let bytes = try PNG.encode(TestSupport.noiseImage(width: 40, height: 30, alpha: true))
    for length in [8, 12, 20, 33, 40, bytes.count / 2, bytes.count - 13] {
        let cut = Array(bytes.prefix(length))
        #expect(throws: ImagingError.self, "cut at \(length)") { try ImageDecoder.decode(cut) }
        #expect(throws: ImagingError.self, "cut at \(length)") { try PNG.decode(cut) }
    }
}

@Test func pngWithADamagedDataChunkThrows() throws {
    var bytes = try PNG.encode(TestSupport.noiseImage(width: 40, height: 30, alpha: false))
    bytes[bytes.count / 2] ^= 0xFF
    #expect(throws: ImagingError.self) { try PNG.decode(bytes) }
}

@Test func truncatedJPEGThrowsAtEveryCutPoint() throws {
    let bytes = try JPEG.encode(TestSupport.noiseImage(width: 64, height: 48, alpha: false))
    for length in [3, 10, 100, bytes.count / 2, bytes.count - 20] {
        let cut = Array(bytes.prefix(length))
        #expect(throws: ImagingError.self, "cut at \(length)") { try ImageDecoder.decode(cut) }
        #expect(throws: ImagingError.self, "cut at \(length)") { try JPEG.decode(cut, fitWithin: 8) }
    }
}

@Test func jpegWithGarbageAfterTheMarkerThrows() {
    let bytes: [UInt8] = [0xFF, 0xD8, 0xFF] + Array(repeating: 0x42, count: 200)
    #expect(throws: ImagingError.self) { try ImageDecoder.decode(bytes) }
}

@Test func pngHeaderClaimingTooManyPixelsIsRefusedBeforeDecoding() {
    // Only a header and an empty data chunk: decoding would need 3.6 GB.
    let bytes = TestSupport.makePNG(width: 30_000, height: 30_000, bitDepth: 8, colorType: 6, rows: [])
    let expected = ImagingError("image is 30000×30000, larger than the 64-megapixel limit")
    #expect(throws: expected) { try ImageDecoder.decode(bytes) }
    #expect(throws: expected) { try PNG.decode(bytes) }
}

@Test func jpegHeaderClaimingTooManyPixelsIsRefusedBeforeDecoding() throws {
    var bytes = try JPEG.encode(RGBAImage(width: 8, height: 8))
    let sof = try #require((2..<bytes.count - 8).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
    // SOF0: marker, length (2), precision (1), height (2), width (2).
    bytes[sof + 5] = 0x75
    bytes[sof + 6] = 0x30
    bytes[sof + 7] = 0x75
    bytes[sof + 8] = 0x30
    let expected = ImagingError("image is 30000×30000, larger than the 64-megapixel limit")
    #expect(throws: expected) { try ImageDecoder.decode(bytes) }
    #expect(throws: expected) { try JPEG.decode(bytes, fitWithin: 100) }
}

@Test func customPixelLimitIsHonoured() throws {
    let png = try PNG.encode(RGBAImage(width: 10, height: 10))
    let jpeg = try JPEG.encode(RGBAImage(width: 10, height: 10))
    #expect(throws: ImagingError.self) { try ImageDecoder.decode(png, maxPixels: 99) }
    #expect(throws: ImagingError.self) { try ImageDecoder.decode(jpeg, maxPixels: 99) }
    #expect(try ImageDecoder.decode(png, maxPixels: 100).image.width == 10)
    #expect(try ImageDecoder.decode(jpeg, maxPixels: 100).image.width == 10)
}

@Test func imagingErrorDescriptionIsItsMessage() {
    let error = ImagingError("corrupt PNG: bad things")
    #expect(error.description == "corrupt PNG: bad things")
    #expect("\(error)" == "corrupt PNG: bad things")
}
