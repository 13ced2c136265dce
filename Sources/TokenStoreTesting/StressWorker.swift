public import ConnectorRuntime
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The worker process of the multi-process store tests and of `make bench`: one
/// ``ConnectorRuntime/Connection`` on a shared ``ConnectorRuntime/TokenStore``, driven by
/// commands on standard input. Test support only, not for apps.
///
/// Arguments: `--account A --base-url URL --client-id ID --client-secret S --sends N --lease SECONDS`.
/// Commands, one per line, each answered by one line on standard output:
/// - `round N`: moves the connection's clock N × 2 hours ahead (so its cached token has expired),
///   makes N concurrent sends to `/api/me` and answers
///   `result N ok=… failed=… reconnect=… status=…`.
/// - `lease`: takes the account's refresh lease directly and answers `leased` (then it is killed).
/// - `spend`: takes the lease and spends the stored refresh token at the provider without saving
///   the result, as a process killed right after its token request would; answers `spent`.
/// - `quit`: exits.
public enum StressWorker {
    /// Runs the worker on `store`; returns the exit status.
    public static func run(store: any TokenStore, arguments: [String]) async -> Int32 {
        let options = Options(arguments)
        guard let account = options["account"], let base = options["base-url"].flatMap(URL.init(string:)),
            let clientID = options["client-id"], let secret = options["client-secret"]
        else {
            FileHandle.standardError.write(Data("usage: --account A --base-url URL --client-id ID --client-secret S [--sends N] [--lease S]\n".utf8))
            return 64
        }
        let sends = Int(options["sends"] ?? "") ?? 250
        let lease = Double(options["lease"] ?? "") ?? 45
        let endpoint = TokenEndpoint(
            tokenURL: base.appendingPathComponent("token"), client: OAuthClient(id: clientID, secret: Secret(secret), authentication: .clientSecretBasic),
            scopes: ScopeConfiguration(requested: ["read"]))
        let configuration = ConnectionConfiguration(
            connectorID: "authlib", variantID: "oauth", baseURL: .fixed(base),
            auth: .authorizationCode(
                AuthorizationCodeConfiguration(endpoint: endpoint, authorizeURL: base.appendingPathComponent("authorize"), rotatesRefreshToken: true)))
        let clock = Offset()
        let transport = URLSessionTransport()
        let connection = Connection(
            configuration: configuration, account: account, store: store, transport: transport, refreshLeaseDuration: lease,
            now: { Date().addingTimeInterval(clock.seconds) })
        while let line = readLine() {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "round":
                let round = Int(words.dropFirst().first ?? "") ?? 0
                clock.seconds = Double(round) * 7200
                let (ok, failed, reconnect) = await sendConcurrently(sends, connection)
                let status = await connection.status
                answer("result \(round) ok=\(ok) failed=\(failed) reconnect=\(reconnect) status=\(status)")
            case "lease":
                if case .acquired = try? await store.acquireRefreshLease(account: account, owner: "killed-worker", duration: lease) {
                    answer("leased")
                } else {
                    answer("not-leased")
                }
            case "spend":
                guard case .acquired = try? await store.acquireRefreshLease(account: account, owner: "killed-worker", duration: lease),
                    let refresh = try? await store.load(account: account)?.refreshToken
                else {
                    answer("not-leased")
                    continue
                }
                let client = TokenClient(endpoint: endpoint, transport: transport)
                answer((try? await client.refresh(refresh)) != nil ? "spent" : "not-spent")
            case "quit":
                return 0
            default:
                answer("unknown \(line)")
            }
        }
        return 0
    }

    private static func sendConcurrently(_ count: Int, _ connection: Connection) async -> (ok: Int, failed: Int, reconnect: Int) {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do {
                        return try await connection.send(path: "/api/me").status == 200 ? 0 : 1
                    } catch {
                        if case .reconnectRequired? = error as? ConnectorError { return 2 }
                        FileHandle.standardError.write(Data("send failed: \(error)\n".utf8))
                        return 1
                    }
                }
            }
            var counts = [0, 0, 0]
            for await outcome in group { counts[outcome] += 1 }
            return (counts[0], counts[1], counts[2])
        }
    }

    private static func answer(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private struct Options {
        var values: [String: String] = [:]
        init(_ arguments: [String]) {
            var iterator = arguments.makeIterator()
            while let argument = iterator.next() {
                guard argument.hasPrefix("--"), let value = iterator.next() else { continue }
                values[String(argument.dropFirst(2))] = value
            }
        }
        subscript(_ key: String) -> String? { values[key] }
    }

    private final class Offset: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Double = 0
        var seconds: Double {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}
