@testable import ConnectorHub
import ConnectorCompilerCore
import ConnectorRuntime
import Foundation
import HTTPTypes
import Testing

/// `fullScanInterval` through the scheduler: a Freshdesk account (tickets: an incremental sync on
/// `updated_since` with `fullScan` deletions, interval 900 s, full scans every 86,400 s by default)
/// linked with its API key against the Authlib emulation, whose canned ticket pages the test
/// changes. The scheduler's clock is the test's: which kind of run happened is read from the
/// provider's request log (an incremental run sends `updated_since`) and from the feed (only a
/// full scan reports a deletion), never from how long anything took.
@Suite(.authServer) struct SyncFullScanTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var date = Date(timeIntervalSince1970: 1_796_000_000)
        var now: Date { lock.withLock { date } }
        func advance(_ seconds: TimeInterval) { lock.withLock { date += seconds } }
    }

    static func ticket(_ id: Int) -> [String: any Sendable] {
        ["id": id, "subject": "Ticket \(id)", "status": 2, "updated_at": "2026-12-01T10:00:0\(id)Z"]
    }

    func serve(_ pages: [[[String: any Sendable]]], provider: EmulatedProvider, key: String, on server: TestServer) async throws {
        try await server.control("POST", "/_control/providers", json: [
            "name": provider.name, "authorize_path": "/authorize", "token_path": "/token",
            "static": StaticCredentials.basic(username: key, password: "X").json,
            "responses": ["/api/v2/tickets": ["_pages": pages] as [String: any Sendable]],
        ])
    }

    @Test func anIncrementalSyncMakesAFullScanEveryFullScanIntervalAndIncrementalRunsBetween() async throws {
        let server = try TestServer.current(.auth)
        let key = "fd-\(UUID().uuidString.lowercased())"
        let provider = try await server.emulate("freshdesk", credentials: .basic(username: key, password: "X"))
        try await serve([[Self.ticket(1), Self.ticket(2)], [Self.ticket(3)]], provider: provider, key: key, on: server)
        let harness = try await HubHarness(overrides: ["freshdesk": provider.overrides(["acme.freshdesk.com"])])
        let hub = harness.hub
        let clock = Clock()
        let settings = SyncSchedulerSettings(enabled: true, tickSeconds: 1, concurrency: 1)
        let tickets = try #require(MCPCatalog.shared.resources(connector: "freshdesk", variant: "api_key").first { $0.name == "tickets" }?.sync)
        #expect(tickets.mode == .incremental && tickets.deletions == .fullScan && tickets.fullScanInterval == 86_400 && tickets.interval == 900)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["freshdesk"])
            let form = try await client.request(.get, "/link/connectors/freshdesk/api_key")
            let done = try await client.submit("/link/connectors/freshdesk/api_key", from: form, values: ["subdomain": "acme", "apiKey": key])
            check(done.text.contains("Freshdesk is connected"), "linked: \(done.text.prefix(300))")
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)

            var seen = try await provider.apiRequests().count
            /// Runs the due jobs at the test's clock; returns the run's ticket requests and changes.
            func run() async throws -> (requests: [String], changes: [String]) {
                let before = try await hub.syncs.store.lastPosition(account: id)
                checkEqual(await hub.runDueSyncs(settings, clock: { clock.now }), 1, "the account's tickets job ran")
                let requests = try await provider.apiRequests()
                defer { seen = requests.count }
                let changes = try await hub.syncs.store.changes(account: id, after: before, resource: nil, limit: 100)
                return (requests.dropFirst(seen).filter { $0.contains("/tickets") }, changes.map { "\($0.kind.rawValue) \($0.recordID)" })
            }
            func again(after seconds: TimeInterval) async throws -> (requests: [String], changes: [String]) {
                clock.advance(seconds)
                checkEqual(try await client.api(.post, "/v1/accounts/\(id)/syncs/tickets/run").status, 202)
                return try await run()
            }
            func incremental(_ requests: [String]) -> Bool { !requests.isEmpty && requests.allSatisfy { $0.contains("updated_since=") } }
            func full(_ requests: [String]) -> Bool { !requests.isEmpty && requests.allSatisfy { !$0.contains("updated_since=") } }

            // The first run reads every ticket (no mark yet): a full scan.
            let first = try await run()
            check(full(first.requests), "the first run is a full scan: \(first.requests)")
            checkEqual(first.changes, ["ADDED 1", "ADDED 2", "ADDED 3"])

            // Ticket 3 is deleted at the provider. Runs within the full-scan interval are
            // incremental: they send the mark and cannot see the deletion.
            try await serve([[Self.ticket(1), Self.ticket(2)]], provider: provider, key: key, on: server)
            seen = try await provider.apiRequests().count
            let second = try await again(after: 900)
            check(incremental(second.requests), "a run 900 s after the full scan is incremental: \(second.requests)")
            checkEqual(second.changes, [], "an incremental run does not see the deletion")
            let third = try await again(after: 86_400 - 900 - 1)
            check(incremental(third.requests), "one second before the interval: still incremental: \(third.requests)")
            checkEqual(third.changes, [])

            // fullScanInterval (86,400 s) after the first full scan started: a full scan, which
            // reports the deletion.
            let fourth = try await again(after: 1)
            check(full(fourth.requests), "86,400 s after the last full scan: a full scan: \(fourth.requests)")
            checkEqual(fourth.changes, ["DELETED 3"])

            // The interval counts from that scan: the next run is incremental again.
            let fifth = try await again(after: 900)
            check(incremental(fifth.requests), "after the new full scan, incremental again: \(fifth.requests)")
            checkEqual(fifth.changes, [])
        }
    }

    @Test func thePolicyDecidesTheKindOfEachRun() {
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let incremental = ResourceSync(
            pointer: JSONPointer(""), mode: .incremental, cursorInput: "since", cursorField: "updated_at", fullScanInterval: 3_600)
        let flagged = ResourceSync(
            pointer: JSONPointer(""), mode: .incremental, cursorInput: "since", cursorField: "updated_at", deletions: .flag, deletedField: "gone")
        let full = ResourceSync(pointer: JSONPointer(""), mode: .full)
        #expect(SyncFullScanPolicy.fullScanDue(full, mark: "m", lastFullScan: now, now: now))
        #expect(SyncFullScanPolicy.fullScanDue(incremental, mark: nil, lastFullScan: now, now: now), "first run: no mark")
        #expect(SyncFullScanPolicy.fullScanDue(incremental, mark: "m", lastFullScan: nil, now: now), "no full scan known (a Hub before this log)")
        #expect(!SyncFullScanPolicy.fullScanDue(incremental, mark: "m", lastFullScan: now - 3_599, now: now))
        #expect(SyncFullScanPolicy.fullScanDue(incremental, mark: "m", lastFullScan: now - 3_600, now: now))
        #expect(!SyncFullScanPolicy.fullScanDue(flagged, mark: nil, lastFullScan: nil, now: now), "the provider flags deletions: never")
    }
}
