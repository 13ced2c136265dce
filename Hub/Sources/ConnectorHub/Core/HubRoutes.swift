import ConnectorRuntime
import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import NIOHTTP1

/// The Hub's routes as a Hummingbird router, or as a route collection an app mounts in its own
/// router together with the security headers:
///
/// ```swift
/// let hub = try await ConnectorHubService.open(configuration: configuration)
/// let router = hub.router(context: BasicRequestContext.self)
/// // or, in a router of the app's own:
/// appRouter.add(middleware: hub.securityHeaders(context: BasicRequestContext.self))
/// appRouter.addRoutes(hub.routes(context: BasicRequestContext.self))
/// ```
///
/// `/v1/…` is the app API (JSON, bearer app key; see Hub/openapi.json); `/link/…` and
/// `/connect/…` are the pages of the person linking; `/admin/…` the operators' pages.
extension ConnectorHubService {
    /// The app API's operations: registered from this table, and checked against
    /// Hub/openapi.json by a test.
    public static let apiOperations: [(method: String, path: String)] = [
        ("POST", "/v1/link-sessions"),
        ("GET", "/v1/accounts"),
        ("GET", "/v1/accounts/{id}"),
        ("DELETE", "/v1/accounts/{id}"),
        ("POST", "/v1/accounts/{id}/reconnect-sessions"),
        ("GET", "/v1/accounts/{id}/proxy/{path}"),
        ("POST", "/v1/accounts/{id}/proxy/{path}"),
        ("PUT", "/v1/accounts/{id}/proxy/{path}"),
        ("PATCH", "/v1/accounts/{id}/proxy/{path}"),
        ("DELETE", "/v1/accounts/{id}/proxy/{path}"),
        ("POST", "/v1/mcp-tokens"),
        ("POST", "/v1/accounts/{id}/mcp-tokens"),
        ("POST", "/v1/accounts/{id}/actions/{action}"),
        ("GET", "/v1/accounts/{id}/action-log"),
        ("GET", "/v1/accounts/{id}/unified/{model}"),
        ("GET", "/v1/accounts/{id}/unified/{model}/{remoteId}"),
        ("DELETE", "/v1/mcp-tokens/{id}"),
        ("POST", "/v1/accounts/{id}/unified/{model}/operations/{operation}"),
    ] + syncAPIOperations

    /// A router with every route of the Hub and its security headers on every answer, also on
    /// those the router itself gives (unknown path 404, wrong method 405, HEAD, OPTIONS).
    /// `connector-hub` serves this router; an app that mounts ``routes(context:)`` in a router
    /// of its own adds ``securityHeaders(context:)`` to that router for the same effect.
    public func router<Context: RequestContext>(context: Context.Type = Context.self) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: securityHeaders(context: Context.self))
        router.add(middleware: MethodNotAllowed<Context>())
        // The router's own middleware sets the headers: not a second time in the routes.
        router.addRoutes(routes(context: Context.self, securityHeaders: false))
        return router
    }

    /// The Hub's security headers as router middleware (``router(context:)`` adds it): a
    /// Content Security Policy, `X-Content-Type-Options`, `Referrer-Policy` and, without allowed
    /// embedding origins, `X-Frame-Options`, on every response, errors included.
    public func securityHeaders<Context: RequestContext>(context: Context.Type = Context.self) -> some RouterMiddleware<Context> {
        SecurityHeaders<Context>(configuration: configuration) { cookie in
            try? await self.session(cookie: cookie)?.0.embedOrigin
        }
    }

    /// The HTTP/1.1 application `connector-hub` runs: ``router(context:)`` on
    /// ``HubConfiguration/host`` and ``HubConfiguration/port``, closing connections that stay
    /// idle, or take to send their request head, longer than
    /// ``HubConfiguration/idleTimeoutSeconds``. Connections are served on Swift's cooperative
    /// pool (Hummingbird's default), or with `connectionsOnEventLoops: true` each on its event
    /// loop (``EventLoopChannel``): far fewer context switches, but on a machine shared with other
    /// work the two event-loop threads get less CPU than the pool's and the loops' together, and
    /// the proxy served half the requests (docs/hub.md, "Benchmark"; `make hub-proxy-bench`
    /// compares the two).
    ///
    /// With ``HubConfiguration/proxyFastPath`` (and the `nio` transport) each connection's
    /// pipeline also gets the proxy's fast path (``ProxyFastPathHandler``).
    public func application(connectionsOnEventLoops: Bool = false) -> some ApplicationProtocol {
        application(connectionsOnEventLoops: connectionsOnEventLoops, port: configuration.port)
    }

    /// ``application(connectionsOnEventLoops:)`` listening on `port` instead of the configured
    /// one (tests: 0 for a free port).
    func application(connectionsOnEventLoops: Bool, port: Int) -> some ApplicationProtocol {
        Application(
            router: router(context: HubRequestContext.self),
            server: .hubHTTP1(
                idleTimeout: .nanoseconds(Int64(configuration.idleTimeoutSeconds * 1_000_000_000)),
                connectionsOnEventLoops: connectionsOnEventLoops, fastPath: fastPath.map { ($0, self) }),
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: ProxyFastPath.serverName))
    }

    /// Every route of the Hub, for `router.addRoutes(_:)`.
    public func routes<Context: RequestContext>(context: Context.Type = Context.self) -> RouteCollection<Context> {
        routes(context: Context.self, securityHeaders: true)
    }

    func routes<Context: RequestContext>(context: Context.Type, securityHeaders addsHeaders: Bool) -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        if addsHeaders { routes.add(middleware: securityHeaders(context: Context.self)) }
        addAPIRoutes(routes)
        addLinkRoutes(routes)
        addOperatorRoutes(routes)
        addMCPRoutes(routes)
        routes.get("/static/hub.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.css)))
        }
        routes.get("/static/hub.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.javascript)))
        }
        routes.get("/health") { _, _ in "ok" }
        // The base URL people open first: where to go from here.
        routes.get("/") { _, _ in self.html(.ok, Pages.landing()) }
        return routes
    }
}


