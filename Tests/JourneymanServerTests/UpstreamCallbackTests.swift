import Foundation
import JourneymanCore
import JourneymanServer
import JourneymanUpstream
import MidjourneyAPI
import Testing

/// Upstream callbacks: the front gives each upstream a callback address, and a call there makes it poll at once. The
/// fronts here poll only every two minutes, so a task that ends within a minute ended by a callback.
@Suite("Journeyman called back by its upstreams", .serialized, .timeLimit(.minutes(5)))
struct UpstreamCallbackTests {
    static let slowPolls: Duration = .seconds(120)

    @Test("The public contract's callback_url brings a task home without waiting for the next poll")
    func thePublicContractsCallbackEndsTheWait() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: {
                $0.useUpstream(upstream.url, token: upstream.token, pollInterval: Self.slowPolls)
                $0.upstreamCallbacks = true
            }) { front in
                let record = try await front.waitForRecord(try await front.submit(#"{"prompt":"a heron at first light"}"#), seconds: 60)
                #expect(record.string("state") == "succeeded", "\(record)")
                let calls = await front.upstreamEngine?.upstreamReadings().first?.calls ?? [:]
                #expect((calls["poll"] ?? 0) <= 2, "polled on the callbacks, not on a timer: \(calls)")

                // The upstream was given the front's callback address, which holds nothing of the token.
                let sent = try #require(
                    try await upstream.server.store.tasks(applicationID: upstream.applicationID, offset: 0, limit: 1).first)
                let callback = try #require(sent.callbackURL)
                #expect(callback.hasPrefix(front.url + "/upstream-callbacks/"), "\(callback)")
                #expect(!callback.contains(upstream.token))
            }
        }
    }

    @Test("The proxy contract's notifyHook brings a task home, and a callback to an unknown address is a 404 that polls nothing")
    func theProxysNotifyHookEndsTheWaitAndStrangersAreRefused() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: {
                $0.useProxyUpstream(upstream.url, secret: upstream.token)
                $0.upstream?.pollInterval = Self.slowPolls
                $0.upstreamCallbacks = true
            }) { front in
                let record = try await front.waitForRecord(try await front.submit(#"{"prompt":"a kestrel over a field"}"#), seconds: 60)
                #expect(record.string("state") == "succeeded", "\(record)")
                let before = await front.upstreamEngine?.upstreamReadings().first?.calls["poll"] ?? 0

                let stranger = try await livePost(port: front.port, path: "/upstream-callbacks/not-a-secret", token: "", body: "{}")
                #expect(stranger.status == .notFound)
                #expect(stranger.object["error"]?.objectValue?.string("code") == "not_found", "in the envelope: \(stranger.object)")
                try await Task.sleep(for: .milliseconds(500))
                #expect(await front.upstreamEngine?.upstreamReadings().first?.calls["poll"] ?? 0 == before, "no poll for a stranger")
            }
        }
    }

    @Test("Without --upstream-callbacks no callback address is sent and the route does not exist")
    func callbacksAreOffUnlessAskedFor() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: { $0.useUpstream(upstream.url, token: upstream.token) }) { front in
                _ = try await front.imagine(#"{"prompt":"a wren on a wall"}"#)
                let sent = try #require(
                    try await upstream.server.store.tasks(applicationID: upstream.applicationID, offset: 0, limit: 1).first)
                #expect(sent.callbackURL == nil)
                let secret = UpstreamCallbacks.secret(for: try #require(front.upstreamEngine?.settings))
                let call = try await livePost(port: front.port, path: "/upstream-callbacks/\(secret)", token: "", body: "{}")
                #expect(call.status == .notFound)
            }
        }
    }
}
