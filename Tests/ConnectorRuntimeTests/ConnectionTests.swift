import ConnectorRuntime
import Foundation
import Testing

@Suite struct ConnectionRefreshTests {
    let clock = TestClock()

    private func expiredTokens() -> TokenSet {
        TokenSet(accessToken: Secret("old-access"), refreshToken: Secret("rt-1"), expiresAt: clock.now.addingTimeInterval(-10))
    }

    /// Token endpoint issuing access-N / rt-N (rotation); API accepting only the newest token.
    private func server(tokenCalls: Counter, rotate: Bool = true, delay: UInt64 = 0) -> MockTransport {
        MockTransport { request in
            if request.url == Fixtures.tokenURL {
                if delay > 0 { try await Task.sleep(nanoseconds: delay) }
                let n = tokenCalls.next()
                var body: [String: Any] = ["access_token": "access-\(n)", "token_type": "bearer", "expires_in": 3600]
                if rotate { body["refresh_token"] = "rt-\(n + 1)" }
                return json(body)
            }
            let auth = request.headers["Authorization"] ?? ""
            return auth.hasPrefix("Bearer access-") ? json(["ok": true]) : json(401, ["error": "invalid_token"])
        }
    }

    @Test func thousandConcurrentSendsOnAnExpiredTokenCauseOneTokenRequest() async throws {
        let calls = Counter()
        let transport = server(tokenCalls: calls, delay: 20_000_000)
        let store = InMemoryTokenStore(["acct": expiredTokens()])
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1000 {
                group.addTask { try await connection.send(path: "/users").status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(calls.value == 1)
        #expect(transport.requests(to: "/oauth/token").count == 1)
    }

    @Test func refreshSendsGrantAndRefreshTokenAndRedirectURIParameter() async throws {
        let calls = Counter()
        let transport = server(tokenCalls: calls)
        let configuration = Fixtures.codeConfiguration(refreshParameters: [OAuthParameter(name: "redirect_uri", value: .redirectURI)])
        let connection = Connection(
            configuration: configuration, account: "acct", store: InMemoryTokenStore(["acct": expiredTokens()]), transport: transport,
            redirectURI: Fixtures.redirectURI, now: clock.function)
        _ = try await connection.send(path: "/users")
        let fields = formFields(try #require(transport.requests(to: "/oauth/token").first))
        #expect(fields["grant_type"] == "refresh_token")
        #expect(fields["refresh_token"] == "rt-1")
        #expect(fields["redirect_uri"] == Fixtures.redirectURI.absoluteString)
    }

    @Test func rotatedRefreshTokenIsPersistedBeforeTheNewAccessTokenIsUsed() async throws {
        let calls = Counter()
        let store = InMemoryTokenStore(["acct": expiredTokens()])
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                calls.next()
                return json(["access_token": "access-new", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-2"])
            }
            // At the moment the new access token is first used, the store must already hold rt-2.
            let saved = try await store.load(account: "acct")
            #expect(saved?.refreshToken?.reveal() == "rt-2")
            #expect(saved?.accessToken.reveal() == "access-new")
            return json(["ok": true])
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        let response = try await connection.send(path: "/users")
        #expect(response.status == 200)
        #expect(await store.saveHistory.count == 1)
    }

    @Test func refreshWithoutANewRefreshTokenKeepsTheOldOne() async throws {
        let store = InMemoryTokenStore(["acct": expiredTokens()])
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store,
            transport: server(tokenCalls: Counter(), rotate: false), now: clock.function)
        _ = try await connection.send(path: "/users")
        #expect(try await store.load(account: "acct")?.refreshToken?.reveal() == "rt-1")
    }

    @Test func tokenIsRefreshedProactivelyWithinTheMargin() async throws {
        let calls = Counter()
        let fresh = TokenSet(accessToken: Secret("access-0"), refreshToken: Secret("rt-1"), expiresAt: clock.now.addingTimeInterval(120))
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": fresh]),
            transport: server(tokenCalls: calls), refreshMargin: 60, now: clock.function)
        _ = try await connection.send(path: "/users")
        #expect(calls.value == 0)
        clock.advance(61)
        _ = try await connection.send(path: "/users")
        #expect(calls.value == 1)
    }

    @Test func a401RefreshesOnceAndRetriesOnce() async throws {
        let calls = Counter()
        let unknownExpiry = TokenSet(accessToken: Secret("revoked"), refreshToken: Secret("rt-1"))
        let transport = server(tokenCalls: calls)
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": unknownExpiry]),
            transport: transport, now: clock.function)
        let response = try await connection.send(path: "/users")
        #expect(response.status == 200)
        #expect(calls.value == 1)
        #expect(transport.requests(to: "/v1/users").count == 2)
    }

    @Test func aPersistent401FailsAfterOneRetry() async throws {
        let calls = Counter()
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                calls.next()
                return json(["access_token": "a", "token_type": "Bearer", "expires_in": 3600])
            }
            return HTTPResponse(status: 401)
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct",
            store: InMemoryTokenStore(["acct": TokenSet(accessToken: Secret("x"), refreshToken: Secret("rt"))]), transport: transport,
            now: clock.function)
        await #expect(throws: ConnectorError.self) { try await connection.send(path: "/users") }
        #expect(calls.value == 1)
        #expect(transport.requests(to: "/v1/users").count == 2)
    }

    @Test func invalidGrantOnRefreshRequiresReconnectAndPublishesStatus() async throws {
        let calls = Counter()
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL { calls.next() }
            return json(400, ["error": "invalid_grant"])
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": expiredTokens()]),
            transport: transport, now: clock.function)
        let updates = await connection.statusUpdates()
        await #expect {
            try await connection.send(path: "/users")
        } throws: { error in
            guard case .reconnectRequired = error as? ConnectorError else { return false }
            return true
        }
        #expect(await connection.status == .reconnectRequired)
        // The rejected refresh token is not tried again.
        await #expect(throws: ConnectorError.self) { try await connection.send(path: "/users") }
        #expect(calls.value == 1)
        var seen: [ConnectionStatus] = []
        for await status in updates {
            seen.append(status)
            if status == .reconnectRequired { break }
        }
        #expect(seen == [.active, .refreshing, .reconnectRequired])
    }

    @Test func noStoredTokensMeansReconnectRequiredWithoutARequest() async {
        let transport = server(tokenCalls: Counter())
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(), transport: transport,
            now: clock.function)
        await #expect(throws: ConnectorError.self) { try await connection.send(path: "/users") }
        #expect(transport.requests.isEmpty)
    }

    @Test func insufficientScopeIsMissingScopesWithoutRefresh() async throws {
        let calls = Counter()
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL { calls.next() }
            return HTTPResponse(status: 403, headers: ["WWW-Authenticate": #"Bearer error="insufficient_scope", scope="users:read""#])
        }
        let fresh = TokenSet(accessToken: Secret("a"), refreshToken: Secret("r"), expiresAt: clock.now.addingTimeInterval(3600))
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": fresh]),
            transport: transport, now: clock.function)
        await #expect(throws: ConnectorError.missingScopes(["users:read"])) { try await connection.send(path: "/users") }
        #expect(calls.value == 0)
    }

    @Test func staticRefreshTokenIsUsedFirstThenTheRotatedOne() async throws {
        let calls = Counter()
        let transport = server(tokenCalls: calls)
        let configuration = Fixtures.configuration(
            .refreshToken(RefreshTokenConfiguration(endpoint: Fixtures.endpoint(), refreshToken: Secret("rt-1"), rotatesRefreshToken: true)))
        let store = InMemoryTokenStore()
        let connection = Connection(configuration: configuration, account: "acct", store: store, transport: transport, now: clock.function)
        _ = try await connection.send(path: "/users")
        clock.advance(7200)
        _ = try await connection.send(path: "/users")
        let tokenRequests = transport.requests(to: "/oauth/token").map { formFields($0)["refresh_token"] }
        #expect(tokenRequests == ["rt-1", "rt-2"])
    }

    @Test func clientCredentialsAreCachedUntilExpiryMinusMargin() async throws {
        let calls = Counter()
        let transport = server(tokenCalls: calls, rotate: false)
        let scopes = ScopeConfiguration(requested: ["read", "write"])
        let configuration = Fixtures.configuration(.clientCredentials(ClientCredentialsConfiguration(endpoint: Fixtures.endpoint(scopes: scopes))))
        let connection = Connection(
            configuration: configuration, account: "acct", store: InMemoryTokenStore(), transport: transport, now: clock.function)
        for _ in 0..<3 { _ = try await connection.send(path: "/users") }
        #expect(calls.value == 1)
        clock.advance(3600 - 30)
        _ = try await connection.send(path: "/users")
        #expect(calls.value == 2)
        let fields = formFields(try #require(transport.requests(to: "/oauth/token").first))
        #expect(fields["grant_type"] == "client_credentials")
        #expect(fields["scope"] == "read write")
    }

    @Test func grantedScopesMissingARequiredOneFail() async {
        let transport = MockTransport { _ in json(["access_token": "a", "token_type": "Bearer", "scope": "read"]) }
        let scopes = ScopeConfiguration(requested: ["read", "write"], required: ["read", "write"])
        let configuration = Fixtures.configuration(.clientCredentials(ClientCredentialsConfiguration(endpoint: Fixtures.endpoint(scopes: scopes))))
        let connection = Connection(configuration: configuration, account: "acct", store: InMemoryTokenStore(), transport: transport)
        await #expect(throws: ConnectorError.missingScopes(["write"])) { try await connection.send(path: "/users") }
    }

    @Test func disconnectRevokesTheRefreshTokenAndRemovesStoredTokens() async throws {
        let transport = MockTransport { request in
            request.url == Fixtures.revokeURL ? HTTPResponse(status: 200) : json(["ok": true])
        }
        let store = InMemoryTokenStore(["acct": expiredTokens()])
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(endpoint: Fixtures.endpoint(revoke: true)), account: "acct", store: store,
            transport: transport, now: clock.function)
        try await connection.disconnect()
        let revoke: HTTPRequest = try #require(transport.requests(to: "/oauth/revoke").first)
        let expected: [String: String] = ["token": "rt-1", "token_type_hint": "refresh_token"]
        #expect(formFields(revoke) == expected)
        let authorization: String = revoke.headers["Authorization"] ?? ""
        #expect(authorization.hasPrefix("Basic "))
        let remaining: TokenSet? = try await store.load(account: "acct")
        #expect(remaining == nil)
        let status: ConnectionStatus = await connection.status
        #expect(status == .disconnected)
    }

    @Test func revocation503IsRetryableButTokensAreStillRemoved() async throws {
        let transport = MockTransport { _ in HTTPResponse(status: 503) }
        let store = InMemoryTokenStore(["acct": expiredTokens()])
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(endpoint: Fixtures.endpoint(revoke: true)), account: "acct", store: store,
            transport: transport, now: clock.function)
        await #expect { try await connection.disconnect() } throws: { ($0 as? ConnectorError)?.isRetryable == true }
        #expect(try await store.load(account: "acct") == nil)
    }

    @Test func baseURLFromTokenResponseUsesExtraFields() async throws {
        let transport = MockTransport { _ in json(["ok": true]) }
        let base = BaseURL.fromTokenResponse { fields throws(ConnectorError) in
            guard let instance = fields["instance_url"], let url = URL(string: instance + "/services/data") else {
                throw .misconfigured("no instance_url")
            }
            return url
        }
        let tokens = TokenSet(
            accessToken: Secret("a"), refreshToken: Secret("r"), expiresAt: clock.now.addingTimeInterval(3600),
            extra: ["instance_url": "https://acme.my.salesforce.com"])
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(baseURL: base), account: "acct", store: InMemoryTokenStore(["acct": tokens]),
            transport: transport, now: clock.function)
        _ = try await connection.send(path: "/v60.0/sobjects")
        #expect(transport.requests.first?.url.absoluteString == "https://acme.my.salesforce.com/services/data/v60.0/sobjects")
        #expect(transport.requests.first?.headers["Authorization"] == "Bearer a")
    }
}

