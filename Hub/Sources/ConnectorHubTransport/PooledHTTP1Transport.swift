public import ConnectorRuntime
package import Foundation
public import NIOCore
package import NIOHTTP1
import NIOPosix
import NIOSSL

/// An ``HTTPTransport`` that sends `http://` and `https://` requests on its own pool of
/// keep-alive HTTP/1.1 NIO channels, at most ``maxConnectionsPerOrigin`` per origin.
///
/// It exists for the Hub's proxy (issue 19): AsyncHTTPClient's request state machine, its
/// connection pool's locks and its delegate futures cost more per request than the proxy's own
/// checks. Here a request is one pipeline write (head, body, end) on a channel of the caller's
/// event loop (or of the next loop of the group when the caller is not on one), read back by one
/// handler that collects the body into the `ByteBuffer` NIO read it into.
///
/// It keeps the promises of ``AsyncHTTPClientTransport`` (the same tests run against both,
/// `TransportBehaviourTests` and `QuirkTransportTests`):
/// - Bodies are capped (the transport's `maxResponseBytes`, or the request's own): a
///   `Content-Length` above the cap fails before any body is read, a chunked body as soon as it
///   passes the cap; the channel is closed and the request throws
///   `TransportError(.responseTooLarge)`. The check runs on every network read, so memory stays
///   within the cap plus one read.
/// - Redirects follow ``RedirectPolicy`` (the same header and method rules, https to http
///   refused), at most ``maxRedirects``.
/// - ``HTTPRequest/timeout`` is the deadline of the whole exchange (waiting for a channel,
///   connecting, the TLS handshake, every hop, the body): one task scheduled on the channel's
///   loop fails the request and closes the channel.
/// - Cancelling the calling task closes the channel (`TransportError(.cancelled)`).
/// - With `refusePrivateAddresses`, the host is resolved and checked once (the same cache and
///   rules as ``AsyncHTTPClientTransport``), and the channel connects to the checked address;
///   TLS still sends and verifies the host name (``PooledTLS``).
/// - `https://`: the certificate chain is verified against the system trust store and the
///   certificate must name the host; a failure throws `TransportError(.network)` whose detail
///   starts with "TLS:" and says which check failed.
/// - Errors never quote the URL, its query or a header value.
///
/// A pooled channel is reused only after a complete response that allowed keep-alive; idle
/// channels are dropped after ``idleSeconds``. A request is never retried on another channel.
/// Past ``maxConnectionsPerOrigin`` open channels (connecting, busy or idle), a request waits
/// for the next free channel, within its deadline (``ChannelPool``).
public final class PooledHTTP1Transport: HTTPTransport {
    /// The largest body accepted, in bytes.
    public let maxResponseBytes: Int
    /// The most redirects one request follows.
    public let maxRedirects: Int
    /// Whether requests to loopback, private, link-local and metadata addresses are refused.
    public let refusePrivateAddresses: Bool
    /// The most channels open at once per origin (scheme, host, port and checked address);
    /// more requests wait for one.
    public var maxConnectionsPerOrigin: Int { pool.maxOpen }
    /// Idle channels kept per origin (on any of the group's event loops).
    public var maxIdlePerOrigin: Int { pool.maxIdle }
    /// How long an idle channel is kept, in seconds.
    public let idleSeconds: Int64
    private let group: any EventLoopGroup
    private let addressRules: NetworkAddressPolicy.Rules
    private let addressCache: CheckedAddressCache
    private let pool: ChannelPool
    private let tls: PooledTLS

