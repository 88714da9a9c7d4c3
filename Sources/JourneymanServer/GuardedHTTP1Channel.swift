import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MidjourneyAPI
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the server treats connections: how long one may sit idle, and how many may be open at once.
public struct ConnectionPolicy: Sendable, Equatable {
    /// Seconds a connection may go without a complete request part before it is closed: a bare connection, one
    /// whose request head never completes (however slowly its bytes trickle in), and an idle keep-alive alike.
    /// A request being answered is never cut short by it.
    public var idleTimeoutSeconds: Double
    /// Most connections open at once; one past it is closed as soon as it is accepted, so descriptors are kept for
    /// the store and outbound calls. Nil: the process's descriptor limit less a reserve.
    public var maxConnections: Int?

    /// Creates a policy.
    public init(idleTimeoutSeconds: Double = 60, maxConnections: Int? = nil) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// Descriptors kept back from connections for the store, files and outbound requests.
    static let reservedDescriptors = 64

    /// The connection limit in force.
    var effectiveMaxConnections: Int {
        if let maxConnections { return max(1, maxConnections) }
        var limit = rlimit()
        #if os(Linux)
            let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
            let status = getrlimit(RLIMIT_NOFILE, &limit)
        #endif
        guard status == 0, limit.rlim_cur < 1 << 40 else { return 4096 }
        return max(16, Int(clamping: limit.rlim_cur) - Self.reservedDescriptors)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Journeyman's connection policy: idle timeout, connection cap, `100 Continue`, and parse errors
    /// answered in the contract's envelope.
    static func journeyman(_ policy: ConnectionPolicy) -> HTTPServerBuilder {
        let counter = ConnectionCounter(limit: policy.effectiveMaxConnections)
        let idle = TimeAmount.milliseconds(Int64(max(0.001, policy.idleTimeoutSeconds) * 1000))
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                inner: HTTP1Channel(
                    responder: responder,
                    configuration: .init(additionalChannelHandlers: [HTTPDetailsHandler()], idleTimeout: idle)
                ),
                counter: counter
            )
        }
    }
}

/// Hummingbird's HTTP/1.1 child channel, with a connection counter in front.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let counter: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(counter: counter, logger: logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// The number of open connections, shared by every connection of one server.
final class ConnectionCounter: Sendable {
    /// Most connections open at once.
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection in; false when it is one too many (and so not counted).
    func enter() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        if now > limit {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Counts a connection out.
    func leave() {
        open.subtract(1, ordering: .relaxed)
    }

    /// Connections open now.
    var count: Int { open.load(ordering: .relaxed) }
}

/// Closes a connection at once when the server already has as many as it allows; counts the others while open.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counter: ConnectionCounter
    private let logger: Logger
    private var counted = false

    init(counter: ConnectionCounter, logger: Logger) {
        self.counter = counter
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if counter.enter() {
            counted = true
        } else {
            logger.notice("connection refused: the server has as many open as it allows", metadata: ["limit": "\(counter.limit)"])
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted {
            counted = false
            counter.leave()
        }
    }
}

/// HTTP details Hummingbird leaves to the application: answers `Expect: 100-continue` with `100 Continue`, and a
/// request that cannot be parsed (while no other request is being answered) with a 400 in the contract's envelope.
final class HTTPDetailsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head was read and whose response has not ended.
    private var unanswered = 0
    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            unanswered += 1
            if let expect = head.headerFields[.expect], expect.lowercased().contains("100-continue") {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, unanswered == 0 else {
            context.fireErrorCaught(error)
            return
        }
        guard !closing else { return }
        closing = true
        let envelope = ErrorEnvelope(
            code: ErrorCode.badRequest.rawValue, message: "The request is not valid HTTP/1.1.", traceID: UUID().uuidString.lowercased())
        let body = (try? JSONCoding.encoder.encode(envelope)) ?? Data()
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "application/json; charset=utf-8", .contentLength: String(body.count), .connection: "close",
                HTTPField.Name("x-trace-id")!: envelope.traceID,
            ]
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
