import ConnectorRuntime
import Connectors
import Foundation

/// Server-rendered pages, built from the compiled connectors' descriptors: a new spec gets its
/// picker entry, form and guide with no page code. Every dynamic string goes through ``escape(_:)``;
/// a secret value is never rendered back (secret inputs are always empty).
enum Pages {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The page frame. `parentOrigin`, when set, is the only origin `postMessage` targets.
    static func layout(title: String, body: String, parentOrigin: String? = nil, event: String? = nil) -> String {
        var attributes = ""
        if let parentOrigin { attributes += " data-parent-origin=\"\(escape(parentOrigin))\"" }
        if let event { attributes += " data-event=\"\(escape(event))\"" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <link rel="stylesheet" href="/static/hub.css">
            <script src="/static/hub.js" defer></script>
            </head>
            <body\(attributes)>
            <main>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    // MARK: Link Account pages

    static func picker(connectors: [ConnectorDescriptor], session: LinkSession, query: String, category: String?) -> String {
        let categories = Array(Set(connectors.flatMap(\.categories))).sorted()
        let needle = query.lowercased()
        let shown = connectors.filter { connector in
            (needle.isEmpty || connector.displayName.lowercased().contains(needle) || connector.id.contains(needle))
                && (category == nil || connector.categories.contains(category!))
        }
        var body = "<h1>Link an account</h1>\n<p>Hello \(escape(session.endUserName)). Choose the service to connect.</p>\n"
        body += """
            <form method="get" action="/link" role="search" class="search">
            <label for="q">Search connectors</label>
            <input id="q" name="q" type="search" value="\(escape(query))" data-filter="connector-list">
            <button type="submit">Search</button>
            </form>
            <nav aria-label="Categories"><ul class="categories">
            <li><a href="/link"\(category == nil ? " aria-current=\"page\"" : "")>All</a></li>

            """
        for name in categories {
            body += "<li><a href=\"/link?category=\(escape(name))\"\(category == name ? " aria-current=\"page\"" : "")>\(escape(categoryLabel(name)))</a></li>\n"
        }
        body += "</ul></nav>\n<ul id=\"connector-list\" class=\"connectors\">\n"
        for connector in shown {
            body += "<li data-name=\"\(escape(connector.displayName.lowercased()))\"><a href=\"/link/connectors/\(escape(connector.id))\">"
                + "\(escape(connector.displayName))</a> <span class=\"tags\">\(escape(connector.categories.map(categoryLabel).joined(separator: ", ")))</span></li>\n"
        }
        body += "</ul>\n"
        if shown.isEmpty { body += "<p>No connector matches.</p>\n" }
        body += "<p><a href=\"/link/accounts\">Your linked accounts</a></p>\n"
        return layout(title: "Link an account", body: body)
    }

    static func categoryLabel(_ id: String) -> String {
        ["hris": "HR", "ats": "Recruiting", "iam": "Identity", "crm": "CRM", "documents": "Documents", "ticketing": "Ticketing",
         "lms": "Learning", "marketing": "Marketing", "accounting": "Accounting", "screening": "Screening",
         "collaboration": "Collaboration"][id] ?? id
    }

    static func variantChoice(_ connector: ConnectorDescriptor) -> String {
        var body = "<p><a href=\"/link\">All connectors</a></p>\n<h1>Connect \(escape(connector.displayName))</h1>\n"
        body += "<p>How do you want to connect?</p>\n<ul class=\"variants\">\n"
        for variant in connector.authVariants {
            body += "<li><a href=\"/link/connectors/\(escape(connector.id))/\(escape(variant.id))\">\(escape(variant.label))</a></li>\n"
        }
        body += "</ul>\n"
        return layout(title: "Connect \(connector.displayName)", body: body)
    }

    /// The form of the person's fields with the connection guide beside it. `values` refill
    /// non-secret inputs after an error; `error` is shown inline under its field. `appHasClient`:
    /// the app's setup holds the OAuth client, so an `either` variant does not ask for it (and
    /// its guide leaves out the steps for the person's own client).
    static func form(
        connector: ConnectorDescriptor, variant: AuthVariantDescriptor, csrf: String, redirectURI: URL?,
        values: [String: String] = [:], error: (key: String, reason: String)? = nil, appHasClient: Bool = false
    ) -> String {
        let fields = variant.formFields(appHasClient: appHasClient)
        let action = "/link/connectors/\(escape(connector.id))/\(escape(variant.id))"
        var body = "<p><a href=\"/link/connectors/\(escape(connector.id))\">Back</a></p>\n"
        body += "<h1>Connect \(escape(connector.displayName))</h1>\n<p class=\"variant\">\(escape(variant.label))</p>\n"
        body += "<div class=\"columns\">\n<section aria-labelledby=\"form-title\">\n<h2 id=\"form-title\">Your details</h2>\n"
        if let error, !fields.contains(where: { $0.key == error.key }) {
            body += "<p class=\"error\" role=\"alert\">\(escape(error.reason))</p>\n"
        }
        body += "<form method=\"post\" action=\"\(action)\" novalidate data-link-form>\n"
        body += "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(csrf))\">\n"
        for field in fields {
            body += input(field, value: values[field.key], error: error?.key == field.key ? error?.reason : nil)
        }
        body += "<button type=\"submit\">Connect</button>\n</form>\n</section>\n"
        body += guide(
            variant.shownGuide(appHasClient: appHasClient), connector: connector,
            redirectURI: variant.usesAuthorizationCode ? redirectURI : nil)
        body += "</div>\n"
        return layout(title: "Connect \(connector.displayName)", body: body)
    }

    private static func input(_ field: FieldDescriptor, value: String?, error: String?) -> String {
        let id = "field-" + field.key
        let describedBy = [field.help != nil ? id + "-help" : nil, error != nil ? id + "-error" : nil].compactMap { $0 }
        var attributes = "id=\"\(escape(id))\" name=\"\(escape(field.key))\""
        if field.required && field.defaultValue == nil { attributes += " required aria-required=\"true\"" }
        if let placeholder = field.placeholder { attributes += " placeholder=\"\(escape(placeholder))\"" }
        if let pattern = field.pattern { attributes += " pattern=\"\(escape(pattern))\"" }
        if !describedBy.isEmpty { attributes += " aria-describedby=\"\(describedBy.joined(separator: " "))\"" }
        if error != nil { attributes += " aria-invalid=\"true\"" }
        var html = "<div class=\"field\">\n<label for=\"\(escape(id))\">\(escape(field.label))\(field.required ? "" : " (optional)")</label>\n"
        let shown = value ?? field.defaultValue ?? ""
        switch field.kind {
        case .secret:
            // Never rendered back: the person types it again after an error.
            html += "<input type=\"password\" \(attributes) value=\"\" autocomplete=\"new-password\" spellcheck=\"false\">\n"
        case .select:
            html += "<select \(attributes)>\n"
            for option in field.options {
                html += "<option value=\"\(escape(option.value))\"\(option.value == shown ? " selected" : "")>\(escape(option.label))</option>\n"
            }
            html += "</select>\n"
        case .boolean:
            html += "<input type=\"checkbox\" \(attributes) value=\"true\"\(shown == "true" ? " checked" : "")>\n"
        case .number:
            html += "<input type=\"number\" inputmode=\"numeric\" \(attributes) value=\"\(escape(shown))\">\n"
        case .url:
            html += "<input type=\"url\" \(attributes) value=\"\(escape(shown))\" spellcheck=\"false\">\n"
        case .email:
            html += "<input type=\"email\" \(attributes) value=\"\(escape(shown))\" spellcheck=\"false\">\n"
        case .text, .hostname:
            html += "<input type=\"text\" \(attributes) value=\"\(escape(shown))\" spellcheck=\"false\" autocapitalize=\"off\">\n"
        }
        if let help = field.help { html += "<p class=\"help\" id=\"\(escape(id))-help\">\(escape(help))</p>\n" }
        if let error { html += "<p class=\"error\" id=\"\(escape(id))-error\">\(escape(field.label)) \(escape(error))</p>\n" }
        return html + "</div>\n"
    }

    static func guide(_ guide: ConnectionGuide, connector: ConnectorDescriptor, redirectURI: URL?) -> String {
        var html = "<aside class=\"guide\" aria-labelledby=\"guide-title\">\n<h2 id=\"guide-title\">Connection guide</h2>\n"
        if !guide.requirements.isEmpty {
            html += "<h3>Requirements</h3>\n<ul>\n"
            for requirement in guide.requirements { html += "<li>\(escape(requirement.text))</li>\n" }
            html += "</ul>\n"
        }
        for warning in guide.warnings { html += "<p class=\"warning\"><strong>Note:</strong> \(escape(warning))</p>\n" }
        if let redirectURI {
            html += """
                <h3>Redirect URI</h3>
                <p>Register this redirect URI in \(escape(connector.displayName)):</p>
                <p class="copy"><code id="redirect-uri">\(escape(redirectURI.absoluteString))</code>
                <button type="button" data-copy="redirect-uri">Copy</button></p>

                """
        }
        for section in guide.sections {
            html += "<h3>\(escape(section.title))</h3>\n"
            if let intro = section.intro { html += "<p>\(escape(intro))</p>\n" }
            html += "<ol>\n"
            for step in section.steps {
                html += "<li><strong>\(escape(step.title))</strong>. \(escape(step.text))"
                if !step.list.isEmpty {
                    html += "\n<ul>\n" + step.list.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
                }
                html += "</li>\n"
            }
            html += "</ol>\n"
        }
        if !guide.scopes.isEmpty {
            html += "<h3>Scopes to enable</h3>\n<ul class=\"scopes\">\n"
            for scope in guide.scopes {
                html += "<li><code>\(escape(scope.name))</code>" + (scope.description.map { ": " + escape($0) } ?? "") + "</li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</aside>\n"
    }

    /// Shown in an embedded page while the person signs in at the provider in a popup; the
    /// script polls the attempt's status (it does not rely on the popup's `window.opener`).
    static func waiting(connector: ConnectorDescriptor, authorizeURL: URL, attemptID: String) -> String {
        let body = """
            <h1>Sign in to \(escape(connector.displayName))</h1>
            <p>Continue at \(escape(connector.displayName)) to allow access. This page updates when you are done.</p>
            <p><a class="button" href="\(escape(authorizeURL.absoluteString))" target="_blank" rel="noopener" data-popup>Continue to \(escape(connector.displayName))</a></p>
            <p id="status" role="status" data-poll="/link/attempts/\(escape(attemptID))/status">Waiting for \(escape(connector.displayName))…</p>
            """
        return layout(title: "Sign in to \(connector.displayName)", body: body)
    }

    static func success(connector: ConnectorDescriptor, account: HubAccount, parentOrigin: String?) -> String {
        let body = """
            <h1>\(escape(connector.displayName)) is connected</h1>
            <p role="status">Your \(escape(connector.displayName)) account is linked. You can close this window.</p>
            <p><a href="/link/accounts">Your linked accounts</a></p>
            """
        return layout(
            title: "\(connector.displayName) connected", body: body, parentOrigin: parentOrigin,
            event: "{\"type\":\"connector-hub:linked\",\"accountId\":\"\(account.id)\",\"connector\":\"\(connector.id)\"}")
    }

    static func failure(_ failure: LinkFailure, connector: ConnectorDescriptor?, scopes: [String], parentOrigin: String?) -> String {
        let name = connector?.displayName ?? "The provider"
        var body = "<h1>\(escape(failure.title))</h1>\n<div role=\"alert\">\n"
        for line in failure.advice(provider: name) { body += "<p>\(escape(line))</p>\n" }
        body += "</div>\n"
        if failure == .missingScopes, !scopes.isEmpty {
            // Each missing scope with the guide's description of it, where the spec has one.
            let catalog = connector?.authVariants.flatMap(\.guide.scopes) ?? []
            body += "<h2>Missing permissions</h2>\n<ul class=\"scopes\" id=\"missing-scopes\">\n"
            for scope in scopes {
                let description = catalog.first { $0.name == scope }?.description
                body += "<li><code>\(escape(scope))</code>" + (description.map { ": " + escape($0) } ?? "") + "</li>\n"
            }
            body += "</ul>\n"
        }
        if let connector { body += "<p><a href=\"/link/connectors/\(escape(connector.id))\">Try again</a></p>\n" }
        body += "<p><a href=\"/link\">All connectors</a></p>\n"
        return layout(
            title: failure.title, body: body, parentOrigin: parentOrigin,
            event: "{\"type\":\"connector-hub:failed\",\"reason\":\"\(failure.rawValue)\"}")
    }

    static func message(title: String, text: String) -> String {
        layout(title: title, body: "<h1>\(escape(title))</h1>\n<p>\(escape(text))</p>\n")
    }

    // MARK: Accounts pages

    static func sessionAccounts(_ accounts: [HubAccount], csrf: String) -> String {
        var body = "<p><a href=\"/link\">Link another account</a></p>\n<h1>Your linked accounts</h1>\n"
        body += accountsTable(accounts, csrf: csrf, actionPrefix: "/link/accounts", operator: false)
        return layout(title: "Your linked accounts", body: body)
    }

    static func operatorLogin(error: Bool, notice: String? = nil) -> String {
        var body = "<h1>Hub operators</h1>\n"
        if error { body += "<p class=\"error\" role=\"alert\">That app key is not valid.</p>\n" }
        if let notice { body += "<p role=\"status\">\(escape(notice))</p>\n" }
        body += """
            <form method="post" action="/admin/login">
            <div class="field"><label for="app-key">App API key</label>
            <input id="app-key" name="key" type="password" required autocomplete="current-password"></div>
            <button type="submit">Sign in</button>
            </form>
            """
        return layout(title: "Hub operators", body: body)
    }

    static func operatorAccounts(_ accounts: [HubAccount], csrf: String, linkURL: URL?) -> String {
        var body = """
            <form method="post" action="/admin/logout" class="sign-out">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <button type="submit">Sign out</button>
            </form>
            <h1>Linked accounts</h1>
            <form method="post" action="/admin/link-sessions" class="inline">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <div class="field"><label for="end-user-id">End user id</label><input id="end-user-id" name="endUserId" required></div>
            <div class="field"><label for="end-user-name">End user name</label><input id="end-user-name" name="endUserName" required></div>
            <button type="submit">Link account</button>
            </form>

            """
        if let linkURL {
            body += "<p role=\"status\">Link URL (single use, send it or open it): <a href=\"\(escape(linkURL.absoluteString))\">\(escape(linkURL.absoluteString))</a></p>\n"
        }
        body += accountsTable(accounts, csrf: csrf, actionPrefix: "/admin/accounts", operator: true)
        return layout(title: "Linked accounts", body: body)
    }

    private static func accountsTable(_ accounts: [HubAccount], csrf: String, actionPrefix: String, operator isOperator: Bool) -> String {
        guard !accounts.isEmpty else { return "<p>No linked accounts yet.</p>\n" }
        let formatter = ISO8601DateFormatter()
        var html = "<table>\n<caption>Linked accounts</caption>\n<thead><tr><th scope=\"col\">Connector</th><th scope=\"col\">Method</th>"
        if isOperator { html += "<th scope=\"col\">End user</th>" }
        html += "<th scope=\"col\">Status</th><th scope=\"col\">Last refresh</th><th scope=\"col\">Linked at</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n"
        for account in accounts {
            let connector = ConnectorLookup.name(account.connectorID)
            html += "<tr><td>\(escape(connector))</td><td>\(escape(account.variantID))</td>"
            if isOperator { html += "<td>\(escape(account.endUserName)) (\(escape(account.endUserID)))</td>" }
            html += "<td>\(escape(statusLabel(account.status)))</td>"
            html += "<td>\(account.lastRefreshAt.map { formatter.string(from: $0) } ?? "–")</td><td>\(formatter.string(from: account.linkedAt))</td><td>"
            html += """
                <form method="post" action="\(actionPrefix)/\(escape(account.id))/reconnect" class="inline">\
                <input type="hidden" name="csrf" value="\(escape(csrf))">\
                <button type="submit">Reconnect<span class="visually-hidden"> \(escape(connector))</span></button></form> \
                <form method="post" action="\(actionPrefix)/\(escape(account.id))/remove" class="inline">\
                <input type="hidden" name="csrf" value="\(escape(csrf))">\
                <button type="submit">Remove<span class="visually-hidden"> \(escape(connector))</span></button></form>
                """
            html += "</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func statusLabel(_ status: String) -> String {
        switch status {
        case "active": "Active"
        case "reconnect_required": "Reconnect required"
        case "disconnected": "Disconnected"
        default: status
        }
    }
}

enum ConnectorLookup {
    static func name(_ id: String) -> String {
        ConnectorCatalog.connector(id: id)?.displayName ?? id
    }
}
