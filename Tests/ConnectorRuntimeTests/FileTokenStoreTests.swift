import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

@Suite struct FileTokenStoreTests {
    private func makeStore() throws -> FileTokenStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)")
        return try FileTokenStore(directory: directory)
    }

    private let tokens = TokenSet(
        accessToken: Secret("a"), refreshToken: Secret("r"), tokenType: "Bearer", expiresAt: Date(timeIntervalSince1970: 1_800_000_000),
        scope: ["x"], extra: ["instance_url": "https://acme.example.com"])

    @Test func savedTokensRoundTrip() async throws {
        let store = try makeStore()
        try await store.save(tokens, account: "acme")
        #expect(try await store.load(account: "acme") == tokens)
        #expect(try await store.load(account: "other") == nil)
        try await store.remove(account: "acme")
        #expect(try await store.load(account: "acme") == nil)
        try await store.remove(account: "acme")
    }

    @Test func filesAreOwnerOnlyAndNoTemporaryFilesRemain() async throws {
        let store = try makeStore()
        try await store.save(tokens, account: "acme")
        try await store.save(tokens, account: "acme")
        let attributes = try FileManager.default.attributesOfItem(atPath: store.fileURL(for: "acme").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted()
        #expect(names == [store.fileURL(for: "acme").lastPathComponent, store.lockURL(for: "acme").lastPathComponent])
    }

    @Test func accountIDsCannotEscapeTheDirectory() async throws {
        let store = try makeStore()
        for account in ["../evil", "/etc/passwd", "..", ".", "a/b", String(repeating: "x", count: 500)] {
            let url = store.fileURL(for: account)
            #expect(url.deletingLastPathComponent().standardizedFileURL.path == store.directory.standardizedFileURL.path)
            #expect(!url.lastPathComponent.hasPrefix("."))
            try await store.save(tokens, account: account)
            #expect(try await store.load(account: account) == tokens)
        }
        #expect(store.fileURL(for: "a/b") != store.fileURL(for: "a%2Fb") || store.fileURL(for: "a/b").lastPathComponent.contains("%2F"))
    }

    @Test func aCorruptFileAffectsOnlyItsAccount() async throws {
        let store = try makeStore()
        try await store.save(tokens, account: "good")
        try await store.save(tokens, account: "bad")
        try Data("{not json".utf8).write(to: store.fileURL(for: "bad"))
        await #expect(throws: TokenStoreError.unreadable(account: "bad", reason: "its token file is corrupt.")) {
            try await store.load(account: "bad")
        }
        #expect(try await store.load(account: "good") == tokens)
    }

    @Test func concurrentSavesLeaveAValidFile() async throws {
        let store = try makeStore()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<50 {
                group.addTask {
                    _ = try? await store.save(TokenSet(accessToken: Secret("a\(n)"), refreshToken: Secret("r\(n)")), account: "acme")
                }
            }
        }
        let loaded = try #require(try await store.load(account: "acme"))
        #expect(loaded.accessToken.reveal().hasPrefix("a"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).filter { $0.hasSuffix(".json") }.count == 1)
    }

    @Test func aConnectionPersistsRotatedTokensToDisk() async throws {
        let store = try makeStore()
        let clock = TestClock()
        try await store.save(TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now), account: "acct")
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                return json(["access_token": "new", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-2"])
            }
            // A crash here must not lose rt-2: it is already on disk.
            let onDisk = try await FileTokenStore(directory: store.directory).load(account: "acct")
            #expect(onDisk?.refreshToken?.reveal() == "rt-2")
            return json(["ok": true])
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        #expect(try await connection.send(path: "/users").status == 200)
    }

    @Test func followsTheTokenStoreContract() async throws {
        let failures = await StoreContract.check(try makeStore())
        #expect(failures == [])
    }

    @Test func twoStoreObjectsOnOneDirectoryShareVersionsAndLeases() async throws {
        // Two objects stand for two processes: only the files and their locks are shared.
        let first = try makeStore()
        let second = try FileTokenStore(directory: first.directory)
        let written = try await first.write(tokens, account: "acme", expectedVersion: 0, lease: nil)
        #expect(try await second.record(account: "acme") == written)
        guard case let .acquired(lease) = try await first.acquireRefreshLease(account: "acme", owner: "one", duration: 30) else {
            Issue.record("the first store did not get the lease")
            return
        }
        guard case .held(owner: "one", _) = try await second.acquireRefreshLease(account: "acme", owner: "two", duration: 30) else {
            Issue.record("the second store got a lease the first holds")
            return
        }
        await #expect(throws: TokenStoreError.versionConflict(account: "acme", expected: 0, current: 1)) {
            try await second.write(tokens, account: "acme", expectedVersion: 0, lease: nil)
        }
        #expect(try await first.write(tokens, account: "acme", expectedVersion: 1, lease: lease).version == 2)
    }

    @Test func filesWrittenBeforeVersionsReadAsVersionOne() async throws {
        let store = try makeStore()
        let encoder = JSONEncoder()
        try encoder.encode(tokens).write(to: store.fileURL(for: "legacy"))
        #expect(try await store.record(account: "legacy") == TokenRecord(tokens: tokens, version: 1))
        #expect(try await store.write(tokens, account: "legacy", expectedVersion: 1, lease: nil).version == 2)
    }
}

@Suite struct InMemoryTokenStoreTests {
    @Test func followsTheTokenStoreContract() async {
        #expect(await StoreContract.check(InMemoryTokenStore()) == [])
    }
}
