import ConnectorHubTransport
import ConnectorRuntime
import Foundation

// The form's side of the private-network rule: a host a person typed that resolves to a
// loopback, private, link-local or metadata address is refused next to its field, before any
// request. The transport enforces the same rule on every request it sends (and connects to the
// address it checked); this check only gives the person a clear message.
extension ConnectorHubService {
    /// The field and message when a person's host or URL field points at a private network
    /// address and ``HubConfiguration/allowPrivateNetworks`` is off; `nil` otherwise. A name
    /// that does not resolve passes here (the verification request then reports it).
    func privateAddressRefusal(variant: AuthVariantDescriptor, values: [String: String]) async -> (key: String, reason: String)? {
        guard !configuration.allowPrivateNetworks else { return nil }
        for field in variant.fields where field.supplier == .person && (field.kind == .hostname || field.kind == .url) {
            guard let value = values[field.key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty,
                let host = Self.host(of: value, kind: field.kind)
            else { continue }
            guard let checked = try? await NetworkAddressPolicy.checkedAddress(of: host) else { continue }
            if case .failure(let refused) = checked {
                // The page puts the field's label before the reason. The address is not shown: it
                // would tell what names resolve to inside the Hub's network.
                return (field.key, "points at a private network address (\(refused.reason)); enter the public host name of your instance")
            }
        }
        return nil
    }

    /// The host of a person's value: a URL's host, or a host name (with an optional port).
    static func host(of value: String, kind: FieldDescriptor.Kind) -> String? {
        if kind == .url || value.contains("://") { return URL(string: value)?.host }
        return URL(string: "https://" + value)?.host
    }
}
