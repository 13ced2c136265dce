// Who supplies an OAuth client, and where the app's client secret may go:
// - `client-supplier`: the fields `clientId` and `clientSecret` use are supplied as the variant's
//   `client` says (`person`: `config`, typed on the Link Account form; `app` and `either`:
//   `setup`, the app's values, which `either` asks the person for when the app has none);
// - `client-secret-host`: an app's client secret (`app`, `either`) never goes to a host the
//   person types: every field in the host of the token, refresh and revocation URLs is the
//   app's, a `select` (its options are the spec's), or pinned by `hostSuffixes`;
// - `host-suffix-type`: `hostSuffixes` only on `hostname` and `url` fields;
// - `guide-client`: guide sections and steps conditioned on the client only in `either` variants.

import Foundation

struct ClientRules {
    var collector: DiagnosticCollector
    let root: JSONNode
    let source: [UInt8]

    struct FieldInfo {
        var node: JSONNode
        var supplier: String?
        var type: String?
        var pinned: Bool
    }

    mutating func check() {
        let connectorFields = fields(root["fields"])
        for field in (root["fields"]?.arrayValue ?? []) { checkHostSuffixType(field) }
        for variant in root["auth"]?.arrayValue ?? [] where variant.members != nil {
            for field in variant["fields"]?.arrayValue ?? [] { checkHostSuffixType(field) }
            var visible = connectorFields
            for (key, info) in fields(variant["fields"]) where visible[key] == nil { visible[key] = info }
            let client = variant["client"]?.stringValue.flatMap(ClientSupplier.init(rawValue:))
            let isOAuth = variant["type"]?.stringValue?.hasPrefix("oauth2") ?? false
            checkGuideConditions(variant, either: isOAuth && client == .either)
            guard isOAuth, let client else { continue }
            checkSuppliers(variant, client: client, fields: visible)
            if client != .person { checkSecretHosts(variant, client: client, fields: visible) }
        }
    }

    private func fields(_ node: JSONNode?) -> [String: FieldInfo] {
        var result: [String: FieldInfo] = [:]
        for field in node?.arrayValue ?? [] {
            guard let key = field["key"]?.stringValue, result[key] == nil else { continue }
            let type = field["type"]?.stringValue
            let hasSuffixes = !(field["hostSuffixes"]?.arrayValue ?? []).isEmpty
                && (type == Field.FieldType.hostname.rawValue || type == Field.FieldType.url.rawValue)
            result[key] = FieldInfo(
                node: field, supplier: field["supplier"]?.stringValue, type: type,
                pinned: type == Field.FieldType.select.rawValue || hasSuffixes)
        }
        return result
    }

    private mutating func checkHostSuffixType(_ field: JSONNode) {
        guard let member = field.members?.first(where: { $0.key == "hostSuffixes" }), let type = field["type"]?.stringValue,
              type != Field.FieldType.hostname.rawValue, type != Field.FieldType.url.rawValue else { return }
        collector.error(
            "host-suffix-type", "'hostSuffixes' pins the host of a 'hostname' or 'url' field, but this field is '\(type)'",
            hint: "make the field a 'hostname' (or 'url') holding the whole host, or remove 'hostSuffixes'",
            at: member.keyPosition, pointer: member.value.pointer)
    }

    /// Every field of `clientId` and `clientSecret` is supplied as `client` says.
    private mutating func checkSuppliers(_ variant: JSONNode, client: ClientSupplier, fields: [String: FieldInfo]) {
        let expected = client == .person ? Field.Supplier.config : Field.Supplier.setup
        var reported: Set<String> = []
        for slot in ["clientId", "clientSecret"] {
            for key in references(variant[slot]) where !reported.contains(key) {
                guard let info = fields[key], let supplier = info.supplier, Field.Supplier(rawValue: supplier) != nil,
                      supplier != expected.rawValue else { continue }
                reported.insert(key)
                let node = info.node["supplier"] ?? info.node
                let who = client == .person
                    ? "the person types the client on the Link Account form (\"client\": \"person\")"
                    : "the client comes from the app's setup (\"client\": \"\(client.rawValue)\")"
                collector.error(
                    "client-supplier",
                    "field '\(key)' is used by '\(slot)' with \"supplier\": \"\(supplier)\", but \(who)",
                    hint: "set its \"supplier\" to \"\(expected.rawValue)\", or change the variant's \"client\"",
                    at: node.position, pointer: node.pointer)
            }
        }
    }

    /// The app's client secret goes to the token, refresh and revocation URLs: none of their
    /// hosts may come from an unpinned value the person types.
    private mutating func checkSecretHosts(_ variant: JSONNode, client: ClientSupplier, fields: [String: FieldInfo]) {
        let secretFields = references(variant["clientSecret"]).filter { fields[$0]?.supplier == Field.Supplier.setup.rawValue }
        guard !secretFields.isEmpty else { return }
        for key in ["tokenURL", "refreshURL", "revokeURL"] {
            guard let url = variant[key], let raw = url.stringValue, let parts = try? TemplateParser.parts(of: raw) else { continue }
            for (offset, fieldKey) in hostPlaceholders(parts) {
                guard let info = fields[fieldKey], info.supplier == Field.Supplier.config.rawValue, !info.pinned else { continue }
                collector.error(
                    "client-secret-host",
                    "the app's client secret (\"client\": \"\(client.rawValue)\") would be sent to '\(key)', whose host comes from '\(fieldKey)', a value the person types",
                    hint: "pin the host with \"hostSuffixes\" on a 'hostname' or 'url' field (e.g. [\".okta.com\"]), or let the person bring the client (\"client\": \"person\"), as self-hosted providers need",
                    at: StringPositions.position(of: offset, in: url, source: source), pointer: url.pointer)
            }
        }
    }

    /// The field placeholders that decide the host of a URL template: one leading placeholder
    /// (a `url` field: its value is the whole origin), or those between `://` and the first
    /// `/`, `?` or `#` of a literal.
    private func hostPlaceholders(_ parts: [(part: TemplatePart, offset: Int)]) -> [(Int, String)] {
        if let first = parts.first, case .placeholder(.field(let key), _) = first.part { return [(first.offset, key)] }
        var result: [(Int, String)] = []
        var inHost = false
        for (part, offset) in parts {
            switch part {
            case .literal(let text):
                var rest = Substring(text)
                if !inHost {
                    guard let scheme = rest.range(of: "://") else { continue }
                    rest = rest[scheme.upperBound...]
                    inHost = true
                }
                if rest.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return result }
            case .placeholder(.field(let key), _):
                if inHost { result.append((offset, key)) }
            case .placeholder:
                continue
            }
        }
        return result
    }

    private func references(_ node: JSONNode?) -> [String] {
        guard let raw = node?.stringValue, let parts = try? TemplateParser.parts(of: raw) else { return [] }
        var keys: [String] = []
        for case (.placeholder(.field(let key), _), _) in parts where !keys.contains(key) { keys.append(key) }
        return keys
    }

    private mutating func checkGuideConditions(_ variant: JSONNode, either: Bool) {
        guard !either else { return }
        for section in variant["guide"]?["sections"]?.arrayValue ?? [] {
            let nodes = [section] + (section["steps"]?.arrayValue ?? [])
            for node in nodes {
                guard let member = node.members?.first(where: { $0.key == "client" }) else { continue }
                collector.error(
                    "guide-client",
                    "a guide section or step that depends on who supplies the client needs a \"client\": \"either\" variant",
                    hint: "this variant's client never changes: remove 'client' here, and any section or step that never applies",
                    at: member.keyPosition, pointer: member.value.pointer)
            }
        }
    }
}
