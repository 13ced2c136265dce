// Auth variants: the templates of every key a type allows, discovery, unused discovered values,
// API keys in the query, scopes and public clients without PKCE.

import Foundation

extension SemanticValidator {
    /// The keys each auth type allows.
    static let allowedKeys: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: SpecFormat.authTypes.map { type in
            (type, Set(SpecFormat.objectKind("authVariant").keys(forVariant: type).map(\.name)))
        })

    static let credentialKeys = ["value", "password", "username", "token", "clientId", "clientSecret", "refreshToken"]
    static let urlKeys = ["tokenURL", "revokeURL", "authorizeURL", "refreshURL"]

    mutating func checkVariant(_ variant: JSONNode, index: Int) {
        guard let type = variant["type"]?.stringValue, SpecFormat.authTypes.contains(type) else {
            unreliableUse.insert(index)
            return
        }
        guard let allowed = Self.allowedKeys[type] else { return }
        let isOAuth = type.hasPrefix("oauth2")
        var slots: [Slot] = []
        for member in variant.members ?? [] where allowed.contains(member.key) {
            let key = member.key
            let node = member.value
            if key == "baseURL" {
                slots.append(Slot(node: node, label: "'baseURL'", kind: .url, allowsToken: true, allowsDiscovered: true))
            } else if key == "headers" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential,
                                      allowsToken: true, allowsDiscovered: true))
                }
            } else if key == "tokenHeaders" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential))
                }
            } else if key == "verify", node.members != nil {
                slots += verifySlots(node)
            } else if Self.credentialKeys.contains(key) {
                slots.append(Slot(node: node, label: "'\(key)'", kind: .credential))
            } else if Self.urlKeys.contains(key) {
                slots.append(Slot(node: node, label: "'\(key)'", kind: .url))
            } else if key == "credentialHeaders" {
                for header in node.members ?? [] {
                    slots.append(Slot(node: header.value, label: "header '\(header.key)'", kind: .credential))
                }
            } else if key == "basic" {
                for part in ["username", "password"] {
                    if let value = node[part] { slots.append(Slot(node: value, label: "'\(part)'", kind: .credential)) }
                }
            } else if key == "tokenParams" || key == "refreshParams" {
                for parameter in node.members ?? [] {
                    slots.append(Slot(node: parameter.value, label: "parameter '\(parameter.key)'", kind: .credential,
                                      allowsRedirectURI: true))
                }
            } else if key == "discovery" {
                if let url = node["url"] { slots.append(Slot(node: url, label: "the discovery 'url'", kind: .url)) }
                if let match = node["match"] {
                    if let equals = match["equals"], equals.stringValue != nil {
                        slots.append(Slot(node: equals, label: "'equals'", kind: .credential))
                    }
                    if node["items"] == nil, match.members != nil {
                        collector.error(
                            "discovery-match-without-items", "'match' selects an item of 'items', but 'discovery' has no 'items'",
                            hint: "add \"items\": a JSON pointer to the array in the response (\"\" when the response is the array)",
                            at: match.position, pointer: match.pointer)
                    }
                }
            } else if key == "authorizeParams" {
                for parameter in node.members ?? [] {
                    slots.append(Slot(node: parameter.value, label: "parameter '\(parameter.key)'", kind: .query))
                }
            }
        }
        let tokenFields: [String]? = isOAuth
            ? (variant["tokenResponseFields"]?.arrayValue ?? []).compactMap(\.stringValue) : nil
        let discoveredValues = isOAuth ? variant["discovery"]?["values"]?.members : nil
        usedDiscovered = []
        usedTokenFields = []
        for slot in slots {
            checkTemplate(slot, variant: index, tokenFields: tokenFields, discovered: discoveredValues?.map(\.key))
        }
        let inPaths = ResourceRules.pathReferences(variant["resources"])
        usedDiscovered.formUnion(inPaths.discovered)
        usedTokenFields.formUnion(inPaths.tokenFields)
        if !unreliableUse.contains(index) {
            for value in discoveredValues ?? [] where !usedDiscovered.contains(value.key) {
                collector.warning(
                    "discovery-unused-value", "discovered value '\(value.key)' is not used by any template of this variant",
                    hint: "use it as '{{discovered.\(value.key)}}' in 'baseURL', 'headers' or a resource path of this variant, or remove it",
                    at: value.keyPosition, pointer: value.value.pointer)
            }
        }

        if isOAuth {
            TokenFieldRules.check(variant, used: usedTokenFields, usesReliable: !unreliableUse.contains(index), collector: &collector)
        }
        if type == "apiKey", let placement = variant["in"], placement.stringValue == "query" {
            collector.warning(
                "api-key-in-query", "an API key sent as a query parameter leaks into server logs, proxies and browser history",
                hint: "send it in a header if the provider accepts one; see RFC 9700 section 4.3.2",
                at: placement.position, pointer: placement.pointer)
        }
        if let scopes = variant["scopes"], scopes.members != nil { checkScopes(scopes) }
        if type == "oauth2AuthorizationCode", variant["clientAuth"]?.stringValue == ClientAuthMethod.none.rawValue,
           let pkce = variant["pkce"], pkce.stringValue == PKCEPolicy.unsupported.rawValue {
            collector.error(
                "public-client-pkce", "a public client (\"clientAuth\": \"none\") must use PKCE",
                hint: "set 'pkce' to \"required\" or \"supported\"; RFC 9700 section 2.1.1",
                at: pkce.position, pointer: pkce.pointer)
        }
    }
}
