@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// A Hub on fresh SQLite files (development key), driven through Hummingbird's router test client:
/// the real routes, stores and runtime; providers are the Authlib emulation over real HTTP.
struct HubHarness {
    static let appKey = "test-app-key-0123456789"
    /// The Hub's transport: AsyncHTTPClient, or `CONNECTOR_HUB_TEST_TRANSPORT` (`nio`: the whole
    /// suite against ``PooledHTTP1Transport``, `make hub-test-nio`).
    static let transport = ProcessInfo.processInfo.environment["CONNECTOR_HUB_TEST_TRANSPORT"].flatMap(HubTransport.init(rawValue:))
        ?? (fastPath ? .nio : .asyncHTTPClient)
    /// `CONNECTOR_HUB_TEST_PROXY_FAST_PATH=1` (`make hub-test-fast`): the whole suite with the
    /// proxy's fast path on (the `nio` transport), served on a live loopback port so requests go
    /// through the server's pipeline, where the fast path sits.
    static let fastPath = ProcessInfo.processInfo.environment["CONNECTOR_HUB_TEST_PROXY_FAST_PATH"] == "1"
    let hub: ConnectorHubService
    let directory: URL

    init(
        setup: [String: [String: String]] = [:], overrides: [String: [String: URL]] = [:], webhookURL: URL? = nil,
        allowedOrigins: [String] = [], maxAttempts: Int = 20, databaseURL: String? = nil, accountCacheSeconds: TimeInterval = 60,
        allowPrivateNetworks: Bool? = nil, port: Int = 8080, idleTimeoutSeconds: TimeInterval = 30,
        actionTimeoutSeconds: TimeInterval = 30, proxyFastPath: Bool = HubHarness.fastPath, transport: HubTransport? = nil
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("connector-hub-test-\(UUID().uuidString)")
        var configuration = HubConfiguration(
            publicBaseURL: URL(string: "http://127.0.0.1:8080")!, port: port, appKeys: [Self.appKey], setup: setup, allowedOrigins: allowedOrigins,
            sqlitePath: directory.appendingPathComponent("hub.sqlite").path, databaseURL: databaseURL, signingKey: "test signing key",
            webhookURL: webhookURL, webhookSecret: webhookURL == nil ? nil : "whsec-test", endpointOverrides: overrides,
            development: true, maxAttemptsPerSession: maxAttempts, transport: transport ?? (proxyFastPath ? .nio : Self.transport),
            accountCacheSeconds: accountCacheSeconds,
            allowPrivateNetworks: allowPrivateNetworks, idleTimeoutSeconds: idleTimeoutSeconds)
        configuration.actionTimeoutSeconds = actionTimeoutSeconds
        configuration.proxyFastPath = proxyFastPath
        hub = try await ConnectorHubService.open(configuration: configuration, environment: [:])
    }

    /// Runs `body` with a client of the Hub's router (``ConnectorHubService/router(context:)``).
    /// With the proxy's fast path on, the client talks to the application `connector-hub`
    /// serves on a free loopback port instead (the fast path is part of the server's pipeline).
    func run<Value: Sendable>(_ body: @Sendable (HubClient) async throws -> Value) async throws -> Value {
        defer { try? FileManager.default.removeItem(at: directory) }
        if hub.configuration.proxyFastPath {
            return try await hub.application(connectionsOnEventLoops: false, port: 0).test(.live) { client in
                try await body(HubClient(client: client))
            }
        }
        let app = Application(router: hub.router(context: BasicRequestContext.self))
        return try await app.test(.router) { client in try await body(HubClient(client: client)) }
    }

    /// Runs `body` against the application `connector-hub` serves (``ConnectorHubService/application()``),
    /// listening on a real loopback port (create the harness with `port: 0`); `body` gets the port.
    func runLive<Value: Sendable>(_ body: @Sendable (HubClient, Int) async throws -> Value) async throws -> Value {
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await hub.application().test(.live) { client in
            try await body(HubClient(client: client), try #require(client.port))
        }
    }
}

/// A browser-like client: keeps cookies, sends the Hub's origin on posts.
final class HubClient: @unchecked Sendable {
    let client: any TestClientProtocol
    private var cookies: [String: String] = [:]
    private let lock = NSLock()

    init(client: any TestClientProtocol) { self.client = client }

    /// Takes `other`'s cookies: the same browser reaching another Hub process behind a load balancer.
    func adoptCookies(of other: HubClient) {
        let copied = other.lock.withLock { other.cookies }
        lock.withLock { cookies = copied }
    }

    struct Reply {
        var status: Int
        var headers: HTTPFields
        var text: String
        var location: String? { headers[.location] }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    }

    func request(
        _ method: HTTPTypes.HTTPRequest.Method, _ uri: String, headers extra: HTTPFields = [:], body: String? = nil
    ) async throws -> Reply {
        var headers = extra
        let cookieHeader = lock.withLock { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { lock.withLock { cookies[String(pair[0])] = String(pair[1]) } }
        }
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
    }

    /// An app API call with the app key.
    func api(_ method: HTTPTypes.HTTPRequest.Method, _ uri: String, json: [String: any Sendable]? = nil, key: String = HubHarness.appKey) async throws -> Reply {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        var body: String?
        if let json {
            headers[.contentType] = "application/json"
            body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        }
        return try await request(method, uri, headers: headers, body: body)
    }

    /// Creates a session through the API and opens its link like a browser: returns the session's page.
    func openLinkSession(endUser: String = "user-1", connectors: [String]? = nil) async throws -> Reply {
        var json: [String: any Sendable] = ["endUserId": endUser, "endUserName": "Ada Lovelace"]
        if let connectors { json["connectors"] = connectors }
        let created = try await api(.post, "/v1/link-sessions", json: json)
        try #require(created.status == 201, "link session created: \(created.text)")
        let url = try #require(URL(string: created.json["url"] as? String ?? ""))
        let opened = try await request(.get, url.path)
        try #require(opened.status == 303, "the link opens once and sets the session cookie")
        return try await request(.get, try #require(opened.location))
    }

    /// Posts a form from the page at `page` (its CSRF token) with the Hub's own Origin.
    func submit(_ action: String, from page: Reply, values: [String: String]) async throws -> Reply {
        let csrf = try #require(Self.csrf(in: page.text), "the page has a CSRF token")
        let pairs = [("csrf", csrf)] + values.sorted { $0.key < $1.key }
        return try await request(
            .post, action, headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"],
            body: FormEncoding.body(pairs))
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
