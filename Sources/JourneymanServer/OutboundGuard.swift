import AsyncHTTPClient
import Dispatch
import Foundation
import JourneymanCore

import NIOCore
import NIOPosix

/// Keeps server-side fetches (describe images, webhooks) out of the server's own network:
/// only http(s), and only hosts whose every address is public, unless private networks are allowed.
public struct OutboundGuard: OutboundPolicy {
    /// Whether loopback, private, link-local and similar addresses may be reached (development and tests).
    public let allowPrivateNetwork: Bool

    /// One HTTP client for every outbound request, redirects off: each hop is checked here instead.
    public static let client = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )

    /// Creates a guard.
    public init(allowPrivateNetwork: Bool) {
        self.allowPrivateNetwork = allowPrivateNetwork
    }

    /// Refuses, with a 400 naming `field` and saying why, a URL that is not http(s) or reaches a non-public address.
    public func check(_ url: String, field: String) async throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw ServiceError(.badRequest, "field '\(field)' must be an http or https URL")
        }
        guard var host = parsed.host, !host.isEmpty else {
            throw ServiceError(.badRequest, "field '\(field)' has no host")
        }
        if allowPrivateNetwork { return }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let addresses = try await Self.resolve(host)
        guard !addresses.isEmpty else {
            throw ServiceError(.badRequest, "field '\(field)': the host \(host.prefix(80)) does not resolve")
        }
        if let blocked = addresses.first(where: { !Self.isPublic($0) }) {
            throw ServiceError(
                .badRequest,
                "field '\(field)': \(host.prefix(80)) resolves to \(blocked), a loopback, private, link-local or otherwise non-public address, which this server does not fetch"
            )
        }
    }

    /// The numeric addresses of a host name (or of an address literal).
    static func resolve(_ host: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            // getaddrinfo blocks: keep it off the cooperative pool.
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var result: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let entry = cursor {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(
                        entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
                    {
                        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                        addresses.append(String(decoding: bytes, as: UTF8.self))
                    }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: Array(Set(addresses)).sorted())
            }
        }
    }

    /// Whether a numeric address is public: not loopback, private, link-local (cloud metadata), shared, multicast or reserved.
    public static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4Bytes(address) { return isPublicIPv4(v4) }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address.split(separator: "%").first.map(String.init) ?? address, &bytes) == 1 else { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isPublicIPv4(Array(bytes[12..<16]))  // IPv4-mapped
        }
        if bytes.allSatisfy({ $0 == 0 }) { return false }  // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }  // ::1
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local (fd00:ec2::254 metadata among them)
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }  // multicast
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return false }  // NAT64 to anywhere
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }  // documentation
        return true
    }

    private static func ipv4Bytes(_ address: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 4)
        return inet_pton(AF_INET, address, &bytes) == 1 ? bytes : nil
    }

    private static func isPublicIPv4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // shared address space
        case (169, 254): return false  // link-local, cloud metadata
        case (172, 16...31): return false
        case (192, 168): return false
        case (198, 18...19): return false  // benchmarking
        case (192, 0) where b[2] == 0 || b[2] == 2: return false  // protocol assignments, documentation
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false  // documentation
        default: return b[0] < 224  // multicast and reserved above
        }
    }
}
