public import Foundation

/// How a Hub runs: where it is reachable, which apps may call it, the OAuth clients the app
/// registered per connector, who may embed its pages, and where accounts are kept.
///
/// Read from a JSON file (``load(file:environment:)``) and overridden by environment variables
/// (`CONNECTOR_HUB_*`, see docs/hub.md). Every secret here (app keys, client secrets, the webhook
/// secret) is kept out of `description`.
public struct HubConfiguration: Sendable, CustomStringConvertible {
    /// The public origin people's browsers reach, e.g. `https://hub.example.com` (behind TLS
    /// termination) or `http://127.0.0.1:8080` in development. Redirect URIs derive from it.
    public var publicBaseURL: URL
    /// Address and port to listen on.
    public var host: String
    public var port: Int
    /// App API keys (bearer tokens of the `/v1` API and of the operator pages).
    public var appKeys: [String]
    /// Setup field values per connector id (the OAuth client id and secret the app registered),
    /// e.g. `["zelt": ["clientId": "…", "clientSecret": "…"]]`.
    public var setup: [String: [String: String]]
    /// Origins allowed to embed the Link Account page and to receive its `postMessage` events,
    /// e.g. `["https://app.example.com"]`. Empty: no embedding.
    public var allowedOrigins: [String]
    /// SQLite file for accounts and tokens (one machine), used when ``databaseURL`` is not set.
    public var sqlitePath: String
    /// PostgreSQL (`postgres://user:password@host:port/database`) for tokens and records: several
    /// Hub processes then serve the same accounts.
    public var databaseURL: String?
    /// A key to sign cookies and CSRF tokens (any long random string). Development uses a fixed one.
    public var signingKey: String
    /// Where account status changes are POSTed, signed with ``webhookSecret`` (optional).
    public var webhookURL: URL?
    public var webhookSecret: String?
    /// Replacement origins per connector id, host by host (sandboxes, local emulation):
    /// `["hibob": ["api.hibob.com": "https://api.sandbox.hibob.com"]]`.
    public var endpointOverrides: [String: [String: URL]]
    /// Seal tokens with the public development key (never in production).
    public var development: Bool
    /// How long a link session lasts when the app does not say (seconds; default 30 minutes).
    public var defaultSessionLifetime: TimeInterval
    /// Link attempts (form posts and OAuth starts) one session may make (default 20).
    public var maxAttemptsPerSession: Int
    /// The HTTP client of the Hub's outgoing requests (provider APIs, token endpoints, webhooks).
    public var transport: HubTransport
    /// How long a process trusts its cached account record while it receives change
    /// notifications (PostgreSQL `LISTEN`; default 60 s). A safety net only: a change made by any
    /// process invalidates the cached record at once. Without notifications (SQLite, or while the
    /// listener reconnects) a record is trusted for ``unnotifiedAccountCacheSeconds`` at most.
    public var accountCacheSeconds: TimeInterval
    /// Whether the Hub may send requests to loopback, private (RFC 1918, ULA), link-local,
    /// CGNAT and metadata addresses. Off by default outside development: a host a person types
    /// (a self-hosted instance, a tenant URL) must resolve to public addresses only, checked
    /// after resolution in the transport's connection path (docs/hub.md, "Private networks").
    /// On in development, where providers are local emulations.
    public var allowPrivateNetworks: Bool
    /// Seconds a connection may stay idle, or take to send its request head, before the server
    /// closes it (default 30).
    public var idleTimeoutSeconds: TimeInterval
    /// Seconds an action's request may wait for the provider's answer (default 30): past it the
    /// call is `outcomeUnknown` (504), never sent again (docs/actions.md).
    public var actionTimeoutSeconds: TimeInterval = 30
    /// Whether the proxy's common case takes the fast path (docs/hub.md, "Fifth pass on issue
    /// 19"): with the `nio` transport, a proxied request of a cached account whose credentials
    /// need no refresh is forwarded by a channel handler on the connection's event loop, below
    /// Hummingbird's routing; everything else, and every answer the connection acts on (a 401
    /// to refresh and retry, errors), goes the regular way. Off by default; no effect on the
    /// other transports.
    public var proxyFastPath = false