/// Security headers on every response: a strict Content Security Policy (scripts and styles from
/// the Hub's origin only, embedding only by the configured origins, or for the pages of a link
/// session that names its ``LinkSession/embedOrigin``, by that origin only), no sniffing,
/// referrer outside the Hub.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let configuration: HubConfiguration
    /// The embedding origin of the link session a session cookie names, if any.
    let sessionEmbedOrigin: @Sendable (String) async -> String?
    /// The fields of every response, built once.
    let fields: SecurityHeaderFields

    init(configuration: HubConfiguration, sessionEmbedOrigin: @escaping @Sendable (String) async -> String?) {
        self.configuration = configuration
        self.sessionEmbedOrigin = sessionEmbedOrigin
        fields = SecurityHeaderFields(configuration: configuration)
    }


    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPParserError {
            // Hummingbird answers a malformed request itself (400, connection closed).
            throw error
        } catch let error as any HTTPResponseError {
            // The router's own answers: unknown path, wrong method.
            response = try error.response(from: request, context: context)
        } catch {
            HubLog.warning("request failed: \(type(of: error))")
            response = Response(status: .internalServerError)
        }
        if response.headers[.contentSecurityPolicy] == nil {
            // The pages of a link session (only those: the app API never reads a session).
            var ancestors: [String]?
            let path = request.uri.path
            if path.hasPrefix("/link") || path.hasPrefix("/connect/"),
                let cookie = request.cookies[ConnectorHubService.sessionCookie]?.value
            {
                ancestors = await sessionEmbedOrigin(cookie).map { [$0] }
            }
            response.headers[.contentSecurityPolicy] = ancestors.map { Self.policy(configuration, ancestors: $0) } ?? fields.defaultPolicy
        }
        fields.addFixed(to: &response.headers)
        return response
    }

    /// The Content Security Policy; `ancestors` (default: the allowed origins) may frame the page.
    static func policy(_ configuration: HubConfiguration, ancestors: [String]? = nil) -> String {
        SecurityHeaderFields.policy(configuration, ancestors: ancestors)
    }
}

/// The security fields of ``SecurityHeaders``, built once: the default Content Security Policy
/// (every response outside a link session's pages) and the fields every response gets. The
/// proxy's fast path (``ProxyFastPathHandler``) sets the same.
struct SecurityHeaderFields: Sendable {
    /// The policy of every response outside a link session's pages.
    let defaultPolicy: String
    /// `X-Frame-Options: DENY` (no allowed embedding origins).
    let deniesFraming: Bool
    static let referrerPolicy = HTTPTypes.HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPTypes.HTTPField.Name("X-Frame-Options")!

    init(configuration: HubConfiguration) {
        defaultPolicy = Self.policy(configuration)
        deniesFraming = configuration.allowedOrigins.isEmpty
    }

    /// Sets the fields every response gets, whatever its policy.
    func addFixed(to headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts,
        // which the origin check refuses. Cross-origin requests (the provider) still get referrer outside the Hub.
        headers[Self.referrerPolicy] = "same-origin"
        if deniesFraming { headers[Self.frameOptions] = "DENY" }
    }

    /// The Content Security Policy; `ancestors` (default: the allowed origins) may frame the page.
    static func policy(_ configuration: HubConfiguration, ancestors: [String]? = nil) -> String {
        let framing = ancestors ?? configuration.allowedOrigins
        // After a form post the Hub redirects to the provider's authorize page, which
        // `form-action` governs too: https anywhere (and loopback http in development).
        let formTargets = configuration.development ? "'self' https: http://127.0.0.1:* http://localhost:*" : "'self' https:"
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action \(formTargets); frame-ancestors \(framing.isEmpty ? "'none'" : framing.joined(separator: " ")); base-uri 'none'"
    }
}
