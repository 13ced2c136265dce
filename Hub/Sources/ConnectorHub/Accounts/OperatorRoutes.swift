import ConnectorRuntime
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

// The operators' pages (/admin/…).
extension ConnectorHubService {
    // MARK: Operator pages

    static let operatorCookie = "connector_hub_operator"
    static let operatorLifetime = 8 * 3600

    /// The signed-in operator's session id and CSRF token, when the cookie names a live
    /// ``OperatorSession`` (not signed out, not expired).
    func isOperator(_ request: Request) async throws -> (id: String, csrf: String)? {
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

    func operatorCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.operatorCookie, value: value, maxAge: maxAge, path: "/admin", secure: configuration.usesHTTPS, httpOnly: true,
            sameSite: .strict)
    }

    /// The client's IP address when the context knows it (``HubRequestContext``), else one
    /// shared key: the sign-in throttle then counts every client together.
    static func clientAddress<Context: RequestContext>(_ context: Context) -> String {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
    }

    func addOperatorRoutes<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        addActionLogPage(routes)
        routes.get("/admin") { request, _ in
            guard let (_, csrf) = try await self.isOperator(request) else { return self.html(.ok, Pages.operatorLogin(error: false)) }
            let notice = request.uri.queryParameters.get("removed").map { _ in "The account was removed." }
            return self.html(.ok, try await self.operatorPage(csrf: csrf, notice: notice))
        }
        routes.post("/admin/login") { request, context in
            guard let values = try await self.checkedForm(request, csrf: nil) else { return self.forbidden() }
            let client = Self.clientAddress(context)
            if let wait = await self.loginThrottle.wait(client: client, now: self.now()) {
                var response = self.html(
                    .tooManyRequests,
                    Pages.message(title: "Too many sign-in attempts", text: "Wait \(wait) seconds, then sign in again with the app key."))
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let presented = values["key"] ?? ""
            guard self.configuration.appKeys.contains(where: { Digest.constantTimeEqual($0, presented) }) else {
                await self.loginThrottle.failed(client: client, now: self.now())
                return self.html(.unauthorized, Pages.operatorLogin(error: true))
            }
            await self.loginThrottle.succeeded(client: client)
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
            return self.html(.ok, try await self.operatorPage(csrf: csrf, linkURL: created.url))
        }
        routes.post("/admin/accounts/:account/:action") { request, context in
            guard let (_, csrf) = try await self.isOperator(request) else { return self.html(.unauthorized, Pages.operatorLogin(error: false)) }
            guard let values = try await self.checkedForm(request, csrf: csrf) else { return self.forbidden() }
            guard let account = try await self.account(try context.parameters.require("account")) else {
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such account.", links: [("Linked accounts", "/admin")]))
            }
            switch try context.parameters.require("action") {
            case "remove":
                // Confirmed on its own page first: removing revokes at the provider.
                guard values["confirm"] == "yes" else {
                    return self.html(
                        .ok, Pages.confirmRemove(account, csrf: csrf, action: "/admin/accounts/\(account.id)/remove", cancel: "/admin", showEndUser: true))
                }
                try await self.deleteAccount(account.id)
                return self.redirect("/admin?removed=1")
            case "reconnect":
                let created = try await self.createSession(
                    endUserID: account.endUserID, endUserName: account.endUserName, connectors: [account.connectorID],
                    reconnectAccountID: account.id)
                return self.html(.ok, try await self.operatorPage(csrf: csrf, linkURL: created.url, linkFor: account))
            default:
                return self.html(.notFound, Pages.message(title: "Not found", text: "No such action.", links: [("Linked accounts", "/admin")]))
            }
        }
    }

    /// The operators' Accounts page, with the setup problems linking met.
    func operatorPage(csrf: String, linkURL: URL? = nil, linkFor: HubAccount? = nil, notice: String? = nil) async throws -> String {
        let problems = try await records.all(SetupProblem.self, kind: "setup-problem")
        let list = try await accounts()
        var syncs: [(account: HubAccount, entries: [SyncStatusEntry])] = []
        for account in list { syncs.append((account, try await syncStatusEntries(account))) }
        return Pages.operatorAccounts(list, csrf: csrf, linkURL: linkURL, linkFor: linkFor, problems: problems, notice: notice, syncs: syncs)
    }
}
