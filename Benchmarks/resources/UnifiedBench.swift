// The unified row of resources-bench (issue 20): the same 100,000 people listed as the provider's
// records (`Resources.people.list()`) and as iam.user through the compiled mapping
// (`Unified.users.list()`, Tests/Reference/Specs/acme_resources.json: 7 fields, an enum map, a
// date-time, a firstOf), in one run, rounds interleaved; then the peak memory of a child listing 100
// and 1,000 pages as the model. Target: at most 1.1x the provider list, memory flat in the pages.

import ConnectorRuntime
import Foundation

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

func runUnifiedBench(total: Int, rounds: Int, smoke: Bool) async throws {
    let warm = (try await providerPeople(total: 1_000), try await unifiedPeople(total: 1_000))
    guard warm.0 == warm.1 else { throw BenchFailure("unified checksums differ: \(warm)") }
    var providerTimes: [Double] = []
    var unifiedTimes: [Double] = []
    var ratios: [Double] = []
    for round in 0..<rounds {
        var times: [Double] = [0, 0]
        for side in round % 2 == 0 ? [0, 1] : [1, 0] {
            times[side] = try await seconds {
                side == 0 ? try await providerPeople(total: total) : try await unifiedPeople(total: total)
            }
        }
        providerTimes.append(times[0])
        unifiedTimes.append(times[1])
        ratios.append(times[1] / times[0])
    }
    let ratio = median(ratios)
    print("")
    print("| unified (issue 20) | median time | records/s |")
    print("| --- | --- | --- |")
    print(String(format: "| provider list (Resources.people) | %.3f s | %.0f |", median(providerTimes), Double(total) / median(providerTimes)))
    print(String(format: "| unified list (Unified.users as iam.user) | %.3f s | %.0f |", median(unifiedTimes), Double(total) / median(unifiedTimes)))
    print(String(format: "| ratio unified / provider (median of per-round pairs) | %.2fx | target <= 1.1x: %@ |", ratio,
                 smoke ? "not judged in a smoke run" : ratio <= 1.1 ? "met" : "NOT met"))
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
