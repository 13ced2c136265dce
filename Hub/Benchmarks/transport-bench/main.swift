// transport-bench: URLSessionTransport (root package, FoundationNetworking) against
// AsyncHTTPClientTransport (ConnectorHubTransport), measured in the same run.
//
//   transport-bench [--quick]
//
// 1. Peak RSS above an idle process while a 2,000 MiB chunked body, sent at loopback speed, is
//    refused by the 10 MiB cap, and how much of it the server managed to write. Each run is a
//    child process (this executable with `--child TRANSPORT MODE URL`), so its peak RSS (VmHWM)
//    is its own; the peer of each transport is an idle child of the same transport that made
//    one small request. Target (issue 10): cap + 8 MiB above idle.
// 2. The time to read a 9 MiB body (Content-Length), median of 5, in a child per transport,
//    with a raw POSIX-socket read of the same body as the floor.
// 3. Requests per second against BenchServer (keep-alive, in this process), 6 concurrent,
//    rounds alternating between the transports.
//
// BodyServer.swift and BenchServer.swift are the runtime benchmark's servers (symlinks).

import ConnectorHubTransport
import ConnectorRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two transports, by the name the child processes take.
enum Peer: String, CaseIterable {
    case urlSession = "urlsession"
    case asyncHTTPClient = "ahc"

    var title: String { self == .urlSession ? "URLSessionTransport" : "AsyncHTTPClientTransport" }

    func makeTransport() -> any HTTPTransport {
        self == .urlSession ? URLSessionTransport() : AsyncHTTPClientTransport()
    }
}

/// The size of the refused chunked body.
let chunkedMiB = 2_000
/// The size of the timed body (under the 10 MiB cap).
let largeBodyBytes = 9 * 1024 * 1024
/// The cap both transports use by default.
let cap = 10 * 1024 * 1024

let arguments = CommandLine.arguments
// --smoke (make bench-quick): one run of each row, few requests; fails only when an output is not
// sane (a body not refused, no rate), never on a time or memory figure.
let smoke = arguments.contains("--smoke")
let quick = smoke || arguments.contains("--quick")

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double, _ digits: Int = 0) -> String {
    String(format: "%.\(digits)f", value)
}

func mib(_ kib: Int) -> String { format(Double(kib) / 1024, 1) + " MiB" }

// MARK: Child processes

/// Runs one measurement with `peer`'s transport and prints `key=value` lines; never returns.
func runChild(_ peer: Peer, mode: String, url: URL) async -> Never {
    await runTransportChild(peer.makeTransport(), mode: mode, url: url, warmUp: true)
}

/// Runs this executable as a child with `peer` in `mode` against `url`; returns its lines.
func child(_ peer: Peer, _ mode: String, _ url: URL) throws -> [String: String] {
    try childValues(["--child", peer.rawValue, mode, url.absoluteString], label: "\(peer.rawValue) \(mode)")
}

if let index = arguments.firstIndex(of: "--child"), index + 3 < arguments.count,
    let peer = Peer(rawValue: arguments[index + 1]), let url = URL(string: arguments[index + 3])
{
    await runChild(peer, mode: arguments[index + 2], url: url)
}

// MARK: Requests per second

/// Sends `total` requests with `workers` concurrent loops; returns requests per second.
func rate(_ transport: any HTTPTransport, _ request: HTTPRequest, total: Int, workers: Int) async throws -> Double {
    let next = BenchCounter()
    let start = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<workers {
            group.addTask {
                while next.increment() <= total {
                    let response = try await transport.send(request)
                    guard response.status == 200 else { throw BenchError("unexpected status \(response.status)") }
                }
            }
        }
        try await group.waitForAll()
    }
    return Double(total) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

// MARK: The run

var loadAverage = [Double](repeating: 0, count: 3)
_ = getloadavg(&loadAverage, 3)
let runs = smoke ? 1 : quick ? 3 : 5
print("transport-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(format(loadAverage[0], 1)), \(runs) runs per memory row, \(quick ? "quick" : "full") mode\n")

struct PeerResult {
    var idleKiB = 0
    var outcomes: Set<String> = []
    var above: [Int] = []
    var written: [Int] = []
    var fixedMS = Double.nan
    var rawMS = Double.nan
    var fixedAbove = 0
    var rates: [Double] = []
}

var results: [Peer: PeerResult] = [:]
let bodies = try BodyServer()
for peer in Peer.allCases {
    var result = PeerResult()
    result.idleKiB = Int(try child(peer, "idle", bodies.baseURL.appendingPathComponent("fixed/11"))["hwm_kib"] ?? "") ?? -1
    for _ in 0..<runs {
        let values = try child(peer, "capped", bodies.baseURL.appendingPathComponent("chunked/\(chunkedMiB)"))
        result.outcomes.insert(values["outcome"] ?? "?")
        result.above.append((Int(values["hwm_kib"] ?? "") ?? -1) - result.idleKiB)
        result.written.append(bodies.lastChunked.bytes)
    }
    result.above.sort()
    result.written.sort()
    let fixed = try child(peer, "fixed", bodies.baseURL.appendingPathComponent("fixed/\(largeBodyBytes)"))
    result.fixedMS = Double(fixed["transport_ms"] ?? "") ?? .nan
    result.rawMS = Double(fixed["raw_ms"] ?? "") ?? .nan
    result.fixedAbove = (Int(fixed["hwm_kib"] ?? "") ?? -1) - result.idleKiB
    results[peer] = result
}

