import Foundation
import Testing

@testable import ConnectorCompilerCore

/// A small valid spec as text, with `replacements` applied, for rule tests too small for a fixture.
func minimalSpec(id: String = "example", _ replacements: [(String, String)] = []) -> [UInt8] {
    var text = """
        {
          "specVersion": 1,
          "id": "\(id)",
          "name": "Example",
          "categories": ["hris"],
          "docsURL": "https://docs.example.com/api",
          "api": { "baseURL": "https://api.example.com/v1", "verify": { "path": "/me" } },
          "auth": [
            {
              "id": "token",
              "label": "Access token",
              "type": "bearerToken",
              "fields": [{ "key": "accessToken", "label": "Access token", "type": "secret", "supplier": "config" }],
              "token": "{{accessToken}}",
              "guide": { "sections": [{ "title": "Get a token", "steps": [{ "title": "Create", "text": "Create a token." }] }] }
            }
          ]
        }
        """
    for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
    return Array(text.utf8)
}

@Suite struct SpecLoaderTests {
    @Test func minimalSpecIsValid() {
        let result = SpecLoader.load(bytes: minimalSpec(), file: "example.json")
        #expect(result.diagnostics == [])
        #expect(result.spec?.id == "example")
    }

    @Test func buildsTheModelOfAnAuthorizationCodeSpec() throws {
        let spec = try #require(try Fixtures.load("valid/oauth2_authorization_code.json").spec)
        #expect(spec.categories == [.hris])
        #expect(spec.api.headers.map(\.name) == ["Api-Version"])
        #expect(spec.api.verify?.path.raw == "/users/me")
        #expect(spec.api.verify?.usesAuth == true)
        let variant = try #require(spec.auth.first)
        #expect(variant.fields.map(\.key) == ["clientId", "clientSecret"])
        #expect(variant.fields.map(\.supplier) == [.setup, .setup])
        guard case .oauth2AuthorizationCode(let oauth) = variant.kind else {
            Issue.record("expected oauth2AuthorizationCode")
            return
        }
        #expect(oauth.common.clientAuth == .clientSecretPost)
        #expect(oauth.common.clientSecret?.fieldReferences == ["clientSecret"])
        #expect(oauth.common.scopes?.defaults == ["users:read", "offline_access"])
        #expect(oauth.common.scopes?.required == ["users:read", "offline_access"])
        #expect(oauth.common.scopes?.catalog.count == 3)
        #expect(oauth.common.defaultExpiresIn == 3600)
        #expect(oauth.pkce == .supported)
        #expect(oauth.rotatesRefreshToken)
        #expect(oauth.refreshParams.first?.value.parts == [.placeholder(.redirectURI, filters: [])])
        #expect(oauth.authorizeURL.pointer == "/auth/0/authorizeURL")
    }

    @Test func buildsEveryAuthType() throws {
        var types: [String] = []
        for fixture in Fixtures.specs(in: "valid") {
            let spec = try #require(try Fixtures.load(fixture).spec, "\(fixture)")
            types += spec.auth.map(\.kind.typeName)
        }
        #expect(Set(types) == Set(SpecFormat.authTypes))
    }

    @Test func apiKeyPlacementsAndDefaults() throws {
        let header = try #require(try Fixtures.load("valid/api_key_header.json").spec)
        guard case .apiKey(let key) = header.auth[0].kind else { throw FixtureError.wrongKind }
        #expect(key.placement == .header(name: "Authorization", prefix: "Bearer "))
        #expect(header.fields[0].pattern == "^[a-z0-9-]+$")
        #expect(header.fields[0].required)
        #expect(header.requirements == [Requirement(pointer: "/requirements/0", kind: .admin, text: "Admin privileges in Acme HR.")])
        let basic = try #require(try Fixtures.load("valid/api_key_basic_username.json").spec)
        guard case .apiKey(let basicKey) = basic.auth[0].kind else { throw FixtureError.wrongKind }
        #expect(basicKey.placement == .basicUsername(password: .literal("x", pointer: "/auth/0/password")))
    }

    @Test func serviceUserVariants() throws {
        let headers = try #require(try Fixtures.load("valid/service_user_headers.json").spec)
        guard case .serviceUser(.headers(let list)) = headers.auth[0].kind else { throw FixtureError.wrongKind }
        #expect(list.map(\.name) == ["X-Service-User-ID", "X-Service-User-Token"])
        let basic = try #require(try Fixtures.load("valid/service_user_basic.json").spec)
        guard case .serviceUser(.basic(let credentials)) = basic.auth[0].kind else { throw FixtureError.wrongKind }
        #expect(credentials.username.fieldReferences == ["serviceUserId"])
    }

