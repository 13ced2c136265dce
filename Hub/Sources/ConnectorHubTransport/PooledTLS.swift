import ConnectorRuntime
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS

/// TLS for ``PooledHTTP1Transport``'s `https://` channels (NIOSSL, BoringSSL).
///
/// - The server's chain is verified against the system trust store (NIOSSL's default roots: the
///   platform's CA bundle), plus, in tests only, the extra roots the transport was created with
///   (its `package` initialiser).
/// - The host name of the URL, never the checked address the channel connects to, is sent as SNI
///   and checked against the certificate (`fullVerification`); an IP literal is sent without
///   SNI and checked against the certificate's IP addresses.
/// - TLS 1.2 or newer; HTTP/1.1 offered by ALPN.
///
/// One `NIOSSLContext` per transport, made on the first `https://` request (loading the trust
/// store is the expensive part) and kept.
final class PooledTLS: Sendable {
    private let additionalRoots: [NIOSSLCertificate]
    private let context = NIOLockedValueBox<Result<NIOSSLContext, TransportError>?>(nil)

    init(additionalRootsPEM: [UInt8]?) {
        additionalRoots = additionalRootsPEM.flatMap { try? NIOSSLCertificate.fromPEMBytes($0) } ?? []
    }

    /// The client context, made once.
    func clientContext() throws -> NIOSSLContext {
        try context.withLockedValue { cached in
            if let cached { return try cached.get() }
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = .default
            if !additionalRoots.isEmpty { configuration.additionalTrustRoots = [.certificates(additionalRoots)] }
            configuration.minimumTLSVersion = .tlsv12
            configuration.applicationProtocols = ["http/1.1"]
            let made: Result<NIOSSLContext, TransportError>
            do {
                made = .success(try NIOSSLContext(configuration: configuration))
            } catch {
                made = .failure(TransportError(.network, detail: "TLS: the system trust store could not be loaded."))
            }
            cached = made
            return try made.get()
        }
    }

    /// Adds the TLS handler for `host` in front of `channel`'s pipeline and returns a future
    /// that succeeds once the handshake completed and the certificate was verified for `host`.
    /// Must run on the channel's event loop.
    static func addClientHandler(_ context: NIOSSLContext, host: String, to channel: any Channel) throws -> EventLoopFuture<Void> {
        // SNI carries names only; an address literal is verified against the certificate's IPs.
        let serverName = NetworkAddressPolicy.isAddressLiteral(host) ? nil : host
        let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
        let ready = HandshakeWatcher(promise: channel.eventLoop.makePromise(of: Void.self))
        try channel.pipeline.syncOperations.addHandler(tls)
        try channel.pipeline.syncOperations.addHandler(ready)
        return ready.promise.futureResult
    }

    /// A ``TransportError`` for a TLS failure, without the host name or the certificate's
    /// contents. `nil` when `error` is not one of TLS.
    static func transportError(_ error: any Error) -> TransportError? {
        if let extra = error as? NIOSSLExtraError {
            if extra == .failedToValidateHostname {
                return TransportError(.network, detail: "TLS: the server's certificate is not valid for the requested host name.")
            }
            return TransportError(.network, detail: "TLS: the connection was refused (\(extra.baseErrorName)).")
        }
        if let ssl = error as? NIOSSLError {
            if case .handshakeFailed(let reason) = ssl, String(describing: reason).contains("CERTIFICATE_VERIFY_FAILED") {
                return TransportError(.network, detail: "TLS: the server's certificate is not trusted (its chain does not lead to a trusted root, or it expired).")
            }
            if case .uncleanShutdown = ssl {
                return TransportError(.network, detail: "The server closed the connection before the response ended.")
            }
            return TransportError(.network, detail: "TLS: the handshake with the server failed.")
        }
        if error is BoringSSLError { return TransportError(.network, detail: "TLS: the handshake with the server failed.") }
        return nil
    }
}

extension NIOSSLExtraError {
    /// The case's name only (a description may quote the host name).
    fileprivate var baseErrorName: String {
        if self == .cannotUseIPAddressInSNI { return "an address literal cannot be sent as SNI" }
        if self == .invalidSNIHostname { return "the host name cannot be sent as SNI" }
        return "NIOSSL"
    }
}

/// Completes `promise` when the TLS handshake of its channel completed (and the certificate was
/// verified), fails it with the first error or when the channel closes first; then leaves the
/// pipeline.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    let promise: EventLoopPromise<Void>
    private var done = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !done {
            done = true
            promise.succeed(())
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            promise.fail(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(TransportError(.network, detail: "TLS: the server closed the connection during the handshake."))
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if !done {
            done = true
            promise.fail(TransportError(.network, detail: "TLS: the handshake did not complete."))
        }
    }
}
