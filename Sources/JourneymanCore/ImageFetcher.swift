/// Fetches the bytes behind an image URL (Describe's `image_url`).
public protocol ImageFetcher: Sendable {
    /// The bytes at `url`, at most `maxBytes` of them; throws `ServiceError(.badRequest, ...)` saying why not.
    func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8]
}
