public import ConnectorRuntime
import Foundation

/// The behaviour every ``ConnectorRuntime/TokenStore`` must have, as checks that return what
/// failed (empty when the store conforms). Each store's tests run it against a real instance.
/// Test support only, not for apps.
public enum StoreContract {
    /// Runs every check on `store`, using accounts whose ids start with `prefix` (so several runs
    /// can share one database). Returns one line per failed expectation.
    public static func check(_ store: any TokenStore, prefix: String? = nil) async -> [String] {
        let prefix = prefix ?? String(UUID().uuidString.prefix(8).lowercased())
        var failures: [String] = []
        func expect(_ condition: Bool, _ what: String) {
            if !condition { failures.append(what) }
        }
        let tokens = TokenSet(
            accessToken: Secret("access-1"), refreshToken: Secret("refresh-1"), expiresAt: Date(timeIntervalSince1970: 1_800_000_000),
            scope: ["read"], extra: ["instance_url": "https://acme.example.com"])
        var rotated = tokens
        rotated.accessToken = Secret("access-2")
        rotated.refreshToken = Secret("refresh-2")
        let account = "\(prefix)-contract"
        do {
            expect(try await store.record(account: account) == nil, "an unknown account has no record")
            let first = try await store.write(tokens, account: account, expectedVersion: 0, lease: nil)
            expect(first.version == 1, "the first write makes version 1 (got \(first.version))")
            expect(try await store.record(account: account) == first, "a written record reads back equal, extra fields and dates included")
            expect(
                await conflict(try await store.write(rotated, account: account, expectedVersion: 0, lease: nil)),
                "creating a record that exists is a version conflict")
            expect(
                await conflict(try await store.write(rotated, account: account, expectedVersion: 7, lease: nil)),
                "a write naming a wrong version is a version conflict")
            expect(try await store.load(account: account) == tokens, "a refused write changes nothing")
            let second = try await store.write(rotated, account: account, expectedVersion: 1, lease: nil)
            expect(second.version == 2, "a write adds one to the version")

            // Leases: one holder; others see it held; its owner alone releases it.
            guard case let .acquired(lease) = try await store.acquireRefreshLease(account: account, owner: "a", duration: 30) else {
                return failures + ["a free lease is acquired"]
            }
            expect(lease.owner == "a" && lease.account == account, "the lease names its owner and account")
            if case let .held(owner, expiresIn) = try await store.acquireRefreshLease(account: account, owner: "b", duration: 30) {
                expect(owner == "a", "a held lease names its holder (got \(owner))")
                expect(expiresIn > 0 && expiresIn <= 31, "a held lease says when it expires (got \(expiresIn))")
            } else {
                expect(false, "a lease held by another owner is not acquired")
            }
            let third = try await store.write(tokens, account: account, expectedVersion: 2, lease: lease)
            expect(third.version == 3, "the lease holder writes")
            var forged = lease
            forged.id = "forged"
            try await store.releaseRefreshLease(forged)
            if case .acquired = try await store.acquireRefreshLease(account: account, owner: "b", duration: 30) {
                expect(false, "a release by another lease id does nothing")
            }
            try await store.releaseRefreshLease(lease)
            guard case let .acquired(taken) = try await store.acquireRefreshLease(account: account, owner: "b", duration: 30) else {
                return failures + ["a released lease is acquired by the next owner"]
            }
            expect(taken.id != lease.id, "every acquisition has its own id")
            // Fencing: the first holder lost the lease; its write is refused even with the right version.
            expect(
                await leaseLost(try await store.write(rotated, account: account, expectedVersion: 3, lease: lease)),
                "a write with a lease that was taken over is refused (fencing)")
            expect(try await store.record(account: account)?.version == 3, "a fenced write changes nothing")
            try await store.releaseRefreshLease(taken)

            // Expiry: an expired lease is taken over.
            guard case let .acquired(short) = try await store.acquireRefreshLease(account: account, owner: "c", duration: 0.2) else {
                return failures + ["a released lease is acquired again"]
            }
            try await Task.sleep(nanoseconds: 400_000_000)
            if case let .acquired(over) = try await store.acquireRefreshLease(account: account, owner: "d", duration: 30) {
                expect(
                    await leaseLost(try await store.write(rotated, account: account, expectedVersion: 3, lease: short)),
                    "the expired holder's write is refused once another owner took over")
                try await store.releaseRefreshLease(over)
            } else {
                expect(false, "an expired lease is taken over")
            }

            // An expired lease nobody took over still fences nothing: its holder may write.
            guard case let .acquired(late) = try await store.acquireRefreshLease(account: account, owner: "e", duration: 0.1) else {
                return failures + ["a released lease is acquired again (late)"]
            }
            try await Task.sleep(nanoseconds: 200_000_000)
            let fourth = try await store.write(rotated, account: account, expectedVersion: 3, lease: late)
            expect(fourth.version == 4, "a holder whose lease expired but was not taken over may still write")
            try await store.releaseRefreshLease(late)

            // Other accounts are independent; removal.
            let other = "\(prefix)-other"
            expect(try await store.record(account: other) == nil, "accounts are independent")
            try await store.save(tokens, account: other)
            try await store.save(rotated, account: other)
            expect(try await store.record(account: other)?.version == 2, "save writes whatever the version")
            try await store.remove(account: other)
            expect(try await store.record(account: other) == nil, "a removed account has no record")
            try await store.remove(account: other)
            expect(try await store.load(account: account) == rotated, "removing one account leaves the others")

            // Many concurrent compare-and-swap writers: exactly one wins each version.
            let racing = "\(prefix)-race"
            try await store.save(tokens, account: racing)
            let candidate = rotated
            let wins = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { (try? await store.write(candidate, account: racing, expectedVersion: 1, lease: nil)) == nil ? 0 : 1 }
                }
                return await group.reduce(0, +)
            }
            expect(wins == 1, "one of 8 concurrent writers of version 1 wins (got \(wins))")

            // Many processes asking for a lease nobody ever took: one gets it, none fails.
            let fresh = "\(prefix)-first-lease"
            let outcomes = await withTaskGroup(of: String.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        switch try? await store.acquireRefreshLease(account: fresh, owner: "owner-\(n)", duration: 30) {
                        case .acquired?: "acquired"
                        case .held?: "held"
                        case nil: "error"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            expect(
                outcomes.filter { $0 == "acquired" }.count == 1 && !outcomes.contains("error"),
                "8 concurrent first acquisitions: one acquires, the others see it held (got \(outcomes.sorted()))")
        } catch {
            failures.append("unexpected error: \(error)")
        }
        return failures
    }

    private static func conflict(_ body: @autoclosure () async throws -> TokenRecord) async -> Bool {
        do {
            _ = try await body()
            return false
        } catch TokenStoreError.versionConflict {
            return true
        } catch {
            return false
        }
    }

    private static func leaseLost(_ body: @autoclosure () async throws -> TokenRecord) async -> Bool {
        do {
            _ = try await body()
            return false
        } catch TokenStoreError.leaseLost {
            return true
        } catch {
            return false
        }
    }
}
