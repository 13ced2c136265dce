/// A credential (token, key, client secret, password) that never shows its value when printed,
/// dumped, interpolated or logged. Read it only where it is sent, with ``reveal()``.
///
/// ```swift
/// let key = Secret("sk_live_123")
/// print(key)            // Secret(redacted)
/// key.reveal()          // "sk_live_123"
/// ```
public struct Secret: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, CustomLeafReflectable
{
    private let value: String

    /// Wraps a credential.
    public init(_ value: String) {
        self.value = value
    }

    /// The credential itself. Call only where it goes on the wire or into a token store.
    public func reveal() -> String {
        value
    }

    /// `true` when the value is empty.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "Secret(redacted)" }
    public var debugDescription: String { "Secret(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
