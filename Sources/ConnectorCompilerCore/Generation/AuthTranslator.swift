// The `auth` builder of a variant: the auth scheme the runtime executes, built from the typed
// fields and written inline in `configuration` (see Inlining.swift). Credentials stay `Secret`
// from the field to the scheme.

struct AuthTranslator {
    var variant: AuthVariant
    var variantPointer: JSONPointer
    var docs: DocMaker
    var scopeCases: [ScopeCase]

    var hasScopeEnum: Bool { !scopeCases.isEmpty }
    var fieldsParameter: SwiftParameter { SwiftParameter(label: nil, name: "fields", type: "Fields") }

    /// The builder of `auth`, with every builder it uses inline in its body.
    func makeAuth(_ builders: inout BuilderSet) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        let pointer = variantPointer
        switch variant.kind {
        case .apiKey(let settings):
            let key = try builders.value(
                settings.value, slot: .secret, name: "makeAPIKey", local: "key", doc: "The API key as sent.", into: &body)
            switch settings.placement {
            case .header(let name, let prefix):
                var value = key
                if !prefix.isEmpty {
                    body.append(.line("var prefixed: Swift.String = " + SwiftStringLiteral.make(prefix)))
                    body.append(.line("prefixed += " + key + ".reveal()"))
                    value = "ConnectorRuntime.Secret(prefixed)"
                }
                body.append(
                    .line(
                        "let field: ConnectorRuntime.SecretHTTPField = ConnectorRuntime.SecretHTTPField(name: "
                            + SwiftStringLiteral.make(name) + ", value: " + value + ")"))
                body.append(.line("return ConnectorRuntime.AuthScheme.apiKeyHeader(field)"))
            case .query(let name):
                body.append(
                    .line("return ConnectorRuntime.AuthScheme.apiKeyQuery(name: " + SwiftStringLiteral.make(name) + ", value: " + key + ")"))
            case .basicUsername(let password):
                let secret = try builders.value(
                    password, slot: .secret, name: "makePassword", local: "password", doc: "The Basic password sent with the key.",
                    into: &body)
                body.append(.line("return ConnectorRuntime.AuthScheme.basic(username: " + key + ", password: " + secret + ")"))
            }
        case .basic(let settings):
            try basic(settings, builders: &builders, into: &body)
        case .serviceUser(.basic(let settings)):
            try basic(settings, builders: &builders, into: &body)
        case .serviceUser(.headers(let headers)):
            body.append(.line("var credentialHeaders: [ConnectorRuntime.SecretHTTPField] = []"))
            for (position, header) in headers.enumerated() {
                let value = try builders.value(
                    header.value, slot: .secret, name: "makeCredentialHeader" + String(position),
                    local: "credentialValue" + String(position), doc: "The credential header " + header.name + ".", into: &body)
                body.append(
                    .line(
                        "credentialHeaders.append(ConnectorRuntime.SecretHTTPField(name: " + SwiftStringLiteral.make(header.name)
                            + ", value: " + value + "))"))
            }
            body.append(.line("return ConnectorRuntime.AuthScheme.headers(credentialHeaders)"))
        case .bearerToken(let settings):
            let token = try builders.value(
                settings.token, slot: .secret, name: "makeToken", local: "token", doc: "The bearer token.", into: &body)
            body.append(.line("return ConnectorRuntime.AuthScheme.bearer(" + token + ")"))
        case .oauth2AuthorizationCode(let settings):
            try authorizationCode(settings, builders: &builders, into: &body)
        case .oauth2ClientCredentials(let settings):
            body += try Inliner.inline(try endpointFunction(settings.common, builders: &builders), as: "endpoint")
            let grant = settings.grantType == "client_credentials" ? "" : ", grantType: " + SwiftStringLiteral.make(settings.grantType)
            body.append(.line("let settings: ConnectorRuntime.ClientCredentialsConfiguration = ConnectorRuntime.ClientCredentialsConfiguration(endpoint: endpoint" + grant + ")"))
            body.append(.line("return ConnectorRuntime.AuthScheme.clientCredentials(settings)"))
        case .oauth2RefreshToken(let settings):
            try refreshToken(settings, builders: &builders, into: &body)
        }
        var parameters = [fieldsParameter]
        if hasScopeEnum { parameters.append(SwiftParameter(label: "scopes", name: "scopes", type: "[Scope]")) }
        return SwiftFunction(
            doc: docs.doc(["How requests are authenticated (" + variant.kind.typeName + ")."], pointer: pointer),
            name: "makeAuth", parameters: parameters, throwsClause: SwiftNames.throwsClause,
            returnType: "ConnectorRuntime.AuthScheme", body: body)
    }

    func authorizationCode(
        _ settings: OAuth2AuthorizationCode, builders: inout BuilderSet, into body: inout [SwiftStatement]
    ) throws(GenerationError) {
        let pointer = variantPointer
        body += try Inliner.inline(try endpointFunction(settings.common, builders: &builders), as: "endpoint")
        body += try Inliner.inline(
            try urlBuilder("makeAuthorizeURL", settings.authorizeURL, doc: "The authorization endpoint.", builders), as: "authorizeURL")
        let refresh = try optionalURL(settings.refreshURL, name: "makeRefreshURL", local: "refreshURL", doc: "The refresh endpoint.", builders: &builders, into: &body)
        let authorize = try parameters(settings.authorizeParams, name: "makeAuthorizeParameters", doc: "Extra query parameters of the authorize request.", pointer: pointer + "/authorizeParams", builders: &builders)
        let refreshParameters = try parameters(settings.refreshParams, name: "makeRefreshParameters", doc: "Extra form parameters of refresh requests.", pointer: pointer + "/refreshParams", builders: &builders)
        body += try Inliner.inline(authorize, as: "authorizeParameters")
        body += try Inliner.inline(refreshParameters, as: "refreshParameters")
        body += [
            .line("let settings: ConnectorRuntime.AuthorizationCodeConfiguration = ConnectorRuntime.AuthorizationCodeConfiguration("),
            .line("    endpoint: endpoint,"),
            .line("    authorizeURL: authorizeURL,"),
            .line("    refreshURL: " + refresh + ","),
            .line("    pkce: ConnectorRuntime.PKCEPolicy." + settings.pkce.rawValue + ","),
            .line("    authorizeParameters: authorizeParameters,"),
            .line("    refreshParameters: refreshParameters,"),
            .line("    rotatesRefreshToken: " + (settings.rotatesRefreshToken ? "true" : "false")),
            .line(")"),
            .line("return ConnectorRuntime.AuthScheme.authorizationCode(settings)"),
        ]
    }

    func refreshToken(
        _ settings: OAuth2RefreshToken, builders: inout BuilderSet, into body: inout [SwiftStatement]
    ) throws(GenerationError) {
        let pointer = variantPointer
        body += try Inliner.inline(try endpointFunction(settings.common, builders: &builders), as: "endpoint")
        let token = try builders.value(
            settings.refreshToken, slot: .secret, name: "makeRefreshToken", local: "refreshToken", doc: "The long-lived refresh token.", into: &body)
        let refreshParameters = try parameters(settings.refreshParams, name: "makeRefreshParameters", doc: "Extra form parameters of refresh requests.", pointer: pointer + "/refreshParams", builders: &builders)
        body += try Inliner.inline(refreshParameters, as: "refreshParameters")
        body += [
            .line("let settings: ConnectorRuntime.RefreshTokenConfiguration = ConnectorRuntime.RefreshTokenConfiguration("),
            .line("    endpoint: endpoint,"),
            .line("    refreshToken: " + token + ","),
            .line("    refreshParameters: refreshParameters,"),
            .line("    rotatesRefreshToken: " + (settings.rotatesRefreshToken ? "true" : "false")),
            .line(")"),
            .line("return ConnectorRuntime.AuthScheme.refreshToken(settings)"),
        ]
    }

    func basic(_ settings: BasicAuth, builders: inout BuilderSet, into body: inout [SwiftStatement]) throws(GenerationError) {
        let username = try builders.value(
            settings.username, slot: .secret, name: "makeUsername", local: "username", doc: "The Basic username.", into: &body)
        let password = try builders.value(
            settings.password, slot: .secret, name: "makePassword", local: "password", doc: "The Basic password.", into: &body)
        body.append(.line("return ConnectorRuntime.AuthScheme.basic(username: " + username + ", password: " + password + ")"))
    }

    func urlBuilder(_ name: String, _ template: Template, doc: String, _ builders: BuilderSet) throws(GenerationError) -> SwiftFunction {
        let body = try builders.templates.body(for: template, slot: .url)
        return SwiftFunction(
            doc: docs.doc([doc], pointer: template.pointer), name: name, parameters: [fieldsParameter],
            throwsClause: SwiftNames.throwsClause, returnType: SwiftNames.url, body: body)
    }

    /// Binds `local` to the URL or `nil`; returns the expression to use.
    func optionalURL(
        _ template: Template?, name: String, local: String, doc: String, builders: inout BuilderSet,
        into body: inout [SwiftStatement]
    ) throws(GenerationError) -> String {
        guard let template else { return "nil" }
        body += try Inliner.inline(try urlBuilder(name, template, doc: doc, builders), as: local)
        return local
    }

    /// The builder of `endpoint`: token and revocation URLs, client, scopes and extra parameters.
    func endpointFunction(_ common: OAuth2Common, builders: inout BuilderSet) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        body += try Inliner.inline(try urlBuilder("makeTokenURL", common.tokenURL, doc: "The token endpoint.", builders), as: "tokenURL")
        let revoke = try optionalURL(common.revokeURL, name: "makeRevokeURL", local: "revokeURL", doc: "The revocation endpoint (RFC 7009).", builders: &builders, into: &body)
        let clientID = try builders.value(
            common.clientId, slot: .text, name: "makeClientID", local: "clientID", doc: "The OAuth client id.", into: &body)
        var clientSecret = "nil"
        if let secretTemplate = common.clientSecret {
            clientSecret = try builders.value(
                secretTemplate, slot: .secret, name: "makeClientSecret", local: "clientSecret", doc: "The OAuth client secret.", into: &body)
        }
        body.append(
            .line(
                "let client: ConnectorRuntime.OAuthClient = ConnectorRuntime.OAuthClient(id: " + clientID + ", secret: "
                    + clientSecret + ", authentication: ConnectorRuntime.ClientAuthentication." + clientAuthCase(common.clientAuth) + ")"))
        body += try Inliner.inline(scopeConfiguration(common.scopes), as: "scopeConfiguration")
        body += try Inliner.inline(
            try parameters(
                common.tokenParams, name: "makeTokenParameters", doc: "Extra form parameters of every token request.",
                pointer: variantPointer + "/tokenParams", builders: &builders),
            as: "tokenParameters")
        let expires = common.defaultExpiresIn.map { String($0) } ?? "nil"
        body.append(.line("let defaultExpiresIn: Swift.Int? = " + expires))
        var extra: [String] = []
        if !common.tokenHeaders.isEmpty {
            body.append(.line("var tokenRequestHeaders: [ConnectorRuntime.HTTPField] = []"))
            for (position, header) in common.tokenHeaders.enumerated() {
                let value = try builders.value(
                    header.value, slot: .text, name: "makeTokenRequestHeader" + String(position),
                    local: "tokenRequestHeaderValue" + String(position),
                    doc: "The value of token request header " + header.name + ".", into: &body)
                body.append(
                    .line(
                        "tokenRequestHeaders.append(ConnectorRuntime.HTTPField(name: " + SwiftStringLiteral.make(header.name)
                            + ", value: " + value + "))"))
            }
            extra.append("headers: tokenRequestHeaders")
        }
        if common.tokenRequestEncoding != .form {
            extra.append("encoding: ConnectorRuntime.TokenRequestEncoding." + common.tokenRequestEncoding.rawValue)
        }
        body += [
            .line("return ConnectorRuntime.TokenEndpoint("),
            .line("    tokenURL: tokenURL,"),
            .line("    revokeURL: " + revoke + ","),
            .line("    client: client,"),
            .line("    scopes: scopeConfiguration,"),
            .line("    tokenParameters: tokenParameters,"),
            .line("    defaultExpiresIn: defaultExpiresIn" + (extra.isEmpty ? "" : ",")),
        ]
        for (position, argument) in extra.enumerated() {
            body.append(.line("    " + argument + (position == extra.count - 1 ? "" : ",")))
        }
        body.append(.line(")"))
        var parameters = [fieldsParameter]
        if hasScopeEnum { parameters.append(SwiftParameter(label: "scopes", name: "scopes", type: "[Scope]")) }
        return SwiftFunction(
            doc: docs.doc(["Token-endpoint settings: URLs, client, scopes and extra parameters."], pointer: variantPointer + "/tokenURL"),
            name: "makeTokenEndpoint", parameters: parameters, throwsClause: SwiftNames.throwsClause,
            returnType: "ConnectorRuntime.TokenEndpoint", body: body)
    }

    func clientAuthCase(_ method: ClientAuthMethod) -> String {
        switch method {
        case .clientSecretBasic: "clientSecretBasic"
        case .clientSecretPost: "clientSecretPost"
        case .smartsheetHash: "smartsheetHash"
        case .none: "none"
        }
    }

    func scopeConfiguration(_ scopes: Scopes?) -> SwiftFunction {
        var body: [SwiftStatement] = []
        var parameters: [SwiftParameter] = []
        let separator = SwiftStringLiteral.make(scopes?.separator ?? " ")
        let send = (scopes?.sendInRequest ?? true) ? "true" : "false"
        if hasScopeEnum {
            parameters.append(SwiftParameter(label: nil, name: "scopes", type: "[Scope]"))
            body.append(.line("var requested: [Swift.String] = []"))
            body.append(.block(opening: "for scope: Scope in scopes {", body: [.line("requested.append(scope.rawValue)")]))
            let required = scopes?.required ?? []
            if required.isEmpty {
                body.append(.line("let required: [Swift.String] = []"))
            } else {
                body.append(.line("var required: [Swift.String] = []"))
                for name in required {
                    let caseName = scopeCases.first { $0.rawValue == name }?.caseName ?? ""
                    body.append(.line("required.append(Scope." + caseName + ".rawValue)"))
                }
            }
            body.append(
                .line(
                    "return ConnectorRuntime.ScopeConfiguration(separator: " + separator
                        + ", requested: requested, required: required, sendInRequest: " + send + ")"))
        } else {
            body.append(
                .line(
                    "return ConnectorRuntime.ScopeConfiguration(separator: " + separator
                        + ", requested: [], required: [], sendInRequest: " + send + ")"))
        }
        return SwiftFunction(
            doc: docs.doc(["The scopes to request and the scopes a grant must include."], pointer: scopes?.pointer ?? variantPointer),
            name: "makeScopeConfiguration", parameters: parameters, returnType: "ConnectorRuntime.ScopeConfiguration", body: body)
    }

    /// A function returning the extra OAuth parameters; `{{redirectURI}}` alone becomes
    /// `ParameterValue.redirectURI`.
    func parameters(
        _ list: [NamedTemplate], name: String, doc: String, pointer: JSONPointer, builders: inout BuilderSet
    ) throws(GenerationError) -> SwiftFunction {
        var body: [SwiftStatement] = []
        if list.isEmpty {
            body.append(.line("return []"))
        } else {
            body.append(.line("var parameters: [ConnectorRuntime.OAuthParameter] = []"))
            for (position, parameter) in list.enumerated() {
                let value: String
                if parameter.value.parts == [.placeholder(.redirectURI, filters: [])] {
                    value = "ConnectorRuntime.ParameterValue.redirectURI"
                } else {
                    let text = try builders.value(
                        parameter.value, slot: .text, name: String(name.dropLast()) + "Value" + String(position), local: "parameterValue" + String(position),
                        doc: "The value of parameter " + parameter.name + ".", into: &body)
                    value = "ConnectorRuntime.ParameterValue.text(" + text + ")"
                }
                body.append(
                    .line(
                        "parameters.append(ConnectorRuntime.OAuthParameter(name: " + SwiftStringLiteral.make(parameter.name)
                            + ", value: " + value + "))"))
            }
            body.append(.line("return parameters"))
        }
        return SwiftFunction(
            doc: docs.doc([doc], pointer: pointer), name: name, parameters: [fieldsParameter],
            throwsClause: SwiftNames.throwsClause, returnType: "[ConnectorRuntime.OAuthParameter]", body: body)
    }
}