@Suite struct ConnectionStaticAuthTests {
    private func send(_ auth: AuthScheme, path: String = "/users?page=2", headers: [HTTPField] = []) async throws -> HTTPRequest {
        let transport = MockTransport { _ in json(["ok": true]) }
        let connection = Connection(configuration: Fixtures.configuration(auth, headers: headers), account: "a", store: InMemoryTokenStore(), transport: transport)
        _ = try await connection.send(path: path)
        return try #require(transport.requests.first)
    }

    @Test func apiKeyHeaderAndDefaultHeadersAreSent() async throws {
        let request = try await send(
            .apiKeyHeader(SecretHTTPField(name: "X-Api-Key", value: Secret("k1"))), headers: [HTTPField(name: "Notion-Version", value: "2022-06-28")])
        #expect(request.headers["x-api-key"] == "k1")
        #expect(request.headers["Notion-Version"] == "2022-06-28")
        #expect(request.url.absoluteString == "https://api.example.com/v1/users?page=2")
    }

    @Test func apiKeyQueryIsAppendedEncoded() async throws {
        let request = try await send(.apiKeyQuery(name: "api_key", value: Secret("a+b c")))
        #expect(request.url.absoluteString == "https://api.example.com/v1/users?page=2&api_key=a%2Bb%20c")
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func basicAuthIsBase64OfUserColonPassword() async throws {
        let request = try await send(.basic(username: Secret("user"), password: Secret("pass")))
        #expect(request.headers["Authorization"] == "Basic dXNlcjpwYXNz")
    }

    @Test func bearerAndCredentialHeaders() async throws {
        #expect(try await send(.bearer(Secret("tok"))).headers["Authorization"] == "Bearer tok")
        let request = try await send(.headers([SecretHTTPField(name: "X-User", value: Secret("u")), SecretHTTPField(name: "X-Token", value: Secret("t"))]))
        #expect(request.headers["X-User"] == "u")
        #expect(request.headers["X-Token"] == "t")
    }

    @Test func credentialsAreNotSentOverPlainHTTP() async {
        let transport = MockTransport { _ in json(["ok": true]) }
        let configuration = ConnectionConfiguration(
            connectorID: "x", variantID: "v", baseURL: .fixed(URL(string: "http://api.example.com")!), auth: .bearer(Secret("tok")))
        let connection = Connection(configuration: configuration, account: "a", store: InMemoryTokenStore(), transport: transport)
        await #expect(throws: ConnectorError.self) { try await connection.send(path: "/users") }
        #expect(transport.requests.isEmpty)
    }

    @Test func loopbackHTTPIsAllowed() async throws {
        let transport = MockTransport { _ in json(["ok": true]) }
        let configuration = ConnectionConfiguration(
            connectorID: "x", variantID: "v", baseURL: .fixed(URL(string: "http://127.0.0.1:5001/api")!), auth: .bearer(Secret("tok")))
        let connection = Connection(configuration: configuration, account: "a", store: InMemoryTokenStore(), transport: transport)
        #expect(try await connection.send(path: "/users").status == 200)
    }

    @Test func absoluteURLsOnAnotherHostAreRefused() async {
        let transport = MockTransport { _ in json(["ok": true]) }
        let connection = Connection(configuration: Fixtures.configuration(.bearer(Secret("tok"))), account: "a", store: InMemoryTokenStore(), transport: transport)
        await #expect(throws: ConnectorError.self) {
            try await connection.send(HTTPRequest(url: URL(string: "https://evil.example.net/steal")!))
        }
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [401, 429, 503])
    func authRateLimitAndServerStatusesThrow(status: Int) async {
        let transport = MockTransport { _ in HTTPResponse(status: status, headers: ["Retry-After": "3"]) }
        let connection = Connection(configuration: Fixtures.configuration(.bearer(Secret("t"))), account: "a", store: InMemoryTokenStore(), transport: transport)
        await #expect { try await connection.send(path: "/x") } throws: { error in
            switch (status, error as? ConnectorError) {
            case (401, .invalidCredentials?): true
            case (429, .rateLimited(3)?): true
            case (503, .providerUnavailable(_, true)?): true
            default: false
            }
        }
    }

    @Test func otherStatusesAreReturned() async throws {
        let transport = MockTransport { _ in HTTPResponse(status: 404) }
        let connection = Connection(configuration: Fixtures.configuration(.bearer(Secret("t"))), account: "a", store: InMemoryTokenStore(), transport: transport)
        #expect(try await connection.send(path: "/x").status == 404)
    }

    @Test func verifyRunsTheVerificationRequest() async throws {
        let transport = MockTransport { request in request.url.path == "/v1/me" ? json(["id": 1]) : HTTPResponse(status: 404) }
        var configuration = Fixtures.configuration(.bearer(Secret("t")))
        configuration.verification = VerificationRequest(path: "/me")
        let connection = Connection(configuration: configuration, account: "a", store: InMemoryTokenStore(), transport: transport)
        #expect(try await connection.verify()?.status == 200)
        configuration.verification = VerificationRequest(path: "/nope")
        let failing = Connection(configuration: configuration, account: "a", store: InMemoryTokenStore(), transport: transport)
        await #expect(throws: ConnectorError.self) { try await failing.verify() }
    }
}

