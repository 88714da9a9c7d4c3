/// A refusal or failure in the domain's words; each contract answers it in its own envelope.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why (a contract maps it to its own code and status).
    public var code: FailureCode
    /// What is wrong, for people: says which field or limit, never leaks internals or tokens.
    public var message: String
    /// Seconds after which a retry may succeed.
    public var retryAfter: Int?

    /// Creates an error.
    public init(_ code: FailureCode, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The token is missing, unknown, revoked or expired.
    public static let invalidToken = ServiceError(.invalidToken, "The specified token is invalid or wrong.")

    /// A `bad_request` with this message.
    public static func badRequest(_ message: String) -> ServiceError {
        ServiceError(.badRequest, message)
    }
}
