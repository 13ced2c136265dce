// swift-tools-version: 6.1
import PackageDescription

// The Hub: SQL token stores now; the Hub server (issue 12) joins this package. Database drivers
// and crypto live here so the root package stays dependency-free for the apps that add the
// compiler plugin. See docs/token-storage.md for why these packages (first-build measurements).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "connector-hub",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ConnectorHubTransport", targets: ["ConnectorHubTransport"]),
        .library(name: "ConnectorHubStorage", targets: ["ConnectorHubStorage"]),
        .executable(name: "connector-hub-tokens", targets: ["connector-hub-tokens"]),
        .library(name: "ConnectorHub", targets: ["ConnectorHub"]),
        .executable(name: "connector-hub", targets: ["connector-hub"]),
    ],
    dependencies: [
        .package(name: "connector-compiler", path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // TLS of PooledHTTP1Transport's own channels (already in the graph through AsyncHTTPClient).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        // The HTTP parts of Hummingbird's server pipeline, where the proxy's fast path sits
        // (already in the graph through Hummingbird).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
    ],
    targets: [
        // Token stores for servers: SQLite (one machine) and PostgreSQL (many), encrypted at rest.
        .target(
            name: "ConnectorHubStorage",
            dependencies: [
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The Hub server: Link Account pages and the app API, as routes an app can mount.
        .target(
            name: "ConnectorHub",
            dependencies: [
                "ConnectorHubStorage",
                "ConnectorHubTransport",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "Connectors", package: "connector-compiler"),
                // The MCP endpoint reads the specs' resources with the compiler's loader (docs/mcp.md).
                .product(name: "ConnectorCompilerCore", package: "connector-compiler"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSettings
        ),
        // `connector-hub`: runs the Hub from a configuration file and the environment.
        .executableTarget(
            name: "connector-hub",
            dependencies: ["ConnectorHub"],
            swiftSettings: strictSettings
        ),
        // Operator commands: re-encrypt under a new key, show the schema version.
        .executableTarget(
            name: "connector-hub-tokens",
            dependencies: ["ConnectorHubStorage"],
            swiftSettings: strictSettings
        ),
        // The worker process of the SQL stores' multi-process tests and of `make bench`.
        .executableTarget(
            name: "hub-store-worker",
            dependencies: [
                "ConnectorHubStorage",
                .product(name: "TokenStoreTesting", package: "connector-compiler"),
            ],
            path: "Tests/Workers/hub-store-worker",
            swiftSettings: strictSettings
        ),
        // The worker process of the sync crash tests (killed at random points, resumed).
        .executableTarget(
            name: "sync-worker",
            dependencies: ["ConnectorHub"],
            path: "Tests/Workers/sync-worker",
            swiftSettings: strictSettings
        ),
        // `make bench`: sends through each store, lease + CAS cost, token requests per expiry.
        .executableTarget(
            name: "store-bench",
            dependencies: [
                "ConnectorHubStorage",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "TokenStoreTesting", package: "connector-compiler"),
            ],
            path: "Benchmarks/store-bench",
            swiftSettings: strictSettings
        ),
        // `make bench`: proxy throughput and added latency against the upstream called directly.
        .executableTarget(
            name: "hub-bench",
            dependencies: [
                "ConnectorHub",
                "ConnectorHubTransport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/hub-bench",
            swiftSettings: strictSettings
        ),
        // `make bench`: tokens of the MCP tool lists (seed providers, whole catalog, search mode).
        .executableTarget(
            name: "mcp-bench",
            dependencies: ["ConnectorHub"],
            path: "Benchmarks/mcp-bench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConnectorHubTests",
            dependencies: [
                "ConnectorHub", "connector-hub", "sync-worker",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "Connectors", package: "connector-compiler"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConnectorHubStorageTests",
            dependencies: [
                "ConnectorHubStorage", "hub-store-worker", "connector-hub-tokens",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TokenStoreTesting", package: "connector-compiler"),
            ],
            swiftSettings: strictSettings
        ),
        // An HTTPTransport on AsyncHTTPClient: bodies read with backpressure, so the cap bounds
        // memory at any sender speed (docs/runtime.md, "Which transport when").
        .target(
            name: "ConnectorHubTransport",
            dependencies: [
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // `make bench`: both transports side by side (refused chunked body, 9 MiB body, req/s).
        .executableTarget(
            name: "transport-bench",
            dependencies: [
                "ConnectorHubTransport",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
            ],
            path: "Benchmarks/transport-bench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConnectorHubTransportTests",
            dependencies: [
                "ConnectorHubTransport",
                .product(name: "ConnectorRuntime", package: "connector-compiler"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
