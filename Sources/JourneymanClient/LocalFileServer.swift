import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves one file at an unguessable URL on a real socket for the duration of a call, so a server that only fetches
/// http(s) URLs (Describe takes no upload) can read a local file. The server must be able to reach `host`.
enum LocalFileServer {
    /// Runs `body` with the URL of `bytes`, served on `host` at a port the system picks; the listener closes after.
    static func serving<Value: Sendable>(
        _ bytes: [UInt8], contentType: String, fileExtension: String, host: String,
        _ body: @Sendable (String) async throws -> Value
    ) async throws -> Value {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = listener.channel.localAddress?.port else {
            try? await listener.channel.close()
            throw ClientError.invalidArgument("cannot serve the file: the listener on \(host) has no port")
        }
        let path = "/\(UUID().uuidString.lowercased()).\(fileExtension)"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let file = ByteBuffer(bytes: bytes)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in connections {
                            handlers.addTask {
                                // One broken connection ends only itself.
                                try? await answer(connection, path: path, file: file, contentType: contentType)
                            }
                        }
                    }
                }
                return nil
            }
            defer { group.cancelAll() }
            let value = try await body("http://\(shownHost):\(port)\(path)")
            return value
        }
    }

    /// Answers each request of one connection: the file at `path` (GET or HEAD), 404 elsewhere.
    private static func answer(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, path: String, file: ByteBuffer, contentType: String
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var request: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let head):
                    request = head
                case .body:
                    continue
                case .end:
                    guard let head = request else { continue }
                    let found =
                        head.uri.split(separator: "?").first.map(String.init) == path && (head.method == .GET || head.method == .HEAD)
                    var headers = HTTPHeaders()
                    headers.add(name: "content-type", value: found ? contentType : "text/plain")
                    headers.add(name: "content-length", value: String(found ? file.readableBytes : 0))
                    headers.add(name: "connection", value: "close")
                    try await outbound.write(
                        .head(HTTPResponseHead(version: head.version, status: found ? .ok : .notFound, headers: headers)))
                    if found && head.method == .GET { try await outbound.write(.body(.byteBuffer(file))) }
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }

    /// `image/png` or `image/jpeg` and the extension, by the file's first bytes; nil for anything else.
    static func imageType(of bytes: [UInt8]) -> (contentType: String, fileExtension: String)? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return ("image/png", "png") }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return ("image/jpeg", "jpg") }
        return nil
    }
}

extension JourneymanClient {
    /// Describes a local PNG or JPEG file: serves it from a short-lived listener on `host` (a real socket at a port
    /// the system picks, closed when the call returns) and gives the server its URL. The server must be able to
    /// reach this machine at `host`: the default, 127.0.0.1, suits a server on the same machine that allows private
    /// addresses (`journeyman serve --allow-private-network`).
    ///
    /// ```swift
    /// let answer = try await client.describe(fileAt: URL(fileURLWithPath: "photo.png"))
    /// ```
    public func describe(fileAt file: URL, host: String = "127.0.0.1") async throws -> Descriptions {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: file))
        } catch {
            throw ClientError.invalidArgument("cannot read \(file.path): \(error.localizedDescription)")
        }
        guard let type = LocalFileServer.imageType(of: bytes) else {
            throw ClientError.invalidArgument("\(file.path) is neither a PNG nor a JPEG file")
        }
        let client = self
        return try await LocalFileServer.serving(bytes, contentType: type.contentType, fileExtension: type.fileExtension, host: host) {
            url in
            try await client.describe(imageURL: url)
        }
    }
}
