// resources-bench (issue 13): listing 100,000 records in 1,000 pages from a local server through the
// generated API (AcmeResources.ApiKey.Resources.people.list(), Tests/Reference/Specs/acme_resources.json)
// versus a hand-written loop over the same URLSessionTransport with JSONDecoder into a plain
// Decodable struct. Then the peak resident memory of a child process listing 100 and 1,000 pages.
//
//   swift run -c release resources-bench [--quick] [--rounds N] [--pages N]
//   resources-bench --smoke   one round of 10 pages and children of 2 and 10 pages (make bench-quick):
//                             fails only when an output is not sane (a record count or checksum
//                             differs between the sides, a child prints no memory); no time is asserted
//
// Target: the generated API within 1.2x of the hand-written loop; peak memory that does not grow
// with the number of pages.

import ConnectorRuntime
import Foundation
#if canImport(Glibc)
import Glibc
let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
#elseif canImport(Darwin)
import Darwin
let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}
let smoke = arguments.contains("--smoke")
let quick = smoke || arguments.contains("--quick")
let rounds = option("--rounds", smoke ? 1 : quick ? 2 : 5)
let pages = option("--pages", smoke ? 10 : quick ? 200 : 1_000)

/// Peak resident set size of this process, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF_WHO, &usage)
    #if canImport(Darwin)
    return Double(usage.ru_maxrss) / 1_048_576
    #else
    return Double(usage.ru_maxrss) / 1024
    #endif
}

let server = try PageServer()
let transport = URLSessionTransport()

func connection(total: Int) throws -> Connection {
    let configuration = try AcmeResources.ApiKey.configuration(.init(apiKey: Secret("bench-key")))
        .overridingEndpoints(["api.acme.example": server.origin.appendingPathComponent("n/\(total)")])
    return Connection(configuration: configuration, account: "bench", store: InMemoryTokenStore(), transport: transport)
}

/// The generated API: every record of a run.
func generated(total: Int) async throws -> Int {
    var count = 0
    var checksum = 0
    for try await person in AcmeResources.ApiKey.Resources(try connection(total: total)).people.list() {
        count += 1
        checksum &+= person.level ?? 0
    }
    precondition(count == total, "generated API read \(count) of \(total)")
    return checksum
}

/// The record as a hand-written Decodable struct.
struct HandPerson: Decodable {
    var id: String
    var email: String?
    var first_name: String?
    var status: String
    var updated_at: Date
    var salary: Double?
    var level: Int?
    var remote: Bool?
    var tags: [String]?
}

struct HandPage: Decodable {
    var data: [HandPerson]
    var total: Int
}

/// The same record with the date left as text: the hand-written loop without date parsing, a
/// stricter peer (JSONDecoder's `.iso8601` strategy costs more than the rest of the record).
struct HandPersonTextDate: Decodable {
    var id: String
    var email: String?
    var first_name: String?
    var status: String
    var updated_at: String
    var salary: Double?
    var level: Int?
    var remote: Bool?
    var tags: [String]?
}

struct HandPageTextDate: Decodable {
    var data: [HandPersonTextDate]
    var total: Int
}

/// A hand-written loop: same transport, JSONDecoder, offset and limit until the total.
func handWritten(total: Int, textDates: Bool = false) async throws -> Int {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    let base = server.origin.appendingPathComponent("n/\(total)/v1/people")
    var offset = 0
    var checksum = 0
    while true {
        var request = HTTPRequest(url: URL(string: base.absoluteString + "?offset=\(offset)&limit=100")!)
        request.headers["Authorization"] = "Bearer bench-key"
        request.headers["Accept"] = "application/json"
        let response = try await transport.send(request)
        let levels: [Int?]
        let pageTotal: Int
        if textDates {
            let page = try decoder.decode(HandPageTextDate.self, from: response.body)
            (levels, pageTotal) = (page.data.map(\.level), page.total)
        } else {
            let page = try decoder.decode(HandPage.self, from: response.body)
            (levels, pageTotal) = (page.data.map(\.level), page.total)
        }
        for level in levels { checksum &+= level ?? 0 }
        offset += levels.count
        if offset >= pageTotal || levels.isEmpty { break }
    }
    precondition(offset == total, "hand-written loop read \(offset) of \(total)")
    return checksum
}

func seconds(_ body: () async throws -> Int) async throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// Child mode: list `--memory N` pages through the generated API and print the peak memory.
if let index = arguments.firstIndex(of: "--memory"), index + 1 < arguments.count, let count = Int(arguments[index + 1]) {
    _ = try await generated(total: 1)
    let before = peakMemoryMiB()
    _ = try await generated(total: count * 100)
    print(String(format: "%.1f %.1f", before, peakMemoryMiB()))
    exit(0)
}

if let index = arguments.firstIndex(of: "--memory-unified"), index + 1 < arguments.count, let count = Int(arguments[index + 1]) {
    try await unifiedMemoryChild(count)
    exit(0)
}

let total = pages * 100
print("resources-bench: \(total) records in \(pages) pages of 100 from an in-process server, \(rounds) rounds")
// Both sides read the same records (each checks its count; the checksums must agree).
let warmChecksums = (try await generated(total: 1_000), try await handWritten(total: 1_000))
guard warmChecksums.0 == warmChecksums.1 else { throw BenchFailure("checksums differ: \(warmChecksums)") }
var generatedTimes: [Double] = []
var handTimes: [Double] = []
var textTimes: [Double] = []
var ratios: [Double] = []
var textRatios: [Double] = []
for round in 0..<rounds {
    var times: [Double] = [0, 0, 0]
    let orders = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    for side in orders[round % 3] {
        times[side] = try await seconds {
            switch side {
            case 0: try await generated(total: total)
            case 1: try await handWritten(total: total)
            default: try await handWritten(total: total, textDates: true)
            }
        }
    }
    generatedTimes.append(times[0])
    handTimes.append(times[1])
    textTimes.append(times[2])
    ratios.append(times[0] / times[1])
    textRatios.append(times[0] / times[2])
}
let ratio = median(ratios)
let textRatio = median(textRatios)
print("")
print("| side | median time | records/s |")
print("| --- | --- | --- |")
print(String(format: "| generated API (RecordSequence) | %.3f s | %.0f |", median(generatedTimes), Double(total) / median(generatedTimes)))
print(String(format: "| hand-written loop (JSONDecoder) | %.3f s | %.0f |", median(handTimes), Double(total) / median(handTimes)))
print(String(format: "| hand-written loop, date left as text | %.3f s | %.0f |", median(textTimes), Double(total) / median(textTimes)))
print(String(format: "| ratio generated / hand-written (median of per-round pairs) | %.2fx | target <= 1.2x: %@ |", ratio, smoke ? "not judged in a smoke run" : ratio <= 1.2 ? "met" : "NOT met"))
print(String(format: "| ratio generated / hand-written with text date | %.2fx | (generated parses the date, the peer does not) |", textRatio))

print("")
print("| pages listed (child process) | peak RSS before listing | peak RSS after listing |")
print("| --- | --- | --- |")
for count in smoke ? [2, 10] : [100, 1_000] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--memory", String(count)]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
    guard output.count == 2 else { throw BenchFailure("memory child printed \(output)") }
    print("| \(count) | \(output[0]) MiB | \(output[1]) MiB |")
}
try await runUnifiedBench(total: total, rounds: rounds, smoke: smoke)
if smoke { print("resources-bench: smoke run sane (no time or memory asserted)") }
exit(0)
