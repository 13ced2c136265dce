// hub-bench: one Hub for `make hub-proxy-bench` (Hub/Benchmarks/proxy-bench.py drives it).
//
//   hub-bench --transport asynchttpclient|urlsession|nio --upstream http://127.0.0.1:PORT [--server pool|eventloop] [--fast]
//
// `--fast` turns the proxy's fast path on (HubConfiguration.proxyFastPath; with `--transport nio`).
// `--pool N`: with `--transport nio`, at most N upstream connections (PooledHTTP1Transport's
// maxConnectionsPerOrigin; 8 by default).
//
// Opens a Hub (SQLite store in a temporary folder, development key) on a free loopback port, as
// `connector-hub` serves it (ConnectorHubService.application()), whose
// Smartsheet connector points at `--upstream`, links an account with the access-token variant
// (token `bench-token`), and prints `READY <port> <account id>`. Each line read on standard input
// prints `STATS <token-store statements> <record-store statements> <fast path served> <fast path
// handed off>`; end of input stops the Hub
// and removes its files. The driver loads it with wrk and reads its CPU time from /proc.

import ConnectorHub
import ConnectorHubTransport
import Foundation
import Hummingbird

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

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

guard let upstreamText = argument("--upstream"), let upstream = URL(string: upstreamText),
    let transport = argument("--transport").flatMap(HubTransport.init(rawValue:))
else {
    FileHandle.standardError.write(Data("usage: hub-bench --transport asynchttpclient|urlsession|nio --upstream http://127.0.0.1:PORT\n".utf8))
    exit(2)
}

let port = freePort()
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hub-bench-\(UUID().uuidString)")
var configuration = HubConfiguration(
    publicBaseURL: URL(string: "http://127.0.0.1:\(port)")!, port: port, appKeys: ["bench-app-key"],
    sqlitePath: directory.appendingPathComponent("hub.sqlite").path, signingKey: "bench",
    endpointOverrides: ["smartsheet_iam": ["api.smartsheet.com": upstream]],
    development: true, transport: transport)
configuration.proxyFastPath = CommandLine.arguments.contains("--fast")
let pool = argument("--pool").flatMap(Int.init).map { PooledHTTP1Transport(maxConnectionsPerOrigin: $0, maxIdlePerOrigin: $0) }
let hub = try await ConnectorHubService.open(configuration: configuration, environment: [:], transport: pool)
// The application `connector-hub` serves: its router (security headers, 405 answers) and its
// server.
// `--server eventloop`: each connection on its event loop instead of Swift's cooperative pool.
let app = hub.application(connectionsOnEventLoops: argument("--server") == "eventloop")
// Detached: the main thread blocks in readLine below.
let server = Task.detached { [app] in try await app.run() }
let account = try await hub.importAccount(
    endUserID: "bench", endUserName: "Bench", connectorID: "smartsheet_iam", variantID: "access_token",
    values: ["region": "smartsheet.com", "accessToken": "bench-token"])
/// Unbuffered: the driver reads each line as it comes.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

say("READY \(port) \(account.id)")
while readLine() != nil {
    let fast = hub.proxyFastPathStats
    say("STATS \(hub.tokenStoreStatements ?? 0) \(hub.recordStoreStatements) \(fast?.served ?? 0) \(fast?.handedOff ?? 0)")
}
server.cancel()
try? FileManager.default.removeItem(at: directory)
exit(0)
