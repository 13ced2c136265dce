// Byte-level helpers shared by the validator's rules.

import Foundation

/// Byte-level searches over ASCII, for the hot paths of the validator.
enum ASCIISearch {
    /// Whether `bytes` contains `needle`; with `ignoringCase`, `needle` must be lowercase and
    /// ASCII letters in `bytes` match either case.
    static func contains(_ bytes: String.UTF8View, _ needle: [UInt8], ignoringCase: Bool) -> Bool {
        guard let first = needle.first else { return true }
        let haystack = Array(bytes)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) {
            guard lower(haystack[start], ignoringCase) == first else { continue }
            var offset = 1
            while offset < needle.count, lower(haystack[start + offset], ignoringCase) == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }

    /// Whether `bytes` starts with the lowercase ASCII `prefix`, ignoring ASCII case.
    static func hasPrefix(_ bytes: String.UTF8View, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        var index = bytes.startIndex
        for offset in 0..<count {
            guard index != bytes.endIndex, lower(bytes[index], true) == prefix.utf8Start[offset] else { return false }
            index = bytes.index(after: index)
        }
        return true
    }

    @inline(__always)
    static func lower(_ byte: UInt8, _ ignoringCase: Bool) -> UInt8 {
        ignoringCase && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
