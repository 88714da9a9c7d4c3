/// The sequence-level choices of a pan video: frame size in macroblocks, frame rate and level.
struct H264Format: Sendable, Equatable {
    let widthInMbs: Int
    let heightInMbs: Int
    let framesPerSecond: Int
    let levelIDC: UInt8

    static let profileIDC: UInt8 = 66  // Baseline
    static let constraintFlags: UInt8 = 0b1100_0000  // constraint_set0 and constraint_set1: Constrained Baseline
    static let log2MaxFrameNum = 16

    /// H.264 Table A-1 rows this encoder may claim: level_idc, MaxFS (macroblocks a frame), MaxMBPS (macroblocks a second).
    private static let levels: [(idc: UInt8, maxFrameMbs: Int, maxMbsPerSecond: Int)] = [
        (40, 8_192, 245_760), (42, 8_704, 522_240), (50, 22_080, 589_824), (51, 36_864, 983_040), (52, 36_864, 2_073_600),
    ]

    /// The lowest level, 4.0 or above, that holds the frame size and macroblock rate.
    init(width: Int, height: Int, framesPerSecond: Int) throws(VideoEncodingError) {
        guard width > 0, height > 0, width % 16 == 0, height % 16 == 0 else {
            throw VideoEncodingError(.frameSizeNotMultipleOf16(width: width, height: height))
        }
        guard (1...240).contains(framesPerSecond) else { throw VideoEncodingError(.frameRateNotSupported(framesPerSecond)) }
        let (widthInMbs, heightInMbs) = (width / 16, height / 16)
        guard widthInMbs <= 543, heightInMbs <= 543 else { throw VideoEncodingError(.frameTooLarge(width: width, height: height)) }
        self.widthInMbs = widthInMbs
        self.heightInMbs = heightInMbs
        self.framesPerSecond = framesPerSecond
        let frameMbs = widthInMbs * heightInMbs
        // A side may be at most sqrt(8 × MaxFS) macroblocks (Annex A.3.1).
        let fits = Self.levels.filter { level in
            frameMbs <= level.maxFrameMbs && widthInMbs * widthInMbs <= 8 * level.maxFrameMbs
                && heightInMbs * heightInMbs <= 8 * level.maxFrameMbs
        }
        guard !fits.isEmpty else { throw VideoEncodingError(.frameTooLarge(width: width, height: height)) }
        guard let level = fits.first(where: { frameMbs * framesPerSecond <= $0.maxMbsPerSecond }) else {
            throw VideoEncodingError(.frameRateNotSupported(framesPerSecond))
        }
        levelIDC = level.idc
    }

    var width: Int { widthInMbs * 16 }
    var height: Int { heightInMbs * 16 }

