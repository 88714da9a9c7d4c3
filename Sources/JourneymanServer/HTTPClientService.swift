import AsyncHTTPClient
import ServiceLifecycle

/// Owns the outbound HTTP client (webhooks, describe fetches): runs until shutdown, then closes its connections
/// once every service that uses it has stopped (it is started first, so it stops last).
public struct HTTPClientService: Service {
    /// The client.
    public let client: HTTPClient

    /// Owns `client`.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// Waits for shutdown, then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
