import ConnectorRuntime
import Foundation
import Testing

/// Issue 4's "done when": an app links a Zelt-like OAuth account, a SpotDraft-like
/// client-credentials account and a HiBob-like service user, and keeps making requests across
/// token expiry, against the real Authlib server with lifetimes of two seconds.
@Suite(.authServer)
struct AppStoryTests {
    let transport = URLSessionTransport()

    /// Sends `perRound` concurrent requests every `pause` seconds for at least `duration` seconds
    /// and at least `minimum` successful requests (a loaded machine gets more time, never fewer
    /// requests; no time limit is asserted), taking the connection to use from `connection()` each
    /// round; returns the successes, the failures and the seconds it took.
    func keepCalling(
        for duration: TimeInterval, atLeast minimum: Int = 24, perRound: Int = 4, pause: TimeInterval = 0.15, path: String,
        connection: @escaping @Sendable () async -> Connection
    ) async -> (ok: Int, failures: [String], seconds: TimeInterval) {
        let start = Date()
        let end = start.addingTimeInterval(duration)
        var ok = 0
        var failures: [String] = []
        // The request count is reached on any machine; 10 minutes only stops a run that fails every request.
        while Date() < end || (ok < minimum && failures.isEmpty && Date().timeIntervalSince(start) < 600) {
            let results: [String?] = await round(of: perRound, on: await connection(), path: path)
            for result in results {
                if let result { failures.append(result) } else { ok += 1 }
            }
            try? await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
        }
        return (ok, failures, Date().timeIntervalSince(start))
    }

    /// `count` concurrent requests; `nil` for each 200, else what went wrong.
    func round(of count: Int, on connection: Connection, path: String) async -> [String?] {
        await withTaskGroup(of: String?.self) { group in
            for _ in 0..<count {
                group.addTask { await Self.call(connection, path: path) }
            }
            var collected: [String?] = []
            for await result in group { collected.append(result) }
            return collected
        }
    }

    static func call(_ connection: Connection, path: String) async -> String? {
        do {
            let response = try await connection.send(path: path)
            return response.status == 200 ? nil : "status \(response.status)"
        } catch {
            return "\(error)"
        }
    }

    /// Zelt: authorization code, Basic client auth, single-use refresh tokens rotated on every
    /// refresh, redirect_uri required on refresh.
    func zeltLikeConfiguration(_ server: TestServer, _ client: RegisteredClient) -> ConnectionConfiguration {
        let code = AuthorizationCodeConfiguration(
            endpoint: server.endpoint(client, scopes: ["read"]), authorizeURL: server.url("/authorize"), pkce: .required,
            refreshParameters: [OAuthParameter(name: "redirect_uri", value: .redirectURI)], rotatesRefreshToken: true)
        return ConnectionConfiguration(
            connectorID: "zelt-like", variantID: "oauth", baseURL: .fixed(server.baseURL),
            verification: VerificationRequest(path: "/api/me"), auth: .authorizationCode(code))
    }

    @Test func zeltLikeAccountKeepsWorkingAcrossSeveralTokenExpiriesAndARestart() async throws {
        let server = try TestServer.current(.auth)
        // Access tokens live 2 s here instead of Zelt's hour.
        let client = try await server.registerClient("zelt", authentication: .clientSecretBasic, tokenLifetime: 2)
        let configuration = zeltLikeConfiguration(server, client)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zelt-tokens-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let linked = try await server.link(
            configuration, client: client, account: "acme", store: try FileTokenStore(directory: directory), transport: transport)

        func open() throws -> Connection {
            Connection(
                configuration: configuration, account: "acme", store: try FileTokenStore(directory: directory), transport: transport,
                redirectURI: client.redirectURI, refreshMargin: 0.5)
        }
        let first = try open()
        checkEqual(try await first.verify()?.status, 200)
        let firstRun = await keepCalling(for: 3, path: "/api/me") { first }
        // The app restarts: a new connection reads the rotated tokens from the file store.
        let second = try open()
        let secondRun = await keepCalling(for: 3, path: "/api/me") { second }

        check(firstRun.failures.isEmpty, "\(firstRun.failures.prefix(3))")
        check(secondRun.failures.isEmpty, "\(secondRun.failures.prefix(3))")
        check(firstRun.ok >= 24 && secondRun.ok >= 24, "requests: \(firstRun.ok) + \(secondRun.ok)")
        let stats = try await server.stats(client.id)
        check((stats.tokenRequests["refresh_token"] ?? 0) >= 3, "several expiries were crossed: \(stats.tokenRequests)")
        checkEqual(stats.tokenErrors, 0, "no refresh used a rotated (revoked) refresh token")
        checkEqual(stats.refreshTokensActive, 1, "one unbroken rotation chain")
        let stored = try unwrap(try await FileTokenStore(directory: directory).load(account: "acme"))
        checkNotEqual(stored.refreshToken, linked.refreshToken)
        checkEqual(await second.status, .active)
    }

    @Test func spotDraftLikeClientCredentialsAccountFetchesANewTokenAfterEachExpiry() async throws {
        let server = try TestServer.current(.auth)
        let client = try await server.registerClient(
            "spotdraft", authentication: .clientSecretPost, grants: ["client_credentials"], tokenLifetime: 6)
        let connection = Connection(
            configuration: server.clientCredentialsConfiguration(client), account: "acme", store: InMemoryTokenStore(), transport: transport,
            refreshMargin: 2)
        // Tokens live 6 s and are replaced 2 s before they expire: a request delayed by a loaded
        // machine still arrives with a live token (with 2 s and 0.5 s, one did not).
        let run = await keepCalling(for: 12, atLeast: 60, path: "/api/me") { connection }
        check(run.failures.isEmpty, "\(run.failures.prefix(3))")
        let fetched = try await server.stats(client.id).tokenRequests["client_credentials"] ?? 0
        // About one token per 4 s of the run (however long a loaded machine made it); never one per request.
        let mostExpected = Int(run.seconds / 4) + 2
        check(fetched >= 3, "client_credentials requests: \(fetched)")
        check(fetched <= mostExpected, "client_credentials requests: \(fetched) in \(run.seconds) s")
        check(run.ok >= 2 * fetched, "\(run.ok) requests for \(fetched) tokens")
    }

    @Test func hiBobLikeServiceUserMakesRequestsAndAWrongTokenFailsFast() async throws {
        let server = try TestServer.current(.auth)
        func serviceUser(_ token: String) -> Connection {
            Connection(
                configuration: ConnectionConfiguration(
                    connectorID: "hibob-like", variantID: "service-user", baseURL: .fixed(server.baseURL),
                    verification: VerificationRequest(path: "/api/service-user"),
                    auth: .basic(username: Secret("svc-user-1"), password: Secret(token))),
                account: "acme", store: InMemoryTokenStore(), transport: transport)
        }
        let connection = serviceUser("svc-token-1")
        checkEqual(try await connection.verify()?.status, 200)
        let run = await keepCalling(for: 0.5, path: "/api/service-user") { connection }
        check(run.failures.isEmpty, "\(run.failures.prefix(3))")

        // 401 + WWW-Authenticate: Basic from the API itself: must not hang.
        let wrong = serviceUser("not-the-token")
        let error = try await withDeadline(8, "a service-user request with a wrong token") {
            await connectorError { _ = try await wrong.verify() }
        }
        guard case .invalidCredentials = error else {
            Issue.record("Expected invalidCredentials, got \(String(describing: error))")
            return
        }
        check(!"\(String(describing: error))".contains("not-the-token"))
    }
}
