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

/// The rule ids `bytes` produces, in order (keeps test bodies small: each `#expect` costs type-checking time).
func rules(_ bytes: [UInt8], file: String = "example.json") -> [String] {
    SpecLoader.load(bytes: bytes, file: file).diagnostics.map(\.rule)
}

@Suite struct SpecLoaderTests {
    @Test func minimalSpecIsValid() {
        let result = SpecLoader.load(bytes: minimalSpec(), file: "example.json")
        let facts: [String] = result.diagnostics.map(\.rendered) + [result.spec?.id ?? "no model"]
        #expect(facts == ["example"])
    }

    static func authorizationCode() throws -> (ConnectorSpec, OAuth2AuthorizationCode) {
        let spec = try #require(try Fixtures.load("valid/oauth2_authorization_code.json").spec)
        guard case .oauth2AuthorizationCode(let oauth) = spec.auth[0].kind else { throw FixtureError.wrongKind }
        return (spec, oauth)
    }

    @Test func buildsConnectorLevelValues() throws {
        let (spec, _) = try Self.authorizationCode()
        let facts: [String] = spec.categories.map(\.rawValue) + spec.api.headers.map(\.name)
            + [spec.api.verify?.path.raw ?? "-", "\(spec.api.verify?.usesAuth ?? false)"]
        #expect(facts == ["hris", "Api-Version", "/users/me", "true"])
    }

    @Test func buildsVariantFields() throws {
        let (spec, _) = try Self.authorizationCode()
        let facts: [String] = spec.auth[0].fields.map { "\($0.key):\($0.type.rawValue):\($0.supplier.rawValue)" }
        #expect(facts == ["clientId:text:setup", "clientSecret:secret:setup"])
    }

    @Test func buildsOAuthParameters() throws {
        let (_, oauth) = try Self.authorizationCode()
        let facts: [String] = [
            oauth.common.clientAuth.rawValue, "\(oauth.common.defaultExpiresIn ?? 0)", oauth.pkce.rawValue,
            "\(oauth.rotatesRefreshToken)", oauth.authorizeURL.pointer,
        ]
        #expect(facts == ["client_secret_post", "3600", "supported", "true", "/auth/0/authorizeURL"])
    }

