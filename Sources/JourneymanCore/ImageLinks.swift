/// Builds the absolute image URLs of responses on the server's public base URL.
public struct ImageLinks: Sendable, Equatable {
    /// Base URL without a trailing slash (`http://127.0.0.1:8080`).
    public let publicURL: String

    /// Creates links on `publicURL` (a trailing slash is dropped).
    public init(publicURL: String) {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        self.publicURL = base
    }

    /// Prefix of every image URL.
    public var imagesPrefix: String { publicURL + "/midjourney/images/" }

    /// The full-size image of a task.
    public func raw(_ taskID: String) -> String { imagesPrefix + "\(taskID).png" }

    /// The 50 % thumbnail of a task, in the public service's query form.
    public func thumbnail(_ taskID: String) -> String { raw(taskID) + "?imageMogr2/thumbnail/!50p" }

    /// Quadrant `n` (1–4) of a grid.
    public func quadrant(_ taskID: String, _ n: Int) -> String { imagesPrefix + "\(taskID)-\(n).png" }

    /// Prefix of every video URL.
    public var videosPrefix: String { publicURL + "/midjourney/videos/" }

    /// Video `n` (0–3) of a video task.
    public func video(_ taskID: String, _ n: Int) -> String { videosPrefix + BlobName.video(taskID, n) }

    /// The blob name inside an image URL of this server, or nil for any other URL and for a URL of this server that
    /// names no image it could serve (`<public-url>/midjourney/images/../x`).
    public func blobName(of url: String) -> String? {
        guard let name = rawName(of: url), BlobName.isImageName(name) else { return nil }
        return name
    }

    /// The blob name inside an image URL of this server; nil for any other URL; a 400 for a URL of this server whose
    /// name is no image it serves, so that such a URL is refused at once rather than fetched or looked up.
    public func ownImageName(of url: String, field: String = "image_url") throws(ServiceError) -> String? {
        guard let name = rawName(of: url) else { return nil }
        guard BlobName.isImageName(name) else {
            throw ServiceError(.badRequest, "field '\(field)' points at this server's images but names none: '\(name.prefix(60))'")
        }
        return name
    }

    private func rawName(of url: String) -> String? {
        guard url.hasPrefix(imagesPrefix) else { return nil }
        var name = String(url.dropFirst(imagesPrefix.count))
        if let query = name.firstIndex(where: { $0 == "?" || $0 == "#" }) { name = String(name[..<query]) }
        return name
    }
}
