import ConnectorRuntime
import Foundation
import HTTPTypes
public import Hummingbird

/// The Hub's routes as a Hummingbird route collection an app mounts in its own router:
///
/// ```swift
/// let hub = try ConnectorHubService.open(configuration: configuration)
/// let router = Router()
/// router.addRoutes(hub.routes(context: BasicRequestContext.self))
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
    ]

    /// Every route of the Hub, for `router.addRoutes(_:)`.
    public func routes<Context: RequestContext>(context: Context.Type = Context.self) -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.add(middleware: SecurityHeaders<Context>(configuration: configuration) { cookie in
            try? await self.session(cookie: cookie)?.0.embedOrigin
        })
        addAPIRoutes(routes)
        addLinkRoutes(routes)
        addOperatorRoutes(routes)
        routes.get("/static/hub.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.css)))
        }
        routes.get("/static/hub.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.javascript)))
        }
        routes.get("/health") { _, _ in "ok" }
        return routes
    }

    // MARK: App API

    private func addAPIRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        for operation in Self.apiOperations {
            let path = RouterPath(operation.path.replacingOccurrences(of: "{path}", with: "**").replacingOccurrences(of: "{id}", with: ":id"))
            let method = HTTPTypes.HTTPRequest.Method(operation.method)!
            routes.on(path, method: method) { request, context in
                do {
                    try self.authorizeApp(request)
                    return try await self.api(operation, request: request, context: context)
                } catch {
                    return Self.apiError(error)
                }
            }
        }
    }

    private func authorizeApp(_ request: Request) throws {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw HubError.unauthorized }
        let presented = String(header.dropFirst(7))
        guard configuration.appKeys.contains(where: { Digest.constantTimeEqual($0, presented) }) else { throw HubError.unauthorized }
    }

    private struct SessionRequest: Decodable {
        var endUserId: String
        var endUserName: String?
        var connectors: [String]?
        var categories: [String]?
        var expiresInSeconds: Double?
        var embedOrigin: String?
    }

    private struct ReconnectRequest: Decodable {
        var embedOrigin: String?
    }

    private func api<Context: RequestContext>(
        _ operation: (method: String, path: String), request: Request, context: Context
    ) async throws -> Response {
        switch (operation.method, operation.path) {
        case ("POST", "/v1/link-sessions"):
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let input = try? JSONDecoder().decode(SessionRequest.self, from: Data(body.readableBytesView)), !input.endUserId.isEmpty else {
                throw HubError.badRequest(
                    "Send JSON with endUserId (and optionally endUserName, connectors, categories, expiresInSeconds, embedOrigin).")
            }
            for id in input.connectors ?? [] where connector(id) == nil { throw HubError.badRequest("Unknown connector \(id).") }
            let created = try await createSession(
                endUserID: input.endUserId, endUserName: input.endUserName ?? input.endUserId, connectors: input.connectors ?? [],
                categories: input.categories ?? [], lifetime: input.expiresInSeconds, embedOrigin: input.embedOrigin)
            return Self.json(.created, ["id": created.id, "url": created.url.absoluteString, "expiresAt": Self.date(created.expiresAt)])
        case ("GET", "/v1/accounts"):
            let endUser = request.uri.queryParameters.get("endUserId")
            let list = try await accounts(endUserID: endUser)
            return Self.json(.ok, ["accounts": list.map(Self.accountJSON)])
        case ("GET", "/v1/accounts/{id}"):
            guard let account = try await account(try context.parameters.require("id")) else { throw HubError.notFound }
            return Self.json(.ok, Self.accountJSON(account))
        case ("DELETE", "/v1/accounts/{id}"):
            let revokeFailed = try await deleteAccount(try context.parameters.require("id"))
            return Self.json(.ok, ["deleted": true, "revocationFailed": revokeFailed])
        case ("POST", "/v1/accounts/{id}/reconnect-sessions"):
            guard let account = try await account(try context.parameters.require("id")) else { throw HubError.notFound }
            let body = try await request.body.collect(upTo: 64 * 1024)
            var input = ReconnectRequest()
            if body.readableBytes > 0 {
                guard let decoded = try? JSONDecoder().decode(ReconnectRequest.self, from: Data(body.readableBytesView)) else {
                    throw HubError.badRequest("Send no body, or JSON with embedOrigin.")
                }
                input = decoded
            }
            let created = try await createSession(
                endUserID: account.endUserID, endUserName: account.endUserName, connectors: [account.connectorID],
                reconnectAccountID: account.id, embedOrigin: input.embedOrigin)
            return Self.json(.created, ["id": created.id, "url": created.url.absoluteString, "expiresAt": Self.date(created.expiresAt)])
        default:
            let id = try context.parameters.require("id")
            let path = context.parameters.getCatchAll().joined(separator: "/")
            let body = try await request.body.collect(upTo: 10 * 1024 * 1024)
            let headers = request.headers.map { ($0.name.canonicalName, $0.value) }
            let response = try await proxy(
                accountID: id, method: operation.method, path: path, query: request.uri.query, headers: headers,
                body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil)
            var fields = HTTPFields()
            if let type = response.headers["Content-Type"] { fields[.contentType] = type }
            return Response(
                status: .init(code: response.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
        }
    }

    static func accountJSON(_ account: HubAccount) -> [String: any Sendable] {
        var object: [String: any Sendable] = [
            "id": account.id, "connector": account.connectorID, "variant": account.variantID, "endUserId": account.endUserID,
            "endUserName": account.endUserName, "status": account.status, "linkedAt": date(account.linkedAt),
            "updatedAt": date(account.updatedAt),
        ]
        if let refreshed = account.lastRefreshAt { object["lastRefreshAt"] = date(refreshed) }
        return object
    }

    static func date(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func json(_ status: HTTPTypes.HTTPResponse.Status, _ object: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func apiError(_ error: any Error) -> Response {
        switch error {
        case HubError.unauthorized: return json(.unauthorized, ["error": "unauthorized", "message": "Send Authorization: Bearer <app key>."])
        case HubError.notFound: return json(.notFound, ["error": "not_found", "message": "No such account."])
        case HubError.reconnectRequired:
            return json(.conflict, ["error": "reconnect_required", "message": "The account must be linked again: create a reconnect session."])
        case HubError.badRequest(let message): return json(.badRequest, ["error": "bad_request", "message": message])
        case HubError.provider(let error):
            let status: HTTPTypes.HTTPResponse.Status = {
                switch error {
                case .rateLimited: .tooManyRequests
                case .providerUnavailable: .badGateway
                case .invalidCredentials, .missingScopes: .forbidden
                default: .badGateway
                }
            }()
            return json(status, ["error": "provider_error", "message": String(describing: error)])
        default:
            HubLog.warning("request failed: \(type(of: error))")
            return json(.internalServerError, ["error": "internal", "message": "The Hub could not complete the request."])
        }
    }

    // MARK: Link Account pages

    static let sessionCookie = "connector_hub_session"

    private func html(_ status: HTTPTypes.HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    private func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func csrf(_ sessionID: String, _ browserSecret: String) -> String {
        Digest.hmac("csrf|" + sessionID + "|" + browserSecret, key: configuration.signingKey)
    }

    /// The browser's session, or the page that says the link expired.
    private func browserSession(_ request: Request) async throws -> (LinkSession, String)? {
        try await session(cookie: request.cookies[Self.sessionCookie]?.value)
    }

    private func expiredPage() -> Response {
        html(.unauthorized, Pages.message(title: "This link has expired", text: "Ask the app that sent you here for a new Link Account link."))
    }

    /// Same-origin check of a form post (Origin, else Sec-Fetch-Site), then its CSRF token.
    private func checkedForm(_ request: Request, csrf expected: String?) async throws -> [String: String]? {
        if let origin = request.headers[.origin] {
            guard origin.lowercased() == configuration.publicOrigin else { return nil }
        } else if let site = request.headers[HTTPTypes.HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return nil
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        var values: [String: String] = [:]
        for (name, value) in FormEncoding.decode(String(buffer: body)) where values[name] == nil { values[name] = value }
        if let expected {
            guard let presented = values["csrf"], Digest.constantTimeEqual(presented, expected) else { return nil }
        }
        return values
    }

    private func forbidden() -> Response {
        html(.forbidden, Pages.message(title: "This form has expired", text: "Reload the page and try again."))
    }

    /// Where a page of `session` sends its postMessage events: the origin the session names, else
    /// the first allowed origin (never `*`; none when no origin is allowed).
    private func parentOrigin(_ session: LinkSession?) -> String? { session?.embedOrigin ?? configuration.allowedOrigins.first }

    private func addLinkRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        routes.get("/link/start/:token") { request, context in
            let token = try context.parameters.require("token")
            switch try await self.openSession(token: token) {
            case .opened(let session, let browserSecret):
                var response = self.redirect("/link")
                // The cookie is not sent yet: the policy names this session's embedding origin.
                response.headers[.contentSecurityPolicy] = SecurityHeaders<Context>.policy(
                    self.configuration, ancestors: session.embedOrigin.map { [$0] })
                response.setCookie(
                    Cookie(
                        name: Self.sessionCookie, value: session.id + "." + browserSecret, maxAge: Int(session.expiresAt.timeIntervalSince(self.now())),
                        path: "/", secure: self.configuration.usesHTTPS, httpOnly: true,
                        sameSite: self.configuration.usesHTTPS && !self.configuration.allowedOrigins.isEmpty ? .none : .lax))
                return response
            case .used:
                return self.html(.gone, Pages.message(title: "This link was already used", text: "Each Link Account link works once. Ask the app that sent you here for a new one."))
            case .expired, .unknown:
                return self.expiredPage()
            }
        }
        routes.get("/link") { request, _ in
            guard let (session, _) = try await self.browserSession(request) else { return self.expiredPage() }
            let query = request.uri.queryParameters.get("q") ?? ""
            let category = request.uri.queryParameters.get("category")
            return self.html(.ok, Pages.picker(connectors: self.offeredConnectors(for: session), session: session, query: query, category: category))
        }
        routes.get("/link/connectors/:connector") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return self.expiredPage() }
            let id = try context.parameters.require("connector")
            guard let connector = self.offeredConnectors(for: session).first(where: { $0.id == id }) else {
                return self.html(.notFound, Pages.message(title: "Not available", text: "This connector is not offered here."))
            }
            if connector.authVariants.count == 1 { return self.redirect("/link/connectors/\(id)/\(connector.authVariants[0].id)") }
            return self.html(.ok, Pages.variantChoice(connector))
        }
        routes.get("/link/connectors/:connector/:variant") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return self.expiredPage() }
            guard let (connector, variant) = self.offeredVariant(session, context) else {
                return self.html(.notFound, Pages.message(title: "Not available", text: "This connector is not offered here."))
            }
            if let missing = self.missingSetup(connector.id, variant) {
                return self.html(
                    .ok,
                    Pages.message(
                        title: "\(connector.displayName) is not set up yet",
                        text: "The app that sent you here has not configured \(missing) for \(connector.displayName). Contact its support, or choose another connector."))
            }
            return self.html(
                .ok,
                Pages.form(
                    connector: connector, variant: variant, csrf: self.csrf(session.id, secret),
                    redirectURI: self.configuration.redirectURI(connector: connector.id)))
        }
        routes.post("/link/connectors/:connector/:variant") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return self.expiredPage() }
            guard let values = try await self.checkedForm(request, csrf: self.csrf(session.id, secret)) else { return self.forbidden() }
            guard let (connector, variant) = self.offeredVariant(session, context) else {
                return self.html(.notFound, Pages.message(title: "Not available", text: "This connector is not offered here."))
            }
            let outcome = try await self.link(session: session, connectorID: connector.id, variantID: variant.id, values: values)
            return self.render(outcome, connector: connector, variant: variant, session: session, secret: secret, values: values)
        }
        routes.get("/link/attempts/:attempt/status") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return Self.json(.unauthorized, ["status": "expired"]) }
            guard let attempt = try await self.attempt(try context.parameters.require("attempt")), attempt.sessionID == session.id else {
                return Self.json(.notFound, ["status": "unknown"])
            }
            return Self.json(.ok, ["status": attempt.status, "next": "/link/attempts/\(attempt.id)/result"])
        }
        routes.get("/link/attempts/:attempt/result") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return self.expiredPage() }
            guard let attempt = try await self.attempt(try context.parameters.require("attempt")), attempt.sessionID == session.id,
                let connector = self.connector(attempt.connectorID)
            else { return self.html(.notFound, Pages.message(title: "Not found", text: "No such attempt.")) }
            switch attempt.status {
            case "succeeded":
                guard let account = try await self.account(attempt.accountID) else { return self.expiredPage() }
                return self.html(.ok, Pages.success(connector: connector, account: account, parentOrigin: self.parentOrigin(session)))
            case "failed":
                let failure = LinkFailure(rawValue: attempt.failure ?? "") ?? .providerUnavailable
                let scopes = (attempt.failureDetail ?? "").split(separator: " ").map(String.init)
                return self.html(.ok, Pages.failure(failure, connector: connector, scopes: scopes, parentOrigin: self.parentOrigin(session)))
            default:
                return self.redirect("/link")
            }
        }
        routes.get("/connect/oauth2/:connector/callback") { request, context in
            let browser = try await self.browserSession(request)?.0
            var components = URLComponents(url: self.configuration.redirectURI(connector: try context.parameters.require("connector")), resolvingAgainstBaseURL: false)!
            components.percentEncodedQuery = request.uri.query
            let state = request.uri.queryParameters.get("state")
            do {
                let (_, outcome) = try await self.completeAuthorization(callbackURL: components.url!, state: state, browserSession: browser)
                switch outcome {
                case .linked(let account):
                    let connector = self.connector(account.connectorID)!
                    return self.html(.ok, Pages.success(connector: connector, account: account, parentOrigin: self.parentOrigin(browser)))
                case .failed(let failure, let scopes, let connector):
                    return self.html(.ok, Pages.failure(failure, connector: connector, scopes: scopes, parentOrigin: self.parentOrigin(browser)))
                default:
                    return self.expiredPage()
                }
            } catch HubError.invalidCallback {
                return self.html(.badRequest, Pages.failure(.invalidCallback, connector: nil, scopes: [], parentOrigin: self.parentOrigin(browser)))
            }
        }
        routes.get("/link/accounts") { request, _ in
            guard let (session, secret) = try await self.browserSession(request) else { return self.expiredPage() }
            let list = try await self.accounts(endUserID: session.endUserID)
            return self.html(.ok, Pages.sessionAccounts(list, csrf: self.csrf(session.id, secret)))
        }
        routes.post("/link/accounts/:account/:action") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return self.expiredPage() }
            guard try await self.checkedForm(request, csrf: self.csrf(session.id, secret)) != nil else { return self.forbidden() }
            guard let account = try await self.account(try context.parameters.require("account")), account.endUserID == session.endUserID else {
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such account."))
            }
            switch try context.parameters.require("action") {
            case "remove":
                try await self.deleteAccount(account.id)
                return self.redirect("/link/accounts")
            case "reconnect":
                _ = try await self.records.update(LinkSession.self, kind: "session", id: session.id) { $0.reconnectAccountID = account.id }
                return self.redirect("/link/connectors/\(account.connectorID)/\(account.variantID)")
            default:
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such action."))
            }
        }
    }

    /// The label of the first required setup field the configuration lacks, if any.
    func missingSetup(_ connectorID: String, _ variant: AuthVariantDescriptor) -> String? {
        variant.fields.first { field in
            field.supplier == .setup && field.required && field.defaultValue == nil
                && (configuration.setup[connectorID]?[field.key] ?? "").isEmpty
        }?.label
    }

    private func offeredVariant<Context: RequestContext>(_ session: LinkSession, _ context: Context) -> (ConnectorDescriptor, AuthVariantDescriptor)? {
        guard let id = context.parameters.get("connector"), let variantID = context.parameters.get("variant"),
            offeredConnectors(for: session).contains(where: { $0.id == id })
        else { return nil }
        return lookupVariant(id, variantID)
    }

    private func render(
        _ outcome: LinkOutcome, connector: ConnectorDescriptor, variant: AuthVariantDescriptor, session: LinkSession, secret: String,
        values: [String: String]
    ) -> Response {
        switch outcome {
        case .invalidField(let key, let reason):
            return html(
                .unprocessableContent,
                Pages.form(
                    connector: connector, variant: variant, csrf: csrf(session.id, secret),
                    redirectURI: configuration.redirectURI(connector: connector.id), values: values, error: (key, reason)))
        case .authorize(let url, let attemptID):
            if values["embedded"] == "1" {
                return html(.ok, Pages.waiting(connector: connector, authorizeURL: url, attemptID: attemptID))
            }
            return redirect(url.absoluteString)
        case .linked(let account):
            return html(.ok, Pages.success(connector: connector, account: account, parentOrigin: parentOrigin(session)))
        case .failed(let failure, let scopes, let connector):
            let status: HTTPTypes.HTTPResponse.Status = failure == .providerUnavailable ? .badGateway : .ok
            return html(status, Pages.failure(failure, connector: connector, scopes: scopes, parentOrigin: parentOrigin(session)))
        case .tooManyAttempts:
            return html(.tooManyRequests, Pages.message(title: "Too many attempts", text: "This link has been tried too often. Ask the app for a new Link Account link."))
        }
    }

    // MARK: Operator pages

    static let operatorCookie = "connector_hub_operator"
    static let operatorLifetime = 8 * 3600

    /// The signed-in operator's session id and CSRF token, when the cookie names a live
    /// ``OperatorSession`` (not signed out, not expired).
    private func isOperator(_ request: Request) async throws -> (id: String, csrf: String)? {
        guard let value = request.cookies[Self.operatorCookie]?.value, let dot = value.firstIndex(of: ".") else { return nil }
        let id = String(value[..<dot])
        let secret = String(value[value.index(after: dot)...])
        guard let session = try await records.get(OperatorSession.self, kind: "operator-session", id: id),
            Digest.constantTimeEqual(session.secretHash, Digest.sha256(secret))
        else { return nil }
        guard session.expiresAt > now() else {
            try await records.delete(kind: "operator-session", id: id)
            return nil
        }
        return (id, Digest.hmac("operator-csrf|" + id, key: configuration.signingKey))
    }

    private func operatorCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.operatorCookie, value: value, maxAge: maxAge, path: "/admin", secure: configuration.usesHTTPS, httpOnly: true,
            sameSite: .strict)
    }

    private func addOperatorRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        routes.get("/admin") { request, _ in
            guard let (_, csrf) = try await self.isOperator(request) else { return self.html(.ok, Pages.operatorLogin(error: false)) }
            return self.html(.ok, Pages.operatorAccounts(try await self.accounts(), csrf: csrf, linkURL: nil))
        }
        routes.post("/admin/login") { request, _ in
            guard let values = try await self.checkedForm(request, csrf: nil) else { return self.forbidden() }
            let presented = values["key"] ?? ""
            guard self.configuration.appKeys.contains(where: { Digest.constantTimeEqual($0, presented) }) else {
                return self.html(.unauthorized, Pages.operatorLogin(error: true))
            }
            let id = "op_" + Random.token(bytes: 12)
            let secret = Random.token()
            try await self.records.put(
                OperatorSession(secretHash: Digest.sha256(secret), expiresAt: self.now().addingTimeInterval(Double(Self.operatorLifetime))),
                kind: "operator-session", id: id)
            var response = self.redirect("/admin")
            response.setCookie(self.operatorCookie(value: id + "." + secret, maxAge: Self.operatorLifetime))
            return response
        }
        // Sign-out ends the session on the server (the record is deleted) and clears the cookie.
        routes.post("/admin/logout") { request, _ in
            guard let (id, csrf) = try await self.isOperator(request) else { return self.html(.ok, Pages.operatorLogin(error: false)) }
            guard try await self.checkedForm(request, csrf: csrf) != nil else { return self.forbidden() }
            try await self.records.delete(kind: "operator-session", id: id)
            var response = self.html(.ok, Pages.operatorLogin(error: false, notice: "You are signed out."))
            response.setCookie(self.operatorCookie(value: "", maxAge: 0))
            return response
        }
        routes.post("/admin/link-sessions") { request, _ in
            guard let (_, csrf) = try await self.isOperator(request) else { return self.html(.unauthorized, Pages.operatorLogin(error: false)) }
            guard let values = try await self.checkedForm(request, csrf: csrf), let user = values["endUserId"], !user.isEmpty else {
                return self.forbidden()
            }
            let created = try await self.createSession(endUserID: user, endUserName: values["endUserName"] ?? user)
            return self.html(.ok, Pages.operatorAccounts(try await self.accounts(), csrf: csrf, linkURL: created.url))
        }
        routes.post("/admin/accounts/:account/:action") { request, context in
            guard let (_, csrf) = try await self.isOperator(request) else { return self.html(.unauthorized, Pages.operatorLogin(error: false)) }
            guard try await self.checkedForm(request, csrf: csrf) != nil else { return self.forbidden() }
            guard let account = try await self.account(try context.parameters.require("account")) else {
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such account."))
            }
            switch try context.parameters.require("action") {
            case "remove":
                try await self.deleteAccount(account.id)
                return self.redirect("/admin")
            case "reconnect":
                let created = try await self.createSession(
                    endUserID: account.endUserID, endUserName: account.endUserName, connectors: [account.connectorID],
                    reconnectAccountID: account.id)
                return self.html(.ok, Pages.operatorAccounts(try await self.accounts(), csrf: csrf, linkURL: created.url))
            default:
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such action."))
            }
        }
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentSecurityPolicy] == nil {
            // The pages of a link session (only those: the app API never reads a session).
            var ancestors: [String]?
            let path = request.uri.path
            if path.hasPrefix("/link") || path.hasPrefix("/connect/"),
                let cookie = request.cookies[ConnectorHubService.sessionCookie]?.value
            {
                ancestors = await sessionEmbedOrigin(cookie).map { [$0] }
            }
            response.headers[.contentSecurityPolicy] = Self.policy(configuration, ancestors: ancestors)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts,
        // which the origin check refuses. Cross-origin requests (the provider) still get referrer outside the Hub.
        response.headers[HTTPTypes.HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if configuration.allowedOrigins.isEmpty { response.headers[HTTPTypes.HTTPField.Name("X-Frame-Options")!] = "DENY" }
        return response
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
