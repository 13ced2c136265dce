/// Every failure the runtime reports, with cases matching the seed FAQ's troubleshooting. The
/// description says what to do next and never contains a secret.
public enum ConnectorError: Error, Sendable, Hashable {
    /// A field value is malformed (whitespace or line breaks around it, wrong format, pattern
    /// mismatch). Detected before any request.
    case invalidField(key: String, reason: String)
    /// The provider rejected the credentials (`invalid_client`, 401 when linking).
    case invalidCredentials(detail: String)
    /// The grant lacks scopes the connector needs (403 `insufficient_scope`, or fewer scopes granted).
    case missingScopes([String])
    /// The refresh token was revoked or expired (`invalid_grant` on refresh): link again.
    case reconnectRequired(detail: String)
    /// The user declined consent (`access_denied`).
    case accessDenied(detail: String)
    /// The OAuth callback's state did not match, was reused, or the callback was malformed.
    case invalidCallback(detail: String)
    /// 5xx, timeouts, network failures. Retry later with backoff.
    case providerUnavailable(detail: String, retryable: Bool)
    /// 429; `retryAfter` in seconds when the provider said.
    case rateLimited(retryAfter: Double?)
    /// The spec or the app's configuration is wrong (`invalid_scope`, `unauthorized_client`,
    /// a non-HTTPS URL, a missing token-response field).
    case misconfigured(String)
}
