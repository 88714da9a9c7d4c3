import JourneymanCore

/// How one call to an upstream went wrong, sorted by what to do about it.
enum UpstreamCallError: Error, Sendable {
    /// Worth another attempt: 429 or "queue full" (with the upstream's `retry-after`, if it said), 5xx, timeouts, resets.
    case retry(after: Double?, reason: String)
    /// The upstream refused this server's credentials (or its account is used up): it is down until fixed.
    case credentials(String)
    /// A refusal that stands: moderation, validation, not provided. Ends the task with this code.
    case refused(EngineError)
}
