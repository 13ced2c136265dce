public import ConnectorRuntime
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Several ``StressWorker`` processes sharing one ``ConnectorRuntime/TokenStore`` and one
/// account, against the Authlib server of Tests/Servers/authserver.py (rotating refresh tokens,
/// the whole family revoked when a rotated one is reused). Test support only, not for apps.
///
/// The store tests of every store (file, SQLite, PostgreSQL) and `make bench` run the same
/// scenarios; they differ in the worker executable and its `--store` argument.
public struct StressScenario: Sendable {
    /// The worker executable (one per package: it links the stores it can open).
    public var worker: URL
    /// Arguments naming the store, passed to every worker before the common ones.
    public var storeArguments: [String]
    /// `http://127.0.0.1:<port>` of a running authserver.py.
    public var authServer: URL
    public var processes: Int
    public var sendsPerProcess: Int
    public var rounds: Int
    /// Seconds of the refresh lease.
    public var lease: Double
    /// Environment added to the workers'.
    public var environment: [String: String]
    /// The account every process uses.
    public var account: String

    public init(
        worker: URL, storeArguments: [String], authServer: URL, processes: Int = 4, sendsPerProcess: Int = 250, rounds: Int = 10,
        lease: Double = 45, environment: [String: String] = [:], account: String = "acme"
    ) {
        self.account = account
        self.worker = worker
        self.storeArguments = storeArguments
        self.authServer = authServer
        self.processes = processes
        self.sendsPerProcess = sendsPerProcess
        self.rounds = rounds
        self.lease = lease
        self.environment = environment
    }

    /// What one round of one process reported.
    public struct RoundResult: Sendable, Hashable {
        public var round: Int
        public var ok: Int
        public var failed: Int
        public var reconnectRequired: Int
        public var status: String
    }

    /// The outcome of ``runRounds(seed:)``.
    public struct Report: Sendable {
        /// Token requests the provider saw in each round (each round is one expiry).
        public var tokenRequestsPerRound: [Int]
        /// Every process's result of every round.
        public var results: [RoundResult]
        /// Refresh tokens the provider still accepts for the account at the end (1: not lost).
        public var refreshTokensActive: Int
        /// Wall time of the rounds, in seconds.
        public var seconds: Double

        public var sends: Int { results.reduce(0) { $0 + $1.ok + $1.failed + $1.reconnectRequired } }
        public var failedSends: Int { results.reduce(0) { $0 + $1.failed + $1.reconnectRequired } }
    }

    /// Links an account (a refresh token minted at the provider, stored by `seed` with an expired
    /// access token), starts the processes and runs the rounds: in each, every process's clock
    /// moves past the token's expiry and it makes its concurrent sends.
    public func runRounds(seed: @Sendable (TokenSet) async throws -> Void) async throws -> Report {
        let control = ControlClient(base: authServer)
        let client = try await control.registerClient()
        try await seed(try await control.mintedTokens(client.id))
        let workers = try (0..<processes).map { _ in try WorkerProcess.start(worker, arguments: arguments(client), environment: environment) }
        defer { workers.forEach { $0.stop() } }
        var perRound: [Int] = []
        var results: [RoundResult] = []
        var before = try await control.refreshRequests(client.id)
        let start = Date()
        for round in 1...max(rounds, 1) {
            for worker in workers { try worker.send("round \(round)") }
            for worker in workers { results.append(try RoundResult(parsing: try await worker.line(timeout: 300))) }
            let after = try await control.refreshRequests(client.id)
            perRound.append(after - before)
            before = after
        }
        let seconds = Date().timeIntervalSince(start)
        for worker in workers { try? worker.send("quit") }
        return Report(
            tokenRequestsPerRound: perRound, results: results, refreshTokensActive: try await control.refreshTokensActive(client.id), seconds: seconds)
    }

    /// What a process that takes over from a killed lease holder saw.
    public struct TakeoverReport: Sendable {
        /// The surviving process's round.
        public var result: RoundResult
        /// Token requests in all, the killed process's included.
        public var tokenRequests: Int
        public var refreshTokensActive: Int
    }

    /// A process takes the lease (and, with `spendFirst`, spends the refresh token at the provider
    /// without saving the result) and is SIGKILLed; another then makes its sends.
    public func runKilledLeaseHolder(spendFirst: Bool, seed: @Sendable (TokenSet) async throws -> Void) async throws -> TakeoverReport {
        let control = ControlClient(base: authServer)
        let client = try await control.registerClient()
        try await seed(try await control.mintedTokens(client.id))
        let victim = try WorkerProcess.start(worker, arguments: arguments(client), environment: environment)
        defer { victim.stop() }
        try victim.send(spendFirst ? "spend" : "lease")
        let answer = try await victim.line(timeout: 60)
        guard answer == (spendFirst ? "spent" : "leased") else { throw StressError("The lease holder answered '\(answer)'.") }
        victim.kill()
        let survivor = try WorkerProcess.start(worker, arguments: arguments(client), environment: environment)
        defer { survivor.stop() }
        try survivor.send("round 1")
        let result = try RoundResult(parsing: try await survivor.line(timeout: 300))
        try? survivor.send("quit")
        return TakeoverReport(
            result: result, tokenRequests: try await control.refreshRequests(client.id),
            refreshTokensActive: try await control.refreshTokensActive(client.id))
    }

