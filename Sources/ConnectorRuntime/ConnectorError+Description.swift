extension ConnectorError: CustomStringConvertible {
    /// What went wrong and what to do next. Never contains a credential.
    public var description: String {
        switch self {
        case let .invalidField(key, reason):
            return "The field “\(key)” \(reason). Correct it and link again."
        case let .invalidCredentials(detail):
            return "The provider rejected the credentials (\(detail)). Check the client id and secret or API key, copy them again without extra spaces, and link again."
        case let .missingScopes(scopes):
            if scopes.isEmpty {
                return "The grant lacks permissions the connector needs. Enable the required scopes in the provider's app settings and link again."
            }
            return "The grant lacks the scopes \(scopes.joined(separator: ", ")). Enable them in the provider's app settings and link again."
        case let .reconnectRequired(detail):
            return "The provider no longer accepts this connection's refresh token (revoked or expired: \(detail)). Link the account again."
        case let .accessDenied(detail):
            return "Access was declined on the provider's consent screen (\(detail)). Link again and approve the requested access."
        case let .invalidCallback(detail):
            return "The authorization callback could not be used (\(detail)). Start linking again from the beginning."
        case let .providerUnavailable(detail, retryable):
            return retryable
                ? "The provider could not be reached or failed (\(detail)). Try again later."
                : "The provider returned an unexpected answer (\(detail)). Check the connection's settings."
        case let .rateLimited(retryAfter):
            if let retryAfter {
                return "The provider is rate limiting requests. Try again in \(Int(retryAfter.rounded(.up))) seconds."
            }
            return "The provider is rate limiting requests. Try again later."
        case let .misconfigured(detail):
            return "The connector or app is misconfigured: \(detail)"
        }
    }

    /// `true` when the same request may succeed later without anyone changing anything.
    public var isRetryable: Bool {
        switch self {
        case let .providerUnavailable(_, retryable): retryable
        case .rateLimited: true
        default: false
        }
    }
}
