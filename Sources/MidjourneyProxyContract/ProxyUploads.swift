import Foundation
import JourneymanCore
import JourneymanImaging

/// Keeps images sent inline (data URLs) as blobs of this server, so the domain sees them as image URLs.
struct ProxyUploads: Sendable {
    let blobs: any BlobStore
    let links: ImageLinks
    let pool: CPUPool

    /// Stores one data URL (or bare base64) as a PNG and answers its URL on this server; a 400 when it is no image.
    func store(_ dataURL: String, field: String) async throws -> String {
        let text = dataURL.hasPrefix("data:") ? String(dataURL.split(separator: ",", maxSplits: 1).last ?? "") : dataURL
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw ServiceError(.badRequest, "field '\(field)' must be an image as a base64 data URL")
        }
        let bytes = [UInt8](data)
        let header: ImageHeader
        do {
            header = try ImageHeader.read(bytes)
        } catch {
            throw ServiceError(.badRequest, "field '\(field)' is not an image this server reads: \(error)")
        }
        guard header.width > 0, header.height > 0, header.width * header.height <= 64_000_000 else {
            throw ServiceError(.badRequest, "field '\(field)' is an image larger than 64 million pixels")
        }
        let png: [UInt8]
        if header.format == .png {
            png = bytes
        } else {
            let decoded: DecodedImage
            do {
                decoded = try await ImageDecoder.decode(bytes, budget: .imageDecodes)
            } catch {
                throw ServiceError(.badRequest, "field '\(field)' is not an image this server reads: \(error)")
            }
            png = try await pool.run { try PNG.encode(decoded.image) }
        }
        let id = UUID().uuidString.lowercased()
        try await blobs.put("\(id).png", bytes: png)
        return links.raw(id)
    }
}
