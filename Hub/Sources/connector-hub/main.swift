// connector-hub: runs the Hub (Link Account pages, operator pages and the app API).
//
//   connector-hub [--config FILE] [--development] [--print-link END_USER]
//
// Configuration: the JSON file, then CONNECTOR_HUB_* environment variables (docs/hub.md).
// --development seals tokens with the public development key and fills a development signing
// key and base URL; never use it in production. --print-link (development only) prints the app key
// and a link URL for END_USER; outside development it is refused, as the key is a secret. SIGTERM or SIGINT stops it cleanly: requests in
// flight finish, then the HTTP client and database connections are closed.

import ConnectorHub
import Foundation
import Hummingbird

/// Writes a line to stdout unbuffered: the key and link URL show up at once when piped or logged.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

var arguments = Array(CommandLine.arguments.dropFirst())
var file: URL?
var environment = ProcessInfo.processInfo.environment
var printLinkFor: String?
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--config":
        guard let path = arguments.first else { fatalError("--config needs a file") }
        arguments.removeFirst()
        file = URL(fileURLWithPath: path)
    case "--development":
        environment["CONNECTOR_HUB_DEVELOPMENT"] = "1"
    case "--print-link":
        guard let user = arguments.first else { fatalError("--print-link needs an end-user id") }
        arguments.removeFirst()
        printLinkFor = user
    default:
        FileHandle.standardError.write(Data("usage: connector-hub [--config FILE] [--development] [--print-link END_USER]\n".utf8))
        exit(2)
    }
}

do {
    let configuration = try HubConfiguration.load(file: file, environment: environment)
    if printLinkFor != nil && !configuration.development {
        FileHandle.standardError.write(
            Data(("connector-hub: --print-link prints the app key, so it works only with --development. "
                + "Create link sessions with POST /v1/link-sessions, or on the operator pages (/admin).\n").utf8))
        exit(2)
    }
    let hub = try await ConnectorHubService.open(configuration: configuration, environment: environment)
    say("connector-hub: \(configuration)")
    if configuration.development {
        say("connector-hub: DEVELOPMENT MODE: tokens are sealed with the public development key.")
    }
    if let user = printLinkFor {
        let session = try await hub.createSession(endUserID: user, endUserName: user)
        say("connector-hub: app API key (development): \(configuration.appKeys[0])")
        say("connector-hub: operator pages: \(configuration.publicBaseURL.absoluteString)/admin")
        say("connector-hub: link URL for \(user), single use, valid 30 minutes:")
        say(session.url.absoluteString)
    }
    hub.startSyncScheduler(SyncSchedulerSettings(environment: environment))
    let app = hub.application()
    // Runs until SIGTERM or SIGINT, then stops accepting requests and finishes those in flight.
    try await app.runService()
    // Then the outgoing HTTP client, the change listener and the database connections.
    await hub.shutdown()
    say("connector-hub: stopped")
} catch {
    FileHandle.standardError.write(Data("connector-hub: \(error)\n".utf8))
    exit(1)
}
