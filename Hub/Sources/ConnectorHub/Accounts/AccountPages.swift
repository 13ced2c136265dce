import ConnectorRuntime
import Foundation

// The Accounts pages: the person's own (/link/accounts) and the operators' (/admin), and the
// confirmation a removal asks for.
extension Pages {
    static func sessionAccounts(_ accounts: [HubAccount], csrf: String, notice: String? = nil) -> String {
        var body = "<p class=\"back\"><a href=\"/link\">Link another account</a></p>\n<h1>Your linked accounts</h1>\n"
        if let notice { body += "<p class=\"notice success\" role=\"status\">\(escape(notice))</p>\n" }
        body += accountsTable(accounts, csrf: csrf, actionPrefix: "/link/accounts", operator: false)
        return layout(title: "Your linked accounts", body: body, wide: true)
    }

    static func operatorLogin(error: Bool, notice: String? = nil) -> String {
        var body = "<h1>Hub operators</h1>\n"
        if error { body += "<p class=\"notice failure\" role=\"alert\">That app key is not valid.</p>\n" }
        if let notice { body += "<p class=\"notice success\" role=\"status\">\(escape(notice))</p>\n" }
        body += """
            <form method="post" action="/admin/login" class="card narrow">
            <div class="field"><label for="app-key">App API key</label>
            <input id="app-key" name="key" type="password" required autocomplete="current-password"></div>
            <button type="submit">Sign in</button>
            </form>
            """
        return layout(title: "Hub operators", body: body)
    }

    static func operatorAccounts(
        _ accounts: [HubAccount], csrf: String, linkURL: URL?, linkFor: HubAccount? = nil, problems: [SetupProblem] = [],
        notice: String? = nil, syncs: [(account: HubAccount, entries: [SyncStatusEntry])] = []
    ) -> String {
        var body = """
            <header class="bar">
            <h1>Linked accounts</h1>
            <form method="post" action="/admin/logout" class="sign-out">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <button type="submit" class="secondary">Sign out</button>
            </form>
            </header>

            """
        if let notice { body += "<p class=\"notice success\" role=\"status\">\(escape(notice))</p>\n" }
        for problem in problems.sorted(by: { $0.at > $1.at }) {
            body += "<div class=\"notice failure\" role=\"alert\"><p><strong>\(escape(ConnectorLookup.name(problem.connectorID))) "
                + "(\(escape(ConnectorLookup.variantLabel(problem.connectorID, problem.variantID)))) is misconfigured</strong>, "
                + "\(time(problem.at)): \(escape(problem.text))</p></div>\n"
        }
        body += """
            <form method="post" action="/admin/link-sessions" class="card link-form">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <div class="field"><label for="end-user-id">End user id</label><input id="end-user-id" name="endUserId" required></div>
            <div class="field"><label for="end-user-name">End user name</label><input id="end-user-name" name="endUserName" required></div>
            <button type="submit">Link account</button>
            </form>

            """
        if let linkURL {
            let purpose = linkFor.map { "Reconnect link for \(accountName($0)) of \($0.endUserName)" } ?? "Link URL"
            body += "<p class=\"notice info link-url\" role=\"status\">\(escape(purpose)) (single use, send it or open it): <a href=\"\(escape(linkURL.absoluteString))\">\(escape(linkURL.absoluteString))</a></p>\n"
        }
        body += accountsTable(accounts, csrf: csrf, actionPrefix: "/admin/accounts", operator: true)
        body += syncSection(syncs)
        body += "<p><a href=\"/admin/action-log\">Action log</a>: the actions apps ran through these accounts.</p>\n"
        return layout(title: "Linked accounts", body: body, wide: true)
    }

