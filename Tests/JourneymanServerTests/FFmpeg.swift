import Foundation
import Testing

/// ffmpeg and ffprobe (Debian's, which scripts/test installs) as the independent reader of the videos the server
/// makes: what they decode is what a player shows.
enum FFmpeg {
    /// What ffprobe says of a video's stream.
    struct Stream: Sendable {
        let codec: String
        let profile: String
        let width: Int
        let height: Int
        let frames: Int
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The video stream of an MP4 file, its frames counted by decoding them all.
    static func probe(_ mp4: [UInt8]) async throws -> Stream {
        let output = try await run(
            "ffprobe",
            [
                "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,profile,width,height,nb_read_frames",
                "-of", "default=noprint_wrappers=1",
            ], input: mp4)
        var fields: [String: String] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return Stream(
            codec: fields["codec_name"] ?? "", profile: fields["profile"] ?? "", width: Int(fields["width"] ?? "") ?? 0,
            height: Int(fields["height"] ?? "") ?? 0, frames: Int(fields["nb_read_frames"] ?? "") ?? 0)
    }

    /// Frames `indices` of an MP4 file as RGB bytes (3 a pixel, top row first), decoded by ffmpeg.
    static func rgbFrames(_ mp4: [UInt8], indices: [Int], width: Int, height: Int) async throws -> [[UInt8]] {
        let select = indices.map { "eq(n\\,\($0))" }.joined(separator: "+")
        let output = try await run(
            "ffmpeg",
            [
                "-v", "error", "-i", "{input}", "-vf", "select=\(select)", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt",
                "rgb24", "-",
            ],
            input: mp4)
        let size = width * height * 3
        guard output.count == size * indices.count else {
            throw Failure(description: "ffmpeg decoded \(output.count) bytes, not \(indices.count) frames of \(width)×\(height)")
        }
        return (0..<indices.count).map { Array(output[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// The mean absolute difference per channel between RGB frame bytes and RGBA pixels of the same size.
    static func meanDifference(rgb: [UInt8], rgba: [UInt8]) -> Double {
        var total = 0
        for pixel in 0..<(rgb.count / 3) {
            for channel in 0..<3 { total += abs(Int(rgb[pixel * 3 + channel]) - Int(rgba[pixel * 4 + channel])) }
        }
        return Double(total) / Double(max(1, rgb.count))
    }

    /// Whether ffmpeg and ffprobe are on this machine.
    static var isInstalled: Bool {
        ["/usr/bin/ffmpeg", "/usr/bin/ffprobe"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool on a thread of its own over `input` written to a temporary file (`{input}` in the arguments, else
    /// the last argument before the output); answers its standard output.
    private static func run(_ tool: String, _ arguments: [String], input: [UInt8]) async throws -> [UInt8] {
        guard isInstalled else { throw Failure(description: "ffmpeg and ffprobe are not installed (scripts/test installs them)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-video-\(UUID().uuidString).mp4")
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var arguments = arguments
        if let slot = arguments.firstIndex(of: "{input}") { arguments[slot] = file.path } else { arguments.append(file.path) }
        let finalArguments = arguments
        return try await blocking {
            let ran = try runProcessBlocking(URL(fileURLWithPath: "/usr/bin/\(tool)"), finalArguments)
            guard ran.status == 0, ran.errors.isEmpty else {
                throw Failure(description: "\(tool) exited \(ran.status): \(String(decoding: ran.errors, as: UTF8.self))")
            }
            return [UInt8](ran.output)
        }
    }
}
