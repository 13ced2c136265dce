// `client-secret-host` accepts exactly the hosts the app's secret may go to: the app's own values,
// a `select` of the spec's options, or a field pinned by `hostSuffixes`; and the same spec with
// the person's client passes whatever the host (the fixtures show each rule firing).
import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct ClientRulesTests {
    static func spec(client: String, field: [String: Any], tokenURL: String) -> [UInt8] {
        let supplier = client == "person" ? "config" : "setup"
        let object: [String: Any] = [
            "specVersion": 1, "id": "hosts", "name": "Hosts", "categories": ["hris"], "docsURL": "https://docs.example.com",
            "fields": [field],
            "api": ["baseURL": "https://api.example.com", "verify": ["path": "/me"]],
            "auth": [[
                "id": "oauth", "label": "OAuth 2.0", "type": "oauth2AuthorizationCode", "client": client,
                "fields": [
                    ["key": "clientId", "label": "Client ID", "type": "text", "supplier": supplier],
                    ["key": "clientSecret", "label": "Client Secret", "type": "secret", "supplier": supplier],
                ],
                "clientId": "{{clientId}}", "clientSecret": "{{clientSecret}}",
                "authorizeURL": "https://auth.example.com/authorize", "tokenURL": tokenURL,
                "guide": ["sections": [["title": "Connecting", "steps": [["title": "Sign in", "text": "Click Allow."]]]]],
            ]],
        ]
        return [UInt8](try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func rules(_ bytes: [UInt8]) -> [String] {
        SpecLoader.load(bytes: bytes, file: "hosts.json").diagnostics.map(\.rule)
    }

    @Test func anAppSecretMayGoOnlyToPinnedHosts() {
        let host: [String: Any] = ["key": "host", "label": "Host", "type": "hostname", "supplier": "config"]
        var pinned = host
        pinned["hostSuffixes"] = [".example.com"]
        let url: [String: Any] = ["key": "site", "label": "Site", "type": "url", "supplier": "config", "hostSuffixes": [".example.com"]]
        let region: [String: Any] = [
            "key": "region", "label": "Region", "type": "select", "supplier": "config", "default": "eu",
            "options": [["value": "eu", "label": "EU"], ["value": "us", "label": "US"]],
        ]
        let appHost: [String: Any] = ["key": "host", "label": "Host", "type": "hostname", "supplier": "setup"]
        for client in ["app", "either"] {
            #expect(Self.rules(Self.spec(client: client, field: host, tokenURL: "https://{{host}}/token")) == ["client-secret-host"])
            #expect(Self.rules(Self.spec(client: client, field: host, tokenURL: "https://id.{{host}}/token")) == ["client-secret-host"])
            #expect(Self.rules(Self.spec(client: client, field: pinned, tokenURL: "https://{{host}}/token")) == [])
            #expect(Self.rules(Self.spec(client: client, field: url, tokenURL: "{{site}}/token")) == [])
            #expect(Self.rules(Self.spec(client: client, field: region, tokenURL: "https://api.{{region}}.example.com/token")) == [])
            #expect(Self.rules(Self.spec(client: client, field: appHost, tokenURL: "https://{{host}}/token")) == [])
            // In the path, a person's value moves no host.
            #expect(Self.rules(Self.spec(client: client, field: host, tokenURL: "https://auth.example.com/{{host}}/token")) == [])
        }
        #expect(Self.rules(Self.spec(client: "person", field: host, tokenURL: "https://{{host}}/token")) == [])
    }
}
