// The proxy's fast path (issue 19, docs/hub.md "Fifth pass on issue 19"): the common case of a
// proxied request, forwarded by a channel handler of the Hub's server on the connection's event
// loop, below Hummingbird's routing and `Connection.send`.
import ConnectorHubTransport
import ConnectorRuntime
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// How many proxied requests the fast path took (``ConnectorHubService/proxyFastPathStats``).
public struct ProxyFastPathStats: Sendable, Equatable {
    /// Requests the fast path forwarded and answered itself.
    public var served: Int
    /// Requests the fast path forwarded whose answer it handed to the regular path: a status
    /// the connection acts on (401, 403, 429, 5xx), a redirect, any status outside 200 to 203
    /// and 4xx, or a transport failure.
    public var handedOff: Int
}

extension ConnectorHubService {
    /// The fast path's counts since the service opened; `nil` when it is off
    /// (``HubConfiguration/proxyFastPath``, `nio` transport).
    public var proxyFastPathStats: ProxyFastPathStats? {
        fastPath.map { $0.counts.withLockedValue { $0 } }
    }
}

/// What a request the fast path sent once hands to the regular path: the tokens its credentials
/// came from and the outcome of its exchange, completed there by the connection
/// (``Connection/send(_:sentWith:answer:)``) and the transport
/// (``PooledHTTP1Transport/complete(_:first:deadline:)``), as if the regular path had sent it.
struct ProxyHandoff: Sendable {
    let tokens: TokenSet?
    let outcome: Result<Collected, any Error>
    let deadline: NIODeadline
    let transport: PooledHTTP1Transport
}

/// The fast path's shared state: its transport, counts, the upstream of each cached connection,
/// and the handoffs on their way to the regular path.
///
/// The fast path takes a proxied request when its head alone shows the common case; anything
/// else goes to Hummingbird untouched (see ``ConnectorHubService/fastPlan(_:fastPath:)``).
final class ProxyFastPath: Sendable {
    /// The `Server` field of the Hub's answers (Hummingbird's `serverName`).
    static let serverName = "connector-hub"
    /// The request field that carries a handoff's number to the proxy route. Only the fast path
    /// sets it: it removes the field from every request it lets through, so a client cannot.
    static let handoffField = HTTPTypes.HTTPField.Name("X-Connector-Hub-Proxy-Handoff")!
    /// The largest request body the fast path takes (a `Content-Length`); larger bodies, and
    /// chunked ones, take the regular path (which answers `413` past 10 MiB).
    static let bodyLimit = 1024 * 1024
    /// The deadline of a proxied request, as the regular path's (``HTTPRequest/defaultTimeout``).
    static let timeout = ConnectorRuntime.HTTPRequest.defaultTimeout

    let transport: PooledHTTP1Transport
    let security: SecurityHeaderFields
    /// What ``ConnectorHubService/proxyFastPathStats`` reports.
    let counts = NIOLockedValueBox(ProxyFastPathStats(served: 0, handedOff: 0))
    private let upstreams = NIOLockedValueBox<[String: Upstream]>([:])
    private let handoffs = NIOLockedValueBox<(next: UInt64, waiting: [UInt64: ProxyHandoff])>((0, [:]))

    init(transport: PooledHTTP1Transport, configuration: HubConfiguration) {
        self.transport = transport
        security = SecurityHeaderFields(configuration: configuration)
    }

    /// Where an account's connection sends: its base URL taken apart once.
    struct Upstream: Sendable {
        let connection: Connection
        let baseURL: URL
        let secure: Bool
        let host: String
        let port: Int
        /// The base URL's path without its trailing slashes (empty for none).
        let basePath: String
    }

    /// The upstream of `connection` (cached per account while the connection stays the same).
    func upstream(_ accountID: String, _ connection: Connection, baseURL: URL) -> Upstream? {
        // A connection's configuration, so its base URL, never changes.
        if let known = upstreams.withLockedValue({ $0[accountID] }), known.connection === connection { return known }
        guard let origin = PooledHTTP1Transport.origin(of: baseURL) else { return nil }
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        // A base URL with a query, a fragment or user information is left to the regular path.
        guard !text.contains("?"), !text.contains("#"), baseURL.user == nil, let uri = PooledHTTP1Transport.requestURI(text) else {
            return nil
        }
        let upstream = Upstream(
            connection: connection, baseURL: baseURL, secure: origin.secure, host: origin.host, port: origin.port,
            basePath: uri == "/" ? "" : uri)
        upstreams.withLockedValue { $0[accountID] = upstream }
        return upstream
    }

