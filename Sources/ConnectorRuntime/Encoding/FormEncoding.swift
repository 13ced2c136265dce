import Foundation

/// `application/x-www-form-urlencoded` encoding and decoding in UTF-8 (the WHATWG / HTML form
/// rules RFC 6749 Appendix B points to): space becomes `+`, `+` becomes `%2B`, and everything but
/// `A–Z a–z 0–9 * - . _` is percent-encoded.
///
/// ```swift
/// FormEncoding.encode(" %&+£€")  // "+%25%26%2B%C2%A3%E2%82%AC"
/// FormEncoding.body([("grant_type", "client_credentials")])  // "grant_type=client_credentials"
/// ```
public enum FormEncoding {
    /// Encodes one name or value.
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out.append(percentEncoded(byte))
            }
        }
        return out
    }

    /// Encodes name/value pairs, in order, joined with `&`.
    public static func body(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// Decodes a form-encoded string into name/value pairs, in order (`+` is a space).
    public static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeComponent(String(pieces[0]))
            let value = pieces.count > 1 ? decodeComponent(String(pieces[1])) : ""
            return (name, value)
        }
    }

    /// Decodes one form-encoded component; malformed escapes are kept as typed.
    public static func decodeComponent(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func percentEncoded(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0f)])
    }
}
