// Builds the typed model from a JSON tree that passed validation without errors. Defaults of
// optional keys are applied here; anything malformed was already reported, so fallbacks below
// are never reached for a valid spec.

enum ModelBuilder {
    static func build(_ root: JSONNode) -> ConnectorSpec {
        var spec = ConnectorSpec(
            specVersion: root["specVersion"]?.intValue ?? SpecFormat.version,
            id: string(root["id"]),
            name: string(root["name"]),
            description: root["description"]?.stringValue,
            categories: array(root["categories"]).compactMap { $0.stringValue.flatMap(Category.init(rawValue:)) },
            docsURL: string(root["docsURL"]),
            sources: array(root["sources"]).compactMap(\.stringValue),
            requirements: requirements(root["requirements"]),
            fields: array(root["fields"]).map(field),
            api: api(root["api"]),
            auth: array(root["auth"]).map(variant),
            availableData: array(root["availableData"]).compactMap(\.stringValue))
        spec.records = sharedRecords(root["records"])
        spec.resources = resources(root["resources"], shared: spec.records)
        spec.unified = UnifiedMapping.build(root["unified"])
        for (index, variant) in array(root["auth"]).enumerated() where index < spec.auth.count {
            spec.auth[index].resources = resources(variant["resources"], shared: spec.records)
            spec.auth[index].unified = UnifiedMapping.build(variant["unified"])
        }
        buildActions(&spec, root: root)
        return spec
    }

    private static func requirements(_ node: JSONNode?) -> [Requirement] {
        array(node).map { node in
            Requirement(pointer: node.pointer, kind: Requirement.Kind(rawValue: string(node["kind"])) ?? .other,
                        text: string(node["text"]))
        }
    }

    private static func verify(_ request: JSONNode?) -> VerifyRequest? {
        guard let request else { return nil }
        return VerifyRequest(
            pointer: request.pointer, method: VerifyRequest.Method(rawValue: string(request["method"])) ?? .GET,
            path: template(request["path"]), body: request["body"].map(JSONText.render),
            usesAuth: request["usesAuth"]?.boolValue ?? true, label: array(request["label"]).map { string($0) })
    }

    static func string(_ node: JSONNode?) -> String {
        node?.stringValue ?? ""
    }

    static func array(_ node: JSONNode?) -> [JSONNode] {
        node?.arrayValue ?? []
    }

    static func template(_ node: JSONNode?) -> Template {
        guard let node, let raw = node.stringValue else { return .literal("") }
        return (try? TemplateParser.parse(raw, pointer: node.pointer)) ?? .literal(raw, pointer: node.pointer)
    }

    private static func optionalTemplate(_ node: JSONNode?) -> Template? {
        node.map(template)
    }

    private static func namedTemplates(_ node: JSONNode?) -> [NamedTemplate] {
        (node?.members ?? []).map {
            NamedTemplate(pointer: $0.value.pointer, name: $0.key, value: template($0.value))
        }
    }

    private static func field(_ node: JSONNode) -> Field {
        let type = Field.FieldType(rawValue: string(node["type"])) ?? .text
        var defaultValue: String?
        if let value = node["default"] {
            switch value.value {
            case .string(let text): defaultValue = text
            case .number(let lexeme): defaultValue = lexeme
            case .bool(let flag): defaultValue = flag ? "true" : "false"
            default: defaultValue = nil
            }
        }
        return Field(
            pointer: node.pointer, key: string(node["key"]), label: string(node["label"]), type: type,
            supplier: Field.Supplier(rawValue: string(node["supplier"])) ?? .config,
            required: node["required"]?.boolValue ?? true, defaultValue: defaultValue,
            placeholder: node["placeholder"]?.stringValue, help: node["help"]?.stringValue,
            pattern: node["pattern"]?.stringValue,
            options: array(node["options"]).map { Field.Option(value: string($0["value"]), label: string($0["label"])) },
            hostSuffixes: array(node["hostSuffixes"]).compactMap(\.stringValue))
    }

    private static func api(_ node: JSONNode?) -> API {
        API(pointer: node?.pointer ?? "/api", baseURL: template(node?["baseURL"]),
            headers: namedTemplates(node?["headers"]), verify: verify(node?["verify"]))
    }

    private static func variant(_ node: JSONNode) -> AuthVariant {
        AuthVariant(
            pointer: node.pointer, id: string(node["id"]), label: string(node["label"]),
            fields: array(node["fields"]).map(field), baseURL: optionalTemplate(node["baseURL"]),
            headers: namedTemplates(node["headers"]), kind: kind(node), guide: guide(node["guide"]),
            verify: verify(node["verify"]), requirements: requirements(node["requirements"]))
    }

