/// Big-endian bytes and ISO BMFF boxes, each box's size patched in when its body is done.
struct BoxWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    mutating func append(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// A four-character code, ASCII.
    mutating func fourCC(_ code: StaticString) {
        precondition(code.utf8CodeUnitCount == 4)
        code.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A box: 32-bit size, type, then whatever `body` writes.
    mutating func box(_ type: StaticString, _ body: (inout BoxWriter) -> Void) {
        let start = bytes.count
        u32(0)
        fourCC(type)
        body(&self)
        let size = UInt32(bytes.count - start)
        for index in 0..<4 { bytes[start + index] = UInt8(truncatingIfNeeded: size >> UInt32(24 - 8 * index)) }
    }

    /// A full box: a box whose body starts with an 8-bit version and 24-bit flags.
    mutating func fullBox(_ type: StaticString, version: UInt8 = 0, flags: UInt32 = 0, _ body: (inout BoxWriter) -> Void) {
        box(type) { writer in
            writer.u32(UInt32(version) << 24 | (flags & 0xFF_FFFF))
            body(&writer)
        }
    }

    /// The unity transformation matrix of mvhd and tkhd.
    mutating func unityMatrix() {
        for value: UInt32 in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] { u32(value) }
    }
}

/// A one-track MP4 (ISO BMFF) with the movie box before the media data, so a browser can play while downloading.
enum MP4File {
    /// The file: ftyp, moov (one avc1 video track, every sample in one chunk), mdat holding `samples` back to back
    /// (each sample one 4-byte-length-prefixed NAL unit; `sampleSizes` gives their sizes, prefix included).
    static func make(format: H264Format, sps: [UInt8], pps: [UInt8], samples: [UInt8], sampleSizes: [UInt32]) -> [UInt8] {
        let timescale = UInt32(format.framesPerSecond * 1000)
        let sampleDelta: UInt32 = 1000
        let duration = UInt64(sampleSizes.count) * UInt64(sampleDelta)
        var head = BoxWriter(capacity: 1024 + 4 * sampleSizes.count)
        head.box("ftyp") { ftyp in
            ftyp.fourCC("isom")  // major_brand
            ftyp.u32(0x200)  // minor_version
            ftyp.fourCC("isom")
            ftyp.fourCC("iso2")
            ftyp.fourCC("avc1")
            ftyp.fourCC("mp41")
        }
        // The chunk offset depends on the moov's size, which does not depend on the offset: write it twice.
        let largeMdat = samples.count + 8 > Int(UInt32.max)
        let mdatHeaderSize = largeMdat ? 16 : 8
        let ftypSize = head.bytes.count
        var probe = BoxWriter()
        writeMovie(
            into: &probe, format: format, timescale: timescale, sampleDelta: sampleDelta, duration: duration, sps: sps,
            pps: pps, sampleSizes: sampleSizes, chunkOffset: 0)
        let chunkOffset = UInt64(ftypSize + probe.bytes.count + mdatHeaderSize)
        writeMovie(
            into: &head, format: format, timescale: timescale, sampleDelta: sampleDelta, duration: duration, sps: sps,
            pps: pps, sampleSizes: sampleSizes, chunkOffset: chunkOffset)
        if largeMdat {
            head.u32(1)
            head.fourCC("mdat")
            head.u64(UInt64(samples.count + 16))
        } else {
            head.u32(UInt32(samples.count + 8))
            head.fourCC("mdat")
        }
        precondition(head.bytes.count == Int(chunkOffset))
        var file = head.bytes
        file.reserveCapacity(file.count + samples.count)
        file.append(contentsOf: samples)
        return file
    }

