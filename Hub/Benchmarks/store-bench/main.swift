// store-bench: what each token store costs a Connection (issue 11, "Benchmark"), in one run:
//
// 1. Sends per second with a valid cached token through each store, against the in-memory
//    store, with a transport that answers at once (so only the runtime and the store are
//    measured), and the statements each store ran per send (must be 0: the store is off the
//    hot path).
// 2. Time one refresh takes through each store (read, lease, read, token request, CAS write,
//    release) with an instant token endpoint, and what that adds to the in-memory store's.
// 3. Token requests per expiry across 4 processes x 250 sends on one account, against the
//    Authlib server (Tests/Servers/authserver.py), for each store: must print 1.
//
//   make hub-bench   (starts PostgreSQL; part of `make bench`)
//
//   store-bench --smoke   the smallest run (make bench-quick): fails only when an output is not sane
//                         (statements on the hot path, token requests per expiry other than 1,
//                         failed sends); no time is asserted
//
// Environment: CONNECTOR_TEST_POSTGRES_URL (PostgreSQL rows are skipped without it, and say so),
// CONNECTOR_TEST_PYTHON (the venv's python, for row 3).

import ConnectorHubStorage
import ConnectorRuntime
import Foundation
import TokenStoreTesting

let smoke = CommandLine.arguments.contains("--smoke")
let quick = smoke || CommandLine.arguments.contains("--quick")
let sendsPerRound = smoke ? 200 : quick ? 5_000 : 20_000
let rounds = smoke ? 1 : quick ? 3 : 5
let refreshes = smoke ? 5 : quick ? 50 : 200
/// What a smoke run found insane; a full run reports the same rows and never fails on them.
var insane: [String] = []
let keys = try TokenStoreKeys(current: "bench", keys: ["bench": Data(repeating: 42, count: 32)])
let keysEnvironment = "bench:" + Data(repeating: 42, count: 32).base64EncodedString()
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)

/// Answers every request at once: API calls 200, token requests a new token.
struct InstantTransport: HTTPTransport {
    static let ok = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"ok":true}"#.utf8))
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == "POST" else { return Self.ok }
        let body = #"{"access_token":"a-\#(UUID().uuidString)","refresh_token":"r-\#(UUID().uuidString)","token_type":"Bearer","expires_in":3600}"#
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }
}

let base = URL(string: "https://bench.example.com")!
let configuration = ConnectionConfiguration(
    connectorID: "bench", variantID: "oauth", baseURL: .fixed(base),
    auth: .authorizationCode(
        AuthorizationCodeConfiguration(
            endpoint: TokenEndpoint(
                tokenURL: base.appendingPathComponent("token"),
                client: OAuthClient(id: "bench", secret: Secret("bench-secret"), authentication: .clientSecretBasic)),
            authorizeURL: base.appendingPathComponent("authorize"), rotatesRefreshToken: true)))

struct Store {
    var name: String
    var store: any TokenStore
    var statements: () -> Int
    var workerArgument: String?
}

var stores: [Store] = [
    Store(name: "in-memory", store: InMemoryTokenStore(), statements: { 0 }, workerArgument: nil),
    Store(name: "file", store: try FileTokenStore(directory: scratch.appendingPathComponent("files")), statements: { 0 }, workerArgument: "file:" + scratch.appendingPathComponent("files").path),
]
let sqlitePath = scratch.appendingPathComponent("tokens.sqlite").path
let sqlite = try SQLiteTokenStore(path: sqlitePath, keys: keys)
stores.append(Store(name: "SQLite", store: sqlite, statements: { sqlite.statementCount }, workerArgument: "sqlite:" + sqlitePath))
var postgres: PostgresTokenStore?
if let url = ProcessInfo.processInfo.environment["CONNECTOR_TEST_POSTGRES_URL"], !url.isEmpty {
    let store = try await PostgresTokenStore.connect(url: url, keys: keys)
    postgres = store
    stores.append(Store(name: "PostgreSQL", store: store, statements: { store.statementCount }, workerArgument: "postgres:" + url))
} else {
    print("(no CONNECTOR_TEST_POSTGRES_URL: PostgreSQL rows skipped; `make hub-bench` starts a server)")
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func format(_ value: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }

// MARK: 1. Sends with a valid cached token

print("\n## Sends per second with a valid cached token (instant transport, \(sendsPerRound) sends per store per round, \(rounds) rounds, 8 concurrent)\n")
print("Every round runs each store once, in a rotating order, after one untimed warm-up round.\n")
print("| store | sends/s (median) | vs in-memory | statements per send |")
print("|---|---:|---:|---:|")
var connections: [Connection] = []
for entry in stores {
    let account = "hot-\(UUID().uuidString.prefix(8))"
    try await entry.store.save(
        TokenSet(accessToken: Secret("valid"), refreshToken: Secret("r"), expiresAt: Date().addingTimeInterval(86_400)), account: account)
    let connection = Connection(configuration: configuration, account: account, store: entry.store, transport: InstantTransport())
    _ = try await connection.send(path: "/warm-up")
    connections.append(connection)
}

func sendBurst(_ connection: Connection) async throws -> Double {
    let start = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                for _ in stride(from: worker, to: sendsPerRound, by: 8) { _ = try await connection.send(path: "/api") }
            }
        }
        try await group.waitForAll()
    }
    return Double(sendsPerRound) / Date().timeIntervalSince(start)
}

