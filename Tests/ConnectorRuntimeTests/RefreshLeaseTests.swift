import ConnectorRuntime
import Foundation
import Testing

/// The cross-process side of a refresh, with the in-memory store standing for a shared one and a
/// test acting as the other process.
@Suite struct RefreshLeaseTests {
    let clock = TestClock()

    private func expired() -> TokenSet {
        TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now.addingTimeInterval(-10))
    }

    private func fresh(_ n: Int) -> TokenSet {
        TokenSet(accessToken: Secret("peer-\(n)"), refreshToken: Secret("rt-peer-\(n)"), expiresAt: clock.now.addingTimeInterval(3600))
    }

    /// A token endpoint that counts its requests and rotates.
    private func transport(_ calls: Counter) -> MockTransport {
        MockTransport { request in
            if request.url == Fixtures.tokenURL {
                let n = calls.next()
                return json(["access_token": "own-\(n)", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-own-\(n)"])
            }
            return json(["ok": true])
        }
    }

    @Test func aConnectionWaitsForTheLeaseHolderAndAdoptsItsTokens() async throws {
        let store = InMemoryTokenStore(["acct": expired()])
        guard case let .acquired(lease) = try await store.acquireRefreshLease(account: "acct", owner: "other-process", duration: 30) else {
            Issue.record("the test could not take the lease")
            return
        }
        let calls = Counter()
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport(calls), now: clock.function)
        let send = Task { try await connection.send(path: "/users") }
        try await Task.sleep(nanoseconds: 50_000_000)
        // The other process writes its refreshed tokens with its lease, then releases it.
        _ = try await store.write(fresh(1), account: "acct", expectedVersion: 1, lease: lease)
        try await store.releaseRefreshLease(lease)
        #expect(try await send.value.status == 200)
        #expect(calls.value == 0, "the waiting connection made no token request")
        #expect(try await connection.currentTokens().accessToken == Secret("peer-1"))
    }

    @Test func anExpiredLeaseIsTakenOverAndTheRefreshIsMade() async throws {
        let store = InMemoryTokenStore(["acct": expired()])
        _ = try await store.acquireRefreshLease(account: "acct", owner: "crashed-process", duration: 0.2)
        let calls = Counter()
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport(calls), now: clock.function)
        #expect(try await connection.send(path: "/users").status == 200)
        #expect(calls.value == 1)
        #expect(try await store.load(account: "acct")?.refreshToken == Secret("rt-own-1"))
    }

    @Test func aWriteFromALostLeaseIsRefusedAndTheNewHolderIsAdopted() async throws {
        // This connection's token request outlasts its lease; another process takes the lease over
        // and writes first. The late write is refused (fencing) and the connection adopts.
        let store = InMemoryTokenStore(["acct": expired()])
        let calls = Counter()
        let slow = MockTransport { request in
            guard request.url == Fixtures.tokenURL else { return json(["ok": true]) }
            calls.next()
            try await Task.sleep(nanoseconds: 400_000_000)
            guard case let .acquired(takeover) = try await store.acquireRefreshLease(account: "acct", owner: "other", duration: 30) else {
                return json(500, ["error": "the lease had not expired"])
            }
            let current = try await store.record(account: "acct")
            _ = try await store.write(self.fresh(2), account: "acct", expectedVersion: current?.version ?? 0, lease: takeover)
            try await store.releaseRefreshLease(takeover)
            return json(["access_token": "late", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-late"])
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: slow, refreshLeaseDuration: 0.2,
            now: clock.function)
        #expect(try await connection.send(path: "/users").status == 200)
        #expect(calls.value == 1)
        #expect(try await store.load(account: "acct")?.accessToken == Secret("peer-2"), "the late write was refused")
        #expect(try await connection.currentTokens().accessToken == Secret("peer-2"))
    }

    @Test func tokensThatCouldNotBeSavedAreSavedBeforeAnyUse() async throws {
        let inner = InMemoryTokenStore(["acct": expired()])
        let store = FlakyStore(inner: inner)
        let calls = Counter()
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport(calls), now: clock.function)
        store.failWrites(true)
        let error = await connectorError { _ = try await connection.send(path: "/users") }
        guard case .providerUnavailable(_, retryable: true)? = error else {
            Issue.record("expected a retryable failure, got \(String(describing: error))")
            return
        }
        #expect(try await inner.load(account: "acct")?.refreshToken == Secret("rt-1"), "nothing saved yet")
        // The lease is kept while the rotated token is unsaved: a peer waits instead of spending rt-1.
        guard case .held = try await inner.acquireRefreshLease(account: "acct", owner: "peer", duration: 30) else {
            Issue.record("the lease was given up with unsaved tokens")
            return
        }
        store.failWrites(false)
        #expect(try await connection.send(path: "/users").status == 200)
        #expect(calls.value == 1, "the unsaved tokens were saved, not requested again")
        #expect(try await inner.load(account: "acct")?.refreshToken == Secret("rt-own-1"))
    }
}

/// A store whose writes fail on demand (a database that went away). A MOCK of an outage: real
/// databases are restarted in the Hub's PostgreSQL tests.
final class FlakyStore: TokenStore, @unchecked Sendable {
    let inner: InMemoryTokenStore
    private let lock = NSLock()
    private var failing = false

    init(inner: InMemoryTokenStore) { self.inner = inner }

    func failWrites(_ on: Bool) { lock.withLock { failing = on } }

    func record(account: String) async throws -> TokenRecord? { try await inner.record(account: account) }
    func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        if lock.withLock({ failing }) { throw TokenStoreError.unavailable("test outage") }
        return try await inner.write(tokens, account: account, expectedVersion: expectedVersion, lease: lease)
    }
    func remove(account: String) async throws { try await inner.remove(account: account) }
    func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        try await inner.acquireRefreshLease(account: account, owner: owner, duration: duration)
    }
    func releaseRefreshLease(_ lease: RefreshLease) async throws { try await inner.releaseRefreshLease(lease) }
}
