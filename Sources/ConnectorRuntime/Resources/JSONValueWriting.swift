import Foundation

// Writing into a JSON value at an RFC 6901 pointer: how the pager puts a cursor or a page size
// inside a POST body (`cursorBodyPointer`, `limitBodyPointer`, e.g. GraphQL `/variables/after`).

extension JSONValue {
    /// This value with `value` at the JSON pointer `pointer`, creating the objects missing on the
    /// way and going into an array only at the index of an element it has (an action's constant
    /// body `{"Operations": [{"value": [{}]}]}` at `/Operations/0/value/0/value`); `nil` when the
    /// way goes through anything else (a string, an index the array lacks...) or `pointer` is `""`.
    public func setting(_ value: JSONValue, at pointer: String) -> JSONValue? {
        guard pointer.hasPrefix("/") else { return nil }
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return Self.set(value, in: self, tokens: tokens[...])
    }

    private static func set(_ value: JSONValue, in container: JSONValue, tokens: ArraySlice<String>) -> JSONValue? {
        guard let token = tokens.first else { return value }
        switch container {
        case .object(var members):
            guard let inner = set(value, in: members[token] ?? .object([:]), tokens: tokens.dropFirst()) else { return nil }
            members[token] = inner
            return .object(members)
        case .array(var elements):
            // Into an element the array has (`/Operations/0/value`); elements are never created.
            guard let index = Int(token), String(index) == token, elements.indices.contains(index),
                  let inner = set(value, in: elements[index], tokens: tokens.dropFirst()) else { return nil }
            elements[index] = inner
            return .array(elements)
        default:
            return nil
        }
    }
}
