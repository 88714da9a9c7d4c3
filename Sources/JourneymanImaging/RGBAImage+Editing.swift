extension RGBAImage {
    /// True when every pixel has alpha 255.
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { buffer in
            var index = 3
            let count = buffer.count
            while index < count {
                if buffer[index] != 255 {
                    return false
                }
                index += 4
            }
            return true
        }
    }

    /// An exact copy of the rectangle at (`x`, `y`) of size `width`×`height`, which must lie inside the image.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> RGBAImage {
        precondition(width > 0 && height > 0, "crop must have at least one pixel")
        precondition(
            x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height,
            "crop rectangle \(x),\(y) \(width)×\(height) is outside the \(self.width)×\(self.height) image")
        if x == 0 && y == 0 && width == self.width && height == self.height {
            return self
        }
        let sourceStride = self.width * 4
        let rowBytes = width * 4
        let pixels = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { target, initialized in
            self.pixels.withUnsafeBufferPointer { source in
                let sourceBase = source.baseAddress!
                let targetBase = target.baseAddress!
                for row in 0..<height {
                    (targetBase + row * rowBytes).initialize(
                        from: sourceBase + (y + row) * sourceStride + x * 4, count: rowBytes)
                }
            }
            initialized = rowBytes * height
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Copies `other` in with its top-left corner at (`x`, `y`), clipped to this image (no blending).
    public mutating func draw(_ other: RGBAImage, atX x: Int, y: Int) {
        let left = max(0, x)
        let top = max(0, y)
        let right = min(width, x + other.width)
        let bottom = min(height, y + other.height)
        guard left < right, top < bottom else {
            return
        }
        let rowBytes = (right - left) * 4
        let targetStride = width * 4
        let sourceStride = other.width * 4
        let sourceX = left - x
        let sourceY = top - y
        other.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let sourceBase = source.baseAddress!
                let targetBase = target.baseAddress!
                for row in 0..<(bottom - top) {
                    (targetBase + (top + row) * targetStride + left * 4).update(
                        from: sourceBase + (sourceY + row) * sourceStride + sourceX * 4, count: rowBytes)
                }
            }
        }
    }

    /// Quadrant `n` of a 2×2 grid (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right), each `width/2`×`height/2`.
    public func quadrant(_ n: Int) -> RGBAImage {
        precondition((1...4).contains(n), "quadrant must be 1, 2, 3 or 4")
        precondition(width >= 2 && height >= 2, "image is too small to split into quadrants")
        let cellWidth = width / 2
        let cellHeight = height / 2
        let column = (n - 1) % 2
        let row = (n - 1) / 2
        return cropped(x: column * cellWidth, y: row * cellHeight, width: cellWidth, height: cellHeight)
    }

    /// A smooth downscale (or upscale) to `percent`% of each side, rounded, at least 1 pixel.
    public func thumbnail(percent: Int) -> RGBAImage {
        precondition(percent > 0, "percent must be positive")
        let newWidth = max(1, (width * percent + 50) / 100)
        let newHeight = max(1, (height * percent + 50) / 100)
        return resized(width: newWidth, height: newHeight)
    }

    /// A smooth resize to `width` pixels wide; the height keeps the aspect ratio, rounded, at least 1.
    public func thumbnail(width newWidth: Int) -> RGBAImage {
        precondition(newWidth > 0, "width must be positive")
        let newHeight = max(1, (2 * height * newWidth + width) / (2 * width))
        return resized(width: newWidth, height: newHeight)
    }

    /// A smooth resize so that neither side exceeds `maxDimension`, keeping the aspect; returns self if it already fits.
    public func fitting(within maxDimension: Int) -> RGBAImage {
        precondition(maxDimension > 0, "maxDimension must be positive")
        let longSide = max(width, height)
        guard longSide > maxDimension else {
            return self
        }
        if width >= height {
            let newHeight = max(1, (2 * height * maxDimension + width) / (2 * width))
            return resized(width: maxDimension, height: newHeight)
        }
        let newWidth = max(1, (2 * width * maxDimension + height) / (2 * height))
        return resized(width: newWidth, height: maxDimension)
    }
}