    /// The sequence parameter set NAL unit (header byte included, emulation prevention applied).
    var sequenceParameterSet: [UInt8] {
        var bits = BitWriter(capacity: 32)
        bits.write(UInt32(Self.profileIDC), bits: 8)
        bits.write(UInt32(Self.constraintFlags), bits: 8)  // constraint_set0..5 flags, reserved_zero_2bits
        bits.write(UInt32(levelIDC), bits: 8)
        bits.writeUE(0)  // seq_parameter_set_id
        bits.writeUE(UInt32(Self.log2MaxFrameNum - 4))  // log2_max_frame_num_minus4
        bits.writeUE(2)  // pic_order_cnt_type: output order is decoding order
        bits.writeUE(1)  // max_num_ref_frames
        bits.write(flag: false)  // gaps_in_frame_num_value_allowed_flag
        bits.writeUE(UInt32(widthInMbs - 1))  // pic_width_in_mbs_minus1
        bits.writeUE(UInt32(heightInMbs - 1))  // pic_height_in_map_units_minus1
        bits.write(flag: true)  // frame_mbs_only_flag
        bits.write(flag: true)  // direct_8x8_inference_flag
        bits.write(flag: false)  // frame_cropping_flag
        bits.write(flag: true)  // vui_parameters_present_flag
        // VUI
        bits.write(flag: true)  // aspect_ratio_info_present_flag
        bits.write(1, bits: 8)  // aspect_ratio_idc 1: square samples
        bits.write(flag: false)  // overscan_info_present_flag
        bits.write(flag: true)  // video_signal_type_present_flag
        bits.write(5, bits: 3)  // video_format: unspecified
        bits.write(flag: false)  // video_full_range_flag: limited range
        bits.write(flag: true)  // colour_description_present_flag
        bits.write(1, bits: 8)  // colour_primaries: BT.709
        bits.write(1, bits: 8)  // transfer_characteristics: BT.709
        bits.write(1, bits: 8)  // matrix_coefficients: BT.709
        bits.write(flag: true)  // chroma_loc_info_present_flag
        bits.writeUE(1)  // chroma_sample_loc_type_top_field: centre of the 2x2 block, where the average is
        bits.writeUE(1)  // chroma_sample_loc_type_bottom_field
        bits.write(flag: true)  // timing_info_present_flag
        bits.write(1, bits: 32)  // num_units_in_tick
        bits.write(UInt32(2 * framesPerSecond), bits: 32)  // time_scale: two ticks a frame
        bits.write(flag: true)  // fixed_frame_rate_flag
        bits.write(flag: false)  // nal_hrd_parameters_present_flag
        bits.write(flag: false)  // vcl_hrd_parameters_present_flag
        bits.write(flag: false)  // pic_struct_present_flag
        bits.write(flag: true)  // bitstream_restriction_flag
        bits.write(flag: true)  // motion_vectors_over_pic_boundaries_flag
        bits.writeUE(0)  // max_bytes_per_pic_denom
        bits.writeUE(0)  // max_bits_per_mb_denom
        bits.writeUE(16)  // log2_max_mv_length_horizontal
        bits.writeUE(16)  // log2_max_mv_length_vertical
        bits.writeUE(0)  // max_num_reorder_frames
        bits.writeUE(1)  // max_dec_frame_buffering
        bits.writeTrailingBits()
        return NALUnit.make(header: 0x67, rbsp: bits.bytes)  // nal_ref_idc 3, type 7
    }

    /// The picture parameter set NAL unit (header byte included, emulation prevention applied).
    var pictureParameterSet: [UInt8] {
        var bits = BitWriter(capacity: 8)
        bits.writeUE(0)  // pic_parameter_set_id
        bits.writeUE(0)  // seq_parameter_set_id
        bits.write(flag: false)  // entropy_coding_mode_flag: CAVLC
        bits.write(flag: false)  // bottom_field_pic_order_in_frame_present_flag
        bits.writeUE(0)  // num_slice_groups_minus1
        bits.writeUE(0)  // num_ref_idx_l0_default_active_minus1
        bits.writeUE(0)  // num_ref_idx_l1_default_active_minus1
        bits.write(flag: false)  // weighted_pred_flag
        bits.write(0, bits: 2)  // weighted_bipred_idc
        bits.writeSE(0)  // pic_init_qp_minus26
        bits.writeSE(0)  // pic_init_qs_minus26
        bits.writeSE(0)  // chroma_qp_index_offset
        bits.write(flag: true)  // deblocking_filter_control_present_flag
        bits.write(flag: false)  // constrained_intra_pred_flag
        bits.write(flag: false)  // redundant_pic_cnt_present_flag
        bits.writeTrailingBits()
        return NALUnit.make(header: 0x68, rbsp: bits.bytes)  // nal_ref_idc 3, type 8
    }
}

/// Writes the slice of each frame: an IDR picture of I_PCM macroblocks, then P pictures that copy what the previous
/// frame already shows (whole-sample motion, no residual) and send I_PCM samples for the rest.
struct H264SliceWriter {
    let format: H264Format
    let panorama: PanoramaPlanes
    private var bits: BitWriter

    init(format: H264Format, panorama: PanoramaPlanes) {
        self.format = format
        self.panorama = panorama
        // An all-PCM picture: 384 sample bytes and at most 3 bytes of syntax a macroblock.
        bits = BitWriter(capacity: format.widthInMbs * format.heightInMbs * 387 + 64)
    }

