import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which network addresses a server may send requests to when a person chose the host (a
/// self-hosted instance's name, a tenant URL): public addresses only. Loopback, private
/// (RFC 1918, IPv6 unique local), link-local, shared address space (CGNAT, RFC 6598),
/// unspecified, multicast, reserved and the cloud metadata addresses (169.254.169.254,
/// fd00:ec2::254) are refused, as are IPv4-mapped and NAT64 forms of them.
///
/// Host names are checked after resolution: ``resolve(_:)`` answers the addresses, and
/// ``AsyncHTTPClientTransport`` connects to the address it checked (no second lookup a DNS
/// rebinding could answer differently).
public enum NetworkAddressPolicy {
    /// What kind of non-public address `address` (an IPv4 or IPv6 literal) is (`loopback`,
    /// `private`, `link-local`, `cloud metadata`, …), or `nil` when it is a public address. Text
    /// that is not an address literal is refused too.
    public static func refusal(of address: String) -> String? {
        var literal = address
        if literal.hasPrefix("[") && literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        if let zone = literal.firstIndex(of: "%") { literal = String(literal[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            return refusal(ipv4: withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            return refusal(ipv6: withUnsafeBytes(of: v6) { Array($0) })
        }
        return "not an IP address"
    }

    /// Whether `host` is an IPv4 or IPv6 literal (brackets allowed).
    public static func isAddressLiteral(_ host: String) -> Bool {
        var literal = host
        if literal.hasPrefix("[") && literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, literal, &v4) == 1 || inet_pton(AF_INET6, literal, &v6) == 1
    }

    static func refusal(ipv4 bytes: [UInt8]) -> String? {
        let (a, b, c, d) = (bytes[0], bytes[1], bytes[2], bytes[3])
        switch (a, b) {
        case (0, _): return "unspecified"
        case (10, _): return "private"
        case (127, _): return "loopback"
        case (169, 254): return c == 169 && d == 254 ? "cloud metadata" : "link-local"
        case (172, 16...31): return "private"
        case (192, 168): return "private"
        case (100, 64...127): return "shared, carrier-grade NAT"
        case (198, 18...19): return "benchmarking"
        default: break
        }
        if a == 192 && b == 0 && c == 0 { return "reserved" }
        if a == 192 && b == 0 && c == 2 || a == 198 && b == 51 && c == 100 || a == 203 && b == 0 && c == 113 {
            return "documentation"
        }
        if a >= 224 && a <= 239 { return "multicast" }
        if a >= 240 { return "reserved" }
        return nil
    }

    /// fd00:ec2::254, the IPv6 address of a cloud instance's metadata service.
    static let metadataIPv6: [UInt8] = [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]

    static func refusal(ipv6 bytes: [UInt8]) -> String? {
        let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
        // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible): the IPv4 rules.
        if zeroPrefix && bytes[10] == 0xff && bytes[11] == 0xff { return refusal(ipv4: Array(bytes[12..<16])) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? "loopback" : "unspecified" }
        if zeroPrefix && bytes[10] == 0 && bytes[11] == 0 { return refusal(ipv4: Array(bytes[12..<16])) }
        // 64:ff9b::/96 (NAT64) reaches the embedded IPv4 address.
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..<12].allSatisfy({ $0 == 0 }) {
            return refusal(ipv4: Array(bytes[12..<16]))
        }
        if bytes == metadataIPv6 { return "cloud metadata" }
        if bytes[0] & 0xfe == 0xfc { return "private" }  // fc00::/7, unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return "link-local" }  // fe80::/10
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return "site-local" }  // fec0::/10 (deprecated)
        if bytes[0] == 0xff { return "multicast" }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return "documentation" }
        return nil
    }

    /// The addresses `host` resolves to (`getaddrinfo`, on NIO's thread pool so no task thread
    /// blocks). An address literal answers itself. Throws ``ResolutionError`` when the name
    /// does not resolve.
    public static func resolve(_ host: String) async throws -> [String] {
        var literal = host
        if literal.hasPrefix("[") && literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        if isAddressLiteral(literal) { return [literal] }
        let name = literal
        return try await NIOThreadPool.singleton.runIfActive { try lookup(name) }
    }

    /// The name did not resolve to any address.
    public struct ResolutionError: Error, CustomStringConvertible {
        public var description: String { "The host name does not resolve." }
        public init() {}
    }

    private static func lookup(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { throw ResolutionError() }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            if let address = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &value, &buffer, socklen_t(buffer.count))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &value, &buffer, socklen_t(buffer.count))
                    }
                default: break
                }
            }
            let text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty && !addresses.contains(text) { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw ResolutionError() }
        return addresses
    }

    /// Resolves `host` and answers the first address when every address it resolves to is
    /// public; otherwise the refusal (the address and its kind, e.g. `loopback`). One refused address
    /// refuses the host: a name answering both a public and a private address is not trusted.
    public static func checkedAddress(of host: String) async throws -> Result<String, Refused> {
        try await Rules.publicOnly.checkedAddress(of: host)
    }

    /// How host names resolve and which addresses are refused. ``publicOnly`` (system resolver,
    /// ``refusal(of:)``) is the rule; tests pass a resolver of their own to show that the
    /// transport connects to the address it checked.
    public struct Rules: Sendable {
        public var resolve: @Sendable (String) async throws -> [String]
        public var refusal: @Sendable (String) -> String?

        public init(resolve: @escaping @Sendable (String) async throws -> [String], refusal: @escaping @Sendable (String) -> String?) {
            self.resolve = resolve
            self.refusal = refusal
        }

        public static let publicOnly = Rules(resolve: { try await NetworkAddressPolicy.resolve($0) }, refusal: { NetworkAddressPolicy.refusal(of: $0) })

        /// The first address `host` resolves to when every one passes, else the refused one.
        public func checkedAddress(of host: String) async throws -> Result<String, Refused> {
            let addresses = try await resolve(host)
            guard !addresses.isEmpty else { throw ResolutionError() }
            for address in addresses {
                if let reason = refusal(address) { return .failure(Refused(address: address, reason: reason)) }
            }
            return .success(addresses[0])
        }
    }

    /// A refused address and why.
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var address: String
        public var reason: String
        public var description: String { "\(address) is not a public address (\(reason))" }
    }
}
