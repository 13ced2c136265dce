import ConnectorRuntime
import Foundation
import Testing
import TokenStoreTesting

/// Real processes (Tests/Workers/token-store-worker) sharing one ``FileTokenStore`` directory
/// and one account, against Authlib with rotating refresh tokens and reuse detection (reusing a
/// rotated refresh token revokes the whole family, as Salesforce, Okta and Zelt do).
@Suite(.authServer, .serialized)
struct MultiProcessFileStoreTests {
    /// Rounds per run: each round is one expiry with 4 × 250 concurrent sends. The issue asks for
    /// 50; 10 keeps `make test` fast on 2 cores. `STORE_STRESS_ROUNDS=50 make test` runs 50.
    static let rounds = Int(ProcessInfo.processInfo.environment["STORE_STRESS_ROUNDS"] ?? "") ?? 10

    private func scenario(_ directory: URL, lease: Double = 45) throws -> StressScenario {
        StressScenario(
            worker: try StressScenario.builtExecutable("token-store-worker"), storeArguments: ["--store", "file:" + directory.path],
            authServer: try TestServer.current(.auth).baseURL, rounds: Self.rounds, lease: lease)
    }

    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("multi-process-\(UUID().uuidString)")
    }

    @Test func fourProcessesRefreshOneExpiredAccountOncePerExpiry() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileTokenStore(directory: directory)
        let report = try await scenario(directory).runRounds { tokens in try await store.save(tokens, account: "acme") }
        checkEqual(report.tokenRequestsPerRound, Array(repeating: 1, count: Self.rounds), "token requests per expiry")
        checkEqual(report.sends, 4 * 250 * Self.rounds, "sends")
        checkEqual(report.failedSends, 0, "failed sends: \(report.results.filter { $0.ok != 250 })")
        checkEqual(Set(report.results.map(\.status)), ["active"], "statuses")
        checkEqual(report.refreshTokensActive, 1, "the account's refresh token family is alive (not lost)")
    }

    @Test func aProcessKilledHoldingTheLeaseIsTakenOverAfterItExpires() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileTokenStore(directory: directory)
        let report = try await scenario(directory, lease: 2).runKilledLeaseHolder(spendFirst: false) { tokens in
            try await store.save(tokens, account: "acme")
        }
        checkEqual(report.result.ok, 250, "the survivor's sends: \(report.result)")
        checkEqual(report.tokenRequests, 1, "token requests")
        checkEqual(report.refreshTokensActive, 1, "the account survives")
    }

    @Test func aProcessKilledAfterTheProviderRotatedLeavesTheAccountToReconnect() async throws {
        // The killed process spent the refresh token and never saved the new one: the provider's
        // reuse detection revokes the family when the survivor sends the old one. Documented in
        // docs/token-storage.md ("A crash mid-refresh").
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try FileTokenStore(directory: directory)
        let report = try await scenario(directory, lease: 2).runKilledLeaseHolder(spendFirst: true) { tokens in
            try await store.save(tokens, account: "acme")
        }
        checkEqual(report.result.reconnectRequired, 250, "the survivor's sends: \(report.result)")
        checkEqual(report.result.status, "reconnectRequired")
        checkEqual(report.tokenRequests, 2, "the killed process's request and the survivor's one")
        checkEqual(report.refreshTokensActive, 0)
    }
}