for connection in connections { _ = try await sendBurst(connection) }
let statementsBefore = stores.map { $0.statements() }
var rates = Array(repeating: [Double](), count: stores.count)
for round in 0..<rounds {
    for offset in 0..<stores.count {
        let index = (round + offset) % stores.count
        rates[index].append(try await sendBurst(connections[index]))
    }
}
let memoryRate = median(rates[0])
for (index, entry) in stores.enumerated() {
    let perSend = Double(entry.statements() - statementsBefore[index]) / Double(sendsPerRound * rounds)
    let rate = median(rates[index])
    print("| \(entry.name) | \(format(rate)) | \(format(rate / memoryRate, 2))x | \(format(perSend, 3)) |")
    if perSend != 0 || !(rate > 0) { insane.append("\(entry.name): \(perSend) statements per send, \(rate) sends/s") }
}

// MARK: 2. One refresh

print("\n## One refresh through each store (instant token endpoint, median of \(refreshes))\n")
print("| store | refresh (ms, median) | added vs in-memory (ms) | statements per refresh |")
print("|---|---:|---:|---:|")
var memoryRefresh = 0.0
for entry in stores {
    let account = "refresh-\(UUID().uuidString.prefix(8))"
    try await entry.store.save(TokenSet(accessToken: Secret("a"), refreshToken: Secret("r"), expiresAt: Date(timeIntervalSince1970: 0)), account: account)
    let connection = Connection(configuration: configuration, account: account, store: entry.store, transport: InstantTransport())
    _ = try await connection.refreshNow()
    let before = entry.statements()
    var times: [Double] = []
    for _ in 0..<refreshes {
        let start = Date()
        _ = try await connection.refreshNow()
        times.append(Date().timeIntervalSince(start) * 1000)
    }
    let perRefresh = Double(entry.statements() - before) / Double(refreshes)
    let time = median(times)
    if entry.name == "in-memory" { memoryRefresh = time }
    print("| \(entry.name) | \(format(time, 3)) | \(format(time - memoryRefresh, 3)) | \(entry.name == "in-memory" || entry.name == "file" ? "-" : format(perRefresh, 1)) |")
}

// MARK: 3. Token requests per expiry across processes

print("\n## Token requests per expiry: 4 processes x 250 concurrent sends, one account, Authlib with rotation and reuse detection\n")
let python = ProcessInfo.processInfo.environment["CONNECTOR_TEST_PYTHON"] ?? ""
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let serverScript = packageRoot.appendingPathComponent("Tests/Servers/authserver.py").path
if python.isEmpty || !FileManager.default.isExecutableFile(atPath: python) {
    print("(no CONNECTOR_TEST_PYTHON: row 3 skipped; `make hub-bench` sets it)")
} else {
    let portFile = scratch.appendingPathComponent("authserver.port")
    let server = Process()
    server.executableURL = URL(fileURLWithPath: python)
    server.arguments = [serverScript, "--port-file", portFile.path]
    server.environment = ProcessInfo.processInfo.environment.merging(["AUTHLIB_INSECURE_TRANSPORT": "1"]) { _, new in new }
    try server.run()
    var port: String?
    for _ in 0..<300 where port == nil {
        port = try? String(contentsOf: portFile, encoding: .utf8)
        if port == nil { try await Task.sleep(nanoseconds: 50_000_000) }
    }
    guard let port else { fatalError("authserver.py did not start") }
    let worker = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hub-store-worker")
    print("| store | rounds | token requests per expiry | sends | failed | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for entry in stores {
        guard let argument = entry.workerArgument else { continue }
        let scenario = StressScenario(
            worker: worker, storeArguments: ["--store", argument], authServer: URL(string: "http://127.0.0.1:\(port)")!,
            rounds: smoke ? 1 : quick ? 2 : 5,
            environment: [TokenStoreKeys.environmentVariable: keysEnvironment], account: "bench-\(UUID().uuidString.prefix(8))")
        let store = entry.store
        let account = scenario.account
        let report = try await scenario.runRounds { tokens in try await store.save(tokens, account: account) }
        let perExpiry = Set(report.tokenRequestsPerRound).count == 1 ? "\(report.tokenRequestsPerRound[0])" : "\(report.tokenRequestsPerRound)"
        print("| \(entry.name) | \(report.tokenRequestsPerRound.count) | \(perExpiry) | \(report.sends) | \(report.failedSends) | \(format(report.seconds, 1)) |")
        if report.tokenRequestsPerRound.contains(where: { $0 != 1 }) || report.failedSends > 0 {
            insane.append("\(entry.name): token requests per expiry \(perExpiry), \(report.failedSends) failed sends")
        }
    }
    server.terminate()
}
await postgres?.shutdown()
try? FileManager.default.removeItem(at: scratch)
if smoke {
    for problem in insane { print("store-bench: FAILED: \(problem)") }
    if !insane.isEmpty { exit(1) }
    print("store-bench: smoke run sane (no time asserted)")
}
