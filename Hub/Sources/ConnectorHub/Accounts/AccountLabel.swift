// What tells two accounts of one connector apart on the Accounts pages and in the API: the
// tenant, host or workspace of the account, from values that are never secret.
import ConnectorRuntime
import Foundation

enum AccountLabel {
    /// Name parts, best first, of fields and metadata that name the account's tenant.
    static let preferred = ["subdomain", "domain", "host", "instance", "tenant", "site", "company", "workspace", "organization", "org", "account", "url"]

    /// The label of an account: the person's non-secret field that best names the tenant (a
    /// URL's host for URL fields), else the token-response metadata the spec keeps (`name`
    /// fields first). `nil` when neither says anything.
    static func make(variant: AuthVariantDescriptor, values: [String: String], metadata: [String: String]) -> String? {
        var best: (rank: Int, text: String)?
        for field in variant.fields where field.supplier == .person && field.kind != .secret {
            guard let value = values[field.key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty,
                let rank = rank(field.key)
            else { continue }
            let text = field.kind == .url ? (URL(string: value)?.host ?? value) : value
            if best == nil || rank < best!.rank { best = (rank, text) }
        }
        if let best { return String(best.text.prefix(80)) }
        // Metadata: a name beats an id.
        let keys = metadata.keys.sorted()
        for key in keys.filter({ $0.lowercased().contains("name") }) + keys.filter({ rank($0) != nil }) {
            guard let value = metadata[key], !value.isEmpty else { continue }
            let text = key.lowercased().hasSuffix("url") ? (URL(string: value)?.host ?? value) : value
            return String(text.prefix(80))
        }
        return nil
    }

    private static func rank(_ key: String) -> Int? {
        let lowered = key.lowercased()
        return preferred.firstIndex { lowered.contains($0) }
    }
}