    /// Keeps `handoff` for the proxy route; returns its number.
    func keep(_ handoff: ProxyHandoff) -> UInt64 {
        counts.withLockedValue { $0.handedOff += 1 }
        return handoffs.withLockedValue { state in
            state.next &+= 1
            state.waiting[state.next] = handoff
            return state.next
        }
    }

    /// The handoff `number` names, once.
    func takeHandoff(_ number: String) -> ProxyHandoff? {
        guard let key = UInt64(number) else { return nil }
        return handoffs.withLockedValue { $0.waiting.removeValue(forKey: key) }
    }
}

/// A proxied request the fast path takes: the head it sends upstream and what it needs after.
struct FastProxyRequest {
    /// The request as it came.
    let original: HTTPTypes.HTTPRequest
    let head: NIOHTTP1.HTTPRequestHead
    let target: Target
    let tokens: TokenSet?
    /// The request's `Content-Length` (0 without one).
    let length: Int
}

extension ConnectorHubService {
    /// The methods the proxy serves, as NIO sends them.
    private static func fastMethod(_ method: HTTPTypes.HTTPRequest.Method) -> NIOHTTP1.HTTPMethod? {
        switch method {
        case .get: .GET
        case .post: .POST
        case .put: .PUT
        case .patch: .PATCH
        case .delete: .DELETE
        default: nil
        }
    }

    /// The fast path's plan for a request head, or `nil` for the regular path. Taken only when
    /// the head alone shows the common case, with the same checks the regular path makes, by
    /// the same functions: a proxy method and path (`/v1/accounts/{id}/proxy/{path}`, no `%`
    /// in the id, no character a URL would have to encode), the app key (``authorizeApp(header:)``),
    /// an active account cached with its connection (``ConnectionCache/lookup(_:now:)``), a path
    /// ``checkProxyPath(_:)`` accepts, credentials the connection can add without waiting
    /// (``Connection/immediateCredentials()``: no refresh due), an address the transport knows
    /// (``PooledHTTP1Transport/knownTarget(secure:host:port:)``), a body of at most
    /// ``ProxyFastPath/bodyLimit`` bytes with a `Content-Length`, no `Expect` or
    /// `Transfer-Encoding` field, and no `Connection` field but `keep-alive`. Whatever fails here is answered by the regular path, which
    /// makes the same checks again and gives its own answer.
    func fastPlan(_ head: HTTPTypes.HTTPRequest, fastPath: ProxyFastPath) -> FastProxyRequest? {
        guard let method = Self.fastMethod(head.method), let target = head.path else { return nil }
        let fields = head.headerFields
        // `Connection: keep-alive` (or none) only: Hummingbird closes after `close`, and other
        // values name hop-by-hop fields.
        if let connection = fields[.connection], connection.lowercased() != "keep-alive" { return nil }
        guard fields[.transferEncoding] == nil, fields[.expect] == nil else { return nil }
        var length = 0
        if let text = fields[.contentLength] {
            guard let value = Int(text), value >= 0, value <= ProxyFastPath.bodyLimit else { return nil }
            length = value
        }
        guard let parts = Self.proxyTarget(target) else { return nil }
        guard (try? authorizeApp(header: fields[.authorization])) != nil else { return nil }
        guard let cached = connections.lookup(parts.id, now: now()), cached.account.status == "active",
            let connection = cached.connection
        else { return nil }
        guard (try? Self.checkProxyPath(parts.path)) != nil, let credentials = connection.immediateCredentials(),
            let upstream = fastPath.upstream(parts.id, connection, baseURL: credentials.baseURL),
            let known = try? fastPath.transport.knownTarget(secure: upstream.secure, host: upstream.host, port: upstream.port)
        else { return nil }
        // The request as the regular path builds it: the forwarded fields (one per name, the
        // last wins), the configuration's fields the request lacks, the credentials.
        var headers = ConnectorRuntime.HTTPHeaders()
        for (name, value) in Self.forwardedHeaders(of: fields) where Self.isForwarded(name) { headers[name] = value }
        for field in credentials.defaults where !headers.contains(field.name) { headers[field.name] = field.value }
        for field in credentials.credentials { headers[field.name] = field.value }
        let uri = upstream.basePath + "/" + parts.path + (parts.query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        let requestHead = PooledHTTP1Transport.requestHead(
            method: method, uri: uri, headers: headers, bodyLength: length > 0 ? length : nil, target: known)
        return FastProxyRequest(original: head, head: requestHead, target: known, tokens: credentials.tokens, length: length)
    }

    /// The account id, path and query of a proxy request target
    /// (`/v1/accounts/{id}/proxy/{path}[?query]`), when it has nothing the regular path would
    /// read differently: the id has no `%`, the path is not empty, and every byte is one a URL
    /// keeps as it is (so the regular path's `URL` would send the same bytes).
    static func proxyTarget(_ target: String) -> (id: String, path: String, query: String?)? {
        let prefix = "/v1/accounts/".utf8
        let bytes = target.utf8
        guard bytes.starts(with: prefix) else { return nil }
        var index = bytes.index(bytes.startIndex, offsetBy: prefix.count)
        let idStart = index
        while index != bytes.endIndex && bytes[index] != UInt8(ascii: "/") {
            guard Self.isPlainURIByte(bytes[index]), bytes[index] != UInt8(ascii: "%"), bytes[index] != UInt8(ascii: "?") else { return nil }
            index = bytes.index(after: index)
        }
        guard index != idStart, index != bytes.endIndex else { return nil }
        let idEnd = index
        index = bytes.index(after: index)
        let proxy = "proxy/".utf8
        guard bytes[index...].starts(with: proxy) else { return nil }
        index = bytes.index(index, offsetBy: proxy.count)
        let pathStart = index
        var queryStart: String.UTF8View.Index?
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard Self.isPlainURIByte(byte) else { return nil }
            if byte == UInt8(ascii: "%") {
                // An escape must be complete: a URL would encode a lone `%`.
                var hex = bytes.index(after: index)
                for _ in 0..<2 {
                    guard hex != bytes.endIndex, bytes[hex].isHexDigit else { return nil }
                    hex = bytes.index(after: hex)
                }
            }
            if byte == UInt8(ascii: "?") && queryStart == nil { queryStart = index }
            index = bytes.index(after: index)
        }
        let pathEnd = queryStart ?? bytes.endIndex
        guard pathEnd != pathStart else { return nil }
        let query = queryStart.map { String(Substring(bytes[bytes.index(after: $0)...])) }
        return (String(Substring(bytes[idStart..<idEnd])), String(Substring(bytes[pathStart..<pathEnd])), query)
    }

