public import Foundation
import ConnectorRuntime

/// A link session an app created for one end user: the URL it sends opens the Link Account page.
/// Only the SHA-256 of its token is stored; the token works once.
struct LinkSession: Codable, Sendable {
    var id: String
    var tokenHash: String
    var endUserID: String
    var endUserName: String
    /// Connector ids offered (empty: every connector, or those of `categories`).
    var connectors: [String]
    var categories: [String]
    var createdAt: Date
    var expiresAt: Date
    /// Set when the token was opened; the browser then holds a cookie whose secret hashes to
    /// `browserHash`.
    var consumedAt: Date?
    var browserHash: String?
    /// Hashes of browser secrets whose cookies were set by opening the link but not yet seen
    /// back: the token is used (``consumedAt``) only when a browser returns with one of them, so
    /// a frame the browser refuses or a browser that drops the cookie does not burn the link.
    var pendingBrowserHashes: [String]? = nil
    /// Link attempts made (form posts and OAuth starts); capped per session.
    var attempts: Int = 0
    /// The account a reconnect session re-links.
    var reconnectAccountID: String?
    /// The app origin that embeds this session's pages (one of the allowed origins, exactly):
    /// their postMessage events go to it, and it is their only `frame-ancestors`. `nil`: the
    /// first allowed origin gets the events and every allowed origin may frame the pages.
    var embedOrigin: String? = nil
}

/// A linked account, as the app API returns it. Holds no credential.
public struct HubAccount: Codable, Sendable, Hashable {
    /// The account id (also the token store's account key).
    public var id: String
    public var connectorID: String
    public var variantID: String
    public var endUserID: String
    public var endUserName: String
    /// `active`, `reconnect_required` or `disconnected`.
    public var status: String
    public var linkedAt: Date
    /// When the Hub last obtained new tokens for the account (a refresh, or a reconnect).
    public var lastRefreshAt: Date?
    public var updatedAt: Date
    /// Tells two accounts of one connector apart: the tenant, host or workspace the person
    /// entered or the provider reported (never a secret), e.g. `acme.bamboohr.com`'s `acme`.
    public var label: String? = nil
}

/// An operator's sign-in (the app key was presented): the cookie holds `<id>.<secret>`, the
/// record only the secret's SHA-256, so signing out (deleting the record) ends the session on
/// every Hub process, also for a copy of the cookie.
struct OperatorSession: Codable, Sendable {
    var secretHash: String
    var expiresAt: Date
}

/// One try to link: a form post, or an OAuth round trip from start to callback. The page polls
/// its status; the OAuth `state` maps to it.
struct LinkAttempt: Codable, Sendable {
    var id: String
    var sessionID: String
    var connectorID: String
    var variantID: String
    /// The account id the tokens are stored under (a reconnect reuses the account's).
    var accountID: String
    /// `pending`, `completing` (callback received), `succeeded` or `failed`.
    var status: String
    /// A ``LinkFailure`` code when failed.
    var failure: String?
    var failureDetail: String?
    var createdAt: Date
}

/// Why linking failed, with what to do next in the words of the seed FAQ.
enum LinkFailure: String, Codable, Sendable {
    case accessDenied = "access_denied"
    case invalidCredentials = "invalid_credentials"
    case missingScopes = "missing_scopes"
    case providerUnavailable = "provider_unavailable"
    case invalidCallback = "invalid_callback"
    case misconfigured

    var title: String {
        switch self {
        case .accessDenied: "Access was not granted"
        case .invalidCredentials: "The credentials were not accepted"
        case .missingScopes: "Some permissions are missing"
        case .providerUnavailable: "The provider is not answering"
        case .invalidCallback: "This sign-in could not be completed"
        case .misconfigured: "This connector is not set up correctly"
        }
    }

    /// Whether the person can fix it by entering other values on the form (the form is shown
    /// again with their non-secret values).
    var personCanFix: Bool { self == .invalidCredentials }

    /// What to do, as the seed FAQ's troubleshooting says it. The failure page lists missing
    /// scopes after it.
    func advice(provider: String) -> [String] {
        switch self {
        case .accessDenied:
            [
                "\(provider) reported that access was declined. Linking needs someone with the required admin or integration permissions to click Allow.",
                "Confirm admin access: verify that the account you sign in with has the required admin or integration permissions, then try again.",
            ]
        case .invalidCredentials:
            [
                "Verify your credentials: double-check that you copied the correct API key, client ID, or client secret, and make sure there are no extra spaces or characters.",
                "Confirm admin access: verify that the account used to generate credentials has the required admin or integration permissions.",
                "Regenerate credentials: if the error persists, try generating a new API key and connecting again.",
            ]
        case .missingScopes:
            [
                "Check required scopes: ensure all required scopes listed in the connection guide are enabled and saved in \(provider).",
                "Then connect again: scopes granted before the change are not updated until you re-authorize.",
            ]
        case .providerUnavailable:
            [
                "\(provider) did not answer or reported an error. This is usually temporary: try again in a few minutes.",
                "Contact support: if you are still unable to connect, reach out to the support of the app that sent you here with the name of the integration (\(provider)) and the error message you are seeing.",
            ]
        case .invalidCallback:
            ["The sign-in link expired or was already used. Start again from the Link Account page."]
        case .misconfigured:
            [
                "Nothing is wrong with your \(provider) account: the app that sent you here has not set up \(provider) correctly, and its operators have been told.",
                "Contact the app's support with the name of the integration (\(provider)), or choose another connector.",
            ]
        }
    }

    /// The failure of a runtime error, with the scope names it carries. A provider's
    /// `insufficient_scope` challenge names the scopes the resource needs (RFC 6750 §3.1): with
    /// the `granted` scopes of the token response, only those not granted are named.
    static func from(_ error: ConnectorError, granted: [String]? = nil) -> (LinkFailure, [String]) {
        switch error {
        case .accessDenied: (.accessDenied, [])
        case .invalidCredentials, .reconnectRequired: (.invalidCredentials, [])
        case .missingScopes(let scopes):
            (.missingScopes, granted.map { granted in scopes.filter { !granted.contains($0) } }.flatMap { $0.isEmpty ? nil : $0 } ?? scopes)
        case .providerUnavailable, .rateLimited: (.providerUnavailable, [])
        case .invalidCallback: (.invalidCallback, [])
        case .invalidField, .misconfigured: (.misconfigured, [])
        }
    }
}



/// A setup problem the Hub met while linking (the provider refused the app's OAuth client):
/// shown to operators on their Accounts page until the next successful link of that variant.
struct SetupProblem: Codable, Sendable {
    var connectorID: String
    var variantID: String
    /// What happened and what to check; never a value.
    var text: String
    var at: Date
}
