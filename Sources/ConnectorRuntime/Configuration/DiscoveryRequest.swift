public import Foundation

/// A request made once after linking, with the access token, to learn values the API's base URL
/// needs (Jira's cloud id, DocuSign's account id and base URI). The selected values are stored
/// with the tokens under ``storageKey(_:)`` keys of ``TokenSet/extra``, so the lookup happens
/// once per account, not once per request.
///
/// ```swift
/// DiscoveryRequest(
///     url: URL(string: "https://api.atlassian.com/oauth/token/accessible-resources")!,
///     items: "", match: .init(pointer: "/url", equals: .string("https://acme.atlassian.net")),
///     values: [.init(name: "cloudId", pointer: "/id")])
/// ```
public struct DiscoveryRequest: Sendable, Hashable {
    /// A JSON scalar an element's value is compared with.
    public enum Expected: Sendable, Hashable {
        case string(String)
        case boolean(Bool)
        case number(Double)
    }

    /// Selects one element of the ``items`` array: the first whose value at `pointer` equals
    /// `equals`. A boolean also matches the string `"true"` or `"false"`.
    public struct Match: Sendable, Hashable {
        /// RFC 6901 pointer into each element, e.g. `/url`.
        public var pointer: String
        public var equals: Expected

        public init(pointer: String, equals: Expected) {
            self.pointer = pointer
            self.equals = equals
        }
    }

    /// A value to keep: `name` (as in `{{discovered.name}}`) and where it is in the selected
    /// element (or the whole response when there is no ``items``).
    public struct Value: Sendable, Hashable {
        public var name: String
        /// RFC 6901 pointer, e.g. `/id`.
        public var pointer: String

        public init(name: String, pointer: String) {
            self.name = name
            self.pointer = pointer
        }
    }

    /// Requested with `GET` and `Authorization: Bearer <access token>`; must be https (or a
    /// loopback host, for tests).
    public var url: URL
    /// RFC 6901 pointer to an array in the response (`""` for a top-level array); `nil` when the
    /// values are read from the response itself.
    public var items: String?
    /// Which element of ``items`` to use; `nil` selects the first.
    public var match: Match?
    /// The values to keep; at least one.
    public var values: [Value]

    public init(url: URL, items: String? = nil, match: Match? = nil, values: [Value]) {
        self.url = url
        self.items = items
        self.match = match
        self.values = values
    }

    /// The ``TokenSet/extra`` key a discovered value is stored under: `discovered.NAME`.
    public static func storageKey(_ name: String) -> String {
        "discovered." + name
    }

    /// `true` when `tokens` already hold every discovered value.
    public func isSatisfied(by tokens: TokenSet) -> Bool {
        values.allSatisfy { tokens.extra[Self.storageKey($0.name)] != nil }
    }

    /// The values selected from a JSON response body, keyed by ``storageKey(_:)``. Throws
    /// ``ConnectorError/misconfigured(_:)`` naming the pointer that found nothing; response
    /// contents never appear in the message.
    public func select(from body: Data) throws(ConnectorError) -> [String: String] {
        guard let root = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            throw .misconfigured("The discovery response from \(url.host ?? "the provider") is not JSON.")
        }
        var element: Any = root
        if let items {
            guard let array = Self.resolve(items, in: root) as? [Any] else {
                throw .misconfigured("The discovery response has no array at '\(items)'.")
            }
            if let match {
                guard let found = array.first(where: { Self.matches(Self.resolve(match.pointer, in: $0), match.equals) }) else {
                    throw .misconfigured(
                        "The discovery response has no item whose '\(match.pointer)' matches the connection: the account may not have access to it.")
                }
                element = found
            } else {
                guard let first = array.first else {
                    throw .misconfigured("The discovery response has an empty array at '\(items)'.")
                }
                element = first
            }
        }
        var selected: [String: String] = [:]
        for value in values {
            guard let text = Self.scalarText(Self.resolve(value.pointer, in: element)), !text.isEmpty else {
                throw .misconfigured("The discovery response has no value at '\(value.pointer)' for '\(value.name)'.")
            }
            selected[Self.storageKey(value.name)] = text
        }
        return selected
    }

    /// The value at RFC 6901 `pointer` in a `JSONSerialization` tree, or `nil`.
    static func resolve(_ pointer: String, in root: Any) -> Any? {
        guard !pointer.isEmpty else { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current: Any = root
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = current as? [String: Any] {
                guard let next = object[token] else { return nil }
                current = next
            } else if let array = current as? [Any] {
                guard let index = Int(token), index >= 0, index < array.count, String(index) == token else { return nil }
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func matches(_ value: Any?, _ expected: Expected) -> Bool {
        switch (value, expected) {
        case let (text as String, .string(wanted)):
            return text == wanted
        case let (number as NSNumber, .boolean(wanted)):
            return isBoolean(number) && number.boolValue == wanted
        case let (text as String, .boolean(wanted)):
            // Some providers send flags as strings ("true").
            return text == (wanted ? "true" : "false")
        case let (number as NSNumber, .number(wanted)):
            return !isBoolean(number) && number.doubleValue == wanted
        default:
            return false
        }
    }

    static func scalarText(_ value: Any?) -> String? {
        switch value {
        case let text as String:
            return text
        case let number as NSNumber:
            return isBoolean(number) ? (number.boolValue ? "true" : "false") : number.stringValue
        default:
            return nil
        }
    }
}
