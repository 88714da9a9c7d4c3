/// A request the contract refuses, before any work is done: a 400 whose message names the field.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code of the envelope: `bad_request` unless the action is unknown.
    public var code: ErrorCode
    /// What is wrong, naming the field.
    public var message: String

    /// A `bad_request` with this message.
    public init(_ message: String, code: ErrorCode = .badRequest) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// The error codes of the contract's envelope.
public enum ErrorCode: String, Sendable, Codable, Equatable {
    case badRequest = "bad_request"
    case tokenMismatched = "token_mismatched"
    case apiNotImplemented = "api_not_implemented"
    case invalidToken = "invalid_token"
    case forbidden
    case usedUp = "used_up"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case tooManyRequests = "too_many_requests"
    case apiError = "api_error"
    case timeout
    case cancelled
}

extension ErrorCode {
    /// The HTTP status the contract pairs with this code.
    public var httpStatus: Int {
        switch self {
        case .badRequest, .tokenMismatched, .apiNotImplemented, .cancelled: return 400
        case .invalidToken: return 401
        case .forbidden, .usedUp: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .tooManyRequests: return 429
        case .apiError: return 500
        case .timeout: return 504
        }
    }
}
