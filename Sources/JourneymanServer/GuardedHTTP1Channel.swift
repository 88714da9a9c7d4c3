import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import JourneymanCore
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
    /// Most connections open at once, so descriptors are kept for the store and outbound calls; past it a new
    /// connection takes the place of the longest-idle one, or is closed when all are busy. Nil: the process's
    /// descriptor limit less a reserve.
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
                    configuration: .init(additionalChannelHandlers: [HTTPDetailsHandler(counter: counter)], idleTimeout: idle)
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

/// The open connections of one server, and which of them are idle (no request being answered).
///
/// At the limit, a new connection takes the place of the connection idle the longest (an idle keep-alive, or one
/// whose request head never completed), so idle sockets cannot lock clients out; only when every connection is busy
/// answering is a new one closed.
final class ConnectionCounter: Sendable {
    private struct Entry {
        let channel: any Channel
        var busy: Bool
        var since: UInt64
    }

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var clock: UInt64 = 0
    }

    /// Most connections open at once.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection in, closing the longest-idle one to make room; false when every connection is busy.
    func enter(_ channel: any Channel) -> Bool {
        let (admitted, evicted) = state.withLock { state -> (Bool, (any Channel)?) in
            state.clock += 1
            var evicted: (any Channel)?
            if state.open.count >= limit {
                guard let oldest = state.open.filter({ !$0.value.busy }).min(by: { $0.value.since < $1.value.since }) else {
                    return (false, nil)
                }
                state.open[oldest.key] = nil
                evicted = oldest.value.channel
            }
            state.open[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false, since: state.clock)
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        return admitted
    }

    /// Counts a connection out.
    func leave(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Records whether a connection is answering a request (busy) or waiting for one (idle).
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLock { state in
            state.clock += 1
            state.open[ObjectIdentifier(channel)]?.busy = busy
            state.open[ObjectIdentifier(channel)]?.since = state.clock
        }
    }

    /// Connections open now.
    var count: Int { state.withLock { $0.open.count } }
}

/// Counts connections in and out of the server's `ConnectionCounter`; closes one it does not admit.
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
        if counter.enter(context.channel) {
            counted = true
        } else {
            logger.notice("connection refused: every connection the server allows is busy", metadata: ["limit": "\(counter.limit)"])
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted {
            counted = false
            counter.leave(context.channel)
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
    private let counter: ConnectionCounter

    init(counter: ConnectionCounter) {
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            unanswered += 1
            if unanswered == 1 { counter.setBusy(context.channel, true) }
            if let expect = head.headerFields[.expect], expect.lowercased().contains("100-continue") {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0 { counter.setBusy(context.channel, false) }
        }
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
            code: ErrorCode.badRequest.rawValue, message: "The request is not valid HTTP/1.1.", traceID: RandomUUID.make())
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
