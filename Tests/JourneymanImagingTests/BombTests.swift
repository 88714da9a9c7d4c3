import Foundation
import Testing

@testable import JourneymanImaging

/// PNG files written by hand: one-bit grey, every pixel black, stored (uncompressed) deflate blocks, so a test can make
/// a 100-megapixel image in a few megabytes without encoding it.
enum HandMadePNG {
    static func blackOneBit(width: Int, height: Int) -> [UInt8] {
        let raw = [UInt8](repeating: 0, count: height * (1 + (width + 7) / 8))  // filter byte 0, then zero bits
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, raw.count - offset)
            let final: UInt8 = offset + count >= raw.count ? 1 : 0
            zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += bigEndian(b << 16 | a)
        let ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [1, 0, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    /// Only the signature and IHDR: a header that claims `width`×`height` and nothing after it.
    static func headerOnly(width: Int, height: Int) -> [UInt8] {
        let ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 6, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// A JPEG made of its start and a frame header only: `marker` 0xC0 baseline or 0xC2 progressive, three components
/// at full resolution (4:4:4).
func frameHeaderOnlyJPEG(width: Int, height: Int, marker: UInt8) -> [UInt8] {
    let frame: [UInt8] = [
        8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
    ]
    let length = frame.count + 2
    return [0xFF, 0xD8, 0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + frame + [0xFF, 0xD9]
}

@Suite("Hardening: decompression bombs")
struct BombTests {
    @Test func headersAreReadWithoutDecoding() throws {
        let png = try ImageHeader.read(HandMadePNG.headerOnly(width: 9000, height: 7000))
        #expect(png == ImageHeader(format: .png, width: 9000, height: 7000))
        let jpeg = try ImageHeader.read(frameHeaderOnlyJPEG(width: 10_000, height: 10_000, marker: 0xC2))
        #expect(jpeg.format == .jpeg && jpeg.width == 10_000 && jpeg.height == 10_000 && jpeg.isProgressive)
        #expect(jpeg.coefficientBytes >= 10_000 * 10_000 * 3 * 2)
        let real = try ImageHeader.read(JPEG.encode(RGBAImage(width: 33, height: 17, fill: RGBA(r: 1, g: 2, b: 3))))
        #expect(real.width == 33 && real.height == 17 && !real.isProgressive)
        #expect(throws: ImagingError.self) { try ImageHeader.read(Array(HandMadePNG.headerOnly(width: 5, height: 5).prefix(20))) }
    }

    @Test func aHundredMegapixelPNGFitsWithinAFewMegabytesWhileDecoding() throws {
        let bomb = HandMadePNG.blackOneBit(width: 10_000, height: 10_000)
        let decoded = try ImageDecoder.decode(bomb, maxPixels: 100_000_000, fitWithin: 1024, maxDecodeBytes: 32 << 20)
        #expect(decoded.originalWidth == 10_000 && decoded.originalHeight == 10_000)
        #expect(decoded.image.width == 1024 && decoded.image.height == 1024)
        #expect(decoded.image[500, 500] == RGBA(r: 0, g: 0, b: 0))
        #expect(decoded.estimatedPeakBytes < 16 << 20)
    }

    @Test func aDecodeThatWouldHoldTooMuchIsRefusedFromItsHeader() throws {
        // The frame header alone says a progressive decode would hold 600 MB of coefficients: refused before libjpeg runs.
        let progressive = frameHeaderOnlyJPEG(width: 10_000, height: 10_000, marker: 0xC2)
        #expect {
            try ImageDecoder.decode(progressive, maxPixels: 100_000_000, fitWithin: 1024)
        } throws: { error in
            (error as? ImagingError)?.message.contains("progressive; decoding it would take") == true
        }
        // An interlaced PNG must be decoded whole.
        let interlaced = HandMadePNG.headerOnly(width: 10_000, height: 10_000)
        var header = try ImageHeader.read(interlaced)
        header.isProgressive = true
        #expect(header.decodeBytes(fitWithin: 1024) > 400_000_000)
        #expect(try ImageHeader.read(interlaced).decodeBytes(fitWithin: 1024) < 16 << 20)
    }

    @Test func rowByRowReductionAveragesBlocks() throws {
        var image = RGBAImage(width: 5, height: 3, fill: RGBA(r: 0, g: 0, b: 0))
        for y in 0..<3 { for x in 0..<5 where (x + y) % 2 == 0 { image[x, y] = RGBA(r: 200, g: 100, b: 50) } }
        let reduced = try PNG.decode(PNG.encode(image), maxPixels: 100, reducedBy: 2)
        #expect(reduced.width == 3 && reduced.height == 2)
        #expect(reduced[0, 0] == RGBA(r: 100, g: 50, b: 25))  // two of four lit
        #expect(reduced[2, 1] == RGBA(r: 200, g: 100, b: 50))  // the corner pixel alone
    }

    @Test func aMemoryBudgetMakesDecodesWaitTheirTurn() async throws {
        let budget = MemoryBudget(bytes: 100)
        let (entered, enteredSink) = AsyncStream.makeStream(of: Int.self)
        let (release, releaseSink) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await budget.withReservation(80) {
                    enteredSink.yield(1)
                    for await _ in release { break }
                }
                return
            }
            var iterator = entered.makeAsyncIterator()
            #expect(await iterator.next() == 1)
            group.addTask {
                _ = try await budget.withReservation(50) { enteredSink.yield(2) }
                return
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(budget.available == 20)  // the second waits: 80 + 50 > 100
            releaseSink.yield()
            #expect(await iterator.next() == 2)
            try await group.waitForAll()
        }
        #expect(budget.available == 100)
    }
}
