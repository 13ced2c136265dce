// The proxy: forwards an app's request to the account's provider with its credentials, from the
// account record and connection this process cached (AccountCache.swift).
public import ConnectorRuntime
public import Foundation

extension ConnectorHubService {
    /// Forwards a request to the account's provider with its credentials. `path` is relative to
    /// the connector's base URL and may not leave it (no scheme, no `..`, no `//`).
    public func proxy(
        accountID: String, method: String, path: String, query: String?, headers: [(String, String)], body: Data?
    ) async throws -> HTTPResponse {
        guard let account = try await cachedAccount(accountID) else { throw HubError.notFound }
        guard account.status == "active" else { throw HubError.reconnectRequired }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.contains("://"), !path.contains("\\"), !segments.contains(where: { $0 == ".." || $0 == "." }),
            !path.hasPrefix("/"), !path.contains("//")
        else { throw HubError.badRequest("The proxied path must be relative to the connector's API, without '..' or '//'.") }
        let connection = try await connection(for: account)
        var forwarded = HTTPHeaders()
        for (name, value) in headers where Self.forwardedHeaders.contains(name.lowercased()) { forwarded[name] = value }
        let target = "/" + path + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
        guard let request = HTTPRequest(method: method, path: target, headers: forwarded, body: body) else {
            throw HubError.badRequest("The proxied path is not a valid URL reference.")
        }
        do {
            return try await connection.send(request)
        } catch {
            if case .reconnectRequired = error {
                try await setStatus(accountID, "reconnect_required")
                throw HubError.reconnectRequired
            }
            throw HubError.provider(error)
        }
    }

    /// Request headers the proxy passes on; credentials and cookies never are.
    static let forwardedHeaders: Set<String> = ["accept", "content-type", "accept-language", "if-none-match", "if-match"]

    /// The account record as this process cached it, read again when another process announced
    /// a change (PostgreSQL), or when it is older than the cache lifetime
    /// (``HubConfiguration/accountCacheSeconds`` with notifications, at most
    /// ``HubConfiguration/unnotifiedAccountCacheSeconds`` without). Concurrent requests that find
    /// it stale share one read.
    private func cachedAccount(_ id: String) async throws -> HubAccount? {
        if let account = await connections.account(id, now: now()) { return account }
        return try await connections.read(id) { [self] in
            let generation = await connections.generation
            let moment = now()
            guard let account = try await account(id) else {
                await connections.remove(id)
                return nil
            }
            await connections.setAccount(account, at: moment, ifGeneration: generation)
            return account
        }
    }
}
