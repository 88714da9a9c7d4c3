import MidjourneyAPI

/// A refusal or failure the API answers in its error envelope.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The envelope's code (its HTTP status follows from it).
    public var code: ErrorCode
    /// The envelope's message: says what is wrong, never leaks internals or tokens.
    public var message: String
    /// Seconds for a `retry-after` header.
    public var retryAfter: Int?

    /// Creates an error.
    public init(_ code: ErrorCode, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// A request refused before any work, as `RequestError` says.
    public init(_ error: RequestError) {
        self.init(error.code, error.message)
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The token is missing, unknown, revoked or expired.
    public static let invalidToken = ServiceError(.invalidToken, "The specified token is invalid or wrong.")
}
