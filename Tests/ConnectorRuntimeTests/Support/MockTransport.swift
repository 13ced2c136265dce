import ConnectorRuntime
import Foundation

/// A transport that answers from a closure and records every request.
final class MockTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [HTTPRequest] { lock.withLock { recorded } }

    func requests(to path: String) -> [HTTPRequest] {
        requests.filter { $0.url.path == path }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { recorded.append(request) }
        return try await handler(request)
    }
}

/// A mutable clock for tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { self.now } }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    @discardableResult
    func next() -> Int { lock.withLock { count += 1; return count } }

    var value: Int { lock.withLock { count } }
}

func json(_ object: [String: Any]) -> HTTPResponse {
    json(200, object)
}

func json(_ status: Int, _ object: [String: Any], headers: HTTPHeaders = ["Content-Type": "application/json"]) -> HTTPResponse {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return HTTPResponse(status: status, headers: headers, body: data)
}

func text(_ status: Int = 200, _ body: String, contentType: String = "text/plain") -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Data(body.utf8))
}

/// The form fields of a request body.
func formFields(_ request: HTTPRequest) -> [String: String] {
    var fields: [String: String] = [:]
    for (name, value) in FormEncoding.decode(String(decoding: request.body ?? Data(), as: UTF8.self)) {
        fields[name] = value
    }
    return fields
}

enum Fixtures {
    static let tokenURL = URL(string: "https://auth.example.com/oauth/token")!
    static let revokeURL = URL(string: "https://auth.example.com/oauth/revoke")!
    static let authorizeURL = URL(string: "https://auth.example.com/oauth/authorize")!
    static let baseURL = URL(string: "https://api.example.com/v1")!
    static let redirectURI = URL(string: "https://app.example.com/oauth/callback")!

    static func endpoint(
        auth: ClientAuthentication = .clientSecretBasic, scopes: ScopeConfiguration = ScopeConfiguration(), revoke: Bool = false,
        defaultExpiresIn: Int? = nil
    ) -> TokenEndpoint {
        TokenEndpoint(
            tokenURL: tokenURL, revokeURL: revoke ? revokeURL : nil,
            client: OAuthClient(id: "client-1", secret: Secret("s3cret-value"), authentication: auth), scopes: scopes,
            defaultExpiresIn: defaultExpiresIn)
    }

    static func codeConfiguration(
        endpoint: TokenEndpoint = endpoint(), pkce: PKCEPolicy = .supported, refreshParameters: [OAuthParameter] = [],
        baseURL: BaseURL = .fixed(baseURL)
    ) -> ConnectionConfiguration {
        ConnectionConfiguration(
            connectorID: "example", variantID: "oauth", baseURL: baseURL,
            verification: VerificationRequest(path: "/me"),
            auth: .authorizationCode(
                AuthorizationCodeConfiguration(
                    endpoint: endpoint, authorizeURL: authorizeURL, pkce: pkce, refreshParameters: refreshParameters,
                    rotatesRefreshToken: true)))
    }

    static func configuration(_ auth: AuthScheme, headers: [HTTPField] = []) -> ConnectionConfiguration {
        ConnectionConfiguration(connectorID: "example", variantID: "v", baseURL: .fixed(baseURL), headers: headers, auth: auth)
    }
}

/// A gate tasks wait at until a test opens it (once; later waiters pass straight through).
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