    /// Appends frame `index` (window at `position`, previous window at `previous`; nil for the first frame) as one
    /// NAL unit with emulation prevention, without its length prefix. Returns nothing; `output` grows.
    mutating func appendFrame(index: Int, position: PanPosition, previous: PanPosition?, to output: inout [UInt8]) {
        bits.removeAll()
        let frameNum = UInt32(index % (1 << H264Format.log2MaxFrameNum))
        if let previous {
            writePSlice(frameNum: frameNum, position: position, dx: position.x - previous.x, dy: position.y - previous.y)
            NALUnit.append(header: 0x61, rbsp: bits.bytes, to: &output)  // nal_ref_idc 3, type 1: non-IDR slice
        } else {
            writeIDRSlice(position: position)
            NALUnit.append(header: 0x65, rbsp: bits.bytes, to: &output)  // nal_ref_idc 3, type 5: IDR slice
        }
    }

    private mutating func writeIDRSlice(position: PanPosition) {
        bits.writeUE(0)  // first_mb_in_slice
        bits.writeUE(7)  // slice_type: I, all slices of the picture
        bits.writeUE(0)  // pic_parameter_set_id
        bits.write(0, bits: H264Format.log2MaxFrameNum)  // frame_num
        bits.writeUE(0)  // idr_pic_id
        bits.write(flag: false)  // no_output_of_prior_pics_flag
        bits.write(flag: false)  // long_term_reference_flag
        bits.writeSE(0)  // slice_qp_delta
        bits.writeUE(1)  // disable_deblocking_filter_idc: off
        for mbY in 0..<format.heightInMbs {
            for mbX in 0..<format.widthInMbs {
                bits.writeUE(25)  // mb_type I_PCM in an I slice
                writePCMSamples(position: position, mbX: mbX, mbY: mbY)
            }
        }
        bits.writeTrailingBits()
    }

    private mutating func writePSlice(frameNum: UInt32, position: PanPosition, dx: Int, dy: Int) {
        bits.writeUE(0)  // first_mb_in_slice
        bits.writeUE(5)  // slice_type: P, all slices of the picture
        bits.writeUE(0)  // pic_parameter_set_id
        bits.write(frameNum, bits: H264Format.log2MaxFrameNum)  // frame_num
        bits.write(flag: false)  // num_ref_idx_active_override_flag
        bits.write(flag: false)  // ref_pic_list_modification_flag_l0
        bits.write(flag: false)  // adaptive_ref_pic_marking_mode_flag: sliding window
        bits.writeSE(0)  // slice_qp_delta
        bits.writeUE(1)  // disable_deblocking_filter_idc: off
        let motion = MotionField(
            widthInMbs: format.widthInMbs, heightInMbs: format.heightInMbs, dx: dx, dy: dy)
        for mbY in 0..<format.heightInMbs {
            for mbX in 0..<format.widthInMbs {
                bits.write(1, bits: 1)  // mb_skip_run ue(0): no skipped macroblocks
                if motion.isCopy(mbX, mbY) {
                    let predictor = motion.predictor(mbX, mbY)
                    bits.write(1, bits: 1)  // mb_type ue(0): P_L0_16x16; one reference, so no ref_idx_l0
                    bits.writeSE(motion.mvX - predictor.x)  // mvd_l0 x
                    bits.writeSE(motion.mvY - predictor.y)  // mvd_l0 y
                    bits.write(1, bits: 1)  // coded_block_pattern me(v) codeNum 0: inter cbp 0, no residual
                } else {
                    bits.writeUE(30)  // mb_type 5 + 25: I_PCM in a P slice
                    writePCMSamples(position: position, mbX: mbX, mbY: mbY)
                }
            }
        }
        bits.writeTrailingBits()
    }

