import Testing

@testable import JourneymanVideo

@Suite("The pan video encoder")
struct PanVideoEncoderTests {
    let rgba = TestPanorama.noisy(width: 200, height: 120)

    private func encode(_ path: [PanPosition], width: Int = 64, height: Int = 48) throws -> [UInt8] {
        try PanVideoEncoder(width: width, height: height, framesPerSecond: 24)
            .mp4(panoramaWidth: 200, panoramaHeight: 120, rgba: rgba, path: path)
    }

    @Test("A frame size that is not a multiple of 16 is refused")
    func frameSizeMustBeMultipleOf16() {
        #expect(throws: VideoEncodingError(.frameSizeNotMultipleOf16(width: 100, height: 48))) {
            try PanVideoEncoder(width: 100, height: 48, framesPerSecond: 24)
        }
        #expect(throws: VideoEncodingError(.frameSizeNotMultipleOf16(width: 64, height: 0))) {
            try PanVideoEncoder(width: 64, height: 0, framesPerSecond: 24)
        }
        #expect(throws: VideoEncodingError(.frameTooLarge(width: 16384, height: 16))) {
            try PanVideoEncoder(width: 16384, height: 16, framesPerSecond: 24)
        }
        #expect(throws: VideoEncodingError(.frameTooLarge(width: Int.max - 15, height: 16))) {
            try PanVideoEncoder(width: Int.max - 15, height: 16, framesPerSecond: 24)
        }
        #expect(throws: VideoEncodingError(.frameRateNotSupported(0))) {
            try PanVideoEncoder(width: 64, height: 48, framesPerSecond: 0)
        }
    }

    @Test("The level is 4.0 for 720p and 1080p at 30 fps, and rises with the frame size and rate")
    func levelFollowsFrameSizeAndRate() throws {
        #expect(try PanVideoEncoder(width: 1280, height: 720, framesPerSecond: 60).levelIDC == 40)
        #expect(try PanVideoEncoder(width: 1920, height: 1088, framesPerSecond: 30).levelIDC == 40)
        #expect(try PanVideoEncoder(width: 1920, height: 1088, framesPerSecond: 60).levelIDC == 42)
        #expect(try PanVideoEncoder(width: 2560, height: 1440, framesPerSecond: 24).levelIDC == 50)
        #expect(try PanVideoEncoder(width: 3840, height: 2160, framesPerSecond: 24).levelIDC == 51)
        #expect(try PanVideoEncoder(width: 3840, height: 2160, framesPerSecond: 60).levelIDC == 52)
    }

    @Test("An empty path is refused")
    func emptyPathIsRefused() {
        #expect(throws: VideoEncodingError(.emptyPath)) { try encode([]) }
    }

    @Test("An odd position is refused")
    func oddPositionIsRefused() {
        #expect(throws: VideoEncodingError(.oddPosition(index: 1, position: PanPosition(x: 4, y: 3)))) {
            try encode([PanPosition(x: 0, y: 0), PanPosition(x: 4, y: 3)])
        }
        #expect(throws: VideoEncodingError(.oddPosition(index: 0, position: PanPosition(x: 1, y: 0)))) {
            try encode([PanPosition(x: 1, y: 0)])
        }
    }

    @Test("A position that puts the frame outside the panorama is refused")
    func positionOutsidePanoramaIsRefused() {
        #expect(throws: VideoEncodingError(.positionOutsidePanorama(index: 2, position: PanPosition(x: 138, y: 0)))) {
            try encode([PanPosition(x: 130, y: 0), PanPosition(x: 136, y: 0), PanPosition(x: 138, y: 0)])
        }
        #expect(throws: VideoEncodingError(.positionOutsidePanorama(index: 0, position: PanPosition(x: -2, y: 0)))) {
            try encode([PanPosition(x: -2, y: 0)])
        }
        #expect(throws: VideoEncodingError(.positionOutsidePanorama(index: 0, position: PanPosition(x: 0, y: 74)))) {
            try encode([PanPosition(x: 0, y: 74)])
        }
        #expect(throws: VideoEncodingError(.positionOutsidePanorama(index: 0, position: PanPosition(x: 0, y: 0)))) {
            try encode([PanPosition(x: 0, y: 0)], width: 208, height: 48)
        }
    }

    @Test("A step of more than 256 pixels is refused, and 256 is accepted")
    func stepOverTheLimitIsRefused() throws {
        let rgba = TestPanorama.noisy(width: 600, height: 600)
        let encoder = try PanVideoEncoder(width: 64, height: 64, framesPerSecond: 24)
        let ok = [PanPosition(x: 0, y: 0), PanPosition(x: 256, y: 256), PanPosition(x: 0, y: 0)]
        #expect(try encoder.mp4(panoramaWidth: 600, panoramaHeight: 600, rgba: rgba, path: ok).isEmpty == false)
        #expect(throws: VideoEncodingError(.stepTooLarge(index: 1, dx: 0, dy: 258))) {
            try encoder.mp4(
                panoramaWidth: 600, panoramaHeight: 600, rgba: rgba, path: [PanPosition(x: 0, y: 0), PanPosition(x: 0, y: 258)])
        }
        #expect(throws: VideoEncodingError(.stepTooLarge(index: 2, dx: -258, dy: 0))) {
            try encoder.mp4(
                panoramaWidth: 600, panoramaHeight: 600, rgba: rgba,
                path: [PanPosition(x: 300, y: 0), PanPosition(x: 300, y: 0), PanPosition(x: 42, y: 0)])
        }
    }

    @Test("A panorama buffer of the wrong size is refused")
    func wrongBufferSizeIsRefused() throws {
        let encoder = try PanVideoEncoder(width: 64, height: 48, framesPerSecond: 24)
        #expect(throws: VideoEncodingError(.panoramaBufferSize(expected: 96_000, actual: 95_999))) {
            try encoder.frames(panoramaWidth: 200, panoramaHeight: 120, rgba: Array(rgba.dropLast()), path: [PanPosition(x: 0, y: 0)])
        }
        #expect(throws: VideoEncodingError(.panoramaSizeNotPositive(width: 0, height: 120))) {
            try encoder.mp4(panoramaWidth: 0, panoramaHeight: 120, rgba: [], path: [PanPosition(x: 0, y: 0)])
        }
    }

    @Test("Errors describe themselves in a sentence")
    func errorsHaveDescriptions() {
        let error = VideoEncodingError(.stepTooLarge(index: 3, dx: 300, dy: 0))
        #expect(error.description.contains("(300, 0)"))
        #expect(error.description.contains("256"))
    }

    @Test("A straight path is even, monotone, and ends exactly where asked")
    func straightPathIsEvenMonotoneAndExact() {
        for (from, to, frames) in [
            (PanPosition(x: 0, y: 0), PanPosition(x: 476, y: 0), 120), (PanPosition(x: 136, y: 72), PanPosition(x: 0, y: 6), 7),
            (PanPosition(x: 10, y: 20), PanPosition(x: 12, y: 20), 30), (PanPosition(x: 2, y: 4), PanPosition(x: 2, y: 4), 5),
        ] {
            let path = PanVideoEncoder.straightPath(from: from, to: to, frames: frames)
            #expect(path.count == frames)
            #expect(path.first == from)
            #expect(path.last == to)
            #expect(path.allSatisfy { $0.x % 2 == 0 && $0.y % 2 == 0 })
            for (a, b) in zip(path, path.dropFirst()) {
                #expect((b.x - a.x) * (to.x - from.x) >= 0 && (b.y - a.y) * (to.y - from.y) >= 0)
            }
        }
        let evenly = PanVideoEncoder.straightPath(from: PanPosition(x: 0, y: 0), to: PanPosition(x: 476, y: 0), frames: 120)
        #expect(evenly.map(\.x) == (0..<120).map { 4 * $0 })
        #expect(
            PanVideoEncoder.straightPath(from: PanPosition(x: 0, y: 0), to: PanPosition(x: 8, y: 8), frames: 1) == [PanPosition(x: 8, y: 8)]
        )
        #expect(PanVideoEncoder.straightPath(from: PanPosition(x: 0, y: 0), to: PanPosition(x: 8, y: 8), frames: 0).isEmpty)
    }

    @Test("BT.709 limited range: black, white, grey and the primaries land where the matrix puts them")
    func conversionOfKnownColours() {
        func yuv(_ r: Int, _ g: Int, _ b: Int) -> [Int] {
            let chroma = BT709.chroma(redSum: 4 * r, greenSum: 4 * g, blueSum: 4 * b)
            return [Int(BT709.luma(red: r, green: g, blue: b)), Int(chroma.cb), Int(chroma.cr)]
        }
        #expect(yuv(0, 0, 0) == [16, 128, 128])
        #expect(yuv(255, 255, 255) == [235, 128, 128])
        #expect(yuv(128, 128, 128) == [126, 128, 128])
        #expect(yuv(255, 0, 0) == [63, 102, 240])
        #expect(yuv(0, 255, 0) == [173, 42, 26])
        #expect(yuv(0, 0, 255) == [32, 240, 118])
        // Every corner of the RGB cube stays inside the legal ranges.
        for r in [0, 255] {
            for g in [0, 255] {
                for b in [0, 255] {
                    let value = yuv(r, g, b)
                    #expect((16...235).contains(value[0]) && (16...240).contains(value[1]) && (16...240).contains(value[2]))
                }
            }
        }
    }

    @Test("The encoder's frames are the windows converted pixel by pixel")
    func framesMatchPixelByPixelConversion() throws {
        let encoder = try PanVideoEncoder(width: 64, height: 48, framesPerSecond: 24)
        let path = [PanPosition(x: 0, y: 0), PanPosition(x: 136, y: 72), PanPosition(x: 30, y: 14)]
        let frames = try encoder.frames(panoramaWidth: 200, panoramaHeight: 120, rgba: rgba, path: path)
        #expect(frames.count == 3)
        for (frame, position) in zip(frames, path) {
            #expect(frame == TestPanorama.referenceFrame(rgba: rgba, panoramaWidth: 200, at: position, width: 64, height: 48))
        }
    }

    @Test("The MP4 has ftyp, moov then mdat, agreeing durations, and samples where stco and stsz say")
    func mp4StructureIsConsistent() throws {
        let path = PanCase.line((0, 0), (136, 72), frames: 10)
        let file = try encode(path)
        let top = Box.parse(file[...])
        #expect(top.map(\.type) == ["ftyp", "moov", "mdat"])
        #expect(top.last.map { $0.offset + $0.size } == file.count)
        let ftyp = try #require(top.first)
        #expect(String(decoding: ftyp.body, as: UTF8.self) == "isom\0\0\u{2}\0isomiso2avc1mp41")
        let moov = try #require(top.first { $0.type == "moov" })
        let mdat = try #require(top.last)
        let mvhd = try #require(moov.child("mvhd"))
        let trak = try #require(moov.child("trak"))
        let tkhd = try #require(trak.child("tkhd"))
        let mdhd = try #require(trak.child("mdia")?.child("mdhd"))
        // Version 0: flags, creation, modification, then timescale and duration (tkhd: track ID, reserved, duration).
        #expect(mvhd.u32(at: 12) == 24_000 && mvhd.u32(at: 16) == 10_000)
        #expect(mdhd.u32(at: 12) == 24_000 && mdhd.u32(at: 16) == 10_000)
        #expect(tkhd.u32(at: 0) == 3 && tkhd.u32(at: 12) == 1 && tkhd.u32(at: 20) == 10_000)
        #expect(tkhd.u32(at: 76) == 64 << 16 && tkhd.u32(at: 80) == 48 << 16)
        let stbl = try #require(trak.child("mdia")?.child("minf")?.child("stbl"))
        let stsz = try #require(stbl.child("stsz"))
        let stco = try #require(stbl.child("stco"))
        let stss = try #require(stbl.child("stss"))
        #expect(stss.u32(at: 4) == 1 && stss.u32(at: 8) == 1)
        #expect(stsz.u32(at: 8) == 10)
        let sizes = (0..<10).map { Int(stsz.u32(at: 12 + 4 * $0)) }
        #expect(Int(stco.u32(at: 8)) == mdat.offset + 8)
        #expect(sizes.reduce(0, +) == mdat.size - 8)
        var offset = mdat.offset + 8
        for (index, size) in sizes.enumerated() {
            let length = Int(Box.readU32(file[...], offset))
            #expect(length == size - 4)
            #expect(file[offset + 4] == (index == 0 ? 0x65 : 0x61))  // IDR, then non-IDR slices
            offset += size
        }
        let avcC = try #require(stbl.child("stsd")?.child("avc1", skip: 8)?.child("avcC", skip: 78))
        #expect(Array(avcC.body.prefix(6)) == [1, 66, 0xC0, 40, 0xFF, 0xE1])
    }

    @Test("A 1280x720 five-second pan at 24 fps is well under 10 MB")
    func highDefinitionPanIsSmall() throws {
        let hd = TestPanorama.highDefinitionPan
        let clock = ContinuousClock()
        var mp4: [UInt8] = []
        let elapsed = try clock.measure {
            mp4 = try hd.encoder.mp4(panoramaWidth: hd.width, panoramaHeight: hd.height, rgba: hd.rgba, path: hd.path)
        }
        print("1280x720, 24 fps, 120 frames, 4 px a frame: \(mp4.count) bytes, encoded in \(elapsed)")
        #expect(mp4.count < 10_000_000)
    }

    @Test("Exp-Golomb codes and fixed fields come out most significant bit first")
    func bitWriterWritesExpGolomb() {
        var bits = BitWriter()
        bits.writeUE(0)  // 1
        bits.writeUE(1)  // 010
        bits.writeUE(2)  // 011
        bits.writeSE(1)  // 010
        bits.writeSE(-1)  // 011
        bits.writeUE(25)  // 000011010
        bits.writeSE(-2048)  // codeNum 4096: 12 zeros, then 1 000000000001
        bits.write(0xABCD, bits: 16)
        bits.writeTrailingBits()
        let expected =
            "1" + "010" + "011" + "010" + "011" + "000011010" + String(repeating: "0", count: 12) + "1000000000001"
            + "1010101111001101" + "1"
        let padded = expected + String(repeating: "0", count: (8 - expected.count % 8) % 8)
        let written = bits.bytes.map { byte in (0..<8).map { (byte >> (7 - $0)) & 1 == 1 ? "1" : "0" }.joined() }.joined()
        #expect(written == padded)
    }

    @Test("Emulation prevention escapes 00 00 0x (x ≤ 3), even in runs of zeros and at the end")
    func emulationPrevention() {
        #expect(
            NALUnit.make(header: 0x65, rbsp: [0, 0, 0, 0, 0, 1, 0, 0, 4, 0, 0, 3, 0, 0]) == [
                0x65, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 4, 0, 0, 3, 3, 0, 0,
            ])
        #expect(NALUnit.make(header: 0x61, rbsp: [1, 2, 0, 0, 2]) == [0x61, 1, 2, 0, 0, 3, 2])
    }

    @Test("Motion vector prediction follows the median rule, with A standing in on the top row and D at the right edge")
    func motionVectorPrediction() {
        // Four macroblocks wide, three high, moving right by 4: the last column is I_PCM, the rest copy (16, 0).
        let right = MotionField(widthInMbs: 4, heightInMbs: 3, dx: 4, dy: 0)
        #expect(right.isCopy(2, 0) && !right.isCopy(3, 0))
        #expect(right.predictor(0, 0) == (0, 0))  // nothing available: median of zeros
        #expect(right.predictor(1, 0) == (16, 0))  // top row: B and C take A's vector
        #expect(right.predictor(0, 1) == (16, 0))  // A missing; B and C copy: median (0, 16, 16)
        #expect(right.predictor(3, 1) == (16, 0))  // C missing, D copies; B is intra: only A and D match
        // Moving left by 4: the first column is I_PCM.
        let left = MotionField(widthInMbs: 4, heightInMbs: 3, dx: -4, dy: 0)
        #expect(left.predictor(1, 0) == (0, 0))  // top row, A intra: B = C = A, all refIdx −1, median 0
        #expect(left.predictor(2, 0) == (-16, 0))  // top row, A copies
        #expect(left.predictor(1, 1) == (-16, 0))  // A intra, B and C copy: two match, median (0, −16, −16)
        // One macroblock wide, moving down by 4: rows 0 and 1 copy, the last row is I_PCM.
        let down = MotionField(widthInMbs: 1, heightInMbs: 3, dx: 0, dy: 4)
        #expect(down.predictor(0, 1) == (0, 16))  // one macroblock wide: only B, which copies
        #expect(MotionField.median(-3, 7, 2) == 2 && MotionField.median(5, 5, -1) == 5)
    }
}
