import ConnectorRuntime
import Foundation
import Testing

@Suite struct DiscoveryTests {
    let clock = TestClock()
    static let discoveryURL = URL(string: "https://api.example.com/oauth/token/accessible-resources")!

    private static let sites = Data(
        #"[{"id":"cloud-other","url":"https://other.atlassian.net","name":"Other"},{"id":"cloud-acme","url":"https://acme.atlassian.net","name":"Acme"}]"#.utf8)

    private func tokens() -> TokenSet {
        TokenSet(accessToken: Secret("access-1"), refreshToken: Secret("rt-1"), expiresAt: clock.now.addingTimeInterval(3600))
    }

    private func configuration(site: String = "https://acme.atlassian.net") -> ConnectionConfiguration {
        var configuration = Fixtures.codeConfiguration(baseURL: .fromTokenResponse { extra throws(ConnectorError) in
            guard let cloudID = extra["discovered.cloudId"] else { throw .misconfigured("no cloud id") }
            return URL(string: "https://api.example.com/ex/jira/\(cloudID)/rest/api/3")!
        })
        configuration.discovery = DiscoveryRequest(
            url: Self.discoveryURL, items: "", match: .init(pointer: "/url", equals: .string(site)),
            values: [.init(name: "cloudId", pointer: "/id")])
        return configuration
    }

    private func server(discoveryCalls: Counter, delay: UInt64 = 0) -> MockTransport {
        MockTransport { request in
            if request.url == Self.discoveryURL {
                discoveryCalls.next()
                if delay > 0 { try await Task.sleep(nanoseconds: delay) }
                guard request.headers["Authorization"] == "Bearer access-1" else { return json(401, ["error": "invalid_token"]) }
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Self.sites)
            }
            return json(["ok": true])
        }
    }

    @Test func discoveryRunsOnceAndItsValueBuildsTheBaseURL() async throws {
        let calls = Counter()
        let transport = server(discoveryCalls: calls, delay: 10_000_000)
        let store = InMemoryTokenStore(["acct": tokens()])
        let connection = Connection(configuration: configuration(), account: "acct", store: store, transport: transport, now: clock.function)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await connection.send(path: "/myself") } }
            try await group.waitForAll()
        }
        _ = try await connection.send(path: "/myself")
        #expect(calls.value == 1)
        let apiRequests = transport.requests.filter { $0.url != Self.discoveryURL }
        #expect(apiRequests.count == 21)
        #expect(apiRequests.allSatisfy { $0.url.absoluteString == "https://api.example.com/ex/jira/cloud-acme/rest/api/3/myself" })
        #expect(apiRequests.allSatisfy { $0.headers["Authorization"] == "Bearer access-1" })
    }

    @Test func discoveredValuesArePersistedWithTheTokens() async throws {
        let calls = Counter()
        let store = InMemoryTokenStore(["acct": tokens()])
        let first = Connection(configuration: configuration(), account: "acct", store: store, transport: server(discoveryCalls: calls), now: clock.function)
        _ = try await first.send(path: "/myself")
        let saved = try #require(try await store.load(account: "acct"))
        #expect(saved.extra["discovered.cloudId"] == "cloud-acme")
        #expect(saved.refreshToken == Secret("rt-1"))
        // A new connection on the same store does not look up again.
        let second = Connection(configuration: configuration(), account: "acct", store: store, transport: server(discoveryCalls: calls), now: clock.function)
        _ = try await second.send(path: "/myself")
        #expect(calls.value == 1)
    }

    @Test func noMatchingItemIsMisconfiguredNamingThePointer() async throws {
        let calls = Counter()
        let store = InMemoryTokenStore(["acct": tokens()])
        let connection = Connection(
            configuration: configuration(site: "https://missing.atlassian.net"), account: "acct", store: store,
            transport: server(discoveryCalls: calls), now: clock.function)
        await #expect {
            _ = try await connection.send(path: "/myself")
        } throws: { error in
            guard case .misconfigured(let message) = error as? ConnectorError else { return false }
            return message.contains("'/url'") && !message.contains("access-1")
        }
        #expect(try await store.load(account: "acct")?.extra["discovered.cloudId"] == nil)
    }

    @Test func selectReadsBooleanMatchesAndNestedArrays() throws {
        let request = DiscoveryRequest(
            url: Self.discoveryURL, items: "/accounts", match: .init(pointer: "/is_default", equals: .boolean(true)),
            values: [.init(name: "accountId", pointer: "/account_id"), .init(name: "baseURI", pointer: "/base_uri")])
        let body = Data(#"{"sub":"u","accounts":[{"account_id":"a1","is_default":false,"base_uri":"https://na2.docusign.net"},{"account_id":"a2","is_default":true,"base_uri":"https://na3.docusign.net"}]}"#.utf8)
        let values = try request.select(from: body)
        #expect(values == ["discovered.accountId": "a2", "discovered.baseURI": "https://na3.docusign.net"])
    }

    @Test func endpointOverridesRewriteTheDiscoveryURL() {
        let overridden = configuration().overridingEndpoints(["api.example.com": URL(string: "http://127.0.0.1:5001")!])
        #expect(overridden.discovery?.url.absoluteString == "http://127.0.0.1:5001/oauth/token/accessible-resources")
    }
}
