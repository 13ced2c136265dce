public import ConnectorRuntime

/// An ``HTTPTransport`` that owns connections: ``shutdown()`` closes them (the Hub shuts down
/// the transports it made).
public protocol ClosableHTTPTransport: HTTPTransport {
    func shutdown() async throws
}

extension AsyncHTTPClientTransport: ClosableHTTPTransport {}
extension PooledHTTP1Transport: ClosableHTTPTransport {}