@Suite struct ConnectionCrossProcessTests {
    @Test func invalidGrantAfterAnotherProcessRotatedAdoptsTheStoredTokens() async throws {
        let clock = TestClock()
        let store = InMemoryTokenStore(["acct": TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now)])
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                // Simulates another process that refreshed first and saved rt-2.
                try await store.save(
                    TokenSet(accessToken: Secret("other-process"), refreshToken: Secret("rt-2"), expiresAt: clock.now.addingTimeInterval(3600)),
                    account: "acct")
                return json(400, ["error": "invalid_grant"])
            }
            return request.headers["Authorization"] == "Bearer other-process" ? json(["ok": true]) : HTTPResponse(status: 401)
        }
        let connection = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        #expect(try await connection.send(path: "/users").status == 200)
        #expect(await connection.status == .active)
    }
}

/// A store whose saves take a while, like a remote or fsync-heavy store.
struct SlowSavingStore: TokenStore {
    let inner: InMemoryTokenStore
    func record(account: String) async throws -> TokenRecord? { try await inner.record(account: account) }
    func write(_ tokens: TokenSet, account: String, expectedVersion: Int64, lease: RefreshLease?) async throws -> TokenRecord {
        try await Task.sleep(nanoseconds: 100_000_000)
        return try await inner.write(tokens, account: account, expectedVersion: expectedVersion, lease: lease)
    }
    func remove(account: String) async throws { try await inner.remove(account: account) }
    func acquireRefreshLease(account: String, owner: String, duration: TimeInterval) async throws -> LeaseAcquisition {
        try await inner.acquireRefreshLease(account: account, owner: owner, duration: duration)
    }
    func releaseRefreshLease(_ lease: RefreshLease) async throws { try await inner.releaseRefreshLease(lease) }
}

