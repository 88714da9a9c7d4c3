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

    /// The blob name inside an image URL of this server, or nil for any other URL.
    public func blobName(of url: String) -> String? {
        guard url.hasPrefix(imagesPrefix) else { return nil }
        var name = String(url.dropFirst(imagesPrefix.count))
        if let query = name.firstIndex(where: { $0 == "?" || $0 == "#" }) { name = String(name[..<query]) }
        return name.isEmpty ? nil : name
    }
}