    /// The accounts as a table that becomes one card per account on narrow screens.
    private static func accountsTable(_ accounts: [HubAccount], csrf: String, actionPrefix: String, operator isOperator: Bool) -> String {
        guard !accounts.isEmpty else { return "<p class=\"empty\">No linked accounts yet.</p>\n" }
        var html = "<table class=\"accounts\">\n<caption>\(accounts.count) linked \(accounts.count == 1 ? "account" : "accounts")</caption>\n"
        html += "<thead><tr><th scope=\"col\">Account</th><th scope=\"col\">Method</th>"
        if isOperator { html += "<th scope=\"col\">End user</th>" }
        html += "<th scope=\"col\">Status</th><th scope=\"col\">Last refresh</th><th scope=\"col\">Linked</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n"
        for account in accounts {
            let name = accountName(account)
            let attention = account.status == "reconnect_required"
            html += "<tr\(attention ? " class=\"attention\"" : "")>"
            html += "<th scope=\"row\" data-label=\"Account\">\(escape(ConnectorLookup.name(account.connectorID)))"
            if let label = account.label { html += "<span class=\"account-label\">\(escape(label))</span>" }
            html += "</th><td data-label=\"Method\">\(escape(ConnectorLookup.variantLabel(account.connectorID, account.variantID)))</td>"
            if isOperator { html += "<td data-label=\"End user\">\(escape(account.endUserName)) <span class=\"muted\">(\(escape(account.endUserID)))</span></td>" }
            html += "<td data-label=\"Status\">\(statusBadge(account.status))</td>"
            html += "<td data-label=\"Last refresh\">\(account.lastRefreshAt.map(time) ?? "Not yet")</td><td data-label=\"Linked\">\(time(account.linkedAt))</td>"
            html += "<td data-label=\"Actions\" class=\"row-actions\">"
            html += """
                <form method="post" action="\(actionPrefix)/\(escape(account.id))/reconnect" class="inline">\
                <input type="hidden" name="csrf" value="\(escape(csrf))">\
                <button type="submit"\(attention ? "" : " class=\"secondary\"")>Reconnect<span class="visually-hidden"> \(escape(name))</span></button></form> \
                <form method="post" action="\(actionPrefix)/\(escape(account.id))/remove" class="inline">\
                <input type="hidden" name="csrf" value="\(escape(csrf))">\
                <button type="submit" class="danger-outline">Remove<span class="visually-hidden"> \(escape(name))</span>…</button></form>
                """
            html += "</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func statusBadge(_ status: String) -> String {
        switch status {
        case "active": "<span class=\"badge success\">Active</span>"
        case "reconnect_required": "<span class=\"badge warning\"><strong>Reconnect required</strong></span>"
        default: "<span class=\"badge\">\(escape(statusLabel(status)))</span>"
        }
    }

    static func statusLabel(_ status: String) -> String {
        switch status {
        case "active": "Active"
        case "reconnect_required": "Reconnect required"
        case "disconnected": "Disconnected"
        default: status
        }
    }

    /// Asks before a removal: what goes, what it does at the provider, a destructive button and
    /// a way back.
    static func confirmRemove(_ account: HubAccount, csrf: String, action: String, cancel: String, showEndUser: Bool = false) -> String {
        let name = accountName(account)
        var body = "<section class=\"result warning\">\n<span class=\"result-icon\" aria-hidden=\"true\"></span>\n"
        body += "<h1>Remove \(escape(name))?</h1>\n"
        if showEndUser { body += "<p>Linked by \(escape(account.endUserName)) (\(escape(account.endUserID))) on \(time(account.linkedAt)).</p>\n" }
        body += "<p>The app stops reaching this account. The Hub revokes its access at \(escape(ConnectorLookup.name(account.connectorID))) where the provider supports it, and forgets its credentials. Linking it again needs the whole sign-in.</p>\n"
        body += """
            <form method="post" action="\(escape(action))" class="actions">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <input type="hidden" name="confirm" value="yes">
            <button type="submit" class="danger">Remove account</button>
            <a class="button secondary" href="\(escape(cancel))">Cancel</a>
            </form>
            </section>
            """
        return layout(title: "Remove \(name)?", body: body)
    }
}
