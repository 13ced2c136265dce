import Foundation

/// The filters of spec templates (`{{key | urlencode}}`, `{{key | base64}}`), called by
/// generated code.
public enum TemplateFilters {
    /// Standard base64 (with padding) of the UTF-8 bytes.
    public static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters (`A–Z a–z 0–9 - . _ ~`),
    /// so the result is safe in a path segment, a query value or a header.
    public static func urlencode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.append(FormEncoding.percentEncoded(byte))
            }
        }
        return out
    }

    /// ``base64(_:)`` of a credential; the result stays a ``Secret``.
    public static func base64(_ secret: Secret) -> Secret {
        Secret(base64(secret.reveal()))
    }

    /// ``urlencode(_:)`` of a credential; the result stays a ``Secret``.
    public static func urlencode(_ secret: Secret) -> Secret {
        Secret(urlencode(secret.reveal()))
    }
}
