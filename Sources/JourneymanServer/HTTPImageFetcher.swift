import AsyncHTTPClient
import Foundation
import JourneymanCore
import MidjourneyAPI
import NIOCore

/// Fetches Describe's `image_url` over HTTP(S) with a size cap and a timeout.
public struct HTTPImageFetcher: ImageFetcher {
    let client: HTTPClient
    let timeout: TimeAmount

    /// Uses `client`, giving up after `timeout`.
    public init(client: HTTPClient, timeout: TimeAmount = .seconds(20)) {
        self.client = client
        self.timeout = timeout
    }

    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "accept", value: "image/png, image/jpeg")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw ServiceError(.badRequest, "image_url could not be fetched: \(Self.reason(error))")
        }
        guard (200..<300).contains(response.status.code) else {
            throw ServiceError(.badRequest, "image_url could not be fetched: the server answered \(response.status.code)")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw ServiceError(.badRequest, "image_url is \(length) bytes; at most \(maxBytes) are accepted")
        }
        do {
            let body = try await response.body.collect(upTo: maxBytes)
            return Array(body.readableBytesView)
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
            return "\(error)"
        default:
            return "connection failed"
        }
    }
}