    /// - Parameters:
    ///   - maxResponseBytes: the largest body accepted (10 MiB by default).
    ///   - maxRedirects: the most redirects followed per request (10 by default).
    ///   - refusePrivateAddresses: send only to public addresses, checked after resolution.
    ///   - addressRules, addressCacheSeconds: as for ``AsyncHTTPClientTransport``.
    ///   - maxConnectionsPerOrigin: channels open at once per origin (8 by default, as
    ///     AsyncHTTPClient's per-host limit); further requests wait.
    ///   - maxIdlePerOrigin: idle channels kept per origin (at most `maxConnectionsPerOrigin`).
    ///   - idleSeconds: how long an idle channel is kept (50 s).
    ///   - group: the event loops of the channels (NIO's process-wide group by default).
    public convenience init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, refusePrivateAddresses: Bool = false,
        addressRules: NetworkAddressPolicy.Rules = .publicOnly, addressCacheSeconds: Double = 30, maxConnectionsPerOrigin: Int = 8,
        maxIdlePerOrigin: Int = 8, idleSeconds: Int64 = 50, group: (any EventLoopGroup)? = nil
    ) {
        self.init(
            maxResponseBytes: maxResponseBytes, maxRedirects: maxRedirects, refusePrivateAddresses: refusePrivateAddresses,
            addressRules: addressRules, addressCacheSeconds: addressCacheSeconds, maxConnectionsPerOrigin: maxConnectionsPerOrigin,
            maxIdlePerOrigin: maxIdlePerOrigin, idleSeconds: idleSeconds, group: group, additionalTrustRootsPEM: nil)
    }

    /// As above, trusting the certificates of `additionalTrustRootsPEM` besides the system's:
    /// for tests against a local TLS server with its own certificate authority only. PEM that
    /// does not parse adds no root (its server's certificate is then refused as untrusted).
    package init(
        maxResponseBytes: Int = 10 * 1024 * 1024, maxRedirects: Int = 10, refusePrivateAddresses: Bool = false,
        addressRules: NetworkAddressPolicy.Rules = .publicOnly, addressCacheSeconds: Double = 30, maxConnectionsPerOrigin: Int = 8,
        maxIdlePerOrigin: Int = 8, idleSeconds: Int64 = 50, group: (any EventLoopGroup)? = nil,
        additionalTrustRootsPEM: [UInt8]?
    ) {
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.refusePrivateAddresses = refusePrivateAddresses
        self.addressRules = addressRules
        self.addressCache = CheckedAddressCache(lifetime: addressCacheSeconds)
        self.pool = ChannelPool(maxOpen: maxConnectionsPerOrigin, maxIdle: maxIdlePerOrigin, idleSeconds: idleSeconds)
        self.idleSeconds = idleSeconds
        self.tls = PooledTLS(additionalRootsPEM: additionalTrustRootsPEM)
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
    }

    deinit {
        for pooled in pool.drain() { pooled.channel.close(promise: nil) }
    }

    /// Closes the idle channels. Requests in flight finish on theirs (closed after them).
    public func shutdown() async throws {
        for pooled in pool.drain() { try? await pooled.channel.close() }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await follow(request, first: nil, deadline: Self.deadline(request.timeout))
    }

    /// The deadline of a request whose `timeout` starts now.
    package static func deadline(_ timeout: Double) -> NIODeadline {
        NIODeadline.now() + .nanoseconds(Int64(max(timeout, 0.001) * 1_000_000_000))
    }

    /// Completes `request` as ``send(_:)`` does, when its first exchange already happened
    /// through ``forward(_:body:to:on:deadline:)`` with the outcome `first`: a redirect is
    /// followed, the errors are ``send(_:)``'s.
    package func complete(_ request: HTTPRequest, first: Result<Collected, any Error>, deadline: NIODeadline) async throws -> HTTPResponse {
        try await follow(request, first: first, deadline: deadline)
    }

    private func follow(_ request: HTTPRequest, first: Result<Collected, any Error>?, deadline: NIODeadline) async throws -> HTTPResponse {
        let timeout = request.timeout
        let limit = request.maxResponseBytes.map { max($0, 0) } ?? maxResponseBytes
        var first = first
        do {
            var current = request
            var redirects = 0
            while true {
                let collected: Collected
                if let given = first {
                    first = nil
                    collected = try given.get()
                } else {
                    let target = try await self.target(current.url)
                    collected = try await exchange(current, target: target, deadline: deadline, limit: limit)
                }
                guard let location = collected.head.headers.first(name: "location"),
                    let next = try RedirectPolicy.redirect(current, original: request, status: Int(collected.head.status.code), location: location)
                else {
                    // One array of the fields, one copy of the body (a memcpy from NIO's buffer).
                    let headers = ConnectorRuntime.HTTPHeaders(collected.head.headers.map { HTTPField(name: $0.name, value: $0.value) })
                    let body = collected.body.map { buffer in buffer.withUnsafeReadableBytes { Data($0) } } ?? Data()
                    return HTTPResponse(status: Int(collected.head.status.code), headers: headers, body: body)
                }
                redirects += 1
                if redirects > maxRedirects {
                    throw TransportError(.tooManyRedirects, detail: "The server redirected in a loop (too many redirects).")
                }
                current = next
            }
        } catch let error as TransportError {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            if error.kind == .timedOut { throw TransportError(.timedOut, detail: "No response within \(Int(timeout.rounded(.up))) s.") }
            throw error
        } catch {
            if Task.isCancelled { throw TransportError(.cancelled, detail: "The request was cancelled.") }
            throw PooledTLS.transportError(error) ?? AsyncHTTPClientTransport.transportError(error)
        }
    }

    /// `true` for `https`, `false` for `http`, `nil` for any other scheme or no host.
    private static func isSecure(_ url: URL) -> Bool? {
        guard let scheme = url.scheme, url.host != nil else { return nil }
        switch scheme {
        case "http": return false
        case "https": return true
        default:
            switch scheme.lowercased() {
            case "http": return false
            case "https": return true
            default: return nil
            }
        }
    }

    /// Where a request to `url` connects: its scheme, host and port, and the address to connect
    /// to (the checked one under ``refusePrivateAddresses``, else the host name).
    private func target(_ url: URL) async throws -> Target {
        guard let secure = Self.isSecure(url), let host = url.host, !host.isEmpty else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        let port = url.port ?? (secure ? 443 : 80)
        if let known = try knownTarget(secure: secure, host: host, port: port) { return known }
        let checked: Result<String, NetworkAddressPolicy.Refused>
        do {
            checked = try await addressRules.checkedAddress(of: host)
        } catch {
            throw TransportError(.network, detail: "The host name does not resolve.")
        }
        switch checked {
        case .failure(let refused):
            throw TransportError(.network, detail: "Refused: the host points at a private network address (\(refused.reason)).")
        case .success(let address):
            addressCache.store(address, for: host)
            return Target(secure: secure, host: host, port: port, address: address)
        }
    }

    /// Where a request to `host` connects when that is known without resolving the name: always
    /// without ``refusePrivateAddresses``, else for an address literal the rules allow or a name
    /// whose checked address is cached; `nil` when the name must be resolved first (``send(_:)``
    /// does it). Throws for an address literal the rules refuse.
    package func knownTarget(secure: Bool, host: String, port: Int) throws -> Target? {
        guard refusePrivateAddresses else { return Target(secure: secure, host: host, port: port, address: host) }
        if NetworkAddressPolicy.isAddressLiteral(host) {
            if let reason = addressRules.refusal(host) {
                throw TransportError(.network, detail: "Refused: the host points at a private network address (\(reason)).")
            }
            return Target(secure: secure, host: host, port: port, address: host)
        }
        return addressCache.address(of: host).map { Target(secure: secure, host: host, port: port, address: $0) }
    }

    /// `url`'s scheme, host and port, for ``knownTarget(secure:host:port:)``; `nil` unless it is
    /// an absolute http or https URL.
    package static func origin(of url: URL) -> (secure: Bool, host: String, port: Int)? {
        guard let secure = isSecure(url), let host = url.host, !host.isEmpty else { return nil }
        return (secure, host, url.port ?? (secure ? 443 : 80))
    }

    /// Sends a request head (and body) as they are on a channel of `target` on `loop`: an idle
    /// one, else a new one while the origin is below its limit (at the limit, an idle channel of
    /// another loop, else the first one freed; see ``ChannelPool/acquire(_:preferring:sameLoop:waitLoop:)``), and
    /// collects the response as ``send(_:)`` does (the body cap, the deadline, a channel closed
    /// on failure), without a task: for the Hub's proxy fast path, which writes the head itself.
    /// No redirect is followed: ``complete(_:first:deadline:)`` does it.
    package func forward(_ head: HTTPRequestHead, body: ByteBuffer?, to target: Target, on loop: any EventLoop, deadline: NIODeadline)
        -> EventLoopFuture<Collected>
    {
        let limit = maxResponseBytes
        switch pool.acquire(target, preferring: loop, sameLoop: true, waitLoop: loop) {
        case .lease(let lease):
            return run(head, body: body, target: target, lease: lease, preferred: loop, deadline: deadline, limit: limit).promise.futureResult
        case .wait(let waiter):
            limitWait(waiter, target: target, deadline: deadline)
            return waiter.promise.futureResult.flatMap { lease in
                self.run(head, body: body, target: target, lease: lease, preferred: loop, deadline: deadline, limit: limit).promise.futureResult
            }
        }
    }

    /// Sends `request` once and collects its response: on an idle channel of the caller's event
    /// loop, else on any idle channel of the origin, else on a new channel of the caller's loop
    /// (or the group's next loop when the caller is not on one); at the origin's limit, on the
    /// first channel another request frees.
    private func exchange(_ request: HTTPRequest, target: Target, deadline: NIODeadline, limit: Int) async throws -> Collected {
        guard let head = Self.requestHead(request, target: target) else {
            throw TransportError(.network, detail: "The request URL is not an absolute http or https URL.")
        }
        let body = request.body.map { ByteBuffer(bytes: $0) }
        let current = MultiThreadedEventLoopGroup.currentEventLoop
        let lease: ChannelPool.Lease
        switch pool.acquire(target, preferring: current, waitLoop: current ?? self.group.next()) {
        case .lease(let granted): lease = granted
        case .wait(let waiter): lease = try await wait(waiter, target: target, deadline: deadline)
        }
        let exchange = run(head, body: body, target: target, lease: lease, preferred: current, deadline: deadline, limit: limit)
        let loop = exchange.promise.futureResult.eventLoop
        return try await withTaskCancellationHandler {
            try await exchange.promise.futureResult.get()
        } onCancel: {
            loop.execute { exchange.fail(TransportError(.cancelled, detail: "The request was cancelled.")) }
        }
    }

    /// Sends `head` and `body` on the channel `lease` grants (an idle one, or a new one on
    /// `preferred`, else the group's next loop), under one deadline task on the channel's loop.
    private func run(
        _ head: HTTPRequestHead, body: ByteBuffer?, target: Target, lease: ChannelPool.Lease, preferred: (any EventLoop)?,
        deadline: NIODeadline, limit: Int
    ) -> Exchange {
        let current = preferred
        let pooled: PooledChannel?
        if case .idle(let idle) = lease { pooled = idle } else { pooled = nil }
        let loop = pooled?.channel.eventLoop ?? current ?? group.next()
        let exchange = Exchange(promise: loop.makePromise(of: Collected.self), limit: limit)
        let key = target
        let pool = self.pool
        let timer = loop.scheduleTask(deadline: deadline) {
            exchange.fail(TransportError(.timedOut, detail: "The request timed out."))
        }
        exchange.promise.futureResult.whenComplete { _ in timer.cancel() }
        let ready: EventLoopFuture<PooledChannel> =
            pooled.map { loop.makeSucceededFuture($0) } ?? connect(target, on: loop, deadline: deadline)
        ready.whenComplete { result in
            switch result {
            case .failure(let error): exchange.fail(error)
            case .success(let pooled):
                guard exchange.start(on: pooled) else {
                    pooled.channel.close(promise: nil)
                    return
                }
                pooled.handler.begin(exchange) { reusable in
                    if reusable { pool.checkIn(pooled, key) } else { pooled.channel.close(promise: nil) }
                }
                let channel = pooled.channel
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in exchange.fail(error) }
            }
        }
        return exchange
    }

    /// Ends `waiter`'s wait at `deadline` (`timedOut`) unless it got a lease before.
    private func limitWait(_ waiter: ChannelPool.Waiter, target: Target, deadline: NIODeadline) {
        let pool = self.pool
        let timer = waiter.promise.futureResult.eventLoop.scheduleTask(deadline: deadline) {
            if pool.withdraw(waiter, target) {
                waiter.promise.fail(TransportError(.timedOut, detail: "No connection to the server became free in time."))
            }
        }
        waiter.promise.futureResult.whenComplete { _ in timer.cancel() }
    }

    /// Waits for a lease of `target`'s pool until `deadline`, or until the task is cancelled.
    private func wait(_ waiter: ChannelPool.Waiter, target: Target, deadline: NIODeadline) async throws -> ChannelPool.Lease {
        let pool = self.pool
        limitWait(waiter, target: target, deadline: deadline)
        return try await withTaskCancellationHandler {
            try await waiter.promise.futureResult.get()
        } onCancel: {
            if pool.withdraw(waiter, target) {
                waiter.promise.fail(TransportError(.cancelled, detail: "The request was cancelled."))
            }
        }
    }

    /// A new channel to `target` on `loop` (its slot already taken from the pool): TCP, then for
    /// `https` the TLS handshake, within `deadline`. The slot is given back when the connection
    /// fails or, once connected, when the channel closes.
    private func connect(_ target: Target, on loop: any EventLoop, deadline: NIODeadline) -> EventLoopFuture<PooledChannel> {
        let pool = self.pool
        let context: NIOSSLContext?
        do {
            context = target.secure ? try tls.clientContext() : nil
        } catch {
            pool.closed(target, channel: nil)
            return loop.makeFailedFuture(error)
        }
        let handler = ResponseHandler()
        let remaining = deadline - NIODeadline.now()
        let connected = ClientBootstrap(group: loop)
            .connectTimeout(min(remaining, .seconds(30)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.address, port: target.port)
        connected.whenFailure { _ in pool.closed(target, channel: nil) }
        return connected.flatMap { channel in
            channel.closeFuture.whenComplete { _ in pool.closed(target, channel: channel) }
            let handshake: EventLoopFuture<Void>
            do {
                if let context {
                    handshake = try PooledTLS.addClientHandler(context, host: target.host, to: channel)
                } else {
                    handshake = loop.makeSucceededVoidFuture()
                }
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(handler)
            } catch {
                channel.close(promise: nil)
                return loop.makeFailedFuture(error)
            }
            // A handshake that hangs ends at the deadline with the channel.
            let stall = loop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
            return handshake.always { _ in stall.cancel() }
                .flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
                .map { PooledChannel(channel: channel, handler: handler, idleSince: .now()) }
        }
    }

    /// The head as AsyncHTTPClient sends it: the URL's encoded path and query, `Host` with the
    /// port when it is not the scheme's default, `Content-Length` for a body (and 0 for a
    /// bodiless POST, PUT, PATCH).
    static func requestHead(_ request: HTTPRequest, target: Target) -> HTTPRequestHead? {
        guard let path = requestURI(request.url.absoluteString) else { return nil }
        return requestHead(method: Self.method(request.method), uri: path, headers: request.headers, bodyLength: request.body?.count, target: target)
    }

    /// The head of a request to `target` with the request target `uri` (its encoded path and
    /// query), `headers`, and a body of `bodyLength` bytes (`nil`: none), as ``send(_:)`` writes it.
    package static func requestHead(
        method: HTTPMethod, uri: String, headers fields: ConnectorRuntime.HTTPHeaders, bodyLength: Int?, target: Target
    ) -> HTTPRequestHead {
        var headers = NIOHTTP1.HTTPHeaders()
        headers.reserveCapacity(fields.fields.count + 2)
        if !fields.contains("host") { headers.add(name: "Host", value: hostField(target)) }
        for field in fields { headers.add(name: field.name, value: field.value) }
        if let bodyLength {
            headers.replaceOrAdd(name: "Content-Length", value: String(bodyLength))
        } else if method == .POST || method == .PUT || method == .PATCH {
            headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    /// The `Host` field of a request to `target`: the host (an IPv6 literal in brackets), with
    /// the port when it is not the scheme's default.
    package static func hostField(_ target: Target) -> String {
        let host = target.host.utf8.contains(UInt8(ascii: ":")) ? "[\(target.host)]" : target.host
        return target.port == (target.secure ? 443 : 80) ? host : "\(host):\(target.port)"
    }

    /// The request target of `absolute` (`http(s)://authority/path?query#fragment`): the encoded
    /// path and query, `/` when the path is empty; one pass over the bytes.
    package static func requestURI(_ absolute: String) -> String? {
        let bytes = absolute.utf8
        var index = bytes.startIndex
        // Past "://".
        var colonSlashSlash = 0
        while index != bytes.endIndex && colonSlashSlash < 3 {
            let byte = bytes[index]
            colonSlashSlash = byte == UInt8(ascii: ":") ? 1 : (byte == UInt8(ascii: "/") && colonSlashSlash > 0 ? colonSlashSlash + 1 : 0)
            index = bytes.index(after: index)
        }
        guard colonSlashSlash == 3 else { return nil }
        // Past the authority.
        while index != bytes.endIndex, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?"), bytes[index] != UInt8(ascii: "#") {
            index = bytes.index(after: index)
        }
        let start = index
        while index != bytes.endIndex && bytes[index] != UInt8(ascii: "#") { index = bytes.index(after: index) }
        let uri = Substring(bytes[start..<index])
        if uri.isEmpty || uri.utf8.first == UInt8(ascii: "?") { return "/" + String(uri) }
        return String(uri)
    }

    /// The method, without an upper-cased copy when it already is (as the runtime sends it).
    private static func method(_ name: String) -> HTTPMethod {
        switch name {
        case "GET": .GET
        case "POST": .POST
        case "PUT": .PUT
        case "PATCH": .PATCH
        case "DELETE": .DELETE
        case "HEAD": .HEAD
        default: HTTPMethod(rawValue: name.uppercased())
        }
    }
}