    @Test func buildsScopes() throws {
        let (_, oauth) = try Self.authorizationCode()
        let scopes = try #require(oauth.common.scopes)
        let facts: [String] = scopes.defaults + ["|"] + scopes.required + ["|"] + scopes.catalog.map(\.name)
        #expect(facts == ["users:read", "offline_access", "|", "users:read", "offline_access", "|",
                          "users:read", "users:write", "offline_access"])
    }

    @Test func buildsParsedTemplates() throws {
        let (_, oauth) = try Self.authorizationCode()
        let parts: [TemplatePart] = (oauth.common.clientSecret?.parts ?? []) + (oauth.refreshParams.first?.value.parts ?? [])
        #expect(parts == [.placeholder(.field("clientSecret"), filters: []), .placeholder(.redirectURI, filters: [])])
    }

    @Test func buildsEveryAuthType() throws {
        var types: Set<String> = []
        for fixture in Fixtures.specs(in: "valid") {
            types.formUnion(try Fixtures.load(fixture).spec?.auth.map(\.kind.typeName) ?? [])
        }
        #expect(types == Set(SpecFormat.authTypes))
    }

    @Test func apiKeyInAHeader() throws {
        let spec = try #require(try Fixtures.load("valid/api_key_header.json").spec)
        guard case .apiKey(let key) = spec.auth[0].kind else { throw FixtureError.wrongKind }
        #expect(key.placement == .header(name: "Authorization", prefix: "Bearer "))
    }

    @Test func connectorFieldsAndRequirements() throws {
        let spec = try #require(try Fixtures.load("valid/api_key_header.json").spec)
        let facts: [String] = [spec.fields[0].pattern ?? "-", "\(spec.fields[0].required)",
                               spec.requirements[0].kind.rawValue, spec.requirements[0].pointer]
        #expect(facts == ["^[a-z0-9-]+$", "true", "admin", "/requirements/0"])
    }

    @Test func apiKeyAsBasicUsername() throws {
        let spec = try #require(try Fixtures.load("valid/api_key_basic_username.json").spec)
        guard case .apiKey(let key) = spec.auth[0].kind else { throw FixtureError.wrongKind }
        let expected: APIKeyAuth.Placement = .basicUsername(password: .literal("x", pointer: "/auth/0/password"))
        #expect(key.placement == expected)
    }

    @Test func serviceUserWithHeaders() throws {
        let spec = try #require(try Fixtures.load("valid/service_user_headers.json").spec)
        guard case .serviceUser(.headers(let list)) = spec.auth[0].kind else { throw FixtureError.wrongKind }
        let names: [String] = list.map(\.name)
        #expect(names == ["X-Service-User-ID", "X-Service-User-Token"])
    }

    @Test func serviceUserWithBasic() throws {
        let spec = try #require(try Fixtures.load("valid/service_user_basic.json").spec)
        guard case .serviceUser(.basic(let credentials)) = spec.auth[0].kind else { throw FixtureError.wrongKind }
        let references: [String] = credentials.username.fieldReferences + credentials.password.fieldReferences
        #expect(references == ["serviceUserId", "serviceUserToken"])
    }

    @Test func reportsEveryProblemInOnePass() {
        let bytes = minimalSpec([
            ("\"name\": \"Example\"", "\"nmae\": \"Example\""),
            ("https://api.example.com/v1", "http://api.example.com/v1"),
            ("{{accessToken}}", "{{accesToken}}"),
        ])
        let expected: [String] = ["missing-key", "unknown-key", "url-insecure", "field-unused", "template-unresolved"]
        #expect(rules(bytes) == expected)
    }

    @Test func failedSpecsHaveNoModelAndSortedDiagnostics() {
        let result = SpecLoader.load(bytes: minimalSpec([("\"name\": \"Example\"", "\"nmae\": 1")]), file: "example.json")
        let positions: [[Int]] = result.diagnostics.map { [$0.line, $0.column] }
        let sorted: [[Int]] = positions.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(result.spec == nil && positions == sorted && positions.count == 2)
    }

    @Test(arguments: ["http://localhost:8080/api", "http://127.0.0.1/api", "http://[::1]:9000/api"])
    func httpIsAllowedForLoopback(_ url: String) {
        #expect(rules(minimalSpec([("https://api.example.com/v1", url)])) == [])
    }

    @Test(arguments: ["https://api example.com/v1", "https://api.example.com/v1 beta", "https://-api.example.com", "https://[zz]/"])
    func malformedURLsAreInvalid(_ url: String) {
        #expect(rules(minimalSpec([("https://api.example.com/v1", url)])) == ["url-invalid"])
    }

    @Test(arguments: ["https://api.example.com:8443/v1", "https://[2001:db8::1]/api", "https://api.example.com/a%20b"])
    func wellFormedURLsAreValid(_ url: String) {
        #expect(rules(minimalSpec([("https://api.example.com/v1", url)])) == [])
    }

    static let siteURLField = #"{ "key": "siteURL", "label": "Site URL", "type": "url", "supplier": "config" }"#
    static let hostField = #"{ "key": "host", "label": "Host", "type": "hostname", "supplier": "config" }"#

    @Test func baseURLMayStartWithAURLField() {
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [\(Self.siteURLField)],\n  \"docsURL\""),
            ("https://api.example.com/v1", "{{siteURL}}/rest/api/3"),
        ])
        #expect(rules(bytes) == [])
    }

    @Test func baseURLStartingWithAHostnameFieldIsNotAnAbsoluteURL() {
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [\(Self.hostField)],\n  \"docsURL\""),
            ("https://api.example.com/v1", "{{host}}/api"),
        ])
        #expect(rules(bytes) == ["url-invalid"])
    }

    static let secretLookingField = #"""
        { "key": "password", "label": "Password", "type": "text", "supplier": "config", \#
        "default": "hunter2-SECRET", "pattern": "^[0-9]+$" }
        """#

    @Test func messagesNeverContainValues() {
        // A secret-looking default, a bad URL and a bad category: no message or hint echoes the value.
        let bytes = minimalSpec([
            ("\"docsURL\"", "\"fields\": [\(Self.secretLookingField)],\n  \"docsURL\""),
            ("https://api.example.com/v1", "ftp://hunter2-SECRET@example.com/{{password}}"),
            ("\"hris\"", "\"hunter2-SECRET\""),
        ])
        let diagnostics = SpecLoader.load(bytes: bytes, file: "example.json").diagnostics
        let leaks: [String] = diagnostics.map(\.rendered).filter { $0.contains("hunter2") }
        #expect(diagnostics.count >= 4 && leaks.isEmpty)
    }

    @Test func unreadableFileIsOneDiagnostic() {
        let result = SpecLoader.load(contentsOf: "/nonexistent/connector.json")
        let facts: [String] = result.diagnostics.map { "\($0.rule) \($0.file)" } + [result.spec == nil ? "no model" : "model"]
        #expect(facts == ["file-unreadable /nonexistent/connector.json", "no model"])
    }

    @Test func documentThatIsNotAnObject() {
        let rendered: [String] = SpecLoader.load(bytes: Array("[1]".utf8), file: "x.json").diagnostics.map(\.rendered)
        #expect(rendered == ["x.json:1:1: error: the document must be an object, not an array"])
    }

    @Test func duplicateConnectorIdsAcrossFiles() {
        var set = SpecSetValidator()
        _ = set.load(bytes: minimalSpec(id: "example"), file: "a/example.json")
        _ = set.load(bytes: minimalSpec(id: "other"), file: "a/other.json")
        _ = set.load(bytes: minimalSpec(id: "example"), file: "b/example.json")
        let lines: [String] = set.crossFileDiagnostics().map { "\($0.rendered) [\($0.rule)]" }
        #expect(lines == [
            "b/example.json:3:9: error: connector id 'example' is used by two spec files (also used in a/example.json) [duplicate-id]",
        ])
    }

    @Test func connectorIdsWithTheSameSwiftTypeAcrossFiles() {
        var set = SpecSetValidator()
        _ = set.load(bytes: minimalSpec(id: "a_b"), file: "a_b.json")
        _ = set.load(bytes: minimalSpec(id: "a__b"), file: "a__b.json")
        let lines: [String] = set.crossFileDiagnostics().map(\.textLine)
        #expect(lines == [
            "a__b.json:3:9: error: connector id 'a__b' generates the Swift type 'AB', as does 'a_b' (rename one of them; also generated by a_b.json) [duplicate-type-name]",
        ])
    }

    static let secondVariant = """
        ,{ "id": "other", "label": "Other", "type": "bearerToken", "token": "{{accessToken}}",
           "guide": { "sections": [{ "title": "T", "steps": [{ "title": "S", "text": "Do it." }] }] } }
          ]
        }
        """

    @Test func variantFieldsAreScopedToTheirVariant() {
        // A second variant cannot use the first variant's field.
        let text = String(String(decoding: minimalSpec(), as: UTF8.self).dropLast(6)) + Self.secondVariant
        #expect(rules(Array(text.utf8)) == ["template-unresolved"])
    }
}

enum FixtureError: Error { case wrongKind }
