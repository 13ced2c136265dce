import Foundation

/// Removes secret values from text a provider wrote (`error_description`, an `error` code, a
/// `token_type`, scope names of a challenge) before that text enters a ``ConnectorError``.
///
/// Providers sometimes quote what they were sent ("refresh token rt-123 is revoked"); the
/// runtime knows every secret it sent, so it removes each of them, as sent and as it looks
/// form-encoded or percent-encoded, and puts `[redacted]` in its place. Values shorter than
/// ``minimumLength`` are left alone: they cannot be told apart from ordinary words, and no real
/// credential is that short.
///
/// ```swift
/// let redact = Redactor([Secret("rt-123")])
/// redact("refresh token rt-123 is revoked")  // "refresh token [redacted] is revoked"
/// ```
public struct Redactor: Sendable {
    /// What replaces a secret.
    public static let placeholder = "[redacted]"
    /// The shortest value searched for.
    public static let minimumLength = 4
    /// The forms to remove, longest first so a secret that contains another is removed whole.
    private let forms: [String]

    /// A redactor of `secrets`; `nil` and empty secrets are ignored.
    public init(_ secrets: [Secret?]) {
        var forms = Set<String>()
        for case let secret? in secrets where secret.reveal().count >= Self.minimumLength {
            let value = secret.reveal()
            forms.insert(value)
            forms.insert(FormEncoding.encode(value))
            forms.insert(TemplateFilters.urlencode(value))
        }
        self.forms = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// A redactor of this one's secrets and `secrets`.
    public func adding(_ secrets: [Secret?]) -> Redactor {
        Redactor(forms: Redactor(secrets).forms + forms)
    }

    private init(forms: [String]) {
        self.forms = Set(forms).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with every secret replaced by ``placeholder``, in one pass (a placeholder is never
    /// searched again).
    public func callAsFunction(_ text: String) -> String {
        let present = forms.filter { text.contains($0) }
        guard !present.isEmpty else { return text }
        var result = ""
        var index = text.startIndex
        scanning: while index < text.endIndex {
            let rest = text[index...]
            for form in present where rest.hasPrefix(form) {
                result += Self.placeholder
                index = text.index(index, offsetBy: form.count)
                continue scanning
            }
            result.append(text[index])
            index = text.index(after: index)
        }
        return result
    }

    /// `text` redacted, or `nil`.
    func callAsFunction(_ text: String?) -> String? {
        text.map { self($0) }
    }
}
