/// stub
enum PromptShortener { static func shorten(_ p: String) throws -> [String] { [] } }
