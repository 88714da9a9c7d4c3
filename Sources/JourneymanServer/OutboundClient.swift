import AsyncHTTPClient
import NIOPosix
import ServiceLifecycle

/// An HTTP client owned by one server (or one fetcher): shut down by the server's service group in its turn, by
/// `shutdown()`, or, for one built and never run, when the last holder lets go of it.
public final class OutboundClient: Sendable {
    /// The client.
    public let http: HTTPClient

    /// A client; by default with redirects off, for requests the outbound guard checks hop by hop.
    public init(configuration: HTTPClient.Configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)) {
        http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Closes its connections; later requests fail. Harmless when it has been shut down already.
    public func shutdown() async {
        try? await http.shutdown()
    }

    deinit {
        // A client already shut down answers `alreadyShutdown` here, which changes nothing.
        http.shutdown { _ in }
    }

    /// A service that holds the client while the group runs and shuts it down when a graceful shutdown reaches it
    /// (services stop in reverse order, so the ones listed after it have stopped using it by then).
    public var service: some Service { OutboundClientService(client: self) }
}

private struct OutboundClientService: Service {
    let client: OutboundClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
