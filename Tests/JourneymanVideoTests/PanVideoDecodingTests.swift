import Foundation
import JourneymanVideo
import Testing

/// A window, a panorama and a path to encode.
struct PanCase: CustomTestStringConvertible, Sendable {
    var name: String
    var width: Int
    var height: Int
    var panoramaWidth = 200
    var panoramaHeight = 120
    var path: [PanPosition]

    var testDescription: String { name }

    static func points(_ coordinates: [(Int, Int)]) -> [PanPosition] { coordinates.map { PanPosition(x: $0.0, y: $0.1) } }

    static func line(_ from: (Int, Int), _ to: (Int, Int), frames: Int) -> [PanPosition] {
        PanVideoEncoder.straightPath(from: PanPosition(x: from.0, y: from.1), to: PanPosition(x: to.0, y: to.1), frames: frames)
    }

    static let all: [PanCase] = [
        PanCase(name: "64x48 moving right", width: 64, height: 48, path: line((0, 0), (136, 0), frames: 12)),
        PanCase(name: "64x48 moving left", width: 64, height: 48, path: line((136, 10), (0, 10), frames: 9)),
        PanCase(name: "64x48 moving down", width: 64, height: 48, path: line((20, 0), (20, 72), frames: 7)),
        PanCase(name: "64x48 moving up", width: 64, height: 48, path: line((100, 72), (100, 0), frames: 10)),
        PanCase(name: "64x48 moving down and right", width: 64, height: 48, path: line((0, 0), (136, 72), frames: 10)),
        PanCase(name: "64x48 moving down and left", width: 64, height: 48, path: line((136, 0), (0, 72), frames: 8)),
        PanCase(name: "64x48 moving up and right", width: 64, height: 48, path: line((0, 72), (136, 0), frames: 11)),
        PanCase(
            name: "64x48 standing still, creeping, jumping a macroblock and leaping further than the frame",
            width: 64, height: 48,
            path: points([
                (0, 0), (0, 0), (2, 0), (18, 0), (18, 2), (34, 18), (34, 18), (98, 18), (50, 50), (52, 48), (136, 72),
                (72, 0), (70, 2), (70, 2), (54, 18), (56, 16), (40, 32),
            ])),
        PanCase(name: "96x64 moving down and right", width: 96, height: 64, path: line((0, 0), (104, 56), frames: 15)),
        PanCase(
            name: "one macroblock wandering", width: 16, height: 16, panoramaWidth: 64, panoramaHeight: 48,
            path: points([(0, 0), (2, 2), (4, 0), (4, 0), (30, 20), (28, 22), (48, 32)])),
        PanCase(
            name: "a column of macroblocks", width: 16, height: 64, panoramaWidth: 80, panoramaHeight: 96,
            path: points([(0, 0), (2, 4), (0, 8), (6, 6), (8, 30), (64, 32), (62, 30)])),
        PanCase(
            name: "a row of macroblocks", width: 80, height: 16, panoramaWidth: 120, panoramaHeight: 60,
            path: points([(0, 0), (4, 2), (2, 4), (8, 8), (20, 10), (40, 44), (38, 42), (0, 0)])),
        PanCase(
            name: "an odd-sized panorama", width: 32, height: 32, panoramaWidth: 75, panoramaHeight: 51,
            path: points([(0, 0), (42, 18), (40, 16), (30, 6)])),
    ]
}

