public import ConnectorRuntime
import ConnectorHubStorage
import ConnectorHubTransport
import Connectors
import Crypto
public import Foundation

/// The Hub's logic, independent of HTTP: link sessions, linking (forms and OAuth), accounts,
/// the proxy and status webhooks. ``HubRoutes`` maps it onto Hummingbird routes.
///
/// Tokens and every field value a person entered are kept in the encrypted token store; the
/// records (sessions, attempts, accounts) hold no credential.
public final class ConnectorHubService: Sendable {
    public let configuration: HubConfiguration
    let records: any RecordStore
    /// The token store, seen through ``RefreshRecordingStore`` (refreshes update the account's
    /// `lastRefreshAt`).
    let tokens: any TokenStore
    /// The token store itself (SQLite or PostgreSQL).
    let storedTokens: any TokenStore
    let transport: any HTTPTransport
    /// Webhook deliveries: the operator chose the webhook URL, which may be on a private network,
    /// so these skip the private-address rule of the connectors' transport.
    let webhookTransport: any HTTPTransport
    /// The transports ``open(configuration:environment:transport:)`` made, shut down by ``shutdown()``.
    private let ownedTransports: [any ClosableHTTPTransport]
    let connections: ConnectionCache
    /// Follows account changes made by other processes (PostgreSQL); cancelled by ``shutdown()``.
    private let changeFeed: Task<Void, Never>?
    let now: @Sendable () -> Date
    /// Wrong app keys on the operator sign-in, per client (``LoginThrottle``).
    let loginThrottle = LoginThrottle()
    /// The syncs' records, change feed and jobs, and this process's scheduler (Syncs/).
    let syncs: SyncSystem
    /// The proxy's fast path, when ``HubConfiguration/proxyFastPath`` is on and the transport is
    /// ``PooledHTTP1Transport`` (ProxyFastPath.swift).
    let fastPath: ProxyFastPath?

    init(
        configuration: HubConfiguration, records: any RecordStore, tokens: any TokenStore, transport: any HTTPTransport,
        webhookTransport: (any HTTPTransport)? = nil, ownedTransports: [any ClosableHTTPTransport] = [],
        syncStore: any SyncStore & SyncJobQueue & SyncRunHistory, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.syncs = SyncSystem(store: syncStore)
        self.records = records
        self.transport = transport
        self.webhookTransport = webhookTransport ?? transport
        self.ownedTransports = ownedTransports
        self.now = now
        fastPath = configuration.proxyFastPath ? (transport as? PooledHTTP1Transport).map { ProxyFastPath(transport: $0, configuration: configuration) } : nil
        let connections = ConnectionCache(
            notifiedLifetime: configuration.accountCacheSeconds,
            unnotifiedLifetime: min(configuration.accountCacheSeconds, HubConfiguration.unnotifiedAccountCacheSeconds))
        self.connections = connections
        self.storedTokens = tokens
        self.tokens = RefreshRecordingStore(base: tokens, records: records, connections: connections, now: now)
        if let postgres = records as? PostgresRecordStore {
            changeFeed = Task { await postgres.followAccountChanges(into: connections) }
        } else {
            changeFeed = nil
        }
    }

    deinit {
        // The listener holds the record store, not the service: end it with the service.
        changeFeed?.cancel()
    }

    /// Opens the SQLite stores at ``HubConfiguration/sqlitePath`` (tokens) and next to it
    /// (`.records`: sessions, attempts, accounts). Tokens are sealed with the keys of
    /// `CONNECTOR_HUB_TOKEN_KEYS`, or the public development key when
    /// ``HubConfiguration/development`` is set.
    ///
    /// With ``HubConfiguration/databaseURL`` set, tokens and records are in PostgreSQL instead,
    /// shared by every Hub process on that database; each process listens for account changes
    /// there and forgets its cached record of a changed account at once.
    ///
    /// Outgoing requests use `transport` when given, else the one ``HubConfiguration/transport``
    /// names (created here and closed by ``shutdown()``); unless
    /// ``HubConfiguration/allowPrivateNetworks`` is set it refuses private network addresses.
    public static func open(
        configuration: HubConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any HTTPTransport)? = nil
    ) async throws -> ConnectorHubService {
        let keys: TokenStoreKeys? = configuration.development ? nil : try TokenStoreKeys.fromEnvironment(environment)
        var owned: [any ClosableHTTPTransport] = []
        let chosen: any HTTPTransport
        var webhooks: (any HTTPTransport)?
        if let transport {
            chosen = transport
        } else {
            switch configuration.transport {
            case .asyncHTTPClient:
                let created = AsyncHTTPClientTransport(refusePrivateAddresses: !configuration.allowPrivateNetworks)
                owned.append(created)
                chosen = created
                if !configuration.allowPrivateNetworks && configuration.webhookURL != nil {
                    let unguarded = AsyncHTTPClientTransport()
                    owned.append(unguarded)
                    webhooks = unguarded
                }
            case .nio:
                let created = PooledHTTP1Transport(refusePrivateAddresses: !configuration.allowPrivateNetworks)
                owned.append(created)
                chosen = created
                if !configuration.allowPrivateNetworks && configuration.webhookURL != nil {
                    let unguarded = AsyncHTTPClientTransport()
                    owned.append(unguarded)
                    webhooks = unguarded
                }
            case .urlSession:
                // URLSession resolves names itself: it cannot connect to a checked address.
                guard configuration.allowPrivateNetworks else {
                    throw HubConfigurationError("transport urlsession needs allowPrivateNetworks (see docs/hub.md, \"Private networks\").")
                }
                chosen = URLSessionTransport.shared
            }
        }
        if let url = configuration.databaseURL {
            let tokens = try await PostgresTokenStore.connect(url: url, keys: keys, development: configuration.development)
            let records = try await PostgresRecordStore.connect(url: url)
            let syncStore = try await PostgresSyncStore.connect(
                url: url, keys: keys ?? .development,
                operationTimeout: environment["CONNECTOR_HUB_SYNC_DB_TIMEOUT_SECONDS"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
                    ?? PostgresSyncStore.defaultOperationTimeout)
            return ConnectorHubService(
                configuration: configuration, records: records, tokens: tokens, transport: chosen, webhookTransport: webhooks,
                ownedTransports: owned, syncStore: syncStore)
        }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: configuration.sqlitePath).deletingLastPathComponent(), withIntermediateDirectories: true)
        let tokens = try SQLiteTokenStore(path: configuration.sqlitePath, keys: keys, development: configuration.development)
        let records = try SQLiteRecordStore(path: configuration.sqlitePath + ".records")
        let syncStore = try SQLiteSyncStore(path: configuration.sqlitePath + ".syncs", keys: keys ?? .development)
        return ConnectorHubService(
            configuration: configuration, records: records, tokens: tokens, transport: chosen, webhookTransport: webhooks, ownedTransports: owned,
            syncStore: syncStore)
    }

    /// Stops following account changes, closes the transport this service created and the
    /// database connections. Call it once the HTTP server stopped; requests after it fail.
    public func shutdown() async {
        await syncs.shutdown()
        changeFeed?.cancel()
        await changeFeed?.value
        for transport in ownedTransports { try? await transport.shutdown() }
        await (storedTokens as? PostgresTokenStore)?.shutdown()
        await (records as? PostgresRecordStore)?.shutdown()
    }
}
