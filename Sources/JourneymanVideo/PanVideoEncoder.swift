/// A point of the window's path: the top-left corner of the frame inside the panorama.
public struct PanPosition: Sendable, Equatable {
    /// Columns from the panorama's left edge.
    public var x: Int
    /// Rows from the panorama's top edge.
    public var y: Int

    /// The position (x, y).
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Encodes a camera pan over a panorama as an H.264 Constrained Baseline MP4 whose decoded frames are exactly the
/// windows' BT.709 Y'CbCr samples: an I_PCM first frame, then P frames that copy what moved (whole-sample motion, no
/// residual, no deblocking) and carry raw I_PCM samples for the macroblocks that come into view.
public struct PanVideoEncoder: Sendable {
    /// The largest move between consecutive positions on each axis, in pixels.
    public static let maximumStep = 256

    /// Frame width in pixels, a multiple of 16.
    public let width: Int
    /// Frame height in pixels, a multiple of 16.
    public let height: Int
    /// Frames a second.
    public let framesPerSecond: Int
    let format: H264Format

    /// An encoder for `width`×`height` frames (multiples of 16) at `framesPerSecond` (1...240).
    public init(width: Int, height: Int, framesPerSecond: Int) throws(VideoEncodingError) {
        format = try H264Format(width: width, height: height, framesPerSecond: framesPerSecond)
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
    }

    /// The H.264 level_idc the video declares (40 for 1280x720 at up to 68 fps).
    public var levelIDC: Int { Int(format.levelIDC) }

    /// The frames the encoded video decodes to, one per position (for tests and thumbnails).
    public func frames(panoramaWidth: Int, panoramaHeight: Int, rgba: [UInt8], path: [PanPosition]) throws(VideoEncodingError)
        -> [YUVFrame]
    {
        let panorama = try prepare(panoramaWidth: panoramaWidth, panoramaHeight: panoramaHeight, rgba: rgba, path: path)
        return path.map { panorama.window(at: $0, frameWidth: width, frameHeight: height) }
    }

    /// The MP4 bytes.
    public func mp4(panoramaWidth: Int, panoramaHeight: Int, rgba: [UInt8], path: [PanPosition]) throws(VideoEncodingError)
        -> [UInt8]
    {
        let panorama = try prepare(panoramaWidth: panoramaWidth, panoramaHeight: panoramaHeight, rgba: rgba, path: path)
        var slices = H264SliceWriter(format: format, panorama: panorama)
        let macroblocks = format.widthInMbs * format.heightInMbs
        var samples: [UInt8] = []
        samples.reserveCapacity(macroblocks * 390 + path.count * macroblocks * 8)
        var sampleSizes: [UInt32] = []
        sampleSizes.reserveCapacity(path.count)
        for (index, position) in path.enumerated() {
            let start = samples.count
            samples.append(contentsOf: [0, 0, 0, 0])  // the NAL unit's length, filled in below
            slices.appendFrame(index: index, position: position, previous: index == 0 ? nil : path[index - 1], to: &samples)
            let length = UInt32(samples.count - start - 4)
            for byte in 0..<4 { samples[start + byte] = UInt8(truncatingIfNeeded: length >> UInt32(24 - 8 * byte)) }
            sampleSizes.append(length + 4)
        }
        return MP4File.make(
            format: format, sps: format.sequenceParameterSet, pps: format.pictureParameterSet, samples: samples,
            sampleSizes: sampleSizes)
    }

    /// A path of `frames` positions from `from` to `to` in equal steps rounded to even pixels: monotone on each axis,
    /// ending exactly at `to` (both ends should be even). One frame gives `[to]`; none gives `[]`.
    public static func straightPath(from: PanPosition, to: PanPosition, frames: Int) -> [PanPosition] {
        guard frames > 1 else { return frames == 1 ? [to] : [] }
        let intervals = frames - 1
        // The offset after `step` of `intervals` steps, rounded to the nearest even number (halves away from zero).
        func even(_ distance: Int, _ step: Int) -> Int {
            let pairs = (2 * (distance.magnitude / 2) * UInt(step) + UInt(intervals)) / (2 * UInt(intervals))
            return distance < 0 ? -2 * Int(pairs) : 2 * Int(pairs)
        }
        var path = (0..<intervals).map { step in
            PanPosition(x: from.x + even(to.x - from.x, step), y: from.y + even(to.y - from.y, step))
        }
        path.append(to)
        return path
    }

    /// Checks the panorama and the path, then converts the panorama to Y'CbCr once.
    private func prepare(panoramaWidth: Int, panoramaHeight: Int, rgba: [UInt8], path: [PanPosition]) throws(VideoEncodingError)
        -> PanoramaPlanes
    {
        guard panoramaWidth > 0, panoramaHeight > 0 else {
            throw VideoEncodingError(.panoramaSizeNotPositive(width: panoramaWidth, height: panoramaHeight))
        }
        let (pixels, overflow) = panoramaWidth.multipliedReportingOverflow(by: panoramaHeight)
        guard !overflow, pixels <= Int.max / 4, rgba.count == pixels * 4 else {
            throw VideoEncodingError(.panoramaBufferSize(expected: overflow ? Int.max : pixels &* 4, actual: rgba.count))
        }
        guard !path.isEmpty else { throw VideoEncodingError(.emptyPath) }
        for (index, position) in path.enumerated() {
            guard position.x % 2 == 0, position.y % 2 == 0 else {
                throw VideoEncodingError(.oddPosition(index: index, position: position))
            }
            guard position.x >= 0, position.y >= 0, position.x <= panoramaWidth - width, position.y <= panoramaHeight - height
            else {
                throw VideoEncodingError(.positionOutsidePanorama(index: index, position: position))
            }
            if index > 0 {
                let dx = position.x - path[index - 1].x
                let dy = position.y - path[index - 1].y
                guard abs(dx) <= Self.maximumStep, abs(dy) <= Self.maximumStep else {
                    throw VideoEncodingError(.stepTooLarge(index: index, dx: dx, dy: dy))
                }
            }
        }
        return PanoramaPlanes(width: panoramaWidth, height: panoramaHeight, rgba: rgba)
    }
}
