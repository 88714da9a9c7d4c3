import AsyncHTTPClient
import Foundation
import JourneymanCore
import NIOCore

/// Fetches Describe's `image_url` over HTTP(S) with a size cap and a timeout, checking every redirect hop.
public struct HTTPImageFetcher: ImageFetcher {
    let client: OutboundClient
    let timeout: TimeAmount
    let outbound: OutboundGuard
    /// Most redirects followed.
    static let maxRedirects = 3

    /// Uses `client` (which must not follow redirects itself), giving up after `timeout`.
    public init(client: OutboundClient = OutboundClient(), timeout: TimeAmount = .seconds(20), outbound: OutboundGuard) {
        self.client = client
        self.timeout = timeout
        self.outbound = outbound
    }

    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        var current = url
        for _ in 0...Self.maxRedirects {
            let target = try await outbound.check(current, field: "image_url")
            let fetched = try await outbound.withClient(for: target, default: client.http) { client in
                try await fetchOnce(current, maxBytes: maxBytes, client: client)
            }
            switch fetched {
            case .body(let bytes):
                return bytes
            case .redirect(let location):
                guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                    throw ServiceError(.badRequest, "image_url redirects to an invalid location")
                }
                current = next
            }
        }
        throw ServiceError(.badRequest, "image_url redirects more than \(Self.maxRedirects) times")
    }

    private enum Fetched: Sendable {
        case body([UInt8])
        case redirect(String)
    }

    private func fetchOnce(_ url: String, maxBytes: Int, client: HTTPClient) async throws -> Fetched {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        // Images mostly; an upstream video's MP4 files come through here too.
        request.headers.add(name: "accept", value: "image/png, image/jpeg, video/mp4;q=0.9, */*;q=0.1")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw ServiceError(.badRequest, "image_url could not be fetched: \(Self.reason(error))")
        }
        if (300..<400).contains(response.status.code), let location = response.headers.first(name: "location") {
            return .redirect(location)
        }
        guard (200..<300).contains(response.status.code) else {
            throw ServiceError(.badRequest, "image_url could not be fetched: the server answered \(response.status.code)")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw ServiceError(.badRequest, "image_url is \(length) bytes; at most \(maxBytes) are accepted")
        }
        do {
            let body = try await response.body.collect(upTo: maxBytes)
            return .body(Array(body.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw ServiceError(.badRequest, "image_url is larger than \(maxBytes) bytes")
        } catch {
            throw ServiceError(.badRequest, "image_url could not be read: \(Self.reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return "timed out"
        case let error as HTTPClientError:
            return "\(error)".prefix(120).description
        default:
            return "connection failed"
        }
    }
}