    private static func kind(_ node: JSONNode) -> AuthKind {
        switch string(node["type"]) {
        case "basic":
            return .basic(BasicAuth(username: template(node["username"]), password: template(node["password"])))
        case "serviceUser":
            if let basic = node["basic"] {
                return .serviceUser(.basic(BasicAuth(username: template(basic["username"]),
                                                     password: template(basic["password"]))))
            }
            return .serviceUser(.headers(namedTemplates(node["credentialHeaders"])))
        case "bearerToken":
            return .bearerToken(BearerTokenAuth(token: template(node["token"])))
        case "oauth2AuthorizationCode":
            return .oauth2AuthorizationCode(OAuth2AuthorizationCode(
                common: oauthCommon(node), authorizeURL: template(node["authorizeURL"]),
                refreshURL: optionalTemplate(node["refreshURL"]),
                pkce: PKCEPolicy(rawValue: string(node["pkce"])) ?? .supported,
                authorizeParams: namedTemplates(node["authorizeParams"]),
                refreshParams: namedTemplates(node["refreshParams"]),
                rotatesRefreshToken: node["rotatesRefreshToken"]?.boolValue ?? false))
        case "oauth2ClientCredentials":
            return .oauth2ClientCredentials(OAuth2ClientCredentials(
                common: oauthCommon(node), grantType: node["grantType"]?.stringValue ?? "client_credentials"))
        case "oauth2RefreshToken":
            return .oauth2RefreshToken(OAuth2RefreshToken(
                common: oauthCommon(node), refreshToken: template(node["refreshToken"]),
                refreshParams: namedTemplates(node["refreshParams"]),
                rotatesRefreshToken: node["rotatesRefreshToken"]?.boolValue ?? false))
        default:
            let placement: APIKeyAuth.Placement
            switch string(node["in"]) {
            case "query": placement = .query(name: string(node["name"]))
            case "basicUsername": placement = .basicUsername(password: template(node["password"]))
            default: placement = .header(name: string(node["name"]), prefix: string(node["prefix"]))
            }
            return .apiKey(APIKeyAuth(value: template(node["value"]), placement: placement))
        }
    }

    private static func oauthCommon(_ node: JSONNode) -> OAuth2Common {
        var scopes: Scopes?
        if let node = node["scopes"] {
            let defaults = array(node["default"]).compactMap(\.stringValue)
            scopes = Scopes(
                pointer: node.pointer, separator: node["separator"]?.stringValue ?? " ", defaults: defaults,
                required: node["required"].map { array($0).compactMap(\.stringValue) },
                catalog: array(node["catalog"]).map {
                    ScopeEntry(pointer: $0.pointer, name: string($0["name"]), description: string($0["description"]))
                },
                sendInRequest: node["sendInRequest"]?.boolValue ?? true)
        }
        return OAuth2Common(
            clientId: template(node["clientId"]), clientSecret: optionalTemplate(node["clientSecret"]),
            tokenURL: template(node["tokenURL"]), revokeURL: optionalTemplate(node["revokeURL"]),
            clientAuth: ClientAuthMethod(rawValue: string(node["clientAuth"])) ?? .clientSecretBasic,
            scopes: scopes, tokenParams: namedTemplates(node["tokenParams"]),
            defaultExpiresIn: node["defaultExpiresIn"]?.intValue,
            tokenResponseFields: array(node["tokenResponseFields"]).compactMap(\.stringValue),
            discovery: node["discovery"].map(discovery), tokenHeaders: namedTemplates(node["tokenHeaders"]),
            tokenRequestEncoding: TokenRequestEncoding(rawValue: string(node["tokenRequestEncoding"])) ?? .form,
            accountMetadata: array(node["accountMetadata"]).compactMap(\.stringValue),
            client: ClientSupplier(rawValue: string(node["client"])) ?? .app)
    }

    private static func discovery(_ node: JSONNode) -> Discovery {
        var match: Discovery.Match?
        if let matchNode = node["match"] {
            let equals: Discovery.Expected
            switch matchNode["equals"]?.value {
            case .bool(let flag)?: equals = .boolean(flag)
            case .number(let lexeme)?: equals = .number(lexeme)
            default: equals = .template(template(matchNode["equals"]))
            }
            match = Discovery.Match(pointer: matchNode.pointer, path: string(matchNode["pointer"]), equals: equals)
        }
        return Discovery(
            pointer: node.pointer, url: template(node["url"]), items: node["items"]?.stringValue, match: match,
            values: (node["values"]?.members ?? []).map {
                Discovery.Value(pointer: $0.value.pointer, name: $0.key, path: $0.value.stringValue ?? "")
            })
    }

    private static func guide(_ node: JSONNode?) -> Guide {
        Guide(
            pointer: node?.pointer ?? "", warnings: array(node?["warnings"]).compactMap(\.stringValue),
            sections: array(node?["sections"]).map { section in
                GuideSection(
                    pointer: section.pointer, title: string(section["title"]), intro: section["intro"]?.stringValue,
                    steps: array(section["steps"]).map { step in
                        GuideStep(pointer: step.pointer, title: string(step["title"]), text: string(step["text"]),
                                  list: array(step["list"]).compactMap(\.stringValue),
                                  client: ClientSupplier(rawValue: step["client"]?.stringValue ?? ""))
                    },
                    client: ClientSupplier(rawValue: section["client"]?.stringValue ?? ""))
            })
    }
}

/// Compact JSON text of a tree (verify bodies are sent verbatim).
enum JSONText {
    static func render(_ node: JSONNode) -> String {
        switch node.value {
        case .object(let members):
            return "{" + members.map { escape($0.key) + ":" + render($0.value) }.joined(separator: ",") + "}"
        case .array(let elements):
            return "[" + elements.map(render).joined(separator: ",") + "]"
        case .string(let text):
            return escape(text)
        case .number(let lexeme):
            return lexeme
        case .bool(let flag):
            return flag ? "true" : "false"
        case .null:
            return "null"
        }
    }

    static func escape(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