    /// How long a cached account record is trusted when no change notification can reach the
    /// process: SQLite stores (several processes on one file), or PostgreSQL while the listener
    /// reconnects.
    public static let unnotifiedAccountCacheSeconds: TimeInterval = 5

    public init(
        publicBaseURL: URL, host: String = "127.0.0.1", port: Int = 8080, appKeys: [String], setup: [String: [String: String]] = [:],
        allowedOrigins: [String] = [], sqlitePath: String, databaseURL: String? = nil, signingKey: String, webhookURL: URL? = nil, webhookSecret: String? = nil,
        endpointOverrides: [String: [String: URL]] = [:], development: Bool = false, defaultSessionLifetime: TimeInterval = 1800,
        maxAttemptsPerSession: Int = 20, transport: HubTransport = .asyncHTTPClient, accountCacheSeconds: TimeInterval = 60,
        allowPrivateNetworks: Bool? = nil, idleTimeoutSeconds: TimeInterval = 30
    ) {
        self.publicBaseURL = publicBaseURL
        self.host = host
        self.port = port
        self.appKeys = appKeys
        self.setup = setup
        self.allowedOrigins = allowedOrigins
        self.sqlitePath = sqlitePath
        self.databaseURL = databaseURL
        self.signingKey = signingKey
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.endpointOverrides = endpointOverrides
        self.development = development
        self.defaultSessionLifetime = defaultSessionLifetime
        self.maxAttemptsPerSession = maxAttemptsPerSession
        self.transport = transport
        self.accountCacheSeconds = accountCacheSeconds
        self.allowPrivateNetworks = allowPrivateNetworks ?? development
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// `<base>/connect/oauth2/<connector>/callback`: the redirect URI to register at the provider.
    public func redirectURI(connector: String) -> URL {
        publicBaseURL.appendingPathComponent("connect/oauth2/\(connector)/callback")
    }

    /// The base URL's origin (`scheme://host[:port]`).
    public var publicOrigin: String { Self.origin(of: publicBaseURL) ?? publicBaseURL.absoluteString }

    /// Cookies get `Secure` when the public base URL is https.
    public var usesHTTPS: Bool { publicBaseURL.scheme?.lowercased() == "https" }

    /// `scheme://host[:port]` of `url`, lowercased, or `nil`.
    public static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        return url.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    public var description: String {
        "HubConfiguration(publicBaseURL: \(publicBaseURL.absoluteString), listen: \(host):\(port), appKeys: \(appKeys.count), "
            + "setup: \(setup.keys.sorted()), allowedOrigins: \(allowedOrigins), store: \(databaseURL == nil ? "sqlite " + sqlitePath : "postgres"), "
            + "transport: \(transport.rawValue), allowPrivateNetworks: \(allowPrivateNetworks), development: \(development))"
    }

    // MARK: Loading

    /// The file's shape (every member optional; the environment fills or overrides).
    struct File: Decodable {
        var publicBaseURL: String?
        var host: String?
        var port: Int?
        var appKeys: [String]?
        var setup: [String: [String: String]]?
        var allowedOrigins: [String]?
        var sqlitePath: String?
        var databaseURL: String?
        var signingKey: String?
        var webhookURL: String?
        var webhookSecret: String?
        var endpointOverrides: [String: [String: String]]?
        var development: Bool?
        var sessionLifetimeSeconds: Double?
        var maxAttemptsPerSession: Int?
        var transport: String?
        var accountCacheSeconds: Double?
        var allowPrivateNetworks: Bool?
        var idleTimeoutSeconds: Double?
        var proxyFastPath: Bool?
        var actionTimeoutSeconds: Double?
    }

    /// Reads `file` (JSON, optional) then the environment: `CONNECTOR_HUB_PUBLIC_URL`,
    /// `CONNECTOR_HUB_HOST`, `CONNECTOR_HUB_PORT`, `CONNECTOR_HUB_APP_KEYS` (comma-separated),
    /// `CONNECTOR_HUB_SQLITE`, `CONNECTOR_HUB_DATABASE_URL`, `CONNECTOR_HUB_SIGNING_KEY`, `CONNECTOR_HUB_ALLOWED_ORIGINS`,
    /// `CONNECTOR_HUB_WEBHOOK_URL`, `CONNECTOR_HUB_WEBHOOK_SECRET`, `CONNECTOR_HUB_DEVELOPMENT`
    /// (`1`), `CONNECTOR_HUB_TRANSPORT` (`asynchttpclient` or `urlsession`),
    /// `CONNECTOR_HUB_ACCOUNT_CACHE_SECONDS`, `CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS` (`1` or `0`),
    /// `CONNECTOR_HUB_IDLE_TIMEOUT_SECONDS`, `CONNECTOR_HUB_ACTION_TIMEOUT_SECONDS`,
    /// `CONNECTOR_HUB_PROXY_FAST_PATH` (`1` or `0`), and `CONNECTOR_HUB_SETUP_<CONNECTOR>_<FIELD>` (e.g. `CONNECTOR_HUB_SETUP_ZELT_clientSecret`).
    public static func load(file: URL?, environment: [String: String]) throws -> HubConfiguration {
        var parsed = File()
        if let file {
            do {
                parsed = try JSONDecoder().decode(File.self, from: Data(contentsOf: file))
            } catch {
                throw HubConfigurationError("Could not read \(file.path): \(error)")
            }
        }
        func value(_ name: String) -> String? {
            guard let text = environment["CONNECTOR_HUB_" + name], !text.isEmpty else { return nil }
            return text
        }
        func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let development = value("DEVELOPMENT").map { $0 == "1" || $0 == "true" } ?? parsed.development ?? false
        let port = value("PORT").flatMap(Int.init) ?? parsed.port ?? 8080
        let host = value("HOST") ?? parsed.host ?? "127.0.0.1"
        guard let base = value("PUBLIC_URL") ?? parsed.publicBaseURL ?? (development ? "http://127.0.0.1:\(port)" : nil) else {
            throw HubConfigurationError("Set publicBaseURL (or CONNECTOR_HUB_PUBLIC_URL): the origin browsers reach, e.g. https://hub.example.com.")
        }
        guard let baseURL = URL(string: base.hasSuffix("/") ? String(base.dropLast()) : base), origin(of: baseURL) != nil else {
            throw HubConfigurationError("publicBaseURL is not an absolute URL.")
        }
        let appKeys = value("APP_KEYS").map(list) ?? parsed.appKeys ?? []
        guard !appKeys.isEmpty else { throw HubConfigurationError("Set at least one app key (appKeys or CONNECTOR_HUB_APP_KEYS).") }
        guard let signingKey = value("SIGNING_KEY") ?? parsed.signingKey ?? (development ? "connector-hub development signing key" : nil) else {
            throw HubConfigurationError("Set signingKey (or CONNECTOR_HUB_SIGNING_KEY) to a long random string.")
        }
        var setup = parsed.setup ?? [:]
        for (name, text) in environment where name.hasPrefix("CONNECTOR_HUB_SETUP_") {
            let rest = name.dropFirst("CONNECTOR_HUB_SETUP_".count)
            guard let separator = rest.firstIndex(of: "_") else { continue }
            setup[rest[..<separator].lowercased(), default: [:]][String(rest[rest.index(after: separator)...])] = text
        }
        var overrides: [String: [String: URL]] = [:]
        for (connector, hosts) in parsed.endpointOverrides ?? [:] {
            for (hostName, target) in hosts {
                guard let url = URL(string: target) else { throw HubConfigurationError("endpointOverrides.\(connector).\(hostName) is not a URL.") }
                overrides[connector, default: [:]][hostName] = url
            }
        }
        let origins = value("ALLOWED_ORIGINS").map(list) ?? parsed.allowedOrigins ?? []
        for origin in origins where URL(string: origin).flatMap(Self.origin(of:)) != origin.lowercased() {
            throw HubConfigurationError("allowedOrigins entry \(origin) must be an exact origin such as https://app.example.com (no path, no trailing slash).")
        }
        let transportName = value("TRANSPORT") ?? parsed.transport ?? HubTransport.asyncHTTPClient.rawValue
        guard let transport = HubTransport(rawValue: transportName.lowercased()) else {
            throw HubConfigurationError(
                "transport must be one of \(HubTransport.allCases.map(\.rawValue).joined(separator: ", ")), not \(transportName.prefix(40)).")
        }
        var cacheSeconds = parsed.accountCacheSeconds ?? 60
        if let text = value("ACCOUNT_CACHE_SECONDS") { cacheSeconds = Double(text) ?? -1 }
        guard cacheSeconds >= 0, cacheSeconds.isFinite else {
            throw HubConfigurationError("accountCacheSeconds must be a number of seconds, 0 or more.")
        }
        let allowPrivate = value("ALLOW_PRIVATE_NETWORKS").map { $0 == "1" || $0 == "true" } ?? parsed.allowPrivateNetworks ?? development
        if !allowPrivate && transport == .urlSession {
            throw HubConfigurationError(
                "transport urlsession cannot connect to the address the Hub checked (URLSession resolves host names itself), so it "
                    + "cannot refuse private network addresses: use transport asynchttpclient, or set allowPrivateNetworks.")
        }
        var idleTimeout = parsed.idleTimeoutSeconds ?? 30
        if let text = value("IDLE_TIMEOUT_SECONDS") { idleTimeout = Double(text) ?? -1 }
        guard idleTimeout > 0, idleTimeout.isFinite else {
            throw HubConfigurationError("idleTimeoutSeconds must be a number of seconds above 0.")
        }
        var actionTimeout = parsed.actionTimeoutSeconds ?? 30
        if let text = value("ACTION_TIMEOUT_SECONDS") { actionTimeout = Double(text) ?? -1 }
        guard actionTimeout > 0, actionTimeout.isFinite else {
            throw HubConfigurationError("actionTimeoutSeconds must be a number of seconds above 0.")
        }
        let fastPath = value("PROXY_FAST_PATH").map { $0 == "1" || $0 == "true" } ?? parsed.proxyFastPath ?? false
        var configuration = HubConfiguration(
            publicBaseURL: baseURL, host: host, port: port, appKeys: appKeys, setup: setup, allowedOrigins: origins,
            sqlitePath: value("SQLITE") ?? parsed.sqlitePath ?? ".hub/hub.sqlite", databaseURL: value("DATABASE_URL") ?? parsed.databaseURL,
            signingKey: signingKey,
            webhookURL: (value("WEBHOOK_URL") ?? parsed.webhookURL).flatMap(URL.init(string:)),
            webhookSecret: value("WEBHOOK_SECRET") ?? parsed.webhookSecret, endpointOverrides: overrides, development: development,
            defaultSessionLifetime: parsed.sessionLifetimeSeconds ?? 1800, maxAttemptsPerSession: parsed.maxAttemptsPerSession ?? 20,
            transport: transport, accountCacheSeconds: cacheSeconds, allowPrivateNetworks: allowPrivate,
            idleTimeoutSeconds: idleTimeout)
        configuration.actionTimeoutSeconds = actionTimeout
        configuration.proxyFastPath = fastPath
        return configuration
    }
}

/// The HTTP client the Hub sends its outgoing requests with (see docs/hub.md, "Transport").
public enum HubTransport: String, Sendable, CaseIterable {
    /// `AsyncHTTPClientTransport` (SwiftNIO): bodies read with backpressure, so the 10 MiB cap
    /// bounds memory; the default.
    case asyncHTTPClient = "asynchttpclient"
    /// `URLSessionTransport` (Foundation's URLSession).
    case urlSession = "urlsession"
    /// `PooledHTTP1Transport` (SwiftNIO): `http://` on a pool of keep-alive channels per event
    /// loop, `https://` on AsyncHTTPClient; the same caps, deadlines and redirect rules (issue 19).
    case nio = "nio"
}

/// A configuration problem; the message says what to set.
public struct HubConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
