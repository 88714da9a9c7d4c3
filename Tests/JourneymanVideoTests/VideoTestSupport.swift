import Foundation
import JourneymanVideo
import Testing

/// ffmpeg and ffprobe on the PATH, if installed: the decoding tests are disabled (and say so) without them.
enum FFmpeg {
    static let ffmpeg: String? = locate("ffmpeg")
    static let ffprobe: String? = locate("ffprobe")
    static let available = ffmpeg != nil && ffprobe != nil
    static let absenceNote: Comment = "ffmpeg is missing: install ffmpeg and ffprobe (CI must) so the videos are decoded and checked"

    private static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What a tool printed and how it ended.
    struct Output {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// Runs `executable` to the end. Standard output is read to its end on this thread while the tool runs; standard
    /// error goes to a file, so neither pipe can fill up and stall the tool.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("jm-video-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let standardError = String(decoding: try Data(contentsOf: errorFile), as: UTF8.self)
        return Output(status: process.terminationStatus, standardOutput: standardOutput, standardError: standardError)
    }

    /// `bytes` in a temporary .mp4 file for the length of `body`.
    static func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jm-video-\(UUID().uuidString).mp4")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// The decoded frames, as ffmpeg's yuv420p raw output, and what it printed on standard error.
    static func decode(_ mp4: [UInt8]) throws -> (frames: Data, errors: String, status: Int32) {
        let output = try withTemporaryFile(mp4) { path in
            try run(ffmpeg!, ["-v", "error", "-i", path, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"])
        }
        return (output.standardOutput, output.standardError, output.status)
    }

    /// ffprobe's JSON description of the video stream, and what it printed on standard error.
    static func probe(_ mp4: [UInt8]) throws -> (stream: [String: Any], errors: String) {
        let output = try withTemporaryFile(mp4) { path in
            try run(ffprobe!, ["-v", "error", "-show_streams", "-of", "json", path])
        }
        let json = try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any]
        let streams = json?["streams"] as? [[String: Any]] ?? []
        return (streams.first ?? [:], output.standardError)
    }
}

/// Deterministic test panoramas.
enum TestPanorama {
    /// RGBA noise on top of horizontal, vertical and diagonal gradients, so every window position looks different.
    static func noisy(width: Int, height: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for row in 0..<height {
            for column in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Int(truncatingIfNeeded: state >> 58)  // 0...63
                let p = (row * width + column) * 4
                rgba[p] = UInt8(clamping: column * 191 / max(1, width - 1) + noise)
                rgba[p + 1] = UInt8(clamping: row * 191 / max(1, height - 1) + Int(truncatingIfNeeded: (state >> 40) & 63))
                rgba[p + 2] = UInt8(clamping: ((row + column) * 7) % 192 + Int(truncatingIfNeeded: (state >> 20) & 63))
                rgba[p + 3] = UInt8(truncatingIfNeeded: state >> 8)  // alpha, to be ignored
            }
        }
        return rgba
    }

    /// A 1280x720 window panning 4 pixels a frame for 120 frames (5 s at 24 fps) across a 1760x720 panorama.
    static let highDefinitionPan: (encoder: PanVideoEncoder, width: Int, height: Int, rgba: [UInt8], path: [PanPosition]) = (
        try! PanVideoEncoder(width: 1280, height: 720, framesPerSecond: 24), 1760, 720, noisy(width: 1760, height: 720),
        (0..<120).map { PanPosition(x: 4 * $0, y: 0) }
    )

    /// The window's frame computed pixel by pixel from `BT709`, independently of the encoder's plane code.
    static func referenceFrame(rgba: [UInt8], panoramaWidth: Int, at position: PanPosition, width: Int, height: Int) -> YUVFrame {
        func pixel(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let p = (y * panoramaWidth + x) * 4
            return (Int(rgba[p]), Int(rgba[p + 1]), Int(rgba[p + 2]))
        }
        var luma: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = pixel(position.x + x, position.y + y)
                luma.append(BT709.luma(red: r, green: g, blue: b))
            }
        }
        var cb: [UInt8] = []
        var cr: [UInt8] = []
        for y in stride(from: 0, to: height, by: 2) {
            for x in stride(from: 0, to: width, by: 2) {
                var sums = (0, 0, 0)
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (r, g, b) = pixel(position.x + x + dx, position.y + y + dy)
                    sums = (sums.0 + r, sums.1 + g, sums.2 + b)
                }
                let chroma = BT709.chroma(redSum: sums.0, greenSum: sums.1, blueSum: sums.2)
                cb.append(chroma.cb)
                cr.append(chroma.cr)
            }
        }
        return YUVFrame(width: width, height: height, y: luma, cb: cb, cr: cr)
    }
}

/// The boxes of an ISO BMFF file, enough to check the structure the encoder writes.
struct Box {
    var type: String
    /// Offset of the box's first byte in the file.
    var offset: Int
    var size: Int
    /// The body, after size and type (and after version and flags for a full box, which the caller skips).
    var body: ArraySlice<UInt8>

    /// The boxes laid end to end in `bytes`.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [Box] {
        var boxes: [Box] = []
        var offset = bytes.startIndex
        while offset + 8 <= bytes.endIndex {
            var size = Int(readU32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            var header = 8
            if size == 1 {
                size = Int(readU32(bytes, offset + 8)) << 32 | Int(readU32(bytes, offset + 12))
                header = 16
            }
            guard size >= header, offset + size <= bytes.endIndex else { break }
            boxes.append(Box(type: type, offset: offset, size: size, body: bytes[(offset + header)..<(offset + size)]))
            offset += size
        }
        return boxes
    }

    /// The first box inside this one of `type`, after skipping `skip` bytes of this box's own fields.
    func child(_ type: String, skip: Int = 0) -> Box? {
        Box.parse(body.dropFirst(skip)).first { $0.type == type }
    }

    func u32(at offset: Int) -> UInt32 { Box.readU32(body, body.startIndex + offset) }

    static func readU32(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
