// The unified row of resources-bench (issue 20): the same 100,000 people listed as the provider's
// records (`Resources.people.list()`) and as iam.user through the compiled mapping
// (`Unified.users.list()`, Tests/Reference/Specs/acme_resources.json: 7 fields, an enum map, a
// date-time, a firstOf), in one run, rounds interleaved; then the peak memory of a child listing 100
// and 1,000 pages as the model. Target: at most 1.1x the provider list, memory flat in the pages.
// Each side is timed on the wall clock (the judged ratio) and in the process's CPU time (user +
// system, which the other processes of a shared machine disturb less); a third side lists the
// model with the mapping reading only the records' JSON (no generated reader: the Hub's way).

import ConnectorRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// User and system CPU time of this process so far, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The provider list: every person, the checksum over the display names' lengths.
func providerPeople(total: Int) async throws -> Int {
    var count = 0
    var checksum = 0
    for try await person in AcmeResources.ApiKey.Resources(try connection(total: total)).people.list() {
        count += 1
        checksum &+= person.firstName?.count ?? 0
    }
    precondition(count == total, "provider list read \(count) of \(total)")
    return checksum
}

/// The unified list of the same people.
func unifiedPeople(total: Int) async throws -> Int {
    var count = 0
    var checksum = 0
    for try await user in AcmeResources.ApiKey.Unified(try connection(total: total)).users.list() {
        count += 1
        checksum &+= user.displayName?.count ?? 0
        precondition(user.status?.value != nil, "an unmapped status")
    }
    precondition(count == total, "unified list read \(count) of \(total)")
    return checksum
}

/// The same unified list with the mapping reading the records' JSON only (no generated reader of
/// the typed records), as the Hub runs it.
func unifiedPeopleFromJSON(total: Int) async throws -> Int {
    let users = UnifiedResource<AcmeResources.Person, Unified.IAM.User>(
        connection: try connection(total: total), program: AcmeResources.ApiKey.Unified.usersMapping,
        list: AcmeResources.ApiKey.Resources.People.listOperation, raw: { $0.raw })
    var count = 0
    var checksum = 0
    for try await user in users.list() {
        count += 1
        checksum &+= user.displayName?.count ?? 0
        precondition(user.status?.value != nil, "an unmapped status")
    }
    precondition(count == total, "unified list (JSON only) read \(count) of \(total)")
    return checksum
}

func runUnifiedBench(total: Int, rounds: Int, smoke: Bool) async throws {
    let warm = (try await providerPeople(total: 1_000), try await unifiedPeople(total: 1_000),
                try await unifiedPeopleFromJSON(total: 1_000))
    guard warm.0 == warm.1, warm.0 == warm.2 else { throw BenchFailure("unified checksums differ: \(warm)") }
    // Per side: wall times and CPU times; per round: the ratios to the provider list.
    var times: [[Double]] = [[], [], []]
    var cpuTimes: [[Double]] = [[], [], []]
    var ratios: [[Double]] = [[], []]
    var cpuRatios: [[Double]] = [[], []]
    let orders = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    for round in 0..<rounds {
        var wall: [Double] = [0, 0, 0]
        var cpu: [Double] = [0, 0, 0]
        for side in orders[round % 3] {
            let cpuStart = cpuSeconds()
            wall[side] = try await seconds {
                switch side {
                case 0: try await providerPeople(total: total)
                case 1: try await unifiedPeople(total: total)
                default: try await unifiedPeopleFromJSON(total: total)
                }
            }
            cpu[side] = cpuSeconds() - cpuStart
        }
        for side in 0..<3 {
            times[side].append(wall[side])
            cpuTimes[side].append(cpu[side])
        }
        for side in 1..<3 {
            ratios[side - 1].append(wall[side] / wall[0])
            cpuRatios[side - 1].append(cpu[side] / cpu[0])
        }
    }
    let ratio = median(ratios[0])
    print("")
    print("| unified (issue 20) | median time | records/s | median CPU time |")
    print("| --- | --- | --- | --- |")
    let names = ["provider list (Resources.people)", "unified list (Unified.users as iam.user)",
                 "unified list, mapping on the JSON only (no generated reader)"]
    for side in 0..<3 {
        print(String(format: "| %@ | %.3f s | %.0f | %.3f s |", names[side], median(times[side]), Double(total) / median(times[side]),
                     median(cpuTimes[side])))
    }
    print(String(format: "| ratio unified / provider (median of per-round pairs) | %.2fx | target <= 1.1x: %@ | CPU time %.2fx |", ratio,
                 smoke ? "not judged in a smoke run" : ratio <= 1.1 ? "met" : "NOT met", median(cpuRatios[0])))
    print(String(format: "| ratio unified on the JSON only / provider | %.2fx | | CPU time %.2fx |", median(ratios[1]), median(cpuRatios[1])))
    print("")
    print("| pages listed as iam.user (child process) | peak RSS before listing | peak RSS after listing |")
    print("| --- | --- | --- |")
    for count in smoke ? [2, 10] : [100, 1_000] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--memory-unified", String(count)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard output.count == 2 else { throw BenchFailure("unified memory child printed \(output)") }
        print("| \(count) | \(output[0]) MiB | \(output[1]) MiB |")
    }
}

/// Child mode: list `count` pages as iam.user and print the peak memory before and after.
func unifiedMemoryChild(_ count: Int) async throws {
    _ = try await unifiedPeople(total: 1)
    let before = peakMemoryMiB()
    _ = try await unifiedPeople(total: count * 100)
    print(String(format: "%.1f %.1f", before, peakMemoryMiB()))
}
