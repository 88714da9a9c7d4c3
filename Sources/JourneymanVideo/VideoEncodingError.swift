/// Why a pan video cannot be encoded; `description` names the offending value.
public struct VideoEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the request.
    public enum Reason: Sendable, Equatable {
        /// The frame's width or height is not a positive multiple of 16.
        case frameSizeNotMultipleOf16(width: Int, height: Int)
        /// The frame has more macroblocks, or is wider or taller, than H.264 level 5.2 allows.
        case frameTooLarge(width: Int, height: Int)
        /// The frame rate is outside 1...240, or too high for this frame size at level 5.2.
        case frameRateNotSupported(Int)
        /// The panorama's width or height is not positive.
        case panoramaSizeNotPositive(width: Int, height: Int)
        /// The RGBA buffer does not hold width × height × 4 bytes.
        case panoramaBufferSize(expected: Int, actual: Int)
        /// The path has no positions, so the video would have no frames.
        case emptyPath
        /// A position has an odd coordinate (chroma is subsampled by two, so moves must be even).
        case oddPosition(index: Int, position: PanPosition)
        /// A position puts part of the frame outside the panorama.
        case positionOutsidePanorama(index: Int, position: PanPosition)
        /// The move from the previous position is more than `PanVideoEncoder.maximumStep` pixels on an axis.
        case stepTooLarge(index: Int, dx: Int, dy: Int)
    }

    /// What is wrong.
    public let reason: Reason

    /// An error for `reason`.
    public init(_ reason: Reason) {
        self.reason = reason
    }

    /// A sentence naming what is wrong.
    public var description: String {
        switch reason {
        case .frameSizeNotMultipleOf16(let width, let height):
            return "The video frame \(width)x\(height) is not a positive multiple of 16 in both directions."
        case .frameTooLarge(let width, let height):
            return "The video frame \(width)x\(height) is larger than H.264 level 5.2 allows (36864 macroblocks, 543 a side)."
        case .frameRateNotSupported(let fps):
            return "The frame rate \(fps) is not supported (1...240 frames per second, within H.264 level 5.2's macroblock rate)."
        case .panoramaSizeNotPositive(let width, let height):
            return "The panorama size \(width)x\(height) is not positive."
        case .panoramaBufferSize(let expected, let actual):
            return "The panorama's RGBA buffer has \(actual) bytes; its size needs \(expected)."
        case .emptyPath:
            return "The path has no positions: a video needs at least one frame."
        case .oddPosition(let index, let position):
            return "Position \(index) (\(position.x), \(position.y)) has an odd coordinate; positions must be even."
        case .positionOutsidePanorama(let index, let position):
            return "Position \(index) (\(position.x), \(position.y)) puts the frame outside the panorama."
        case .stepTooLarge(let index, let dx, let dy):
            return
                "The step into position \(index) moves (\(dx), \(dy)); at most \(PanVideoEncoder.maximumStep) pixels a frame on each axis."
        }
    }
}
