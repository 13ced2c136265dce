// URLs: scheme, host, user information and https-only outside loopback, for literal URLs and
// templates with placeholders replaced by a sample value.

import Foundation

extension SemanticValidator {
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "[::1]"]

    /// RFC 3986 characters: unreserved, reserved and `%` (for percent-encoding).
    static func isURLScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "-", ".", "_", "~", ":", "/", "?", "#", "[", "]", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",",
             ";", "=", "%": true
        default: false
        }
    }

    /// A registered name (letters, digits, `-`, `.`, `_`, percent-encoding) or a bracketed IPv6 literal.
    static func isValidHost(_ host: Substring) -> Bool {
        if host.hasPrefix("[") {
            return host.hasSuffix("]") && host.count > 2
                && host.dropFirst().dropLast().unicodeScalars.allSatisfy { $0 == ":" || $0 == "." || $0.properties.isASCIIHexDigit }
        }
        return host.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "%": true
            default: false
            }
        } && !host.hasPrefix(".") && !host.hasPrefix("-")
    }

    mutating func checkTemplateURL(_ slot: Slot, parts: [(part: TemplatePart, offset: Int)], variant: Int?) {
        if case .placeholder(let reference, _)? = parts.first?.part {
            // A URL that starts with a field of type url, or a token-response field such as
            // Salesforce's instance_url: the runtime checks the value itself.
            switch reference {
            case .tokenField, .discovered: return
            case .field(let key) where field(key, variant: variant)?.type == Field.FieldType.url.rawValue: return
            default: break
            }
        }
        var sample = ""
        for (part, _) in parts {
            switch part {
            case .literal(let text): sample += text
            case .placeholder: sample += "x"
            }
        }
        checkURL(slot.node, sample: sample, label: slot.label)
    }

    mutating func checkLiteralURL(_ node: JSONNode, text: String, label: String) {
        checkURL(node, sample: text, label: label)
    }

    /// `checkURL` for an all-ASCII sample, on bytes: the same checks without `Character`
    /// iteration. (In ASCII every character is one byte, except CR LF, which is neither a
    /// delimiter nor a URL character either way.)
    mutating func checkASCIIURL(_ node: JSONNode, bytes: [UInt8], schemeLength: Int, label: String) {
        let start = schemeLength + 3
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
              bytes[end] != UInt8(ascii: "#") {
            end += 1
        }
        var hostStart = start
        if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) {
            collector.warning(
                "url-credentials", "\(label) contains credentials before '@'",
                hint: "remove them and send credentials through the auth variant", at: node.position,
                pointer: node.pointer)
            hostStart = at + 1
        }
        var hostEnd = end
        if hostStart < end, bytes[hostStart] == UInt8(ascii: "[") {
            if let close = bytes[hostStart..<end].firstIndex(of: UInt8(ascii: "]")) { hostEnd = close + 1 }
        } else if let colon = bytes[hostStart..<end].firstIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        let host = bytes[hostStart..<hostEnd]
        guard !host.isEmpty, Self.isValidASCIIHost(host),
              bytes.allSatisfy({ Self.isURLScalar(Unicode.Scalar($0)) }) else {
            collector.error("url-invalid", "\(label) is not a valid absolute URL",
                            hint: URLHints.hint(String(decoding: bytes, as: UTF8.self), schemeLength: schemeLength),
                            at: node.position, pointer: node.pointer)
            return
        }
        if schemeLength == 4 {
            let lowered = String(decoding: host.map { ASCIISearch.lower($0, true) }, as: UTF8.self)
            if !Self.loopbackHosts.contains(lowered) {
                collector.error(
                    "url-insecure", "\(label) must use https",
                    hint: "http is allowed only for localhost, 127.0.0.1 and [::1]", at: node.position,
                    pointer: node.pointer)
            }
        }
    }

    /// `isValidHost` for ASCII bytes.
    static func isValidASCIIHost(_ host: ArraySlice<UInt8>) -> Bool {
        if host.first == UInt8(ascii: "[") {
            return host.last == UInt8(ascii: "]") && host.count > 2
                && host.dropFirst().dropLast().allSatisfy { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || Unicode.Scalar($0).properties.isASCIIHexDigit }
        }
        return host.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "%"): true
            default: false
            }
        } && host.first != UInt8(ascii: ".") && host.first != UInt8(ascii: "-")
    }

    /// Checks scheme, host and user information of `sample` (a URL with placeholders replaced).
    mutating func checkURL(_ node: JSONNode, sample: String, label: String) {
        // No non-ASCII character lowercases to a letter of "https://", so an ASCII
        // case-insensitive prefix test is the same as testing the lowercased string.
        let scheme: String
        if ASCIISearch.hasPrefix(sample.utf8, "https://") {
            scheme = "https"
        } else if ASCIISearch.hasPrefix(sample.utf8, "http://") {
            scheme = "http"
        } else {
            collector.error("url-invalid", "\(label) must be an absolute URL starting with 'https://'",
                            at: node.position, pointer: node.pointer)
            return
        }
        if sample.utf8.allSatisfy({ $0 < 0x80 }) {
            checkASCIIURL(node, bytes: Array(sample.utf8), schemeLength: scheme.count, label: label)
            return
        }
        let rest = sample.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = Substring(authority)
        if let at = authority.lastIndex(of: "@") {
            collector.warning(
                "url-credentials", "\(label) contains credentials before '@'",
                hint: "remove them and send credentials through the auth variant", at: node.position,
                pointer: node.pointer)
            host = authority[authority.index(after: at)...]
        }
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = host[...close] }
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, Self.isValidHost(host), sample.unicodeScalars.allSatisfy(Self.isURLScalar) else {
            collector.error("url-invalid", "\(label) is not a valid absolute URL",
                            hint: URLHints.hint(sample, schemeLength: scheme.count), at: node.position, pointer: node.pointer)
            return
        }
        if scheme == "http", !Self.loopbackHosts.contains(host.lowercased()) {
            collector.error(
                "url-insecure", "\(label) must use https",
                hint: "http is allowed only for localhost, 127.0.0.1 and [::1]", at: node.position, pointer: node.pointer)
        }
    }
}
