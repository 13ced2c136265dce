/// The lifecycle state of a ``Connection``.
public enum ConnectionStatus: Sendable, Hashable {
    /// Requests are being made with valid (or not yet known to be invalid) credentials.
    case active
    /// A token request is in flight; requests wait for it.
    case refreshing
    /// The refresh token was revoked or expired, or no tokens are stored: link the account again.
    case reconnectRequired
    /// ``Connection/disconnect()`` ran; linking again makes the connection usable.
    case disconnected
}
