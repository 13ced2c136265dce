import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One of the Python servers in Tests/Servers/, running as a child process of the test run.
///
/// Suites get one through a trait (`@Suite(.authServer)` or `@Suite(.quirkServer)`), which starts
/// the server before the suite's first test and stops it (terminate, wait, kill if needed) after
/// the last. Inside the suite, ``TestServer/current(_:)`` returns it. Every wait has a timeout, so
/// a broken server fails the tests instead of hanging them.
final class TestServer: Sendable {
    /// Which script.
    enum Kind: String, Sendable {
        /// Tests/Servers/authserver.py: Authlib's real OAuth 2.0 authorization server.
        case auth = "authserver.py"
        /// Tests/Servers/quirkserver.py: a MOCK reproducing provider quirks.
        case quirk = "quirkserver.py"
        /// Tests/Servers/pagingserver.py: a paginated API emulation (every style and its traps).
        case paging = "pagingserver.py"
        /// Tests/Servers/actionserver.py: a provider API emulation that takes writes (actions).
        case action = "actionserver.py"
    }

    let kind: Kind
    let port: Int
    /// `http://127.0.0.1:<port>`.
    let baseURL: URL
    private let process: ProcessBox
    private let directory: URL

    @TaskLocal static var running: [Kind: TestServer] = [:]

    /// The server the enclosing suite's trait started.
    static func current(_ kind: Kind) throws -> TestServer {
        guard let server = running[kind] else {
            throw ServerError("No \(kind.rawValue) is running: add `.\(kind == .auth ? "authServer" : kind == .quirk ? "quirkServer" : "pagingServer")` to the suite's traits.")
        }
        return server
    }

    private init(kind: Kind, port: Int, process: ProcessBox, directory: URL) {
        self.kind = kind
        self.port = port
        self.baseURL = URL(string: "http://127.0.0.1:\(port)")!
        self.process = process
        self.directory = directory
    }

    /// An absolute URL on this server, e.g. `url("/token")`.
    func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    /// The same URL with the host name `localhost`: another origin for the same server.
    func localhostURL(_ path: String) -> URL {
        URL(string: "http://localhost:\(port)\(path)")!
    }

    // MARK: Starting and stopping

    /// The package root, found from this file's path (three folders down: Tests/<Target>/<Folder>/;
    /// Tests/ConnectorsTests/Support/ServerProcess.swift is a symlink to this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `CONNECTOR_TEST_PYTHON` (set by `make test`), else `.venv/bin/python` in the package root
    /// (or in its parent folder, for Hub/).
    static func pythonPath() -> String {
        if let configured = ProcessInfo.processInfo.environment["CONNECTOR_TEST_PYTHON"], !configured.isEmpty {
            return configured
        }
        let own = packageRoot.appendingPathComponent(".venv/bin/python").path
        // Hub/ (a package inside the repository) uses the repository's virtual environment.
        let repository = packageRoot.deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: own) || !FileManager.default.isExecutableFile(atPath: repository) ? own : repository
    }

    static func start(_ kind: Kind, arguments: [String] = [], timeout: TimeInterval = 30) async throws -> TestServer {
        let python = pythonPath()
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ServerError(
                "No Python at \(python). The integration tests need Authlib and Flask in the project's virtual environment: run `make venv` (or `make test`), or set CONNECTOR_TEST_PYTHON.")
        }
        let script = packageRoot.appendingPathComponent("Tests/Servers/\(kind.rawValue)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("connector-test-\(kind)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        let logFile = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, "--port-file", portFile.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let box = ProcessBox(process)

        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                let server = TestServer(kind: kind, port: port, process: box, directory: directory)
                try await server.waitUntilHealthy(until: deadline)
                return server
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw ServerError(
                    "\(kind.rawValue) exited with status \(process.terminationStatus) before listening. If Authlib or Flask is missing, run `make venv`. Output:\n\(output.suffix(2000))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        box.stop()
        throw ServerError("\(kind.rawValue) did not write its port within \(Int(timeout)) s. Run `make venv` and retry.")
    }

    private func waitUntilHealthy(until deadline: Date) async throws {
        while Date() < deadline {
            if (try? await control("GET", "/_control/health", timeout: 2)) != nil { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        stop()
        throw ServerError("\(kind.rawValue) wrote its port but does not answer /_control/health.")
    }

    /// Terminates the server and waits for it (kills it after 5 s).
    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Test controls

    /// Calls a `/_control/` route (or any route) with a plain URLSession, independent of the
    /// runtime under test, and returns the JSON body.
    @discardableResult
    func control(_ method: String, _ path: String, json: [String: any Sendable]? = nil, timeout: TimeInterval = 10) async throws -> Any {
        var request = URLRequest(url: url(path), timeoutInterval: timeout)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.controlSession.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw ServerError("\(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data)
    }

    private static let controlSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 20
        return URLSession(configuration: configuration)
    }()
}

/// Why a test server could not be used.
struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Owns the child process; `Process` is not Sendable, every use goes through the lock.
private final class ProcessBox: @unchecked Sendable {
    private let lock = NSLock()
    private let process: Process

    init(_ process: Process) { self.process = process }

    func stop() {
        lock.withLock {
            guard process.isRunning else { return }
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline {
                usleep(20_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                let killDeadline = Date().addingTimeInterval(2)
                while process.isRunning && Date() < killDeadline { usleep(20_000) }
            }
        }
    }
}

/// Starts a server around a whole suite and makes it available through ``TestServer/current(_:)``.
struct TestServerTrait: SuiteTrait, TestScoping {
    let kind: TestServer.Kind
    let arguments: [String]

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await TestServer.start(kind, arguments: arguments)
        defer { server.stop() }
        var running = TestServer.running
        running[kind] = server
        try await TestServer.$running.withValue(running) {
            try await function()
        }
    }
}

extension Trait where Self == TestServerTrait {
    /// Runs the suite against a fresh Authlib authorization server (Tests/Servers/authserver.py).
    static var authServer: Self { TestServerTrait(kind: .auth, arguments: []) }
    /// Runs the suite against the provider-quirk MOCK (Tests/Servers/quirkserver.py).
    static var quirkServer: Self { TestServerTrait(kind: .quirk, arguments: []) }
    /// Runs the suite against the paginated API emulation (Tests/Servers/pagingserver.py).
    static var pagingServer: Self { TestServerTrait(kind: .paging, arguments: []) }
    /// Starts Tests/Servers/actionserver.py for the suite.
    static var actionServer: Self { TestServerTrait(kind: .action, arguments: []) }
}
