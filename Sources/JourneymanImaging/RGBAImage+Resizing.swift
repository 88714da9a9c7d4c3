extension RGBAImage {
    /// A smoothly resampled copy of exactly `width`×`height` (Catmull-Rom when enlarging, antialiased when shrinking).
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBAImage {
        precondition(newWidth > 0 && newHeight > 0, "an image has at least one pixel")
        if newWidth == width && newHeight == height {
            return self
        }
        let horizontal = ResamplingWeights(source: width, target: newWidth)
        let vertical = ResamplingWeights(source: height, target: newHeight)
        let premultiply = !isOpaque
        let sourceWidth = width
        let pixels = [UInt8](unsafeUninitializedCapacity: newWidth * newHeight * 4) { output, initialized in
            self.pixels.withUnsafeBufferPointer { source in
                RGBAImage.resample(
                    source: source.baseAddress!, sourceWidth: sourceWidth,
                    output: output.baseAddress!, outputWidth: newWidth, outputHeight: newHeight,
                    horizontal: horizontal, vertical: vertical, premultiply: premultiply
                )
            }
            initialized = newWidth * newHeight * 4
        }
        return RGBAImage(width: newWidth, height: newHeight, pixels: pixels)
    }

    /// Two-pass separable resampling. Horizontally resampled rows are kept in a
    /// small ring buffer (one slot per vertical tap), so memory stays proportional
    /// to one output row times the filter length rather than a whole intermediate image.
    private static func resample(
        source: UnsafePointer<UInt8>, sourceWidth: Int,
        output: UnsafeMutablePointer<UInt8>, outputWidth: Int, outputHeight: Int,
        horizontal: ResamplingWeights, vertical: ResamplingWeights, premultiply: Bool
    ) {
        let slots = vertical.taps
        let sourceRow = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: sourceWidth)
        let ring = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: slots * outputWidth)
        let accumulator = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: outputWidth)
        var slotRow = [Int](repeating: -1, count: slots)
        defer {
            sourceRow.deallocate()
            ring.deallocate()
            accumulator.deallocate()
        }

        horizontal.starts.withUnsafeBufferPointer { hStarts in
            horizontal.counts.withUnsafeBufferPointer { hCounts in
                horizontal.weights.withUnsafeBufferPointer { hWeights in
                    vertical.starts.withUnsafeBufferPointer { vStarts in
                        vertical.counts.withUnsafeBufferPointer { vCounts in
                            vertical.weights.withUnsafeBufferPointer { vWeights in
                                let hTaps = horizontal.taps
                                let vTaps = vertical.taps

                                // Resamples source row `row` horizontally into ring slot `slot`.
                                func fillSlot(_ slot: Int, row: Int) {
                                    var bytes = source + row * sourceWidth * 4
                                    if premultiply {
                                        for x in 0..<sourceWidth {
                                            let alpha = Float(bytes[3])
                                            let factor = alpha * (1 / 255)
                                            sourceRow[x] = SIMD4<Float>(
                                                Float(bytes[0]) * factor, Float(bytes[1]) * factor, Float(bytes[2]) * factor, alpha)
                                            bytes += 4
                                        }
                                    } else {
                                        for x in 0..<sourceWidth {
                                            sourceRow[x] = SIMD4<Float>(Float(bytes[0]), Float(bytes[1]), Float(bytes[2]), Float(bytes[3]))
                                            bytes += 4
                                        }
                                    }
                                    let target = ring + slot * outputWidth
                                    for x in 0..<outputWidth {
                                        let start = hStarts[x]
                                        let count = hCounts[x]
                                        let weights = hWeights.baseAddress! + x * hTaps
                                        let samples = UnsafePointer(sourceRow + start)
                                        var sum = SIMD4<Float>(repeating: 0)
                                        for tap in 0..<count {
                                            sum += samples[tap] * weights[tap]
                                        }
                                        target[x] = sum
                                    }
                                }

                                for y in 0..<outputHeight {
                                    let start = vStarts[y]
                                    let count = vCounts[y]
                                    let weights = vWeights.baseAddress! + y * vTaps
                                    for tap in 0..<count {
                                        let row = start + tap
                                        let slot = row % slots
                                        if slotRow[slot] != row {
                                            fillSlot(slot, row: row)
                                            slotRow[slot] = row
                                        }
                                    }
                                    let firstRow = UnsafePointer(ring + (start % slots) * outputWidth)
                                    let firstWeight = weights[0]
                                    for x in 0..<outputWidth {
                                        accumulator[x] = firstRow[x] * firstWeight
                                    }
                                    if count > 1 {
                                        for tap in 1..<count {
                                            let rowPointer = UnsafePointer(ring + ((start + tap) % slots) * outputWidth)
                                            let weight = weights[tap]
                                            for x in 0..<outputWidth {
                                                accumulator[x] += rowPointer[x] * weight
                                            }
                                        }
                                    }
                                    var target = output + y * outputWidth * 4
                                    let lower = SIMD4<Float>(repeating: 0)
                                    let upper = SIMD4<Float>(repeating: 255)
                                    if premultiply {
                                        for x in 0..<outputWidth {
                                            let value = accumulator[x].clamped(lowerBound: lower, upperBound: upper)
                                            let alpha = value[3]
                                            if alpha < 0.5 {
                                                target[0] = 0
                                                target[1] = 0
                                                target[2] = 0
                                                target[3] = 0
                                            } else {
                                                let factor = 255 / alpha
                                                target[0] = UInt8(min(value[0] * factor, 255) + 0.5)
                                                target[1] = UInt8(min(value[1] * factor, 255) + 0.5)
                                                target[2] = UInt8(min(value[2] * factor, 255) + 0.5)
                                                target[3] = UInt8(alpha + 0.5)
                                            }
                                            target += 4
                                        }
                                    } else {
                                        for x in 0..<outputWidth {
                                            let value = accumulator[x].clamped(lowerBound: lower, upperBound: upper) + 0.5
                                            target[0] = UInt8(value[0])
                                            target[1] = UInt8(value[1])
                                            target[2] = UInt8(value[2])
                                            target[3] = UInt8(value[3])
                                            target += 4
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