let server = try BenchServer()
let capacity = measureServerCapacity(port: server.port, connections: 6, duration: quick ? 1 : 2)
let request = HTTPRequest(url: server.baseURL.appendingPathComponent("api/bench"), headers: ["Authorization": "Bearer bench"])
let transports: [Peer: any HTTPTransport] = Dictionary(uniqueKeysWithValues: Peer.allCases.map { ($0, $0.makeTransport()) })
let perRound = smoke ? 100 : quick ? 1_000 : 2_000
let rounds = smoke ? 1 : quick ? 3 : 7
for peer in Peer.allCases { _ = try await rate(transports[peer]!, request, total: perRound, workers: 6) }
for round in 0..<rounds {
    // Alternate which transport goes first, so neither always runs on a warmer (or busier) machine.
    for peer in round % 2 == 0 ? Peer.allCases : Peer.allCases.reversed() {
        results[peer]!.rates.append(try await rate(transports[peer]!, request, total: perRound, workers: 6))
    }
}

let url = results[.urlSession]!
let ahc = results[.asyncHTTPClient]!
func ratio(_ a: Double, _ b: Double) -> String { format(a / b, 2) + "x" }
func middle(_ values: [Int]) -> Int { values[values.count / 2] }
let capKiB = cap / 1024
let memoryMet = ahc.outcomes == ["refused"] && ahc.above.last! <= capKiB + 8 * 1024
let urlRate = median(url.rates)
let ahcRate = median(ahc.rates)
print("""
| Measurement | URLSessionTransport | AsyncHTTPClientTransport | AHC / URLSession | Target |
|---|---|---|---|---|
| Idle child (one small request), peak RSS | \(mib(url.idleKiB)) | \(mib(ahc.idleKiB)) | \(ratio(Double(ahc.idleKiB), Double(url.idleKiB))) | (peer of the rows below) |
| \(chunkedMiB) MiB chunked body at loopback speed, cap \(cap >> 20) MiB: outcome | \(url.outcomes.sorted().joined(separator: ", ")) | \(ahc.outcomes.sorted().joined(separator: ", ")) | | refused |
| ... peak RSS above the idle child, median / worst of \(runs) | \(mib(middle(url.above))) / \(mib(url.above.last!)) | \(mib(middle(ahc.above))) / \(mib(ahc.above.last!)) \(memoryMet ? "(met)" : "(MISSED)") | \(ratio(Double(middle(ahc.above)), Double(middle(url.above)))) / \(ratio(Double(ahc.above.last!), Double(url.above.last!))) | AHC <= cap + 8 MiB = \(mib(capKiB + 8 * 1024)) |
| ... body the server wrote before the client stopped, median / worst | \(mib(middle(url.written) / 1024)) / \(mib(url.written.last! / 1024)) | \(mib(middle(ahc.written) / 1024)) / \(mib(ahc.written.last! / 1024)) | \(ratio(Double(middle(ahc.written)), Double(middle(url.written)))) | far below the body |
| \(largeBodyBytes >> 20) MiB body (Content-Length), median of 5 (raw socket read: \(format(url.rawMS, 1)) / \(format(ahc.rawMS, 1)) ms) | \(format(url.fixedMS, 1)) ms | \(format(ahc.fixedMS, 1)) ms | \(ratio(ahc.fixedMS, url.fixedMS)) | milliseconds |
| ... peak RSS above the idle child | \(mib(url.fixedAbove)) | \(mib(ahc.fixedAbove)) | | |
| Requests/s, 6 concurrent, keep-alive (median of \(rounds) rounds of \(perRound)) | \(format(urlRate)) | \(format(ahcRate)) | \(ratio(ahcRate, urlRate)) | (BenchServer alone: \(format(capacity)) req/s) |

Rounds (req/s): URLSession \(url.rates.map { format($0) }.joined(separator: " ")); AHC \(ahc.rates.map { format($0) }.joined(separator: " ")).
""")
for peer in Peer.allCases {
    if let transport = transports[peer] as? AsyncHTTPClientTransport { try await transport.shutdown() }
}
if smoke {
    let sane = Peer.allCases.allSatisfy { peer in
        let result = results[peer]!
        return result.outcomes == ["refused"] && result.fixedMS.isFinite && result.rates.allSatisfy { $0 > 0 }
    }
    print(sane ? "transport-bench: smoke run sane (no time or memory asserted)" : "transport-bench: FAILED: a body was not refused, not read, or no rate")
    exit(sane ? 0 : 1)
}
exit(memoryMet ? 0 : 1)
