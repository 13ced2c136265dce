import Foundation

// Writing into a JSON value at an RFC 6901 pointer: how the pager puts a cursor or a page size
// inside a POST body (`cursorBodyPointer`, `limitBodyPointer`, e.g. GraphQL `/variables/after`).

extension JSONValue {
    /// This value with `value` at the JSON pointer `pointer`, creating the objects missing on the
    /// way; `nil` when the way goes through something other than an object (an array, a string...)
    /// or `pointer` is `""`.
    public func setting(_ value: JSONValue, at pointer: String) -> JSONValue? {
        guard pointer.hasPrefix("/") else { return nil }
        let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return Self.set(value, in: self, tokens: tokens[...])
    }

    private static func set(_ value: JSONValue, in container: JSONValue, tokens: ArraySlice<String>) -> JSONValue? {
        guard let token = tokens.first else { return value }
        guard case .object(var members) = container else { return nil }
        guard let inner = set(value, in: members[token] ?? .object([:]), tokens: tokens.dropFirst()) else { return nil }
        members[token] = inner
        return .object(members)
    }
}