    private static func writeMovie(
        into writer: inout BoxWriter, format: H264Format, timescale: UInt32, sampleDelta: UInt32, duration: UInt64,
        sps: [UInt8], pps: [UInt8], sampleSizes: [UInt32], chunkOffset: UInt64
    ) {
        let long = duration > UInt64(UInt32.max)  // version 1 times are 64-bit
        let version: UInt8 = long ? 1 : 0
        func time(_ writer: inout BoxWriter, _ value: UInt64) {
            if long { writer.u64(value) } else { writer.u32(UInt32(value)) }
        }
        writer.box("moov") { moov in
            moov.fullBox("mvhd", version: version) { mvhd in
                time(&mvhd, 0)  // creation_time
                time(&mvhd, 0)  // modification_time
                mvhd.u32(timescale)
                time(&mvhd, duration)
                mvhd.u32(0x0001_0000)  // rate 1.0
                mvhd.u16(0x0100)  // volume 1.0
                mvhd.zeros(2 + 8)  // reserved
                mvhd.unityMatrix()
                mvhd.zeros(24)  // pre_defined
                mvhd.u32(2)  // next_track_ID
            }
            moov.box("trak") { trak in
                trak.fullBox("tkhd", version: version, flags: 0x3) { tkhd in  // track_enabled | track_in_movie
                    time(&tkhd, 0)  // creation_time
                    time(&tkhd, 0)  // modification_time
                    tkhd.u32(1)  // track_ID
                    tkhd.u32(0)  // reserved
                    time(&tkhd, duration)  // in the movie timescale, the same as the media's
                    tkhd.zeros(8)  // reserved
                    tkhd.u16(0)  // layer
                    tkhd.u16(0)  // alternate_group
                    tkhd.u16(0)  // volume: not audio
                    tkhd.u16(0)  // reserved
                    tkhd.unityMatrix()
                    tkhd.u32(UInt32(format.width) << 16)  // width, 16.16
                    tkhd.u32(UInt32(format.height) << 16)  // height, 16.16
                }
                trak.box("mdia") { mdia in
                    mdia.fullBox("mdhd", version: version) { mdhd in
                        time(&mdhd, 0)  // creation_time
                        time(&mdhd, 0)  // modification_time
                        mdhd.u32(timescale)
                        time(&mdhd, duration)
                        mdhd.u16(0x55C4)  // language "und"
                        mdhd.u16(0)  // pre_defined
                    }
                    mdia.fullBox("hdlr") { hdlr in
                        hdlr.u32(0)  // pre_defined
                        hdlr.fourCC("vide")
                        hdlr.zeros(12)  // reserved
                        hdlr.append(Array("VideoHandler".utf8) + [0])
                    }
                    mdia.box("minf") { minf in
                        minf.fullBox("vmhd", flags: 1) { vmhd in
                            vmhd.u16(0)  // graphicsmode: copy
                            vmhd.zeros(6)  // opcolor
                        }
                        minf.box("dinf") { dinf in
                            dinf.fullBox("dref") { dref in
                                dref.u32(1)  // entry_count
                                dref.fullBox("url ", flags: 1) { _ in }  // the media is in this file
                            }
                        }
                        minf.box("stbl") { stbl in
                            writeSampleTable(
                                into: &stbl, format: format, sampleDelta: sampleDelta, sps: sps, pps: pps,
                                sampleSizes: sampleSizes, chunkOffset: chunkOffset)
                        }
                    }
                }
            }
        }
    }

    private static func writeSampleTable(
        into stbl: inout BoxWriter, format: H264Format, sampleDelta: UInt32, sps: [UInt8], pps: [UInt8],
        sampleSizes: [UInt32], chunkOffset: UInt64
    ) {
        let count = UInt32(sampleSizes.count)
        stbl.fullBox("stsd") { stsd in
            stsd.u32(1)  // entry_count
            stsd.box("avc1") { avc1 in
                avc1.zeros(6)  // reserved
                avc1.u16(1)  // data_reference_index
                avc1.zeros(16)  // pre_defined, reserved, pre_defined[3]
                avc1.u16(UInt16(format.width))
                avc1.u16(UInt16(format.height))
                avc1.u32(0x0048_0000)  // horizresolution 72 dpi
                avc1.u32(0x0048_0000)  // vertresolution 72 dpi
                avc1.u32(0)  // reserved
                avc1.u16(1)  // frame_count
                let name = Array("Journeyman".utf8)
                avc1.u8(UInt8(name.count))  // compressorname: a Pascal string in 32 bytes
                avc1.append(name)
                avc1.zeros(31 - name.count)
                avc1.u16(0x0018)  // depth: colour, no alpha
                avc1.u16(0xFFFF)  // pre_defined −1
                avc1.box("avcC") { avcC in
                    avcC.u8(1)  // configurationVersion
                    avcC.u8(H264Format.profileIDC)  // AVCProfileIndication
                    avcC.u8(H264Format.constraintFlags)  // profile_compatibility
                    avcC.u8(format.levelIDC)  // AVCLevelIndication
                    avcC.u8(0xFF)  // reserved 6 bits, lengthSizeMinusOne 3
                    avcC.u8(0xE1)  // reserved 3 bits, numOfSequenceParameterSets 1
                    avcC.u16(UInt16(sps.count))
                    avcC.append(sps)
                    avcC.u8(1)  // numOfPictureParameterSets
                    avcC.u16(UInt16(pps.count))
                    avcC.append(pps)
                }
            }
        }
        stbl.fullBox("stts") { stts in
            stts.u32(1)  // entry_count
            stts.u32(count)  // sample_count
            stts.u32(sampleDelta)
        }
        stbl.fullBox("stss") { stss in
            stss.u32(1)  // entry_count
            stss.u32(1)  // the first sample is the only sync sample
        }
        stbl.fullBox("stsc") { stsc in
            stsc.u32(1)  // entry_count
            stsc.u32(1)  // first_chunk
            stsc.u32(count)  // samples_per_chunk
            stsc.u32(1)  // sample_description_index
        }
        stbl.fullBox("stsz") { stsz in
            stsz.u32(0)  // sample_size: sizes differ
            stsz.u32(count)
            for size in sampleSizes { stsz.u32(size) }
        }
        stbl.fullBox("stco") { stco in  // the moov comes first, so the offset is small
            stco.u32(1)  // entry_count: one chunk
            stco.u32(UInt32(chunkOffset))
        }
    }
}
