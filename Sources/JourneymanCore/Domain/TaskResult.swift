/// What a finished task produced, in no contract's words: images by blob name, descriptions, the seed, or a failure.
public struct TaskResult: Sendable, Equatable, Codable {
    /// The images kept in the blob store (imagine tasks that succeeded).
    public var images: [StoredImage]
    /// Four prompt-style descriptions (describe tasks that succeeded), or the shorter prompts (shorten tasks).
    public var descriptions: [String]
    /// The seed the engine used.
    public var seed: UInt32?
    /// The engine's own note about its result, handed back to it for follow-ups (opaque to everything else).
    public var lineage: String?
    /// Why the task failed or was cancelled; nil when it succeeded.
    public var failure: TaskFailure?

    /// Creates a result.
    public init(
        images: [StoredImage] = [], descriptions: [String] = [], seed: UInt32? = nil, lineage: String? = nil, failure: TaskFailure? = nil
    ) {
        self.images = images
        self.descriptions = descriptions
        self.seed = seed
        self.lineage = lineage
        self.failure = failure
    }

    /// A failed (or cancelled) task's result.
    public static func failed(_ code: FailureCode, _ message: String) -> TaskResult {
        TaskResult(failure: TaskFailure(code: code, message: message))
    }

    /// The image in a role, if any.
    public func image(_ role: StoredImage.Role) -> StoredImage? {
        images.first { $0.role == role }
    }

    /// The videos (0–3, in order) of a video task.
    public var videos: [StoredImage] {
        images.filter { $0.role.video != nil }.sorted { ($0.role.video ?? 0) < ($1.role.video ?? 0) }
    }

    /// The quadrants (1–4, in order) kept as images of their own.
    public var quadrants: [StoredImage] {
        images.filter { $0.role.quadrant != nil }.sorted { ($0.role.quadrant ?? 0) < ($1.role.quadrant ?? 0) }
    }
}

/// One image of a result, kept in the blob store under `name`.
public struct StoredImage: Sendable, Equatable, Codable {
    /// What the image is to its task.
    public var role: Role
    /// The blob's name (`<task_id>.png`, `<task_id>@50.png`, `<task_id>-1.png`, `<task_id>-v0.mp4`, ...).
    public var name: String
    /// Pixels across.
    public var width: Int
    /// Pixels down.
    public var height: Int
    /// `png`, `jpeg`, or `mp4` for a video.
    public var format: String

    /// Creates an image reference.
    public init(role: Role, name: String, width: Int, height: Int, format: String = "png") {
        self.role = role
        self.name = name
        self.width = width
        self.height = height
        self.format = format
    }

    /// What an image is to its task.
    public enum Role: Sendable, Equatable, Hashable, Codable, RawRepresentable {
        /// The full-size result (a grid, or one image).
        case full
        /// The 50 % thumbnail of the full-size result.
        case thumbnail
        /// Quadrant N (1 top left … 4 bottom right) of a grid.
        case quadrant(Int)
        /// Video N (0–3) of a video task.
        case video(Int)
        /// The last frame of video N (0–3), which an `extend` starts from.
        case lastFrame(Int)

        /// `full`, `thumbnail`, `quadrant1` … `quadrant4`, `video0` … `video3`, `lastframe0` … `lastframe3`.
        public var rawValue: String {
            switch self {
            case .full: return "full"
            case .thumbnail: return "thumbnail"
            case .quadrant(let n): return "quadrant\(n)"
            case .video(let n): return "video\(n)"
            case .lastFrame(let n): return "lastframe\(n)"
            }
        }

        /// Parses a raw value.
        public init?(rawValue: String) {
            switch rawValue {
            case "full": self = .full
            case "thumbnail": self = .thumbnail
            default:
                if rawValue.hasPrefix("quadrant"), let n = Int(rawValue.dropFirst(8)), (1...4).contains(n) {
                    self = .quadrant(n)
                } else if rawValue.hasPrefix("video"), let n = Int(rawValue.dropFirst(5)), (0...3).contains(n) {
                    self = .video(n)
                } else if rawValue.hasPrefix("lastframe"), let n = Int(rawValue.dropFirst(9)), (0...3).contains(n) {
                    self = .lastFrame(n)
                } else {
                    return nil
                }
            }
        }

        /// N for a video.
        public var video: Int? {
            if case .video(let n) = self { return n }
            return nil
        }

        /// N for a quadrant.
        public var quadrant: Int? {
            if case .quadrant(let n) = self { return n }
            return nil
        }
    }
}

/// Why a task did not succeed.
public struct TaskFailure: Sendable, Equatable, Codable {
    /// The domain's code.
    public var code: FailureCode
    /// What happened, for people; never internals or tokens.
    public var message: String

    /// Creates a failure.
    public init(code: FailureCode, message: String) {
        self.code = code
        self.message = message
    }
}
