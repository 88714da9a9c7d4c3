import JourneymanCore
import JourneymanImaging
import JourneymanVideo

extension LocalEngine {
    /// Frames a second of the local engine's videos.
    static let videoFramesPerSecond = 24
    /// Frames of one video: five seconds.
    static let videoFrames = 120

    /// Four videos that start from the job's first frame: the prompt's scene is rendered around it, and a camera pans
    /// from the first frame to the right, the left, down and up (and back again with `loop`). Frames are as tall as the
    /// resolution and as wide as the first frame's shape makes them (a multiple of 16 pixels).
    public func video(_ job: VideoJob, progress: @escaping @Sendable (Int) -> Void) async throws -> VideoOutput {
        guard case .encoded(let encoded)? = job.start else {
            throw EngineError(
                code: .badRequest,
                message: job.action == .extend
                    ? "the extended video's last frame was not kept; the local engine extends its own videos only"
                    : "the local engine makes videos from images the server has fetched")
        }
        let height = job.resolution.height
        let start = try await decodeFitting(encoded.bytes, within: 2048).image
        let aspect = min(2, max(0.5, Double(start.width) / Double(start.height)))
        let width = max(16, Int((Double(height) * aspect / 16).rounded()) * 16)
        let renderJob = RenderJob(action: .generate, prompt: job.prompt, seed: job.seed)
        let flag = CancellationFlag()
        let fps = Self.videoFramesPerSecond, frames = Self.videoFrames, loop = job.loop
        return try await withTaskCancellationHandler {
            try await pool.run {
                let first = start.width == width && start.height == height ? start : start.resized(width: width, height: height)
                // Even margins: the encoder moves the window by whole chroma samples.
                let marginX = max(2, width / 4 / 2 * 2), marginY = max(2, height / 4 / 2 * 2)
                let runner = ActionRunner(job: renderJob, pool: pool, flag: flag) { progress($0 * 6 / 10) }
                let panorama = try runner.panorama(around: first, marginX: marginX, marginY: marginY)
                let encoder = try PanVideoEncoder(width: width, height: height, framesPerSecond: fps)
                let origin = PanPosition(x: marginX, y: marginY)
                let ends = [
                    PanPosition(x: 2 * marginX, y: marginY), PanPosition(x: 0, y: marginY),
                    PanPosition(x: marginX, y: 2 * marginY), PanPosition(x: marginX, y: 0),
                ]
                var videos: [VideoOutput.Video] = []
                for (n, end) in ends.enumerated() {
                    try flag.check()
                    var path: [PanPosition]
                    if loop {
                        let out = PanVideoEncoder.straightPath(from: origin, to: end, frames: frames / 2)
                        path = out + out.reversed()
                    } else {
                        path = PanVideoEncoder.straightPath(from: origin, to: end, frames: frames)
                    }
                    let mp4 = try encoder.mp4(
                        panoramaWidth: panorama.width, panoramaHeight: panorama.height, rgba: panorama.pixels, path: path)
                    let last = path.last ?? origin
                    let lastFrame = panorama.cropped(x: last.x, y: last.y, width: width, height: height)
                    videos.append(VideoOutput.Video(mp4: mp4, lastFrame: .pixels(lastFrame)))
                    progress(60 + (n + 1) * 10)
                }
                return VideoOutput(videos: videos, cover: .pixels(first), width: width, height: height, lineage: "")
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
