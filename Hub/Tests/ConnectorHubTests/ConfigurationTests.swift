import ConnectorHub
import Foundation
import Testing

/// The transport and account-cache settings: file, environment (which wins), defaults, and the
/// messages for values that are not allowed.
@Suite struct ConfigurationTests {
    let minimal = ["CONNECTOR_HUB_APP_KEYS": "k", "CONNECTOR_HUB_DEVELOPMENT": "1"]

    func file(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hub-config-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func transportDefaultsToAsyncHTTPClientAndIsChosenByFileOrEnvironment() throws {
        let plain = try HubConfiguration.load(file: nil, environment: minimal)
        checkEqual(plain.transport, .asyncHTTPClient)
        check(plain.description.contains("transport: asynchttpclient"), plain.description)
        let fromFile = try file(#"{"transport": "urlsession"}"#)
        defer { try? FileManager.default.removeItem(at: fromFile) }
        checkEqual(try HubConfiguration.load(file: fromFile, environment: minimal).transport, .urlSession)
        var environment = minimal
        environment["CONNECTOR_HUB_TRANSPORT"] = "AsyncHTTPClient"
        checkEqual(try HubConfiguration.load(file: fromFile, environment: environment).transport, .asyncHTTPClient, "the environment wins")
    }

    @Test func theProxyFastPathIsOffByDefaultAndTurnedOnByFileOrEnvironment() throws {
        checkEqual(try HubConfiguration.load(file: nil, environment: minimal).proxyFastPath, false)
        let fromFile = try file(#"{"proxyFastPath": true, "transport": "nio"}"#)
        defer { try? FileManager.default.removeItem(at: fromFile) }
        checkEqual(try HubConfiguration.load(file: fromFile, environment: minimal).proxyFastPath, true)
        var environment = minimal
        environment["CONNECTOR_HUB_PROXY_FAST_PATH"] = "0"
        checkEqual(try HubConfiguration.load(file: fromFile, environment: environment).proxyFastPath, false, "the environment wins")
    }

    @Test func anUnknownTransportIsRefusedWithTheAllowedNames() throws {
        var environment = minimal
        environment["CONNECTOR_HUB_TRANSPORT"] = "curl"
        do {
            _ = try HubConfiguration.load(file: nil, environment: environment)
            Issue.record("an unknown transport was accepted")
        } catch let error as HubConfigurationError {
            checkEqual(error.description, "transport must be one of asynchttpclient, urlsession, nio, not curl.")
        }
    }

    @Test func accountCacheSecondsDefaultsToAMinuteAndRefusesNonsense() throws {
        checkEqual(try HubConfiguration.load(file: nil, environment: minimal).accountCacheSeconds, 60)
        let fromFile = try file(#"{"accountCacheSeconds": 3600}"#)
        defer { try? FileManager.default.removeItem(at: fromFile) }
        checkEqual(try HubConfiguration.load(file: fromFile, environment: minimal).accountCacheSeconds, 3600)
        for bad in ["soon", "-1", "inf"] {
            var environment = minimal
            environment["CONNECTOR_HUB_ACCOUNT_CACHE_SECONDS"] = bad
            do {
                _ = try HubConfiguration.load(file: fromFile, environment: environment)
                Issue.record("accountCacheSeconds \(bad) was accepted")
            } catch let error as HubConfigurationError {
                checkEqual(error.description, "accountCacheSeconds must be a number of seconds, 0 or more.")
            }
        }
    }
}
