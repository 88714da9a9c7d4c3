import Synchronization

/// What the inner layers of a request learn that the outer ones report: a box shared by every copy of one
/// request's context (contexts are values; the request log and the metrics sit outside authentication).
public final class RequestFacts: Sendable {
    private let state = Mutex<String?>(nil)

    /// Creates an empty box for a new request.
    public init() {}

    /// The application the request was authenticated as, once it was.
    public var applicationID: String? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
