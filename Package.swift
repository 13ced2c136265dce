// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "connector-compiler",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ConnectorRuntime", targets: ["ConnectorRuntime"]),
        .library(name: "Connectors", targets: ["Connectors"]),
        .library(name: "ConnectorCompilerCore", targets: ["ConnectorCompilerCore"]),
        // Test support for token stores (the multi-process scenarios); used by Hub/'s tests too.
        .library(name: "TokenStoreTesting", targets: ["TokenStoreTesting"]),
        .executable(name: "connector-compiler", targets: ["connector-compiler"]),
        .plugin(name: "ConnectorCompilerPlugin", targets: ["ConnectorCompilerPlugin"]),
        .plugin(name: "GenerateConnectorDocs", targets: ["GenerateConnectorDocs"]),
    ],
    targets: [
        // Runtime that generated connectors run on: auth flows, token lifecycle, transport.
        .target(name: "ConnectorRuntime", swiftSettings: strictSettings),
        // The compiler: JSON reader, spec model, validator, code and docs generators.
        .target(name: "ConnectorCompilerCore", swiftSettings: strictSettings),
        // Thin CLI over the core.
        .executableTarget(
            name: "connector-compiler",
            dependencies: ["ConnectorCompilerCore"],
            swiftSettings: strictSettings
        ),
        // Multi-process token store scenarios: a worker driven over stdin and the harness running it.
        .target(name: "TokenStoreTesting", dependencies: ["ConnectorRuntime"], swiftSettings: strictSettings),
        // The worker process of the file store's multi-process tests.
        .executableTarget(
            name: "token-store-worker",
            dependencies: ["ConnectorRuntime", "TokenStoreTesting"],
            path: "Tests/Workers/token-store-worker",
            swiftSettings: strictSettings
        ),
        // `make bench`: Connection overhead and single-flight refresh against an in-process server.
        .executableTarget(
            name: "runtime-bench",
            dependencies: ["ConnectorRuntime"],
            path: "Benchmarks/runtime",
            swiftSettings: strictSettings
        ),
        // `make bench`: listing through the generated resources API versus a hand-written loop.
        .executableTarget(
            name: "resources-bench",
            dependencies: ["ConnectorRuntime"],
            path: "Benchmarks/resources",
            swiftSettings: strictSettings
        ),
        .plugin(
            name: "ConnectorCompilerPlugin",
            capability: .buildTool(),
            dependencies: ["connector-compiler"]
        ),
        .plugin(
            name: "GenerateConnectorDocs",
            capability: .command(
                intent: .custom(verb: "generate-connector-docs", description: "Write docs/connectors/*.md from every connector spec"),
                permissions: [.writeToPackageDirectory(reason: "Writes the connection guides to docs/connectors/")]
            ),
            dependencies: ["connector-compiler"]
        ),
        // The catalog: every Connectors/*.json is a source file of this target, compiled by the plugin.
        .target(
            name: "Connectors",
            dependencies: ["ConnectorRuntime"],
            path: "Connectors",
            swiftSettings: strictSettings,
            plugins: ["ConnectorCompilerPlugin"]
        ),
        .testTarget(
            name: "ConnectorCompilerCoreTests",
            dependencies: ["ConnectorCompilerCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConnectorRuntimeTests",
            dependencies: ["ConnectorRuntime", "TokenStoreTesting", "token-store-worker"],
            swiftSettings: strictSettings
        ),
        // Compiles the committed reference outputs (Generated -> ../Reference/Generated) and uses them.
        .testTarget(
            name: "ReferenceConsumerTests",
            dependencies: ["ConnectorRuntime"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: ["Connectors", "ConnectorRuntime"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