@Suite("Pan videos decoded by ffmpeg", .enabled(if: FFmpeg.available, FFmpeg.absenceNote))
struct PanVideoDecodingTests {
    @Test("Every frame ffmpeg decodes equals the encoder's own frame, byte for byte", arguments: PanCase.all)
    func decodedFramesAreExact(_ pan: PanCase) throws {
        let encoder = try PanVideoEncoder(width: pan.width, height: pan.height, framesPerSecond: 24)
        let rgba = TestPanorama.noisy(width: pan.panoramaWidth, height: pan.panoramaHeight)
        let mp4 = try encoder.mp4(panoramaWidth: pan.panoramaWidth, panoramaHeight: pan.panoramaHeight, rgba: rgba, path: pan.path)
        let expected = try encoder.frames(
            panoramaWidth: pan.panoramaWidth, panoramaHeight: pan.panoramaHeight, rgba: rgba, path: pan.path)
        let decoded = try FFmpeg.decode(mp4)
        #expect(decoded.status == 0)
        #expect(decoded.errors.isEmpty, "ffmpeg complained: \(decoded.errors)")
        let frameSize = pan.width * pan.height * 3 / 2
        #expect(decoded.frames.count == frameSize * pan.path.count, "frames decoded: \(decoded.frames.count / frameSize)")
        let bytes = [UInt8](decoded.frames)
        for (index, frame) in expected.enumerated() where (index + 1) * frameSize <= bytes.count {
            let got = Array(bytes[(index * frameSize)..<((index + 1) * frameSize)])
            #expect(got == frame.planarBytes, "frame \(index) at \(pan.path[index]) differs")
        }
    }

    @Test("ffprobe sees a Constrained Baseline H.264 stream of the right size, rate and length")
    func probedStreamDescribesTheVideo() throws {
        let encoder = try PanVideoEncoder(width: 64, height: 48, framesPerSecond: 30)
        let rgba = TestPanorama.noisy(width: 200, height: 120)
        let path = PanCase.line((0, 0), (136, 72), frames: 12)
        let mp4 = try encoder.mp4(panoramaWidth: 200, panoramaHeight: 120, rgba: rgba, path: path)
        let probe = try FFmpeg.probe(mp4)
        #expect(probe.errors.isEmpty, "ffprobe complained: \(probe.errors)")
        let stream = probe.stream
        #expect(stream["codec_name"] as? String == "h264")
        #expect(stream["profile"] as? String == "Constrained Baseline")
        #expect(stream["width"] as? Int == 64)
        #expect(stream["height"] as? Int == 48)
        #expect(stream["pix_fmt"] as? String == "yuv420p")
        #expect(stream["level"] as? Int == 40)
        #expect(stream["r_frame_rate"] as? String == "30/1")
        #expect(stream["avg_frame_rate"] as? String == "30/1")
        #expect(stream["nb_frames"] as? String == "12")
        #expect(stream["color_range"] as? String == "tv")
        #expect(stream["color_space"] as? String == "bt709")
        #expect(stream["color_primaries"] as? String == "bt709")
        #expect(stream["color_transfer"] as? String == "bt709")
        #expect(stream["duration"] as? String == "0.400000")
    }

    @Test("A 1280x720 five-second pan at 24 fps decodes exactly")
    func highDefinitionPanDecodesExactly() throws {
        let hd = TestPanorama.highDefinitionPan
        let mp4 = try hd.encoder.mp4(panoramaWidth: hd.width, panoramaHeight: hd.height, rgba: hd.rgba, path: hd.path)
        let decoded = try FFmpeg.decode(mp4)
        #expect(decoded.status == 0)
        #expect(decoded.errors.isEmpty, "ffmpeg complained: \(decoded.errors)")
        let frameSize = 1280 * 720 * 3 / 2
        #expect(decoded.frames.count == frameSize * hd.path.count)
        let expected = try hd.encoder.frames(panoramaWidth: hd.width, panoramaHeight: hd.height, rgba: hd.rgba, path: hd.path)
        var differing: [Int] = []
        for (index, frame) in expected.enumerated() where (index + 1) * frameSize <= decoded.frames.count {
            if decoded.frames[(index * frameSize)..<((index + 1) * frameSize)] != Data(frame.planarBytes) { differing.append(index) }
        }
        #expect(differing.isEmpty, "frames that differ: \(differing)")
    }
}
