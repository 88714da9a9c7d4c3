/// Why a request was refused or a task failed, in the domain's words; each contract names these its own way.
public enum FailureCode: String, Sendable, Codable, CaseIterable {
    /// The request or the task's input is wrong (a field, a prompt, an image that cannot be read).
    case badRequest = "bad_request"
    /// The credential is valid but not granted this API.
    case tokenMismatched = "token_mismatched"
    /// The action or endpoint is not provided (by the domain or by the running engine).
    case notImplemented = "not_implemented"
    /// The credential is missing, unknown, revoked or expired.
    case invalidToken = "invalid_token"
    /// The prompt is refused by moderation.
    case forbidden
    /// The application has no credits left.
    case usedUp = "used_up"
    /// There is nothing there (a path, never a task of another application).
    case notFound = "not_found"
    /// A rate or queue limit is exceeded.
    case tooManyRequests = "too_many_requests"
    /// Something failed inside the server or its engine.
    case internalError = "internal"
    /// A wait or an engine took longer than allowed.
    case timeout
    /// The task was cancelled by its application.
    case cancelled
    /// The server cannot serve now (its store is down, or it is shutting down); a retry elsewhere or later may work.
    case unavailable
}
