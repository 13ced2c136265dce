import ConnectorRuntime
package import NIOCore
package import NIOHTTP1

// One request on a channel of ``PooledHTTP1Transport``: its state, and the handler that reads
// the response.

/// One response: its head and its body as NIO read it (nil when empty).
package struct Collected: Sendable {
    package var head: HTTPResponseHead
    package var body: ByteBuffer?
}

/// One request's state. Every method runs on the promise's event loop.
final class Exchange: @unchecked Sendable {
    let promise: EventLoopPromise<Collected>
    let limit: Int
    private var channel: (any Channel)?
    private var done = false

    init(promise: EventLoopPromise<Collected>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    /// Binds the exchange to its channel; false when it already failed (deadline, cancel).
    func start(on pooled: PooledChannel) -> Bool {
        guard !done else { return false }
        channel = pooled.channel
        return true
    }

    func succeed(_ collected: Collected) {
        guard !done else { return }
        done = true
        promise.succeed(collected)
    }

    /// Fails the request and closes its channel (which may hold a half-read response).
    func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        channel?.close(promise: nil)
        promise.fail(error)
    }
}

/// Reads the responses of one channel, one exchange at a time. Runs on the channel's loop.
final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    /// How much of a redirect's body is read (and dropped) so its channel can be reused.
    static let redirectBodyLimit = 64 * 1024

    private var exchange: Exchange?
    private var finished: ((Bool) -> Void)?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var received = 0
    private var isRedirect = false

    func begin(_ exchange: Exchange, finished: @escaping (Bool) -> Void) {
        self.exchange = exchange
        self.finished = finished
        head = nil
        body = nil
        received = 0
        isRedirect = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else { return }
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            // 1xx informational heads are followed by the real one.
            if responseHead.status.code < 200 && responseHead.status.code != 101 { return }
            head = responseHead
            isRedirect = [301, 302, 303, 307, 308].contains(responseHead.status.code) && responseHead.headers.contains(name: "location")
            if !isRedirect, let length = responseHead.headers.first(name: "content-length").flatMap({ Int($0) }), length > exchange.limit {
                abandon(TransportError(.responseTooLarge, detail: "The response body is larger than \(exchange.limit) bytes."))
            }
        case .body(var part):
            received += part.readableBytes
            if isRedirect {
                if received > Self.redirectBodyLimit, let head {
                    // Not worth reading to reuse the channel: the redirect is followed, the channel closed.
                    let collected = Collected(head: head, body: nil)
                    self.exchange = nil
                    takeFinished()?(false)
                    exchange.succeed(collected)
                }
                return
            }
            guard received <= exchange.limit else {
                abandon(TransportError(.responseTooLarge, detail: "The response body is larger than \(exchange.limit) bytes."))
                return
            }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let head else {
                abandon(TransportError(.network, detail: "The server closed the connection before the response ended."))
                return
            }
            let collected = Collected(head: head, body: isRedirect ? nil : body)
            self.exchange = nil
            self.head = nil
            self.body = nil
            let reusable = head.isKeepAlive
            takeFinished()?(reusable)
            exchange.succeed(collected)
        }
    }

    /// The exchange's `finished` callback, cleared before it runs: it may hand the channel to a
    /// waiting request at once, whose ``begin(_:finished:)`` sets the next one.
    private func takeFinished() -> ((Bool) -> Void)? {
        defer { finished = nil }
        return finished
    }

    private func abandon(_ error: any Error) {
        guard let exchange else { return }
        self.exchange = nil
        takeFinished()?(false)
        exchange.fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon(TransportError(.network, detail: "The server closed the connection before the response ended."))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        abandon(PooledTLS.transportError(error) ?? TransportError(.network, detail: "Network error (\(type(of: error)))."))
        context.close(promise: nil)
    }
}