@Suite struct ConnectionSharedStoreTests {
    @Test func theRefreshLockIsHeldUntilTheRotatedTokenIsSaved() async throws {
        // Released before the save, the second connection would read the old refresh token from
        // the store, spend it (invalid_grant) and only then find the new one.
        let clock = TestClock()
        let calls = Counter()
        let current = LockedPort()
        current.value = 1
        let store = SlowSavingStore(
            inner: InMemoryTokenStore(["acct": TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now)]))
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                calls.next()
                guard formFields(request)["refresh_token"] == "rt-\(current.value)" else { return json(400, ["error": "invalid_grant"]) }
                current.value += 1
                return json(["access_token": "access-\(current.value)", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-\(current.value)"])
            }
            return json(["ok": true])
        }
        let first = Connection(configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        let second = Connection(configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        async let a = first.send(path: "/users").status
        async let b = second.send(path: "/users").status
        let statuses = try await [a, b]
        #expect(statuses == [200, 200])
        #expect(calls.value == 1)
    }

    /// One account name in two unrelated stores (parallel tests, two apps in one process): a
    /// refresh on one store does not wait for a refresh on the other. The first one's token
    /// request is held until the second connection's request is answered; were the two queued on
    /// one in-process lock, the second would wait for the first, and both would fail at their
    /// request deadline.
    @Test func connectionsOnDifferentStoresDoNotWaitForEachOthersRefresh() async throws {
        let clock = TestClock()
        let expired = TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now)
        let secondAnswered = Gate()
        let held = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                await secondAnswered.wait()
                return json(["access_token": "first", "token_type": "Bearer", "expires_in": 3600])
            }
            return json(["ok": true])
        }
        let prompt = MockTransport { request in
            if request.url == Fixtures.tokenURL { return json(["access_token": "second", "token_type": "Bearer", "expires_in": 3600]) }
            return json(["ok": true])
        }
        let first = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": expired]), transport: held,
            now: clock.function)
        let second = Connection(
            configuration: Fixtures.codeConfiguration(), account: "acct", store: InMemoryTokenStore(["acct": expired]), transport: prompt,
            now: clock.function)
        let firstSend = Task { try await first.send(path: "/users").status }
        // The first connection is inside its refresh once its token request has been sent.
        while held.requests(to: "/oauth/token").isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(try await second.send(path: "/users").status == 200)
        await secondAnswered.open()
        #expect(try await firstSend.value == 200)
        #expect(try await second.currentTokens().accessToken == Secret("second"))
    }

    @Test func twoConnectionsOnOneStoreSpendARotatingRefreshTokenOnce() async throws {
        let clock = TestClock()
        let calls = Counter()
        let current = LockedPort()  // the number of the only valid refresh token
        current.value = 1
        let store = InMemoryTokenStore(["acct": TokenSet(accessToken: Secret("old"), refreshToken: Secret("rt-1"), expiresAt: clock.now)])
        let transport = MockTransport { request in
            if request.url == Fixtures.tokenURL {
                calls.next()
                guard formFields(request)["refresh_token"] == "rt-\(current.value)" else { return json(400, ["error": "invalid_grant"]) }
                current.value += 1
                try await Task.sleep(nanoseconds: 10_000_000)
                return json(["access_token": "access-\(current.value)", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-\(current.value)"])
            }
            return json(["ok": true])
        }
        let first = Connection(configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        let second = Connection(configuration: Fixtures.codeConfiguration(), account: "acct", store: store, transport: transport, now: clock.function)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                let connection = index.isMultiple(of: 2) ? first : second
                group.addTask { try await connection.send(path: "/users").status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(calls.value == 1)
        #expect(await first.status == .active)
        #expect(await second.status == .active)
    }
}
