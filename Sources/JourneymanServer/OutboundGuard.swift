import AsyncHTTPClient
import Dispatch
import Foundation
import JourneymanCore
import NIOCore
import NIOPosix

/// Keeps server-side fetches (describe images, webhooks) out of the server's own network:
/// only http(s), and only hosts whose every address is public, unless private networks are allowed.
///
/// The address checked is the address connected to: `check` resolves the host once and answers the target it
/// approved, and `withClient(for:)` connects to that address (keeping the host name for the `Host` header, TLS SNI
/// and certificate checks), so a name that resolves differently a moment later (DNS rebinding) changes nothing.
public struct OutboundGuard: Sendable {
    /// Whether loopback, private, link-local and similar addresses may be reached (development and tests).
    public let allowPrivateNetwork: Bool
    /// Resolves a host name (or address literal) to numeric addresses.
    let resolver: @Sendable (String) async throws -> [String]
    /// Whether an address may be reached.
    let addressPolicy: @Sendable (String) -> Bool

    /// Creates a guard that resolves host names on `pool` (getaddrinfo blocks its thread).
    public init(allowPrivateNetwork: Bool, pool: CPUPool = .shared) {
        self.init(
            allowPrivateNetwork: allowPrivateNetwork, resolver: { host in try await pool.run { Self.resolve(host) } },
            addressPolicy: Self.isPublic)
    }

    /// Creates a guard that resolves and judges addresses its own way (tests stand in for DNS with it).
    public init(
        allowPrivateNetwork: Bool, resolver: @escaping @Sendable (String) async throws -> [String],
        addressPolicy: @escaping @Sendable (String) -> Bool
    ) {
        self.allowPrivateNetwork = allowPrivateNetwork
        self.resolver = resolver
        self.addressPolicy = addressPolicy
    }

    /// Where an approved request may connect.
    public struct Target: Sendable, Equatable {
        /// The URL's host, as written (brackets of an IPv6 literal removed).
        public let host: String
        /// The checked address to connect to instead of resolving `host` again; nil to connect as usual (private
        /// networks allowed, or `host` is itself an address).
        public let address: String?
    }

    /// Refuses, with a 400 naming `field` and saying why, a URL that is not http(s) or reaches a non-public address;
    /// answers where to connect.
    @discardableResult
    public func check(_ url: String, field: String) async throws -> Target {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw ServiceError(.badRequest, "field '\(field)' must be an http or https URL")
        }
        guard var host = parsed.host, !host.isEmpty else {
            throw ServiceError(.badRequest, "field '\(field)' has no host")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if allowPrivateNetwork { return Target(host: host, address: nil) }
        let addresses = try await resolver(host)
        guard let first = addresses.first else {
            throw ServiceError(.badRequest, "field '\(field)': the host \(host.prefix(80)) does not resolve")
        }
        if let blocked = addresses.first(where: { !addressPolicy($0) }) {
            throw ServiceError(
                .badRequest,
                "field '\(field)': \(host.prefix(80)) resolves to \(blocked), a loopback, private, link-local or otherwise non-public address, which this server does not fetch"
            )
        }
        return Target(host: host, address: Self.isAddressLiteral(host) ? nil : first)
    }

    /// Runs `body` with a client that connects to `target`'s checked address: `client` itself when there is nothing
    /// to pin, else a client of its own for this request, shut down afterwards.
    public func withClient<T: Sendable>(
        for target: Target, default client: HTTPClient, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        guard let address = target.address else { return try await body(client) }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.dnsOverride = [target.host: address]
        let pinned = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let result = try await body(pinned)
            try? await pinned.shutdown()
            return result
        } catch {
            try? await pinned.shutdown()
            throw error
        }
    }

    private static func isAddressLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// The numeric addresses of a host name (or of an address literal). It blocks the calling thread: call it on a
    /// CPU pool.
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                addresses.append(String(decoding: bytes, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        var seen = Set<String>()
        return addresses.filter { seen.insert($0).inserted }
    }

    /// Whether a numeric address is public: not loopback, private, link-local (cloud metadata), shared, multicast or
    /// reserved; an IPv6 address that carries an IPv4 one (mapped, compatible, translated, NAT64, 6to4) is judged by it.
    @Sendable public static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4Bytes(address) { return isPublicIPv4(v4) }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address.split(separator: "%").first.map(String.init) ?? address, &bytes) == 1 else { return false }
        let zeros = { (range: Range<Int>) in bytes[range].allSatisfy { $0 == 0 } }
        // ::/96 IPv4-compatible (also :: and ::1), ::ffff:0:0/96 IPv4-mapped, ::ffff:0:0:0/96 IPv4-translated.
        if zeros(0..<12) || (zeros(0..<10) && bytes[10] == 0xFF && bytes[11] == 0xFF)
            || (zeros(0..<8) && bytes[8] == 0xFF && bytes[9] == 0xFF && zeros(10..<12))
        {
            return isPublicIPv4(Array(bytes[12..<16]))
        }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B {
            // 64:ff9b::/96 well-known NAT64 reaches the IPv4 address it ends in; 64:ff9b:1::/48 is for local use.
            return zeros(4..<12) && isPublicIPv4(Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return isPublicIPv4(Array(bytes[2..<6])) }  // 6to4 2002::/16
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] < 0x02 { return false }  // 2001::/23: Teredo, benchmarking, ORCHID
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }  // documentation
        if bytes[0] == 0x01 && zeros(1..<8) { return false }  // 100::/64 discard
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local (fd00:ec2::254 metadata among them)
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xFF { return false }  // multicast
        return bytes[0] & 0xE0 == 0x20  // only 2000::/3 is global unicast
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

extension OutboundGuard: OutboundPolicy {
    /// The contracts' check of a client's URL at submission (the connection itself checks again, pinned).
    public func permit(_ url: String, field: String) async throws {
        _ = try await check(url, field: field)
    }
}
