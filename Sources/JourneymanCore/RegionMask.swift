import Foundation
import JourneymanImaging

/// The `mask` of a `variation_region` request: a base64 PNG the size of the image it repaints.
enum RegionMask {
    /// Checks a mask against its parent's full size from the PNG header alone, and decodes it (to be sure it is a
    /// whole PNG) only once its size is known to match: a small file claiming a huge image costs nothing.
    static func validate(_ mask: String?, parentSize: (width: Int, height: Int)?) throws {
        guard let mask, !mask.isEmpty else {
            throw ServiceError(.badRequest, "field 'mask' (a base64 PNG) is required for action 'variation_region'")
        }
        let base64 = mask.split(separator: ",", maxSplits: 1).last.map(String.init) ?? mask
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw ServiceError(.badRequest, "field 'mask' is not valid base64")
        }
        let bytes = [UInt8](data)
        let header: ImageHeader
        do {
            header = try ImageHeader.read(bytes)
            guard header.format == .png else { throw ImagingError("not a PNG image") }
        } catch {
            throw ServiceError(.badRequest, "field 'mask' is not a PNG image: \(error)")
        }
        if let size = parentSize, size != (header.width, header.height) {
            throw ServiceError(
                .badRequest,
                "field 'mask' is \(header.width)×\(header.height) but the image is \(size.width)×\(size.height); they must match"
            )
        }
        do {
            _ = try PNG.decode(bytes, maxPixels: parentSize.map { $0.width * $0.height } ?? EditCommand.maxMaskPixels)
        } catch {
            throw ServiceError(.badRequest, "field 'mask' is not a PNG image: \(error)")
        }
    }
}
