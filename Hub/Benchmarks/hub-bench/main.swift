// hub-bench: proxy throughput and added latency against calling the same local upstream directly,
// in one run (`make hub-proxy-bench`, part of `make bench`).
//
// A local upstream (Hummingbird) plays Smartsheet's API (bearer token); the Hub (Hummingbird,
// SQLite store, URLSessionTransport) proxies to it for an account linked with the access-token
// variant. The same URLSession client loads both paths with the same concurrency. Everything
// shares this machine's cores: read the ratio, not the absolute numbers.

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
let hubPort = freePort()
let upstreamRouter = Router()
upstreamRouter.get("/2.0/**") { request, _ -> Response in
    guard request.headers[.authorization] == "Bearer bench-token" else { return Response(status: .unauthorized) }
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"data\":[]}")))
}
let upstream = Application(router: upstreamRouter, configuration: .init(address: .hostname("127.0.0.1", port: upstreamPort)))

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-bench-\(UUID().uuidString)")
let configuration = HubConfiguration(
    publicBaseURL: URL(string: "http://127.0.0.1:\(hubPort)")!, port: hubPort, appKeys: ["bench-app-key"],
    sqlitePath: directory.appendingPathComponent("hub.sqlite").path, signingKey: "bench",
    endpointOverrides: ["smartsheet_iam": ["api.smartsheet.com": URL(string: "http://127.0.0.1:\(upstreamPort)")!]], development: true)
let hub = try await ConnectorHubService.open(configuration: configuration, environment: [:])
let hubRouter = Router()
hubRouter.addRoutes(hub.routes(context: BasicRequestContext.self))
let hubApp = Application(router: hubRouter, configuration: .init(address: .hostname("127.0.0.1", port: hubPort)))

let servers = Task {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await upstream.run() }
        group.addTask { try await hubApp.run() }
        try await group.waitForAll()
    }
}
try await waitUntilUp(URL(string: "http://127.0.0.1:\(hubPort)/health")!)
try await waitUntilUp(URL(string: "http://127.0.0.1:\(upstreamPort)/2.0/ping")!)
let account = try await hub.importAccount(
    endUserID: "bench", endUserName: "Bench", connectorID: "smartsheet_iam", variantID: "access_token",
    values: ["region": "smartsheet.com", "accessToken": "bench-token"])
let direct = URL(string: "http://127.0.0.1:\(upstreamPort)/2.0/users")!
let proxied = URL(string: "http://127.0.0.1:\(hubPort)/v1/accounts/\(account.id)/proxy/users")!
// Warm both paths (connections, the Hub's cached connection).
_ = try await load("warm-up direct", url: direct, bearer: "bench-token")
_ = try await load("warm-up proxy", url: proxied, bearer: "bench-app-key")
let statementsBefore = hub.tokenStoreStatements ?? 0
var rows: [Row] = []
for round in 0..<3 {
    rows.append(try await load("direct \(round)", url: direct, bearer: "bench-token"))
    rows.append(try await load("proxy \(round)", url: proxied, bearer: "bench-app-key"))
}
let statements = (hub.tokenStoreStatements ?? 0) - statementsBefore
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let directRows = rows.filter { $0.name.hasPrefix("direct") }
let proxyRows = rows.filter { $0.name.hasPrefix("proxy") }
let table: [(String, [Row])] = [("direct to upstream", directRows), ("through the Hub proxy", proxyRows)]
print("Hub proxy vs direct: \(requests) GETs x 3 rounds, concurrency \(concurrency), URLSession client (medians of 3 rounds)")
print("| path | requests/s | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: |")
for (name, group) in table {
    print(String(format: "| %@ | %.0f | %.2f | %.2f |", name, median(group.map(\.throughput)), median(group.map { $0.percentile(0.5) }),
                 median(group.map { $0.percentile(0.99) })))
}
let ratio = median(proxyRows.map(\.throughput)) / median(directRows.map(\.throughput))
let added50 = median(proxyRows.map { $0.percentile(0.5) }) - median(directRows.map { $0.percentile(0.5) })
let added99 = median(proxyRows.map { $0.percentile(0.99) }) - median(directRows.map { $0.percentile(0.99) })
print(String(format: "proxy/direct throughput: %.2f; added latency p50 %.2f ms, p99 %.2f ms", ratio, added50, added99))
print("token-store statements per proxied request: \(Double(statements) / Double(requests * 3))")
_ = servers  // exit below stops both servers
try? FileManager.default.removeItem(at: directory)
exit(0)
