import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird

// The pages of the person linking (/link/…, /connect/…).
extension ConnectorHubService {
    // MARK: Link Account pages

    static let sessionCookie = "connector_hub_session"

    func html(_ status: HTTPTypes.HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    func csrf(_ sessionID: String, _ browserSecret: String) -> String {
        Digest.hmac("csrf|" + sessionID + "|" + browserSecret, key: configuration.signingKey)
    }

    /// The browser's session, or the page that says the link expired.
    func browserSession(_ request: Request) async throws -> (LinkSession, String)? {
        try await session(cookie: request.cookies[Self.sessionCookie]?.value)
    }

    func expiredPage() -> Response {
        html(.unauthorized, Pages.message(title: "This link has expired", text: "Ask the app that sent you here for a new Link Account link."))
    }

    /// Same-origin check of a form post (Origin, else Sec-Fetch-Site), then its CSRF token.
    func checkedForm(_ request: Request, csrf expected: String?) async throws -> [String: String]? {
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

    func forbidden() -> Response {
        html(.forbidden, Pages.message(title: "This form has expired", text: "Reload the page and try again."))
    }

    /// Where a page of `session` sends its postMessage events: the origin the session names, else
    /// the first allowed origin (never `*`; none when no origin is allowed).
    func parentOrigin(_ session: LinkSession?) -> String? { session?.embedOrigin ?? configuration.allowedOrigins.first }

    func addLinkRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
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
                    redirectURI: self.configuration.redirectURI(connector: connector.id),
                    appHasClient: self.appHasClient(connector.id, variant)))
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

    /// The label of the first required setup field the configuration lacks, if any (none for an
    /// `either` variant: the person then enters the client).
    func missingSetup(_ connectorID: String, _ variant: AuthVariantDescriptor) -> String? {
        guard variant.client != .either else { return nil }
        return variant.fields.first { field in
            field.supplier == .setup && field.required && field.defaultValue == nil
                && (configuration.setup[connectorID]?[field.key] ?? "").isEmpty
        }?.label
    }

    func offeredVariant<Context: RequestContext>(_ session: LinkSession, _ context: Context) -> (ConnectorDescriptor, AuthVariantDescriptor)? {
        guard let id = context.parameters.get("connector"), let variantID = context.parameters.get("variant"),
            offeredConnectors(for: session).contains(where: { $0.id == id })
        else { return nil }
        return lookupVariant(id, variantID)
    }

    func render(
        _ outcome: LinkOutcome, connector: ConnectorDescriptor, variant: AuthVariantDescriptor, session: LinkSession, secret: String,
        values: [String: String]
    ) -> Response {
        switch outcome {
        case .invalidField(let key, let reason):
            return html(
                .unprocessableContent,
                Pages.form(
                    connector: connector, variant: variant, csrf: csrf(session.id, secret),
                    redirectURI: configuration.redirectURI(connector: connector.id), values: values, error: (key, reason),
                    appHasClient: appHasClient(connector.id, variant)))
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

}
