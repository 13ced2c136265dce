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

    /// The browser's session, when its cookie names a valid one.
    func browserSession(_ request: Request) async throws -> (LinkSession, String)? {
        try await session(cookie: request.cookies[Self.sessionCookie]?.value)
    }

    /// What a page without a valid session says: that the session expired only when the cookie
    /// names one that did; otherwise that this browser has none (a new tab of another browser,
    /// cookies cleared or blocked).
    func noSessionPage(_ request: Request) async throws -> Response {
        if let named = try await namedSession(cookie: request.cookies[Self.sessionCookie]?.value), named.expiresAt <= now() {
            return html(
                .unauthorized,
                Pages.message(
                    title: "This link has expired", text: "Link Account sessions last a limited time. Ask the app that sent you here for a new Link Account link.",
                    tone: .failure))
        }
        return html(
            .unauthorized,
            Pages.message(
                title: "No Link Account session in this browser",
                text: "Open the Link Account link the app sent you in this browser (it works in one browser), or ask the app for a new one.",
                tone: .failure))
    }

    func expiredPage() -> Response {
        html(
            .unauthorized,
            Pages.message(
                title: "This link has expired or is not valid",
                text: "Check that the whole link was copied, or ask the app that sent you here for a new Link Account link.", tone: .failure))
    }

    /// Whether a link opened as a frame will be refused by the browser (`frame-ancestors`): no
    /// origin may frame the session's pages, or the embedding page's origin (its `Referer`) is
    /// not one that may. Such a frame is never shown, so the link must stay unused.
    func refusedFrame(_ request: Request, session embedOrigin: String?) -> Bool {
        let destination = request.headers[HTTPTypes.HTTPField.Name("Sec-Fetch-Dest")!] ?? ""
        guard ["iframe", "frame", "embed", "object"].contains(destination) else { return false }
        let ancestors = embedOrigin.map { [$0] } ?? configuration.allowedOrigins
        if ancestors.isEmpty { return true }
        guard let referer = request.headers[.referer], let url = URL(string: referer), let scheme = url.scheme, let host = url.host
        else { return false }
        let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        return !ancestors.contains(origin.lowercased())
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
        html(
            .forbidden,
            Pages.message(
                title: "This form has expired", text: "Reload the page and try again.", links: [("Start again", "/link")], tone: .failure))
    }

    func notOffered() -> Response {
        html(
            .notFound,
            Pages.message(
                title: "Not available", text: "This connector is not offered here.", links: [("Choose another connector", "/link")],
                tone: .failure))
    }

    /// Where a page of `session` sends its postMessage events: the origin the session names, else
    /// the first allowed origin (never `*`; none when no origin is allowed).
    func parentOrigin(_ session: LinkSession?) -> String? { session?.embedOrigin ?? configuration.allowedOrigins.first }

    func addLinkRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        routes.get("/link/start/:token") { request, context in
            let token = try context.parameters.require("token")
            if let pending = try await self.unusedSession(token: token),
                self.refusedFrame(request, session: pending.embedOrigin)
            {
                // The browser will not show this frame: set no cookie, keep the link unused (and
                // name the session's own ancestors, so this answer is refused too).
                var response = self.html(
                    .forbidden,
                    Pages.message(
                        title: "This page cannot be shown inside that site",
                        text: "Open the Link Account link in a new tab instead; it has not been used.", tone: .failure))
                response.headers[.contentSecurityPolicy] = SecurityHeaders<Context>.policy(
                    self.configuration, ancestors: pending.embedOrigin.map { [$0] })
                return response
            }
            switch try await self.openSession(token: token, cookie: request.cookies[Self.sessionCookie]?.value) {
            case .opened(let session, let browserSecret):
                var response = self.redirect("/link?start=" + token)
                // The cookie is not sent yet: the policy names this session's embedding origin.
                response.headers[.contentSecurityPolicy] = SecurityHeaders<Context>.policy(
                    self.configuration, ancestors: session.embedOrigin.map { [$0] })
                response.setCookie(
                    Cookie(
                        name: Self.sessionCookie, value: session.id + "." + browserSecret, maxAge: Int(session.expiresAt.timeIntervalSince(self.now())),
                        path: "/", secure: self.configuration.usesHTTPS, httpOnly: true,
                        sameSite: self.configuration.usesHTTPS && !self.configuration.allowedOrigins.isEmpty ? .none : .lax))
                return response
            case .continued:
                return self.redirect("/link")
            case .used:
                return self.html(
                    .gone,
                    Pages.message(
                        title: "This link was already used",
                        text: "Each Link Account link works in one browser. If you started linking in another browser or tab, continue there; otherwise ask the app that sent you here for a new link.",
                        tone: .failure))
            case .expired:
                return self.html(
                    .unauthorized,
                    Pages.message(
                        title: "This link has expired", text: "Ask the app that sent you here for a new Link Account link.", tone: .failure))
            case .unknown:
                return self.expiredPage()
            }
        }
        routes.get("/link") { request, _ in
            guard let (session, _) = try await self.browserSession(request) else {
                // Just opened, but the cookie did not come back (a frame whose third-party
                // cookies the browser blocks): the link is unused and works in a new tab.
                if let token = request.uri.queryParameters.get("start"), try await self.unusedSession(token: token) != nil {
                    return self.html(.ok, Pages.cookieBlocked(startPath: "/link/start/" + token))
                }
                return try await self.noSessionPage(request)
            }
            let query = request.uri.queryParameters.get("q") ?? ""
            let category = request.uri.queryParameters.get("category")
            let linked = Set(try await self.accounts(endUserID: session.endUserID).map(\.connectorID))
            return self.html(
                .ok,
                Pages.picker(
                    connectors: self.offeredConnectors(for: session), session: session, query: query, category: category, linked: linked))
        }
        routes.get("/link/connectors/:connector") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            let id = try context.parameters.require("connector")
            guard let connector = self.offeredConnectors(for: session).first(where: { $0.id == id }) else { return self.notOffered() }
            if connector.authVariants.count == 1 { return self.redirect("/link/connectors/\(id)/\(connector.authVariants[0].id)") }
            return self.html(.ok, Pages.variantChoice(connector))
        }
        routes.get("/link/connectors/:connector/:variant") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            guard let (connector, variant) = self.offeredVariant(session, context) else { return self.notOffered() }
            if let missing = self.missingSetup(connector.id, variant) {
                var links = [("Choose another connector", "/link")]
                for other in connector.authVariants where other.id != variant.id && self.missingSetup(connector.id, other) == nil {
                    links.insert(("Connect \(connector.displayName) with \(other.label)", "/link/connectors/\(connector.id)/\(other.id)"), at: 0)
                }
                return self.html(
                    .ok,
                    Pages.message(
                        title: "\(connector.displayName) is not set up yet",
                        text: "The app that sent you here has not configured \(missing) for \(connector.displayName). Contact its support, or choose another connector.",
                        links: links, tone: .failure))
            }
            return self.html(.ok, try await self.formPage(connector: connector, variant: variant, session: session, secret: secret))
        }
        routes.post("/link/connectors/:connector/:variant") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            guard let values = try await self.checkedForm(request, csrf: self.csrf(session.id, secret)) else { return self.forbidden() }
            guard let (connector, variant) = self.offeredVariant(session, context) else { return self.notOffered() }
            let outcome = try await self.link(session: session, connectorID: connector.id, variantID: variant.id, values: values)
            return try await self.render(outcome, connector: connector, variant: variant, session: session, secret: secret, values: values)
        }
        routes.get("/link/attempts/:attempt/status") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return Self.json(.unauthorized, ["status": "expired"]) }
            guard let attempt = try await self.attempt(try context.parameters.require("attempt")), attempt.sessionID == session.id else {
                return Self.json(.notFound, ["status": "unknown"])
            }
            return Self.json(.ok, ["status": attempt.status, "next": "/link/attempts/\(attempt.id)/result"])
        }
        routes.get("/link/attempts/:attempt/result") { request, context in
            guard let (session, _) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            guard let attempt = try await self.attempt(try context.parameters.require("attempt")), attempt.sessionID == session.id,
                let connector = self.connector(attempt.connectorID)
            else { return self.html(.notFound, Pages.message(title: "Not found", text: "No such attempt.", links: [("All connectors", "/link")])) }
            switch attempt.status {
            case "succeeded":
                guard let account = try await self.account(attempt.accountID) else { return try await self.noSessionPage(request) }
                return self.html(.ok, Pages.success(connector: connector, account: account, parentOrigin: self.parentOrigin(session)))
            case "failed":
                let failure = LinkFailure(rawValue: attempt.failure ?? "") ?? .providerUnavailable
                let scopes = (attempt.failureDetail ?? "").split(separator: " ").map(String.init)
                return self.html(
                    .ok,
                    Pages.failure(failure, connector: connector, variantID: attempt.variantID, scopes: scopes, parentOrigin: self.parentOrigin(session)))
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
                let (attempt, outcome) = try await self.completeAuthorization(callbackURL: components.url!, state: state, browserSession: browser)
                switch outcome {
                case .linked(let account):
                    let connector = self.connector(account.connectorID)!
                    return self.html(.ok, Pages.success(connector: connector, account: account, parentOrigin: self.parentOrigin(browser)))
                case .alreadyLinked(let account):
                    // Back or reload after the sign-in finished: the account is linked; no
                    // second event for the app.
                    let connector = self.connector(account.connectorID)!
                    return self.html(.ok, Pages.success(connector: connector, account: account, parentOrigin: nil, again: true))
                case .failed(let failure, let scopes, let connector):
                    return self.html(
                        .ok,
                        Pages.failure(
                            failure, connector: connector, variantID: attempt.variantID, scopes: scopes, parentOrigin: self.parentOrigin(browser)))
                default:
                    return try await self.noSessionPage(request)
                }
            } catch HubError.invalidCallback {
                return self.html(.badRequest, Pages.failure(.invalidCallback, connector: nil, scopes: [], parentOrigin: self.parentOrigin(browser)))
            }
        }
        routes.get("/link/accounts") { request, _ in
            guard let (session, secret) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            let list = try await self.accounts(endUserID: session.endUserID)
            return self.html(.ok, Pages.sessionAccounts(list, csrf: self.csrf(session.id, secret), notice: request.uri.queryParameters.get("removed").map { _ in "The account was removed." }))
        }
        routes.post("/link/accounts/:account/:action") { request, context in
            guard let (session, secret) = try await self.browserSession(request) else { return try await self.noSessionPage(request) }
            let csrf = self.csrf(session.id, secret)
            guard let values = try await self.checkedForm(request, csrf: csrf) else { return self.forbidden() }
            guard let account = try await self.account(try context.parameters.require("account")), account.endUserID == session.endUserID else {
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such account.", links: [("Your linked accounts", "/link/accounts")]))
            }
            switch try context.parameters.require("action") {
            case "remove":
                // A removal is confirmed on its own page first (it revokes at the provider).
                guard values["confirm"] == "yes" else {
                    return self.html(.ok, Pages.confirmRemove(account, csrf: csrf, action: "/link/accounts/\(account.id)/remove", cancel: "/link/accounts"))
                }
                try await self.deleteAccount(account.id)
                return self.redirect("/link/accounts?removed=1")
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

    /// The form page of a variant: the person's values and errors after a post, and the accounts
    /// of this connector the person already linked (linking again adds another).
    func formPage(
        connector: ConnectorDescriptor, variant: AuthVariantDescriptor, session: LinkSession, secret: String,
        values: [String: String] = [:], errors: [(key: String, reason: String)] = [], failure: (LinkFailure, [String])? = nil,
        duplicateLabel: String? = nil
    ) async throws -> String {
        let existing = try await accounts(endUserID: session.endUserID).filter {
            $0.connectorID == connector.id && $0.id != session.reconnectAccountID
        }
        var reconnecting: HubAccount?
        if let id = session.reconnectAccountID { reconnecting = try await account(id) }
        let offeredVariants = connector.authVariants.count
        return Pages.form(
            Pages.FormState(
                connector: connector, variant: variant, csrf: csrf(session.id, secret),
                redirectURI: configuration.redirectURI(connector: connector.id), values: values, errors: errors, failure: failure,
                hasVariantChoice: offeredVariants > 1, existing: existing, reconnecting: reconnecting,
                appHasClient: appHasClient(connector.id, variant), duplicateLabel: duplicateLabel),
            parentOrigin: failure == nil ? nil : parentOrigin(session))
    }

    func render(
        _ outcome: LinkOutcome, connector: ConnectorDescriptor, variant: AuthVariantDescriptor, session: LinkSession, secret: String,
        values: [String: String]
    ) async throws -> Response {
        switch outcome {
        case .invalidFields(let errors):
            return html(
                .unprocessableContent,
                try await formPage(connector: connector, variant: variant, session: session, secret: secret, values: values, errors: errors))
        case .authorize(let url, let attemptID):
            if values["embedded"] == "1" {
                return html(.ok, Pages.waiting(connector: connector, authorizeURL: url, attemptID: attemptID))
            }
            return redirect(url.absoluteString)
        case .duplicate(let label):
            return html(
                .conflict,
                try await formPage(connector: connector, variant: variant, session: session, secret: secret, values: values, duplicateLabel: label))
        case .linked(let account), .alreadyLinked(let account):
            return html(.ok, Pages.success(connector: connector, account: account, parentOrigin: parentOrigin(session)))
        case .failed(let failure, let scopes, let connector) where failure.personCanFix:
            // The person's values back on the form (secrets typed again), with what was wrong.
            return html(
                .ok,
                try await formPage(
                    connector: connector, variant: variant, session: session, secret: secret, values: values, failure: (failure, scopes)))
        case .failed(let failure, let scopes, let connector):
            let status: HTTPTypes.HTTPResponse.Status = failure == .providerUnavailable ? .badGateway : .ok
            return html(
                status, Pages.failure(failure, connector: connector, variantID: variant.id, scopes: scopes, parentOrigin: parentOrigin(session)))
        case .tooManyAttempts:
            return html(
                .tooManyRequests,
                Pages.message(
                    title: "Too many attempts", text: "This link has been tried too often. Ask the app for a new Link Account link.", tone: .failure))
        }
    }

}