    @Test func reportsEveryProblemInOnePassSortedByPosition() {
        let bytes = minimalSpec([
            ("\"name\": \"Example\"", "\"nmae\": \"Example\""),
            ("https://api.example.com/v1", "http://api.example.com/v1"),
            ("{{accessToken}}", "{{accesToken}}"),
        ])
        let result = SpecLoader.load(bytes: bytes, file: "example.json")
        #expect(result.spec == nil)
        #expect(result.diagnostics.map(\.rule)
            == ["missing-key", "unknown-key", "url-insecure", "field-unused", "template-unresolved"])
        let positions = result.diagnostics.map { [$0.line, $0.column] }
        #expect(positions == positions.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test(arguments: ["http://localhost:8080/api", "http://127.0.0.1/api", "http://[::1]:9000/api"])
    func httpIsAllowedForLoopback(_ url: String) {
        let result = SpecLoader.load(bytes: minimalSpec([("https://api.example.com/v1", url)]), file: "example.json")
        #expect(result.diagnostics == [])
    }

    @Test func baseURLMayStartWithAURLField() {
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [{ \"key\": \"siteURL\", \"label\": \"Site URL\", \"type\": \"url\", \"supplier\": \"config\" }],\n  \"docsURL\""),
            ("https://api.example.com/v1", "{{siteURL}}/rest/api/3"),
        ])
        let result = SpecLoader.load(bytes: bytes, file: "example.json")
        #expect(result.diagnostics == [])
    }

    @Test func baseURLStartingWithATextFieldIsNotAnAbsoluteURL() {
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [{ \"key\": \"host\", \"label\": \"Host\", \"type\": \"hostname\", \"supplier\": \"config\" }],\n  \"docsURL\""),
            ("https://api.example.com/v1", "{{host}}/api"),
        ])
        let result = SpecLoader.load(bytes: bytes, file: "example.json")
        #expect(result.diagnostics.map(\.rule) == ["url-invalid"])
    }

    @Test func messagesNeverContainValues() {
        // A secret-looking default and a bad URL: no message or hint may echo either value.
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [{ \"key\": \"password\", \"label\": \"Password\", \"type\": \"text\", \"supplier\": \"config\", \"default\": \"hunter2-SECRET\", \"pattern\": \"^[0-9]+$\" }],\n  \"docsURL\""),
            ("https://api.example.com/v1", "ftp://hunter2-SECRET@example.com/{{password}}"),
            ("\"hris\"", "\"hunter2-SECRET\""),
        ])
        let result = SpecLoader.load(bytes: bytes, file: "example.json")
        #expect(result.diagnostics.count >= 4)
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.message.contains("hunter2"))
            #expect(!(diagnostic.hint ?? "").contains("hunter2"))
        }
    }

    @Test func unreadableFileIsOneDiagnostic() {
        let result = SpecLoader.load(contentsOf: "/nonexistent/connector.json")
        #expect(result.spec == nil)
        #expect(result.diagnostics.map(\.rule) == ["file-unreadable"])
        #expect(result.diagnostics.first?.file == "/nonexistent/connector.json")
    }

    @Test func documentThatIsNotAnObject() {
        let result = SpecLoader.load(bytes: Array("[1]".utf8), file: "x.json")
        #expect(result.diagnostics.map(\.rendered) == ["x.json:1:1: error: the document must be an object, not an array"])
    }

    @Test func duplicateConnectorIdsAcrossFiles() {
        var set = SpecSetValidator()
        _ = set.load(bytes: minimalSpec(id: "example"), file: "a/example.json")
        _ = set.load(bytes: minimalSpec(id: "other"), file: "a/other.json")
        _ = set.load(bytes: minimalSpec(id: "example"), file: "b/example.json")
        let diagnostics = set.crossFileDiagnostics()
        #expect(diagnostics.map(\.rendered)
            == ["b/example.json:3:9: error: connector id 'example' is used by two spec files (also used in a/example.json)"])
        #expect(diagnostics.first?.rule == "duplicate-id")
    }

    @Test func variantFieldsShadowNothingAndAreScopedToTheirVariant() {
        // A second variant cannot use the first variant's field.
        let second = """
            ,{ "id": "other", "label": "Other", "type": "bearerToken", "token": "{{accessToken}}",
               "guide": { "sections": [{ "title": "T", "steps": [{ "title": "S", "text": "Do it." }] }] } }
              ]
            }
            """
        var text = String(decoding: minimalSpec(), as: UTF8.self)
        text = String(text.dropLast(6)) + second
        let result = SpecLoader.load(bytes: Array(text.utf8), file: "example.json")
        #expect(result.diagnostics.map(\.rule) == ["template-unresolved"])
    }
}

enum FixtureError: Error { case wrongKind }
