// Keeps each connection of the Hub's server on its event loop: a proxied request stays on one
// thread from the socket read to the response write (see EventLoopTaskExecutor).
import ConnectorHubTransport
public import HummingbirdCore
public import Logging
public import NIOCore

/// A server child channel that handles each connection of `inner` in a task preferring the
/// connection's event loop (``EventLoopTaskExecutor``), instead of Swift's cooperative pool.
///
/// Hummingbird hands each connection to a task; by default every request then crosses threads
/// four times (the event loop to the pool, the pool to AsyncHTTPClient's loop and back, the pool
/// to the event loop for the write), each crossing a wake-up and a context switch. On the
/// connection's own loop the request head, the handler, AsyncHTTPClient's exchange (which picks a
/// connection of the calling loop) and the response write all run on one thread.
///
/// The handlers then run on the event loop: they must not block it (they do not: the stores
/// are asynchronous, address lookups run on NIO's thread pool).
///
/// Opt-in (`ConnectorHubService.application(connectionsOnEventLoops: true)`): it cut the proxy's
/// context switches by more than ten times, but on a 2-core machine shared with other work the
/// two loop threads got less CPU than the loops and the pool together, and the proxy served
/// about half the requests of the default (docs/hub.md, "Benchmark").
public struct EventLoopChannel<Inner: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Inner.Value
    public let inner: Inner

    public init(_ inner: Inner) {
        self.inner = inner
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop: value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 server with each connection on its event loop (``EventLoopChannel``).
    public static func http1OnEventLoop(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in EventLoopChannel(HTTP1Channel(responder: responder, configuration: configuration)) }
    }
}

extension HTTPServerBuilder {
    /// The Hub's HTTP/1.1 server: connections on their event loops, or on the cooperative pool.
    static func hubHTTP1(
        idleTimeout: TimeAmount, connectionsOnEventLoops: Bool, fastPath: (ProxyFastPath, ConnectorHubService)?
    ) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(idleTimeout: idleTimeout)
        guard let (fast, hub) = fastPath else {
            return connectionsOnEventLoops ? .http1OnEventLoop(configuration: configuration) : .http1(configuration: configuration)
        }
        return .init { responder -> any ServerChildChannel in
            let channel = ProxyFastPathChannel(HTTP1Channel(responder: responder, configuration: configuration), fastPath: fast, hub: hub)
            if connectionsOnEventLoops { return EventLoopChannel(channel) }
            return channel
        }
    }
}
