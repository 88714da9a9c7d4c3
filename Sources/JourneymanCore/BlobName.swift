/// The names blobs are stored under: task ids with a suffix (`<uuid>.png`, `<uuid>@50.png`, `<uuid>-1.png`).
public enum BlobName {
    /// Whether `name` can name a blob: lowercase letters, digits, `-`, `@` and `.`, not starting with a dot, under 200
    /// characters. Nothing that could leave a directory or name a hidden file passes.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count < 200, name.utf8.first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ".")
        }
    }

    /// Refuses a name that cannot name a blob with a 400: it came from a client (an image URL), not from the server.
    public static func check(_ name: String) throws(ServiceError) {
        guard isValid(name) else {
            throw ServiceError(.badRequest, "'\(name.prefix(60))' is not the name of an image of this server")
        }
    }

    /// The blob of video `n` (0–3) of a video task: `<uuid>-v<n>.mp4`.
    public static func video(_ taskID: String, _ n: Int) -> String { "\(taskID)-v\(n).mp4" }

    /// Whether `name` is a video the videos endpoint serves: `<uuid>-v<0...3>.mp4`.
    public static func isVideoName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 36 + 7, name.hasSuffix(".mp4"), bytes[36] == UInt8(ascii: "-"), bytes[37] == UInt8(ascii: "v"),
            (UInt8(ascii: "0")...UInt8(ascii: "3")).contains(bytes[38])
        else { return false }
        return isImageName(String(decoding: bytes[0..<36], as: UTF8.self) + ".png")
    }

    /// Whether `name` is an image the images endpoint serves: `<uuid>.png` or `<uuid>-<1...4>.png`.
    public static func isImageName(_ name: String) -> Bool {
        guard name.hasSuffix(".png") else { return false }
        let stem = name.utf8.dropLast(4)
        let isHex: (UInt8) -> Bool = {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
        let uuid: Substring.UTF8View
        switch stem.count {
        case 36: uuid = Substring(name).utf8.prefix(36)
        case 38:
            let tail = Array(stem.suffix(2))
            guard tail[0] == UInt8(ascii: "-"), (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(tail[1]) else { return false }
            uuid = Substring(name).utf8.prefix(36)
        default: return false
        }
        for (offset, byte) in uuid.enumerated() {
            if [8, 13, 18, 23].contains(offset) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard isHex(byte) else { return false }
            }
        }
        return true
    }
}
