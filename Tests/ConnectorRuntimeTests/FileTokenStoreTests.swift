import ConnectorRuntime
import Foundation
import Testing

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
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory.path)
        #expect(names == [store.fileURL(for: "acme").lastPathComponent])
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
        await #expect(throws: (any Error).self) { try await store.load(account: "bad") }
        #expect(try await store.load(account: "good") == tokens)
    }

    @Test func concurrentSavesLeaveAValidFile() async throws {
        let store = try makeStore()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<50 {
                group.addTask {
                    try? await store.save(TokenSet(accessToken: Secret("a\(n)"), refreshToken: Secret("r\(n)")), account: "acme")
                }
            }
        }
        let loaded = try #require(try await store.load(account: "acme"))
        #expect(loaded.accessToken.reveal().hasPrefix("a"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).count == 1)
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
            let onDisk = try JSONDecoder().decode(TokenSet.self, from: Data(contentsOf: store.fileURL(for: "acct")))
            #expect(onDisk.refreshToken?.reveal() == "rt-2")
            return json(["ok": true])
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        #expect(try await connection.send(path: "/users").status == 200)
    }
}
