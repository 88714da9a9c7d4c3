/// A Midjourney-style prompt split into its words, image prompts and parameters.
public struct ParsedPrompt: Sendable, Equatable {
    /// The prompt's words without image URLs and without `--parameters`.
    public var text: String
    /// Image URLs that stood at the start of the prompt (image prompts, at most 5).
    public var imageURLs: [String]
    /// `--ar W:H` (or `--aspect`); square when absent.
    public var aspect: AspectRatio
    /// `--seed N` when given.
    public var seed: UInt32?
    /// `--chaos N` (0–100); 0 when absent.
    public var chaos: Int
    /// `--stylize N` (0–1000); 100 when absent, as in Midjourney.
    public var stylize: Int
    /// The words of `--no a, b` (lowercased, trimmed), each entry one comma-separated item.
    public var exclusions: [String]
    /// Every other parameter, in order, by canonical name with its raw value ("" when it takes none).
    public var otherParameters: [PromptParameter]

    /// Creates a parsed prompt; the defaults are those of a prompt with no parameters.
    public init(
        text: String,
        imageURLs: [String] = [],
        aspect: AspectRatio = .square,
        seed: UInt32? = nil,
        chaos: Int = 0,
        stylize: Int = 100,
        exclusions: [String] = [],
        otherParameters: [PromptParameter] = []
    ) {
        self.text = text
        self.imageURLs = imageURLs
        self.aspect = aspect
        self.seed = seed
        self.chaos = chaos
        self.stylize = stylize
        self.exclusions = exclusions
        self.otherParameters = otherParameters
    }
}

/// A Midjourney parameter the engine keeps but does not act on.
public struct PromptParameter: Sendable, Equatable {
    /// Canonical name without dashes (`v`, `style`, `tile`, ...).
    public var name: String
    /// The value as written, or "" for flags such as `--tile`.
    public var value: String

    /// Creates a parameter.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
