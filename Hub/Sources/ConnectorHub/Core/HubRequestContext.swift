public import Hummingbird
public import NIOCore

/// The request context `connector-hub` serves with: Hummingbird's basic context plus the
/// client's address, which the operator sign-in throttle counts failures by.
public struct HubRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
