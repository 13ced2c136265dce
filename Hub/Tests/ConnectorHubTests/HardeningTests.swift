@testable import ConnectorHub
import ConnectorRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// The Hub's defences at its edges: private network targets, the router's own answers, body
/// limits, link-session input, the operator sign-in throttle, file modes of the SQLite files.
@Suite struct HardeningTests {
    // MARK: Private networks

    @Test(arguments: ["127.0.0.1", "localhost", "169.254.169.254", "10.0.0.7", "2130706433"])
    func aHostTypedOnTheFormThatResolvesToAPrivateAddressIsRefusedNextToItsField(host: String) async throws {
        let harness = try await HubHarness(allowPrivateNetworks: false)
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["gitlab"])
            let form = try await client.request(.get, "/link/connectors/gitlab/personal_access_token")
            checkEqual(form.status, 200)
            let refused = try await client.submit(
                "/link/connectors/gitlab/personal_access_token", from: form, values: ["host": host, "accessToken": "glpat-test"])
            checkEqual(refused.status, 422, "an inline field error: \(refused.text.prefix(300))")
            check(
                refused.text.contains("id=\"field-host-error\">GitLab host points at a private network address ("),
                "the message names the field and the reason: \(refused.text)")
        }
    }

    @Test func privateNetworksAreAllowedInDevelopmentAndRefusedOtherwiseByDefault() throws {
        let environment = ["CONNECTOR_HUB_PUBLIC_URL": "https://hub.example.com", "CONNECTOR_HUB_APP_KEYS": "k", "CONNECTOR_HUB_SIGNING_KEY": "s"]
        checkEqual(try HubConfiguration.load(file: nil, environment: environment).allowPrivateNetworks, false)
        checkEqual(
            try HubConfiguration.load(file: nil, environment: ["CONNECTOR_HUB_DEVELOPMENT": "1", "CONNECTOR_HUB_APP_KEYS": "k"]).allowPrivateNetworks,
            true)
        checkEqual(
            try HubConfiguration.load(file: nil, environment: environment.merging(["CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS": "1"]) { $1 })
                .allowPrivateNetworks, true)
        do {
            _ = try HubConfiguration.load(file: nil, environment: environment.merging(["CONNECTOR_HUB_TRANSPORT": "urlsession"]) { $1 })
            Issue.record("urlsession cannot pin the checked address: refused without allowPrivateNetworks")
        } catch let error as HubConfigurationError {
            check(error.description.contains("cannot refuse private network addresses"), error.description)
        }
    }

    // MARK: Router-level answers

    @Test func everyAnswerCarriesTheSecurityHeadersAlsoTheRoutersOwn() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let answers: [(HTTPTypes.HTTPRequest.Method, String)] = [
                (.get, "/no/such/page"), (.put, "/health"), (.head, "/health"), (.options, "/v1/accounts"), (.get, "/health"),
                (.get, "/v1/accounts"), (.delete, "/static/hub.css"),
            ]
            for (method, path) in answers {
                let reply = try await client.request(method, path)
                let what = "\(method) \(path) (\(reply.status))"
                check(reply.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "CSP on \(what)")
                checkEqual(reply.headers[.xContentTypeOptions], "nosniff", what)
                checkEqual(reply.headers[HTTPField.Name("Referrer-Policy")!], "same-origin", what)
                checkEqual(reply.headers[HTTPField.Name("X-Frame-Options")!], "DENY", what)
            }
            checkEqual(try await client.request(.get, "/no/such/page").status, 404)
            let put = try await client.request(.put, "/v1/link-sessions")
            checkEqual(put.status, 405)
            checkEqual(put.headers[.allow], "POST")
            let trace = try await client.request(.init("TRACE")!, "/v1/accounts/acc_x/proxy/users/1")
            checkEqual(trace.status, 405)
            checkEqual(trace.headers[.allow], "GET, POST, PUT, PATCH, DELETE")
        }
    }

    // MARK: Body limits

    @Test func oversizedBodiesAre413NotAServerError() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            let json = "{\"endUserId\":\"" + String(repeating: "a", count: 65 * 1024) + "\"}"
            let big = try await client.request(
                .post, "/v1/link-sessions", headers: [.authorization: "Bearer \(HubHarness.appKey)", .contentType: "application/json"],
                body: json)
            checkEqual(big.status, 413)
            checkEqual(big.json["error"] as? String, "too_large")
            checkEqual(big.json["message"] as? String, "The request body is larger than 64 KiB.")
            let proxied = try await client.request(
                .post, "/v1/accounts/acc_x/proxy/upload", headers: [.authorization: "Bearer \(HubHarness.appKey)"],
                body: String(repeating: "b", count: 10 * 1024 * 1024 + 1))
            checkEqual(proxied.status, 413)
            checkEqual(proxied.json["message"] as? String, "The request body is larger than 10 MiB.")
        }
    }

    // MARK: Link sessions

    @Test func aLinkSessionThatCouldOnlyBeADeadLinkIs400() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            for lifetime in [0, -5, 10, 7 * 86400 + 1, 1e12] as [Double] {
                let reply = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u", "expiresInSeconds": lifetime])
                checkEqual(reply.status, 400, "expiresInSeconds \(lifetime)")
                checkEqual(reply.json["message"] as? String, "expiresInSeconds must be between 60 (one minute) and 604800 (seven days).")
            }
            let category = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": "u", "categories": ["payroll-nope"]])
            checkEqual(category.status, 400)
            check((category.json["message"] as? String)?.hasPrefix("Unknown category payroll-nope. Categories: ") == true, category.text)
            let null = try await client.request(
                .post, "/v1/link-sessions", headers: [.authorization: "Bearer \(HubHarness.appKey)", .contentType: "application/json"],
                body: #"{"endUserId":"u","endUserName":null}"#)
            checkEqual(null.status, 400)
            checkEqual(null.json["message"] as? String, "endUserName must not be null: leave it out instead.")
            let empty = try await client.api(.post, "/v1/link-sessions", json: ["endUserId": ""])
            checkEqual(empty.status, 400)
            let fine = try await client.api(
                .post, "/v1/link-sessions", json: ["endUserId": "u", "categories": ["hris"], "expiresInSeconds": 60])
            checkEqual(fine.status, 201, fine.text)
        }
    }

    // MARK: Operator sign-in

    @Test func wrongAppKeysOnTheOperatorSignInAreThrottledWith429AndRetryAfter() async throws {
        let harness = try await HubHarness()
        try await harness.run { client in
            @Sendable func signIn(_ key: String) async throws -> HubClient.Reply {
                try await client.request(
                    .post, "/admin/login", headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"],
                    body: FormEncoding.body([("key", key)]))
            }
            for attempt in 1...5 {
                let wrong = try await signIn("wrong-\(attempt)")
                checkEqual(wrong.status, 401, "attempt \(attempt) is answered")
            }
            // The waits are 1 s, 2 s, 4 s… after the last failure (their exact sequence is
            // LoginThrottleTests'); on a loaded machine a wait may end before the next request
            // arrives, so this waits each one out with a wrong key until one of 4 s or more
            // holds, then sends the right key inside it. What is checked is the answer, not a time.
            var throttled = try await signIn("wrong-6")
            var attempts = 0
            while throttled.status != 429 || Int(throttled.headers[HTTPField.Name("Retry-After")!] ?? "") ?? 0 < 4, attempts < 10 {
                attempts += 1
                if throttled.status == 429 {
                    let wait = Double(throttled.headers[HTTPField.Name("Retry-After")!] ?? "1") ?? 1
                    try await Task.sleep(nanoseconds: UInt64((wait + 0.2) * 1_000_000_000))
                }
                throttled = try await signIn("wrong-\(7 + attempts)")
            }
            checkEqual(throttled.status, 429)
            check(throttled.text.contains("Too many sign-in attempts"), throttled.text)
            // Not even the right key gets through while the wait lasts.
            let right = try await signIn(HubHarness.appKey)
            checkEqual(right.status, 429)
        }
    }

    /// The exact waits, on the throttle's own clock: five free failures, then 1 s, 2 s, 4 s…
    @Test func theSignInThrottleDoublesItsWaitAfterFiveFailures() async {
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for n in 0..<5 {
            checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(Double(n))), nil)
            await throttle.failed(client: "a", now: start.addingTimeInterval(Double(n)))
        }
        // Last failure at +4 s: a 1 s wait.
        checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(4.1)), 1)
        checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(5.0)), nil)
        await throttle.failed(client: "a", now: start.addingTimeInterval(5.0))
        checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(5.5)), 2)
        await throttle.failed(client: "a", now: start.addingTimeInterval(7.0))
        checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(7.0)), 4)
        // Another client is not throttled, and a correct key clears the count.
        checkEqual(await throttle.wait(client: "b", now: start.addingTimeInterval(7.0)), nil)
        await throttle.succeeded(client: "a")
        checkEqual(await throttle.wait(client: "a", now: start.addingTimeInterval(7.0)), nil)
    }

    // MARK: File modes

    @Test func theSQLiteFilesAndTheirWALAndSHMAreOwnerOnly() async throws {
        let harness = try await HubHarness()
        let directory = harness.directory
        try await harness.run { client in
            // Writes to both databases: the records (a session) and the token store (sealed values).
            checkEqual(try await client.openLinkSession(connectors: ["bamboohr"]).status, 200)
            let form = try await client.request(.get, "/link/connectors/bamboohr/api_key")
            _ = try await client.submit(
                "/link/connectors/bamboohr/api_key", from: form, values: ["companyDomain": "acme", "apiKey": "k-\(UUID().uuidString)"])
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            for name in ["hub.sqlite", "hub.sqlite-wal", "hub.sqlite-shm", "hub.sqlite.records", "hub.sqlite.records-wal", "hub.sqlite.records-shm"] {
                check(files.contains(name), "\(name) exists: \(files)")
            }
            for name in files {
                let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
                checkEqual(String(mode, radix: 8), "600", "\(name) is readable by its owner only")
            }
        }
    }
}

