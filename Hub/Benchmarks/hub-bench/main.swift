// hub-bench: proxy throughput and added latency against calling the same local upstream directly,
// in one run (`make hub-proxy-bench`, part of `make bench`).
//
// A local upstream (Hummingbird) plays Smartsheet's API (bearer token); two Hubs (Hummingbird,
// SQLite store) proxy to it for an account linked with the access-token variant, one sending with
// URLSessionTransport, the other with AsyncHTTPClientTransport. The same URLSession client loads
// the three paths with the same concurrency, round after round. Everything shares this machine's
// cores: read the ratios, not the absolute numbers.

import ConnectorHub
import Foundation
import Hummingbird
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

let requests = Int(ProcessInfo.processInfo.environment["HUB_BENCH_REQUESTS"] ?? "") ?? 4000
let concurrency = Int(ProcessInfo.processInfo.environment["HUB_BENCH_CONCURRENCY"] ?? "") ?? 16

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = concurrency
    configuration.timeoutIntervalForRequest = 30
    return URLSession(configuration: configuration)
}()

func get(_ url: URL, bearer: String) async throws -> Int {
    var request = URLRequest(url: url)
    request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization")
    let (_, response) = try await session.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
}

func waitUntilUp(_ url: URL) async throws {
    for _ in 0..<200 {
        if (try? await session.data(from: url)) != nil { return }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    throw HubConfigurationError("\(url) did not come up")
}

struct Row {
    var name: String
    var seconds: Double
    var latencies: [Double]
    var throughput: Double { Double(latencies.count) / seconds }
    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
    }
}

func load(_ name: String, url: URL, bearer: String) async throws -> Row {
    let start = Date()
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                for _ in stride(from: worker, to: requests, by: concurrency) {
                    let began = Date()
                    let status = try await get(url, bearer: bearer)
                    guard status == 200 else { throw HubConfigurationError("\(name): status \(status)") }
                    mine.append(Date().timeIntervalSince(began))
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all
    }
    return Row(name: name, seconds: Date().timeIntervalSince(start), latencies: latencies)
}

let upstreamPort = freePort()
let upstreamRouter = Router()
upstreamRouter.get("/2.0/**") { request, _ -> Response in
    guard request.headers[.authorization] == "Bearer bench-token" else { return Response(status: .unauthorized) }
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"data\":[]}")))
}
let upstream = Application(router: upstreamRouter, configuration: .init(address: .hostname("127.0.0.1", port: upstreamPort)))

/// A Hub with its own SQLite files and port, sending with `transport`.
struct BenchHub: Sendable {
    var label: String
    var hub: ConnectorHubService
    var app: Application<RouterResponder<BasicRequestContext>>
    var port: Int
    var directory: URL

    init(label: String, transport: HubTransport) async throws {
        self.label = label
        port = freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-bench-\(UUID().uuidString)")
        let configuration = HubConfiguration(
            publicBaseURL: URL(string: "http://127.0.0.1:\(port)")!, port: port, appKeys: ["bench-app-key"],
            sqlitePath: directory.appendingPathComponent("hub.sqlite").path, signingKey: "bench",
            endpointOverrides: ["smartsheet_iam": ["api.smartsheet.com": URL(string: "http://127.0.0.1:\(upstreamPort)")!]],
            development: true, transport: transport)
        hub = try await ConnectorHubService.open(configuration: configuration, environment: [:])
        let router = Router()
        router.addRoutes(hub.routes(context: BasicRequestContext.self))
        app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    }

    var statements: Int { (hub.tokenStoreStatements ?? 0) + hub.recordStoreStatements }
}

let hubs = [
    try await BenchHub(label: "URLSessionTransport", transport: .urlSession),
    try await BenchHub(label: "AsyncHTTPClientTransport", transport: .asyncHTTPClient),
]
let servers = Task {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await upstream.run() }
        for bench in hubs { group.addTask { try await bench.app.run() } }
        try await group.waitForAll()
    }
}
try await waitUntilUp(URL(string: "http://127.0.0.1:\(upstreamPort)/2.0/ping")!)
let direct = URL(string: "http://127.0.0.1:\(upstreamPort)/2.0/users")!
var proxied: [URL] = []
for bench in hubs {
    try await waitUntilUp(URL(string: "http://127.0.0.1:\(bench.port)/health")!)
    let account = try await bench.hub.importAccount(
        endUserID: "bench", endUserName: "Bench", connectorID: "smartsheet_iam", variantID: "access_token",
        values: ["region": "smartsheet.com", "accessToken": "bench-token"])
    proxied.append(URL(string: "http://127.0.0.1:\(bench.port)/v1/accounts/\(account.id)/proxy/users")!)
}
// Warm every path (connections, the Hubs' cached connections).
_ = try await load("warm-up direct", url: direct, bearer: "bench-token")
for (index, url) in proxied.enumerated() { _ = try await load("warm-up \(index)", url: url, bearer: "bench-app-key") }
let tokenStatementsBefore = hubs.map { $0.hub.tokenStoreStatements ?? 0 }
let recordStatementsBefore = hubs.map { $0.hub.recordStoreStatements }
let measured = Date()
var rows: [Row] = []
for round in 0..<3 {
    rows.append(try await load("direct \(round)", url: direct, bearer: "bench-token"))
    for (index, url) in proxied.enumerated() { rows.append(try await load("proxy\(index) \(round)", url: url, bearer: "bench-app-key")) }
}
let elapsed = Date().timeIntervalSince(measured)
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let directRows = rows.filter { $0.name.hasPrefix("direct") }
var table: [(String, [Row])] = [("direct to upstream", directRows)]
for (index, bench) in hubs.enumerated() {
    table.append(("Hub proxy, \(bench.label)", rows.filter { $0.name.hasPrefix("proxy\(index) ") }))
}
print("Hub proxy vs direct: \(requests) GETs x 3 rounds per path, concurrency \(concurrency), URLSession client (medians of 3 rounds)")
print("| path | requests/s | p50 ms | p99 ms | throughput vs direct | added p50 ms | added p99 ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
let directThroughput = median(directRows.map(\.throughput))
let direct50 = median(directRows.map { $0.percentile(0.5) })
let direct99 = median(directRows.map { $0.percentile(0.99) })
for (name, group) in table {
    let throughput = median(group.map(\.throughput))
    let p50 = median(group.map { $0.percentile(0.5) })
    let p99 = median(group.map { $0.percentile(0.99) })
    print(String(format: "| %@ | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |", name, throughput, p50, p99, throughput / directThroughput,
                 p50 - direct50, p99 - direct99))
}
var failed = false
for (index, bench) in hubs.enumerated() {
    let tokenStatements = (bench.hub.tokenStoreStatements ?? 0) - tokenStatementsBefore[index]
    let recordStatements = bench.hub.recordStoreStatements - recordStatementsBefore[index]
    print(String(format: "%@: token-store statements per proxied request %.4f; record-store statements %d in %.0f s, %.4f per "
                 + "proxied request (the account record is re-read once it is %.0f s old: SQLite has no change notifications)",
                 bench.label, Double(tokenStatements) / Double(requests * 3), recordStatements, elapsed,
                 Double(recordStatements) / Double(requests * 3), HubConfiguration.unnotifiedAccountCacheSeconds))
    if tokenStatements != 0 { failed = true }
}
if failed { print("FAILED: a proxied request with a valid cached token reached the token store") }
_ = servers  // exit below stops the servers
for bench in hubs { try? FileManager.default.removeItem(at: bench.directory) }
exit(failed ? 1 : 0)
