import NIOConcurrencyHelpers
import NIOCore

/// The address each host name was last checked to resolve to (every address it resolved to was
/// public, ``NetworkAddressPolicy``), kept for ``lifetime`` seconds so that a request under
/// `refusePrivateAddresses` does not resolve its host (`getaddrinfo` on NIO's thread pool)
/// every time.
///
/// What keeps it safe against DNS rebinding: only a checked address is stored, and
/// ``AsyncHTTPClientTransport`` connects to exactly that address (its DNS override), never to
/// what a later lookup answers; once the entry is older than ``lifetime`` the name is resolved
/// and every address checked again, so a name that now points at a private address is refused
/// from then on. A refusal or a failed lookup is never stored: the next request checks again.
/// At most ``capacity`` names are kept (past that, expired entries are dropped, then all).
package final class CheckedAddressCache: Sendable {
    /// How long an entry is used, in seconds (0: never).
    package let lifetime: Double
    package let capacity: Int
    private let lifetimeNanoseconds: UInt64
    private let now: @Sendable () -> UInt64
    private let entries = NIOLockedValueBox<[String: (address: String, expires: UInt64)]>([:])

    /// - Parameters:
    ///   - lifetime: seconds an entry is used.
    ///   - capacity: the most host names kept.
    ///   - now: a monotonic clock in nanoseconds (NIO's uptime clock; tests pass their own).
    package init(
        lifetime: Double, capacity: Int = 1024,
        now: @escaping @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
    ) {
        self.lifetime = max(lifetime, 0)
        self.capacity = capacity
        lifetimeNanoseconds = UInt64(max(lifetime, 0) * 1_000_000_000)
        self.now = now
    }

    /// The checked address of `host`, while its entry is younger than ``lifetime``.
    package func address(of host: String) -> String? {
        guard lifetimeNanoseconds > 0 else { return nil }
        let moment = now()
        return entries.withLockedValue { entries in
            guard let entry = entries[host] else { return nil }
            guard moment < entry.expires else {
                entries[host] = nil
                return nil
            }
            return entry.address
        }
    }

    /// Records that `host` resolved to public addresses only, `address` the one connected to.
    package func store(_ address: String, for host: String) {
        guard lifetimeNanoseconds > 0 else { return }
        let moment = now()
        let expires = moment &+ lifetimeNanoseconds
        entries.withLockedValue { entries in
            if entries[host] == nil && entries.count >= capacity {
                entries = entries.filter { moment < $0.value.expires }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[host] = (address, expires)
        }
    }
}
