import ConnectorRuntime
import Foundation

// The Link Account pages: the picker, the variant choice, the form with its guide, the popup
// wait, and the results.
extension Pages {
    // MARK: Choose

    static func picker(
        connectors: [ConnectorDescriptor], session: LinkSession, query: String, category: String?, linked: Set<String> = []
    ) -> String {
        let categories = Array(Set(connectors.flatMap(\.categories))).sorted()
        let needle = query.lowercased().trimmingCharacters(in: .whitespaces)
        let shown = connectors.filter { connector in
            (needle.isEmpty || searchText(connector).contains(needle)) && (category == nil || connector.categories.contains(category!))
        }
        var body = steps(.choose)
        body += "<h1>Link an account</h1>\n<p>Hello \(escape(session.endUserName)). Choose the service to connect.</p>\n"
        body += """
            <form method="get" action="/link" role="search" class="search">
            <label for="q">Search connectors</label>
            <input id="q" name="q" type="search" value="\(escape(query))" data-filter="connector-list">
            \(category.map { "<input type=\"hidden\" name=\"category\" value=\"\(escape($0))\">" } ?? "")
            <button type="submit">Search</button>
            </form>
            <nav aria-label="Categories"><ul class="categories">
            <li><a href="/link"\(category == nil ? " aria-current=\"page\"" : "")>All</a></li>

            """
        for name in categories {
            body += "<li><a href=\"/link?category=\(escape(name))\"\(category == name ? " aria-current=\"page\"" : "")>\(escape(categoryLabel(name)))</a></li>\n"
        }
        body += "</ul></nav>\n"
        body += "<p id=\"connector-count\" class=\"count\" role=\"status\">\(shown.count) \(shown.count == 1 ? "connector" : "connectors")</p>\n"
        body += "<ul id=\"connector-list\" class=\"tiles\">\n"
        for connector in shown {
            body += "<li data-name=\"\(escape(searchText(connector)))\"><a class=\"tile\" href=\"/link/connectors/\(escape(connector.id))\">"
            body += monogram(connector)
            body += "<span class=\"tile-text\"><span class=\"tile-name\">\(escape(connector.displayName))</span>"
            body += "<span class=\"tags\">\(escape(connector.categories.map(categoryLabel).joined(separator: ", ")))</span></span>"
            if linked.contains(connector.id) { body += "<span class=\"badge success\">Linked</span>" }
            body += "</a></li>\n"
        }
        body += "</ul>\n"
        body += "<p id=\"connector-none\" class=\"empty\"\(shown.isEmpty ? "" : " hidden")>No connector matches. Try another name, or <a href=\"/link\">show all</a>.</p>\n"
        body += "<p class=\"footer-link\"><a href=\"/link/accounts\">Your linked accounts</a></p>\n"
        return layout(title: "Link an account", body: body, wide: true)
    }

    /// What the search matches: name, id and category names.
    static func searchText(_ connector: ConnectorDescriptor) -> String {
        ([connector.displayName, connector.id] + connector.categories.map(categoryLabel)).joined(separator: " ").lowercased()
    }

    static func categoryLabel(_ id: String) -> String {
        ["hris": "HR", "ats": "Recruiting", "iam": "Identity", "crm": "CRM", "documents": "Documents", "ticketing": "Ticketing",
         "lms": "Learning", "marketing": "Marketing", "accounting": "Accounting", "screening": "Screening",
         "collaboration": "Collaboration"][id] ?? id
    }

    /// A sentence on what connecting with a variant asks of the person.
    static func variantSummary(_ variant: AuthVariantDescriptor, connector: ConnectorDescriptor) -> String {
        switch variant.type {
        case "oauth2AuthorizationCode": "Sign in at \(connector.displayName) and allow access."
        case "oauth2ClientCredentials": "Enter a client ID and secret from \(connector.displayName)."
        case "oauth2RefreshToken": "Enter a refresh token generated in \(connector.displayName)."
        case "apiKey": "Enter an API key from \(connector.displayName)."
        case "basic": "Enter a username and password or key."
        case "serviceUser": "Enter the ID and token of a service user."
        case "bearerToken": "Enter an access token from \(connector.displayName)."
        default: "Enter the details \(connector.displayName) gives you."
        }
    }

    static func variantChoice(_ connector: ConnectorDescriptor) -> String {
        var body = steps(.choose)
        body += "<p class=\"back\"><a href=\"/link\">All connectors</a></p>\n"
        body += "<div class=\"title\">\(monogram(connector, large: true))<h1>Connect \(escape(connector.displayName))</h1></div>\n"
        body += "<p>How do you want to connect?</p>\n<ul class=\"tiles variants\">\n"
        for variant in connector.authVariants {
            body += "<li><a class=\"tile\" href=\"/link/connectors/\(escape(connector.id))/\(escape(variant.id))\">"
            body += "<span class=\"tile-text\"><span class=\"tile-name\">\(escape(variant.label))</span>"
            body += "<span class=\"tags\">\(escape(variantSummary(variant, connector: connector)))</span></span></a></li>\n"
        }
        body += "</ul>\n"
        body += availableData(connector)
        return layout(title: "Connect \(connector.displayName)", body: body)
    }

    /// What a linked account gives the app: the spec's available data and its resources (names
    /// and descriptions from the compiled descriptor).
    static func availableData(_ connector: ConnectorDescriptor) -> String {
        guard !connector.availableData.isEmpty || !connector.resources.isEmpty else { return "" }
        var html = "<section class=\"card data\" aria-labelledby=\"data-title\">\n<h2 id=\"data-title\">Available data</h2>\n"
        if !connector.availableData.isEmpty {
            html += "<p>Linking \(escape(connector.displayName)) gives the app: " + connector.availableData.map(escape).joined(separator: ", ") + ".</p>\n"
        }
        if !connector.resources.isEmpty {
            html += "<dl class=\"resources\" id=\"resources\">\n"
            for resource in connector.resources {
                html += "<dt>\(escape(resourceTitle(resource.name)))</dt><dd>\(escape(resource.description ?? "Listed from \(connector.displayName)'s API."))</dd>\n"
            }
            html += "</dl>\n"
        }
        return html + "</section>\n"
    }

    /// `timeOff` -> `Time off`, `users` -> `Users`.
    static func resourceTitle(_ name: String) -> String {
        var words: [String] = []
        var current = ""
        for character in name {
            if character == "_" || character == "-" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, !current.isEmpty {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        let text = words.map { $0.lowercased() }.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    // MARK: Connect

    /// What the form page shows besides the variant: the person's values and the errors after a
    /// post, the accounts of this connector already linked, the account a reconnect replaces.
    struct FormState {
        var connector: ConnectorDescriptor
        var variant: AuthVariantDescriptor
        var csrf: String
        var redirectURI: URL?
        /// Non-secret values to show again (secrets are never rendered back).
        var values: [String: String] = [:]
        /// Every field error at once, in the form's order.
        var errors: [(key: String, reason: String)] = []
        /// The provider refused the values (with scopes for missing scopes).
        var failure: (LinkFailure, [String])?
        /// Whether the connector offers a choice of variants (Back goes there, else to the picker).
        var hasVariantChoice = false
        /// This person's accounts of the connector (linking again adds another).
        var existing: [HubAccount] = []
        var reconnecting: HubAccount?
        /// The app's setup holds the OAuth client: an `either` variant then asks the person for
        /// none (and its guide leaves out the steps for the person's own client).
        var appHasClient = false
        /// The values posted name an account already linked (this label): Connect again adds it
        /// anyway.
        var duplicateLabel: String?
    }

    /// The form of the person's fields with the connection guide beside it.
    static func form(_ state: FormState, parentOrigin: String? = nil) -> String {
        let connector = state.connector
        let variant = state.variant
        let personFields = variant.formFields(appHasClient: state.appHasClient)
        let action = "/link/connectors/\(escape(connector.id))/\(escape(variant.id))"
        var body = steps(.connect)
        body += state.hasVariantChoice
            ? "<p class=\"back\"><a href=\"/link/connectors/\(escape(connector.id))\">Other ways to connect \(escape(connector.displayName))</a></p>\n"
            : "<p class=\"back\"><a href=\"/link\">All connectors</a></p>\n"
        body += "<div class=\"title\">\(monogram(connector, large: true))<div><h1>Connect \(escape(connector.displayName))</h1>"
        body += "<p class=\"variant\">\(escape(variant.label))</p></div></div>\n"
        if let (failure, scopes) = state.failure {
            body += "<div class=\"notice failure\" role=\"alert\" id=\"form-failure\"><h2>\(escape(failure.title))</h2>\n"
            for line in failure.advice(provider: connector.displayName) { body += "<p>\(escape(line))</p>\n" }
            if !scopes.isEmpty { body += "<p>Missing: " + scopes.map { "<code>\(escape($0))</code>" }.joined(separator: ", ") + "</p>\n" }
            body += "</div>\n"
        }
        let fieldErrors = state.errors.filter { error in personFields.contains { $0.key == error.key } }
        let otherErrors = state.errors.filter { error in !personFields.contains { $0.key == error.key } }
        if !state.errors.isEmpty {
            body += "<div class=\"notice failure\" role=\"alert\" id=\"error-summary\"><h2>\(state.errors.count == 1 ? "Fix this to continue" : "Fix these \(state.errors.count) fields to continue")</h2>\n<ul>\n"
            for error in fieldErrors {
                let label = personFields.first { $0.key == error.key }?.label ?? error.key
                body += "<li><a href=\"#field-\(escape(error.key))\">\(escape(label)) \(escape(error.reason))</a></li>\n"
            }
            for error in otherErrors { body += "<li>\(escape(error.reason))</li>\n" }
            body += "</ul></div>\n"
        }
        if let label = state.duplicateLabel {
            body += "<div class=\"notice warning\" role=\"alert\" id=\"duplicate\"><h2>\(escape(connector.displayName)) (\(escape(label))) is already linked</h2>"
            body += "<p>These credentials work, but nothing was linked: you already have this account. Connect again only to add a second, separate copy of it; to update the one you have, use Reconnect on <a href=\"/link/accounts\">your linked accounts</a>.</p></div>\n"
        } else if let reconnecting = state.reconnecting {
            body += "<p class=\"notice info\">You are reconnecting \(escape(accountName(reconnecting))). Its earlier credentials keep working until the new ones pass.</p>\n"
        } else if !state.existing.isEmpty {
            body += "<div class=\"notice warning\" id=\"already-linked\"><p><strong>Already linked:</strong> "
            body += state.existing.map { escape(accountName($0)) + " (linked " + time($0.linkedAt) + ")" }.joined(separator: "; ")
            body += ".</p><p>Connecting again adds another \(escape(connector.displayName)) account. To fix one that stopped working, use Reconnect on <a href=\"/link/accounts\">your linked accounts</a> instead.</p></div>\n"
        }
        let secrets = personFields.filter { $0.kind == .secret }
        if state.failure != nil || !state.errors.isEmpty || state.duplicateLabel != nil, !secrets.isEmpty {
            body += "<p class=\"notice info\" id=\"secrets-cleared\">Your other values are kept. For your security, "
                + secrets.map { escape($0.label) }.joined(separator: ", ") + " \(secrets.count == 1 ? "was" : "were") cleared: type \(secrets.count == 1 ? "it" : "them") again.</p>\n"
        }
        body += "<div class=\"columns\">\n<section class=\"card\" aria-labelledby=\"form-title\">\n<h2 id=\"form-title\">Your details</h2>\n"
        body += "<form method=\"post\" action=\"\(action)\" novalidate data-link-form>\n"
        body += "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(state.csrf))\">\n"
        if state.duplicateLabel != nil { body += "<input type=\"hidden\" name=\"duplicate\" value=\"1\">\n" }
        if personFields.isEmpty {
            body += "<p>Nothing to fill in: Connect takes you to \(escape(connector.displayName)) to sign in and allow access.</p>\n"
        }
        for field in personFields {
            body += input(field, value: state.values[field.key], error: fieldErrors.first { $0.key == field.key }?.reason)
        }
        body += "<button type=\"submit\">Connect</button>\n</form>\n</section>\n"
        body += "<div class=\"side\">\n" + availableData(connector)
        body += guide(
            variant.shownGuide(appHasClient: state.appHasClient), connector: connector,
            redirectURI: variant.usesAuthorizationCode ? state.redirectURI : nil)
        body += "</div>\n</div>\n"
        let event = state.failure.map { "{\"type\":\"connector-hub:failed\",\"reason\":\"\($0.0.rawValue)\"}" }
        return layout(title: "Connect \(connector.displayName)", body: body, parentOrigin: event == nil ? nil : parentOrigin, event: event, wide: true)
    }

    /// An account as a person tells it apart: its label, else the connector's name.
    static func accountName(_ account: HubAccount) -> String {
        let connector = ConnectorLookup.name(account.connectorID)
        return account.label.map { "\(connector) (\($0))" } ?? connector
    }

    private static func input(_ field: FieldDescriptor, value: String?, error: String?) -> String {
        let id = "field-" + field.key
        let secretNote = field.kind == .secret && error == nil && value == nil ? nil : (field.kind == .secret ? id + "-again" : nil)
        let describedBy = [field.help != nil ? id + "-help" : nil, error != nil ? id + "-error" : nil, secretNote].compactMap { $0 }
        var attributes = "id=\"\(escape(id))\" name=\"\(escape(field.key))\""
        if field.required && field.defaultValue == nil { attributes += " required aria-required=\"true\"" }
        if let placeholder = field.placeholder { attributes += " placeholder=\"\(escape(placeholder))\"" }
        if let pattern = field.pattern { attributes += " pattern=\"\(escape(pattern))\"" }
        if !describedBy.isEmpty { attributes += " aria-describedby=\"\(describedBy.joined(separator: " "))\"" }
        if error != nil { attributes += " aria-invalid=\"true\"" }
        var html = "<div class=\"field\(error != nil ? " invalid" : "")\">\n<label for=\"\(escape(id))\">\(escape(field.label))\(field.required ? "" : " (optional)")</label>\n"
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
        if let secretNote { html += "<p class=\"help\" id=\"\(escape(secretNote))\">Type it again: secrets are never shown back.</p>\n" }
        if let error { html += "<p class=\"error\" id=\"\(escape(id))-error\">\(escape(field.label)) \(escape(error))</p>\n" }
        return html + "</div>\n"
    }

    static func guide(_ guide: ConnectionGuide, connector: ConnectorDescriptor, redirectURI: URL?) -> String {
        var html = "<aside class=\"guide card\" aria-labelledby=\"guide-title\">\n<h2 id=\"guide-title\">Connection guide</h2>\n"
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
                <button type="button" class="secondary" data-copy="redirect-uri">Copy</button></p>

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
    /// script polls the attempt's status (it does not rely on the popup's `window.opener`) and
    /// offers to open the popup again when it sees it closed before the attempt ended.
    static func waiting(connector: ConnectorDescriptor, authorizeURL: URL, attemptID: String) -> String {
        let name = escape(connector.displayName)
        let body = steps(.connect) + """
            <div class="title">\(monogram(connector, large: true))<h1>Sign in to \(name)</h1></div>
            <p>Continue at \(name) to allow access. This page updates when you are done.</p>
            <p><a class="button" href="\(escape(authorizeURL.absoluteString))" target="_blank" rel="noopener" data-popup>Continue to \(name)</a></p>
            <p id="status" class="pending" role="status" data-poll="/link/attempts/\(escape(attemptID))/status">Waiting for \(name)…</p>
            <div id="popup-closed" class="notice warning" hidden><p>The sign-in window closed before \(name) finished. If you closed it, open it again with Continue to \(name); if you are still signing in there, this page carries on by itself.</p></div>
            """
        return layout(title: "Sign in to \(connector.displayName)", body: body)
    }

    // MARK: Done

    /// `again`: the same sign-in came back (back or reload) after it linked the account.
    static func success(connector: ConnectorDescriptor, account: HubAccount, parentOrigin: String?, again: Bool = false) -> String {
        let name = escape(connector.displayName)
        var body = steps(.done)
        body += "<section class=\"result success\">\n<span class=\"result-icon\" aria-hidden=\"true\"></span>\n"
        body += "<h1>\(name) is connected</h1>\n"
        body += again
            ? "<p role=\"status\">This sign-in already finished: your \(name) account is linked. Nothing else to do; you can close this window.</p>\n"
            : "<p role=\"status\">Your \(name) account is linked. You can close this window.</p>\n"
        if let label = account.label { body += "<p class=\"account-label\">Account: <strong>\(escape(label))</strong></p>\n" }
        body += "<p class=\"actions\"><a class=\"button\" href=\"/link/accounts\">Your linked accounts</a> <a class=\"button secondary\" href=\"/link\">Link another account</a></p>\n"
        body += "</section>\n"
        return layout(
            title: "\(connector.displayName) connected", body: body, parentOrigin: parentOrigin,
            event: parentOrigin == nil ? nil : "{\"type\":\"connector-hub:linked\",\"accountId\":\"\(account.id)\",\"connector\":\"\(connector.id)\"}")
    }

    /// `variantID`: the sign-in method that failed; "Try again" goes back to its form (not to the
    /// connector's choice of methods, which would ask the person again what they already chose).
    static func failure(
        _ failure: LinkFailure, connector: ConnectorDescriptor?, variantID: String? = nil, scopes: [String], parentOrigin: String?
    ) -> String {
        let name = connector?.displayName ?? "The provider"
        var body = steps(.connect)
        body += "<section class=\"result failure\">\n<span class=\"result-icon\" aria-hidden=\"true\"></span>\n"
        body += "<h1>\(escape(failure.title))</h1>\n<div role=\"alert\">\n"
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
        body += "<p class=\"actions\">"
        if let connector, failure != .misconfigured {
            let retry = "/link/connectors/" + connector.id + (variantID.map { "/" + $0 } ?? "")
            body += "<a class=\"button\" href=\"\(escape(retry))\">Try again</a> "
        }
        body += "<a class=\"button secondary\" href=\"/link\">All connectors</a></p>\n</section>\n"
        return layout(
            title: failure.title, body: body, parentOrigin: parentOrigin,
            event: "{\"type\":\"connector-hub:failed\",\"reason\":\"\(failure.rawValue)\"}")
    }

    /// The link was opened but its cookie did not come back (a frame whose cookies the browser
    /// blocks): the link is still unused and works in a tab of its own.
    static func cookieBlocked(startPath: String) -> String {
        let body = """
            <section class="result warning">
            <span class="result-icon" aria-hidden="true"></span>
            <h1>Open this link in a new tab</h1>
            <p>Your browser did not keep this page's cookie, which happens when it is shown inside another site. The link has not been used: open it in a tab of its own to continue.</p>
            <p class="actions"><a class="button" href="\(escape(startPath))" target="_blank" rel="noopener">Open in a new tab</a></p>
            </section>
            """
        return layout(title: "Open this link in a new tab", body: body)
    }
}