    /// An executable SwiftPM built beside the running test bundle (a test target that depends on
    /// an executable target gets it built there).
    public static func builtExecutable(_ name: String) throws -> URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in candidates {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw StressError("No \(name) executable next to the tests (looked in \(candidates.map(\.path))); run `swift build` first.")
    }

    private func arguments(_ client: ControlClient.Client) -> [String] {
        storeArguments + [
            "--account", account, "--base-url", authServer.absoluteString, "--client-id", client.id, "--client-secret", client.secret,
            "--sends", String(sendsPerProcess), "--lease", String(lease),
        ]
    }
}

/// Why a scenario could not run.
public struct StressError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension StressScenario.RoundResult {
    init(parsing line: String) throws {
        var fields: [String: String] = [:]
        let words = line.split(separator: " ")
        guard words.first == "result", words.count >= 2, let round = Int(words[1]) else {
            throw StressError("A worker answered '\(line)' instead of a result.")
        }
        for word in words.dropFirst(2) {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        self.init(
            round: round, ok: Int(fields["ok"] ?? "") ?? 0, failed: Int(fields["failed"] ?? "") ?? 0,
            reconnectRequired: Int(fields["reconnect"] ?? "") ?? 0, status: fields["status"] ?? "")
    }
}

/// The authserver's `/_control/` routes the scenarios use.
struct ControlClient: Sendable {
    struct Client: Sendable {
        var id: String
        var secret: String
    }

    let base: URL

    func registerClient() async throws -> Client {
        let client = Client(id: "stress-\(UUID().uuidString.prefix(8).lowercased())", secret: "secret-\(UUID().uuidString.lowercased())")
        try await call(
            "POST", "/_control/clients",
            json: [
                "client_id": client.id, "client_secret": client.secret, "auth_method": "client_secret_basic",
                "grant_types": ["authorization_code", "refresh_token"], "redirect_uris": ["http://127.0.0.1:53682/callback"],
                "scope": "read", "token_lifetime": 3600, "reuse_detection": true,
            ])
        return client
    }

    /// A token set as linking would leave it, with its access token already expired.
    func mintedTokens(_ clientID: String) async throws -> TokenSet {
        let object = try await call("POST", "/_control/mint-refresh?client_id=\(clientID)&scope=read")
        guard let refresh = object["refresh_token"] as? String else { throw StressError("mint-refresh returned no refresh token") }
        return TokenSet(accessToken: Secret("expired-at-start"), refreshToken: Secret(refresh), expiresAt: Date(timeIntervalSince1970: 0))
    }

    func refreshRequests(_ clientID: String) async throws -> Int {
        let stats = try await call("GET", "/_control/stats?client_id=\(clientID)")
        return (stats["token_requests"] as? [String: Int])?["refresh_token"] ?? 0
    }

    func refreshTokensActive(_ clientID: String) async throws -> Int {
        try await call("GET", "/_control/stats?client_id=\(clientID)")["refresh_tokens_active"] as? Int ?? 0
    }

    @discardableResult
    private func call(_ method: String, _ path: String, json: [String: any Sendable]? = nil) async throws -> [String: Any] {
        guard let url = URL(string: base.absoluteString + path) else { throw StressError("Bad control path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 20)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw StressError("\(method) \(path) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }
}

/// One worker child process, driven line by line.
final class WorkerProcess: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private let lock = NSLock()
    private var buffer = Data()
    private var lines: [String] = []
    private var closed = false

    private init(process: Process, input: FileHandle) {
        self.process = process
        self.input = input
    }

    static func start(_ executable: URL, arguments: [String], environment: [String: String]) throws -> WorkerProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        let worker = WorkerProcess(process: process, input: stdin.fileHandleForWriting)
        let reading = stdout.fileHandleForReading
        reading.readabilityHandler = { handle in
            let data = handle.availableData
            worker.received(data)
        }
        try process.run()
        return worker
    }

    private func received(_ data: Data) {
        lock.withLock {
            if data.isEmpty { closed = true; return }
            buffer.append(data)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
    }

    func send(_ line: String) throws {
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The next line the worker printed; throws after `timeout` seconds or when it exited.
    func line(timeout: TimeInterval) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let next: String?? = lock.withLock {
                if !lines.isEmpty { return .some(lines.removeFirst()) }
                return closed ? .some(nil) : nil
            }
            switch next {
            case let .some(.some(line)): return line
            case .some(.none): throw StressError("A worker exited (status \(process.isRunning ? 0 : process.terminationStatus)) without answering.")
            case .none: try await Task.sleep(nanoseconds: 5_000_000)
            }
        }
        throw StressError("A worker did not answer within \(Int(timeout)) s.")
    }

    /// SIGKILL: no cleanup, the lease stays held until it expires.
    func kill() {
        guard process.isRunning else { return }
        #if canImport(Glibc)
        Glibc.kill(process.processIdentifier, SIGKILL)
        #else
        Darwin.kill(process.processIdentifier, SIGKILL)
        #endif
        // Polled, not `waitUntilExit()`: that was seen to hang on Linux with several children.
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
    }

    func stop() {
        guard process.isRunning else { return }
        try? input.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill() }
    }
}
