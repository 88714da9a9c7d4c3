import Crypto
import Foundation
import JourneymanCore

/// Callbacks from upstreams: each upstream gets a URL of its own under `/upstream-callbacks/`, whose last segment
/// authenticates it. A callback is only a hint: it makes the poller ask the upstream at once, and what the upstream
/// then answers is what counts, so a forged or replayed callback can cost one poll and change nothing.
public enum UpstreamCallbacks {
    /// The path the callbacks arrive on, with the secret as its one parameter.
    public static let route = "/upstream-callbacks/:secret"

    /// The secret segment of `settings`' callback URL: a digest of its name and token, so it outlives a restart (tasks
    /// submitted before it still reach this server) and tells nothing of the token.
    public static func secret(for settings: UpstreamSettings) -> String {
        let digest = SHA256.hash(data: Data("journeyman upstream callback\u{0}\(settings.name)\u{0}\(settings.token)".utf8))
        return digest.withUnsafeBytes { Hex.lowercase($0.prefix(20)) }
    }

    /// Whether `given` is `expected`, in a time that does not depend on where they differ.
    static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `settings` with the callback URL under `publicURL` set.
    public static func enabling(_ settings: UpstreamSettings, publicURL: String) -> UpstreamSettings {
        var settings = settings
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        settings.callbackURL = base + "/upstream-callbacks/" + secret(for: settings)
        return settings
    }
}

/// An engine whose upstreams can be told to poll now.
public protocol UpstreamNudging: Sendable {
    /// Polls the upstream whose callback secret is `secret` at once; false when no upstream has that secret.
    func nudge(secret: String) async -> Bool
}
