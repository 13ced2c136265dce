// The proxy: forwards an app's request to the account's provider with its credentials, from the
// account record and connection this process cached (AccountCache.swift).
import ConnectorHubTransport
public import ConnectorRuntime
public import Foundation

extension ConnectorHubService {
    /// Forwards a request to the account's provider with its credentials. `path` is relative to
    /// the connector's base URL and may not leave it (see ``checkProxyPath(_:)``).
    public func proxy(
        accountID: String, method: String, path: String, query: String?, headers: [(String, String)], body: Data?
    ) async throws -> HTTPResponse {
        try await proxy(accountID: accountID, method: method, path: path, query: query, headers: headers, body: body, handoff: nil)
    }

    /// ``proxy(accountID:method:path:query:headers:body:)``; with `handoff`, the request was
    /// already sent once by the fast path (``ProxyFastPath``), and its answer is completed by the
    /// connection (``Connection/send(_:sentWith:answer:)``) instead of sent again.
    func proxy(
        accountID: String, method: String, path: String, query: String?, headers: [(String, String)], body: Data?,
        handoff: ProxyHandoff?
    ) async throws -> HTTPResponse {
        // One lookup for the record and the connection when both are cached (the common case).
        let cached = connections.lookup(accountID, now: now())
        let account: HubAccount
        if let hit = cached?.account {
            account = hit
        } else {
            guard let read = try await cachedAccount(accountID) else { throw HubError.notFound }
            account = read
        }
        guard account.status == "active" else { throw HubError.reconnectRequired }
        try Self.checkProxyPath(path)
        let connection: Connection
        if let known = cached?.connection { connection = known } else { connection = try await self.connection(for: account) }
        var forwarded = HTTPHeaders()
        for (name, value) in headers where Self.isForwarded(name) { forwarded[name] = value }
        let target = "/" + path + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        guard let request = HTTPRequest(method: method, path: target, headers: forwarded, body: body) else {
            throw HubError.badRequest("The proxied path is not a valid URL reference.")
        }
        do {
            if let handoff {
                return try await connection.send(request, sentWith: handoff.tokens) { prepared in
                    try await handoff.transport.complete(prepared, first: handoff.outcome, deadline: handoff.deadline)
                }
            }
            return try await connection.send(request)
        } catch {
            if case .reconnectRequired = error {
                try await setStatus(accountID, "reconnect_required")
                throw HubError.reconnectRequired
            }
            throw HubError.provider(error)
        }
    }

    /// Refuses a proxied path that could leave the connector's base URL, in any spelling a server
    /// on the way might normalise: each segment is percent-decoded (up to three times, for
    /// double encoding) and checked at every stage. Refused: empty segments (`//`, a leading
    /// `/`), `.` and `..` segments (also `%2e%2e`, `.%2e`), encoded slashes and backslashes
    /// (`%2F`, `%5C`), `;` path parameters (`..;`) and a scheme. A `%` that does not start an
    /// escape is a literal `%` (it ends the decoding of its segment).
    package static func checkProxyPath(_ path: String) throws {
        if path.isEmpty { return }  // the base URL itself
        // Byte by byte, without Foundation's string search; a segment is decoded (Foundation)
        // only when it has a `%`.
        let bytes = path.utf8
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in bytes {
            if byte == semicolon || byte == backslash || (byte == slash && previous == (colon, slash)) { throw proxyPathRefused }
            previous = (previous.1, byte)
        }
        var start = bytes.startIndex
        var index = start
        while true {
            if index == bytes.endIndex || bytes[index] == slash {
                try checkProxyPathSegment(bytes[start..<index])
                if index == bytes.endIndex { return }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
    }

    private static let slash = UInt8(ascii: "/")
    private static let backslash = UInt8(ascii: "\\")
    private static let semicolon = UInt8(ascii: ";")
    private static let colon = UInt8(ascii: ":")
    private static let dot = UInt8(ascii: ".")
    private static let percent = UInt8(ascii: "%")

    static let proxyPathRefused = HubError.badRequest(
        "The proxied path must be relative to the connector's API: no '.' or '..' segments (also percent-encoded), "
            + "no empty segments, no encoded '/' or '\\', no ';' parameters.")

    /// One segment of ``checkProxyPath(_:)``: checked as it is and after each of up to three
    /// percent-decodings.
    private static func checkProxyPathSegment(_ segment: Substring.UTF8View) throws {
        guard !isRefusedStage(segment) else { throw proxyPathRefused }
        guard segment.contains(percent) else { return }
        var stage = String(Substring(segment))
        for round in 0..<3 {
            if round > 0 { guard !isRefusedStage(stage.utf8) else { throw proxyPathRefused } }
            guard stage.utf8.contains(percent), let decoded = stage.removingPercentEncoding else { return }
            stage = decoded
        }
    }

    /// Empty, `.`, `..`, or holding `/`, `\` or `;`.
    private static func isRefusedStage<Bytes: Collection<UInt8>>(_ stage: Bytes) -> Bool {
        if stage.isEmpty { return true }
        if stage.count <= 2 && stage.allSatisfy({ $0 == dot }) { return true }
        return stage.contains { $0 == slash || $0 == backslash || $0 == semicolon }
    }

    /// Request headers the proxy passes on; credentials and cookies never are.
    static let forwardedHeaders: Set<String> = ["accept", "content-type", "accept-language", "if-none-match", "if-match"]

    /// Whether the proxy passes `name` on (``forwardedHeaders``, any case); no allocation for a
    /// name that is already lower case, as HTTP/2 and Hummingbird's canonical names are.
    static func isForwarded(_ name: String) -> Bool {
        if name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            return forwardedHeaders.contains(name.lowercased())
        }
        return forwardedHeaders.contains(name)
    }

    /// The account record as this process cached it, read again when another process announced
    /// a change (PostgreSQL), or when it is older than the cache lifetime
    /// (``HubConfiguration/accountCacheSeconds`` with notifications, at most
    /// ``HubConfiguration/unnotifiedAccountCacheSeconds`` without). Concurrent requests that find
    /// it stale share one read.
    private func cachedAccount(_ id: String) async throws -> HubAccount? {
        if let account = connections.account(id, now: now()) { return account }
        return try await connections.read(id) { [self] in
            let generation = connections.generation
            let moment = now()
            guard let account = try await account(id) else {
                connections.remove(id)
                return nil
            }
            connections.setAccount(account, at: moment, ifGeneration: generation)
            return account
        }
    }
}