/// The application `connector-hub` serves, on a real port: what only a socket can send.
@Suite struct HubServerTests {
    @Test func aMalformedChunkSizeIs400NotAServerError() async throws {
        let harness = try await HubHarness(port: 0)
        try await harness.runLive { _, port in
            let connection = try RawConnection(port: port)
            try connection.send(
                "POST /v1/link-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(HubHarness.appKey)\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            let answer = await connection.readUntilClosed()
            check(answer.text.hasPrefix("HTTP/1.1 400"), "a bad chunk size is the client's error: \(answer.text.prefix(200))")
        }
    }

    @Test(arguments: ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "])
    func aConnectionThatNeverFinishesItsRequestHeadIsClosed(partial: String) async throws {
        let harness = try await HubHarness(port: 0, idleTimeoutSeconds: 1)
        try await harness.runLive { _, port in
            let connection = try RawConnection(port: port, receiveTimeout: 60)
            if !partial.isEmpty { try connection.send(partial) }
            let answer = await connection.readUntilClosed()
            check(answer.closedByServer, "the server closes the connection after its idle timeout")
            checkEqual(answer.text, "", "without answering the unfinished request")
            // The server goes on serving: a client that sends its whole request at once is answered.
            // With a one-second idle timeout, a loaded machine can stall this client (or the event
            // loop) past the deadline too; the server then closes without answering, as it should,
            // so such an attempt is repeated. A server that stopped serving fails every attempt.
            var answers: [String] = []
            for _ in 0..<5 {
                let prompt = try RawConnection(port: port)
                try prompt.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                let text = await prompt.readUntilClosed().text
                answers.append(String(text.prefix(40)))
                if !text.isEmpty { break }
            }
            check(answers.last?.hasPrefix("HTTP/1.1 200") == true, "a complete request is answered: \(answers)")
        }
    }
}

/// `connector-hub` itself, run as a process.
@Suite struct HubCommandTests {
    @Test func printLinkIsRefusedOutsideDevelopmentAndTheAppKeyIsNotPrinted() async throws {
        let binary = try Self.builtExecutable("connector-hub")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("connector-hub-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let appKey = "cli-app-key-\(UUID().uuidString)"
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--print-link", "someone"]
        process.environment = [
            "CONNECTOR_HUB_PUBLIC_URL": "https://hub.example.com", "CONNECTOR_HUB_APP_KEYS": appKey, "CONNECTOR_HUB_SIGNING_KEY": "sign",
            "CONNECTOR_HUB_SQLITE": directory.appendingPathComponent("hub.sqlite").path, "CONNECTOR_HUB_PORT": "0",
            "CONNECTOR_HUB_TOKEN_KEYS": "cli-test:" + Data(repeating: 7, count: 32).base64EncodedString(),
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // A Hub that accepted --print-link would go on serving: stop it after a generous deadline.
        let watchdog = Task {
            try await Task.sleep(nanoseconds: 60_000_000_000)
            process.terminate()
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        checkEqual(process.terminationStatus, 2, "refused: \(text)")
        check(!text.contains(appKey), "the app key is never printed outside development")
        check(text.contains("--print-link prints the app key, so it works only with --development"), text)
    }

    /// An executable SwiftPM built beside the running test bundle.
    static func builtExecutable(_ name: String) throws -> URL {
        let directories = [
            Bundle.main.executableURL?.deletingLastPathComponent(), URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].compactMap { $0 }
        for directory in directories where FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(name).path) {
            return directory.appendingPathComponent(name)
        }
        throw ServerError("No \(name) next to the tests (looked in \(directories.map(\.path))).")
    }
}