    /// Unreserved, sub-delimiters, `:`, `@`, `/`, `?` and `%`: the bytes of a URL path and query
    /// that Foundation's `URL` keeps as they are.
    static func isPlainURIByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            true
        case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "%"): true
        default: false
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

/// Hummingbird's HTTP/1.1 child channel with the proxy's fast path in each connection's
/// pipeline: ``ProxyFastPathHandler`` right after Hummingbird's connection state handler (which
/// keeps counting requests and responses, so idle timeouts, `Connection: close` and graceful
/// shutdown hold for fast requests too), ahead of the channel Hummingbird reads requests from.
struct ProxyFastPathChannel<Inner: ServerChildChannel>: ServerChildChannel
where Inner.Value == NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart> {
    typealias Value = Inner.Value
    let inner: Inner
    let fastPath: ProxyFastPath
    let hub: ConnectorHubService

    init(_ inner: Inner, fastPath: ProxyFastPath, hub: ConnectorHubService) {
        self.inner = inner
        self.fastPath = fastPath
        self.hub = hub
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let fastPath = fastPath
        let hub = hub
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let state = try operations.handler(type: HTTPConnectionStateHandler.self)
            try operations.addHandler(ProxyFastPathHandler(fastPath: fastPath, hub: hub), position: .after(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// The fast path of one server connection (see ``ProxyFastPath``). Runs on the connection's
/// event loop.
///
/// A request head that ``ConnectorHubService/fastPlan(_:fastPath:)`` accepts is not passed on:
/// its body is collected, the head (with the credentials) and body are written to a pooled
/// upstream channel, of this loop when one is idle, and the answer is written back here: the
/// upstream's status, its `Content-Type` and body, and the fields the regular path adds (the
/// security headers, `Content-Length`, `Date`, `Server`). An answer with any other status, or a
/// failure, is handed to the regular path with the request (``ProxyHandoff``): the request goes
/// on to Hummingbird with the handoff's number, and the proxy route completes it as it would
/// have completed its own exchange.
///
/// Order on the connection: while a fast request is in flight, later request parts wait here;
/// while a request that went to Hummingbird has no answer yet, later requests go there too.
final class ProxyFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        case idle
        /// A request going to Hummingbird: its parts follow it.
        case passing
        /// A fast request's body being read.
        case collecting(FastProxyRequest, ByteBuffer?)
        /// A fast request sent upstream: parts that arrive wait.
        case waiting
    }

    private let fastPath: ProxyFastPath
    private let hub: ConnectorHubService
    private var state = State.idle
    /// Requests passed to Hummingbird whose answer has not ended yet.
    private var unanswered = 0
    private var waitingParts = CircularBuffer<HTTPRequestPart>()
    private var context: ChannelHandlerContext?
    private var dateCache = (second: 0, text: "")

    init(fastPath: ProxyFastPath, hub: ConnectorHubService) {
        self.fastPath = fastPath
        self.hub = hub
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .waiting = state {
            waitingParts.append(part)
            return
        }
        if handle(part, context: context) { context.fireChannelRead(wrapInboundOut(part)) }
    }

    /// Takes `part`; true when it goes on to Hummingbird (the caller passes it).
    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) -> Bool {
        switch (state, part) {
        case (.idle, .head(let head)):
            if unanswered == 0, let plan = hub.fastPlan(head, fastPath: fastPath) {
                state = .collecting(plan, nil)
                return false
            }
            unanswered += 1
            state = .passing
            if head.headerFields[ProxyFastPath.handoffField] != nil {
                // Only the fast path may send this field.
                var cleaned = head
                cleaned.headerFields[ProxyFastPath.handoffField] = nil
                context.fireChannelRead(wrapInboundOut(.head(cleaned)))
                return false
            }
            return true
        case (.collecting(let plan, var body), .body(var buffer)):
            if body == nil { body = buffer } else { body!.writeBuffer(&buffer) }
            state = .collecting(plan, body)
            return false
        case (.collecting(let plan, let body), .end):
            state = .waiting
            send(plan, body: body, context: context)
            return false
        case (.passing, .end):
            state = .idle
            return true
        default:
            // .passing's head and body parts; anything out of order is Hummingbird's to refuse.
            return true
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), unanswered > 0 { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        waitingParts.removeAll()
        context.fireChannelInactive()
    }

    /// Sends `plan` upstream and answers when the response is in.
    private func send(_ plan: FastProxyRequest, body: ByteBuffer?, context: ChannelHandlerContext) {
        let deadline = PooledHTTP1Transport.deadline(ProxyFastPath.timeout)
        let loop = context.eventLoop
        fastPath.transport.forward(plan.head, body: body, to: plan.target, on: loop, deadline: deadline)
            .hop(to: loop).assumeIsolated().whenComplete { result in
                self.answer(plan, body: body, outcome: result, deadline: deadline)
            }
    }

    /// The statuses the fast path answers itself: what `Connection.send` returns unchanged and
    /// the regular path passes on as it is. Everything else goes to the regular path.
    private static func answersItself(_ status: UInt) -> Bool {
        (200...203).contains(status) || ((400..<500).contains(status) && status != 401 && status != 403 && status != 429)
    }

    private func answer(_ plan: FastProxyRequest, body: ByteBuffer?, outcome: Result<Collected, any Error>, deadline: NIODeadline) {
        guard let context, context.channel.isActive else {
            state = .idle
            return
        }
        if case .success(let collected) = outcome, Self.answersItself(collected.head.status.code) {
            fastPath.counts.withLockedValue { $0.served += 1 }
            var fields = HTTPFields()
            fields.reserveCapacity(8)
            if let type = collected.head.headers.first(name: "content-type") { fields[.contentType] = type }
            let length = collected.body?.readableBytes ?? 0
            fields[.contentLength] = String(length)
            fields[.contentSecurityPolicy] = fastPath.security.defaultPolicy
            fastPath.security.addFixed(to: &fields)
            fields[.date] = date()
            fields[.server] = ProxyFastPath.serverName
            context.write(wrapOutboundOut(.head(HTTPTypes.HTTPResponse(status: .init(code: Int(collected.head.status.code)), headerFields: fields))), promise: nil)
            if let responseBody = collected.body, length > 0 { context.write(wrapOutboundOut(.body(responseBody)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            state = .idle
        } else {
            // The regular path completes it: the request goes to Hummingbird with its handoff.
            let number = fastPath.keep(ProxyHandoff(tokens: plan.tokens, outcome: outcome, deadline: deadline, transport: fastPath.transport))
            var head = plan.original
            head.headerFields[ProxyFastPath.handoffField] = String(number)
            unanswered += 1
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if let body, body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
            context.fireChannelRead(wrapInboundOut(.end(nil)))
            context.fireChannelReadComplete()
            state = .idle
        }
        // Parts that arrived meanwhile, in order, until one starts another fast exchange.
        var passed = false
        while !waitingParts.isEmpty {
            if case .waiting = state { break }
            let part = waitingParts.removeFirst()
            if handle(part, context: context) {
                context.fireChannelRead(wrapInboundOut(part))
                passed = true
            }
        }
        if passed { context.fireChannelReadComplete() }
    }

    /// The `Date` field (RFC 9110 IMF-fixdate), formatted once a second.
    private func date() -> String {
        var now = time(nil)
        if now == dateCache.second { return dateCache.text }
        var parts = tm()
        gmtime_r(&now, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        dateCache = (now, text)
        return text
    }
}