    /// pcm_alignment_zero_bits, then the macroblock's 256 luma, 64 Cb and 64 Cr samples, each in raster order.
    private mutating func writePCMSamples(position: PanPosition, mbX: Int, mbY: Int) {
        bits.alignWithZeros()
        let lumaX = position.x + mbX * 16
        let lumaY = position.y + mbY * 16
        let chromaStart = (lumaY / 2) * panorama.chromaWidth + lumaX / 2
        appendBlock(of: panorama.y, start: lumaY * panorama.width + lumaX, stride: panorama.width, size: 16)
        appendBlock(of: panorama.cb, start: chromaStart, stride: panorama.chromaWidth, size: 8)
        appendBlock(of: panorama.cr, start: chromaStart, stride: panorama.chromaWidth, size: 8)
    }

    /// A `size`×`size` block of `plane`, row by row.
    @inline(__always)
    private mutating func appendBlock(of plane: [UInt8], start: Int, stride: Int, size: Int) {
        plane.withUnsafeBufferPointer { samples in
            var rowStart = start
            for _ in 0..<size {
                bits.appendAligned(UnsafeBufferPointer(rebasing: samples[rowStart..<(rowStart + size)]))
                rowStart += stride
            }
        }
    }
}

/// Which macroblocks of a P picture copy the previous picture, and the motion vector prediction of H.264 8.4.1.3 for
/// their 16x16 partitions. Every copying macroblock has the same vector, (4·dx, 4·dy) in quarter samples.
struct MotionField {
    let widthInMbs: Int
    let heightInMbs: Int
    let dx: Int
    let dy: Int
    let mvX: Int32
    let mvY: Int32

    init(widthInMbs: Int, heightInMbs: Int, dx: Int, dy: Int) {
        self.widthInMbs = widthInMbs
        self.heightInMbs = heightInMbs
        self.dx = dx
        self.dy = dy
        mvX = Int32(4 * dx)
        mvY = Int32(4 * dy)
    }

    /// True when the macroblock's 16x16 block displaced by (dx, dy) lies inside the previous picture.
    @inline(__always)
    func isCopy(_ mbX: Int, _ mbY: Int) -> Bool {
        let x = mbX * 16 + dx
        let y = mbY * 16 + dy
        return x >= 0 && y >= 0 && x + 16 <= widthInMbs * 16 && y + 16 <= heightInMbs * 16
    }

    /// A neighbouring partition as 8.4.1.3.2 sees it: not available outside the picture (or not yet decoded), refIdx
    /// −1 and a zero vector when intra (I_PCM), refIdx 0 and the shared vector when it copies.
    struct Neighbour {
        var available: Bool
        var refIdx: Int
        var x: Int32
        var y: Int32
    }

    @inline(__always)
    private func neighbour(_ mbX: Int, _ mbY: Int) -> Neighbour {
        guard mbX >= 0, mbY >= 0, mbX < widthInMbs, mbY < heightInMbs else {
            return Neighbour(available: false, refIdx: -1, x: 0, y: 0)
        }
        return isCopy(mbX, mbY)
            ? Neighbour(available: true, refIdx: 0, x: mvX, y: mvY)
            : Neighbour(available: true, refIdx: -1, x: 0, y: 0)
    }

    /// mvpL0 for the macroblock's 16x16 partition (8.4.1.3 and 8.4.1.3.1), reference index 0.
    func predictor(_ mbX: Int, _ mbY: Int) -> (x: Int32, y: Int32) {
        let a = neighbour(mbX - 1, mbY)  // left
        var b = neighbour(mbX, mbY - 1)  // above
        var c = neighbour(mbX + 1, mbY - 1)  // above right (never decoded yet when in this row)
        if !c.available { c = neighbour(mbX - 1, mbY - 1) }  // above left stands in for C
        if !b.available && !c.available && a.available {
            b = a
            c = a
        }
        let matches = (a.refIdx == 0 ? 1 : 0) + (b.refIdx == 0 ? 1 : 0) + (c.refIdx == 0 ? 1 : 0)
        if matches == 1 {
            let only = a.refIdx == 0 ? a : b.refIdx == 0 ? b : c
            return (only.x, only.y)
        }
        return (Self.median(a.x, b.x, c.x), Self.median(a.y, b.y, c.y))
    }

    @inline(__always)
    static func median(_ a: Int32, _ b: Int32, _ c: Int32) -> Int32 {
        max(min(a, b), min(max(a, b), c))
    }
}
