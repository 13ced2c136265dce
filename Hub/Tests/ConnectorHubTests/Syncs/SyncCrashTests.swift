@testable import ConnectorHub
import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A sync process (`sync-worker`) SIGKILLed at random moments, restarted until its run finishes,
/// then a second run (every record changed) killed the same way: the feed must hold exactly one
/// ADDED and one UPDATED per record, positions without a gap, and no checkpoint left.
/// `SYNC_KILL_TRIALS` sets the number of trials per store (default 20).
@Suite(.serialized)
struct SyncCrashTests {
    typealias Backend = SyncStoreTests.Backend

    static func worker() throws -> URL {
        var directories = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in directories {
            let url = directory.appendingPathComponent("sync-worker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw ServerError("No sync-worker next to the tests (looked in \(directories.map(\.path))); run `swift build --build-tests` first.")
    }

    static var trials: Int { Int(ProcessInfo.processInfo.environment["SYNC_KILL_TRIALS"] ?? "") ?? 20 }

    /// Runs the worker until it finishes, killing it after a random delay each time (at most
    /// `maxKills` times); returns the number of kills.
    static func runKilling(_ arguments: [String], maxKills: Int) async throws -> Int {
        var kills = 0
        while true {
            let process = Process()
            process.executableURL = try worker()
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            if kills < maxKills {
                try await Task.sleep(nanoseconds: UInt64.random(in: 0...400) * 1_000_000)
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    kills += 1
                    continue
                }
            }
            process.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                throw ServerError("sync-worker failed (\(process.terminationStatus)): \(message)")
            }
            return kills
        }
    }

    @Test(arguments: Backend.allCases)
    func aSyncKilledAtRandomPointsResumesWithoutLossOrDuplicates(_ backend: Backend) async throws {
        let records = 150
        var totalKills = 0
        for _ in 0..<Self.trials {
            let account = SyncStoreTests.account()
            let target: [String]
            let store: any SyncStore
            switch backend {
            case .sqlite:
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString).sqlite").path
                target = ["--sqlite", path]
                store = try SQLiteSyncStore(path: path, keys: .development)
            case .postgres:
                let url = try SyncStoreTests.postgresURL()
                target = ["--postgres", url]
                store = try await PostgresSyncStore.connect(url: url, keys: .development, maximumConnections: 2)
            }
            let common = target + ["--account", account, "--records", String(records), "--page-size", "10", "--pause-ms", "10"]
            totalKills += try await Self.runKilling(common + ["--version", "1"], maxKills: 4)
            totalKills += try await Self.runKilling(common + ["--version", "2"], maxKills: 4)
            let feed = try await store.changes(account: account, after: 0, resource: nil, limit: 10 * records)
            #expect(feed.map(\.position) == (1...Int64(2 * records)).map { $0 })
            let added = feed.filter { $0.kind == .added }.map(\.recordID)
            let updated = feed.filter { $0.kind == .updated }
            #expect(added.count == records && Set(added).count == records)
            #expect(updated.count == records && Set(updated.map(\.recordID)).count == records)
            #expect(updated.allSatisfy { $0.record["version"] == .string("2") })
            #expect(try await store.checkpoint(account: account, resource: "people") == nil)
            #expect(try await store.records(account: account, resource: "people", after: nil, limit: 1_000).count == records)
        }
        // The kills must have happened, or the test proved nothing.
        #expect(totalKills >= Self.trials)
        print("SyncCrashTests \(backend): \(Self.trials) trials, \(totalKills) SIGKILLs, no change lost or repeated")
    }
}
