import Foundation
import Testing

@testable import ConnectorCompilerCore

/// Specs built in code, so these tests depend only on the model and the renderer.
enum DocsFixtures {
    static func template(_ raw: String, _ parts: [TemplatePart], pointer: JSONPointer = "") -> Template {
        Template(pointer: pointer, raw: raw, parts: parts)
    }

    static func field(_ key: String, _ label: String, _ type: Field.FieldType, _ supplier: Field.Supplier, required: Bool = true,
                      defaultValue: String? = nil, placeholder: String? = nil, help: String? = nil, options: [Field.Option] = []) -> Field {
        Field(pointer: "/fields/\(key)", key: key, label: label, type: type, supplier: supplier, required: required,
              defaultValue: defaultValue, placeholder: placeholder, help: help, options: options)
    }

    /// A Zelt-like connector: OAuth authorization code, scopes set on the app, admin required.
    static var zelt: ConnectorSpec {
        let clientId = field("clientId", "Client ID", .text, .setup)
        let clientSecret = field("clientSecret", "Client Secret", .secret, .setup, placeholder: "zelt_live_SECRETVALUE")
        let scopes = Scopes(
            pointer: "/auth/0/scopes", defaults: ["user:read:all", "documents:all"], required: ["user:read:all"],
            catalog: [
                ScopeEntry(pointer: "", name: "user:read:all", description: "Read every user"),
                ScopeEntry(pointer: "", name: "documents:all", description: "Read and write documents | files"),
                ScopeEntry(pointer: "", name: "payroll:read", description: "Read payroll"),
            ],
            sendInRequest: false)
        let common = OAuth2Common(
            clientId: template("{{clientId}}", [.placeholder(.field("clientId"), filters: [])]),
            clientSecret: template("{{clientSecret}}", [.placeholder(.field("clientSecret"), filters: [])]),
            tokenURL: .literal("https://go.zelt.app/apiv2/oauth/token"), scopes: scopes)
        let oauth = AuthVariant(
            pointer: "/auth/0", id: "oauth", label: "OAuth 2.0", fields: [clientId, clientSecret],
            kind: .oauth2AuthorizationCode(OAuth2AuthorizationCode(common: common, authorizeURL: .literal("https://go.zelt.app/apiv2/oauth/authorize"))),
            guide: Guide(pointer: "/auth/0/guide", warnings: ["The Client Secret is shown only once."], sections: [
                GuideSection(pointer: "", title: "Generate a Zelt Client ID and Client Secret", intro: "Create an app in Zelt.", steps: [
                    GuideStep(pointer: "", title: "Open Settings", text: "Within Zelt, click on Settings in the lower left corner."),
                    GuideStep(pointer: "", title: "Copy Authorization Credentials", text: "Copy each generated value:\nstore them safely.",
                              list: ["App ID", "Client ID", "Client Secret"]),
                ]),
            ]))
        return ConnectorSpec(
            id: "zelt", name: "Zelt", description: "HR platform for people, payroll and devices.", categories: [.hris, .documents],
            docsURL: "https://developers.zelt.app", requirements: [Requirement(pointer: "", kind: .admin, text: "Admin privileges in Zelt.")],
            api: API(pointer: "/api", baseURL: .literal("https://go.zelt.app/apiv2")), auth: [oauth],
            availableData: ["Employees", "Documents"])
    }

    /// A BambooHR-like connector: API key as Basic username, templated base URL.
    static var bamboo: ConnectorSpec {
        let subdomain = field("subdomain", "Subdomain", .hostname, .config, placeholder: "acme", help: "The part before .bamboohr.com.")
        let region = field("region", "Region", .select, .config, required: false, defaultValue: "eu",
                           options: [.init(value: "us", label: "United States"), .init(value: "eu", label: "Europe")])
        let apiKey = field("apiKey", "API Key", .secret, .config, defaultValue: "not-shown")
        let variant = AuthVariant(
            pointer: "/auth/0", id: "api_key", label: "API key", fields: [apiKey],
            kind: .apiKey(APIKeyAuth(value: template("{{apiKey}}", [.placeholder(.field("apiKey"), filters: [])]),
                                     placement: .basicUsername(password: .literal("x")))),
            guide: Guide(pointer: "", sections: []))
        let baseURL = template("https://{{subdomain}}.bamboohr.com/api/gateway.php/{{subdomain | urlencode}}/v1",
                               [.literal("https://"), .placeholder(.field("subdomain"), filters: []), .literal(".bamboohr.com/api/gateway.php/"),
                                .placeholder(.field("subdomain"), filters: [.urlencode]), .literal("/v1")])
        return ConnectorSpec(
            id: "bamboohr", name: "BambooHR", categories: [.hris], docsURL: "https://documentation.bamboohr.com",
            fields: [subdomain, region], api: API(pointer: "/api", baseURL: baseURL), auth: [variant])
    }
}

@Suite struct DocsRendererTests {
    let renderer = ConnectionGuideRenderer(callbackBase: "https://api.acme.test/connect/oauth2/")

    @Test func guideStartsWithMarkerTitleDescriptionAndRequirements() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "Connectors/zelt.json")
        #expect(text.hasPrefix("""
            <!-- Generated by connector-compiler from Connectors/zelt.json. Do not edit: change the spec and run `make docs`. -->

            # Zelt

            > HR platform for people, payroll and devices.

            Categories: HRIS, Documents. Provider API documentation: <https://developers.zelt.app>

            > [!IMPORTANT]
            > **Before you start**, make sure you have:
            >
            > - **Admin access:** Admin privileges in Zelt.

            """))
    }

    @Test func authorizationCodeVariantShowsRedirectURIUnderCallbackBase() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(text.contains("- **Redirect URI** (also called callback or redirect URL): `https://api.acme.test/connect/oauth2/zelt/callback`"))
        let defaultText = ConnectionGuideRenderer().guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(defaultText.contains("`https://connect.example.com/oauth2/zelt/callback`"))
    }

    @Test func nonOAuthVariantHasNoRedirectURI() {
        let text = renderer.guide(for: DocsFixtures.bamboo, sourcePath: "bamboohr.json")
        #expect(!text.contains("Redirect URI"))
        #expect(!text.contains("callback"))
    }

    @Test func warningsRenderAsWarningBlockquotes() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(text.contains("> [!WARNING]\n> The Client Secret is shown only once.\n"))
    }

    @Test func stepsAreNumberedWithIndentedContinuationAndBulletLists() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(text.contains("""
            ### Generate a Zelt Client ID and Client Secret

            Create an app in Zelt.

            1. **Open Settings**: Within Zelt, click on Settings in the lower left corner.
            2. **Copy Authorization Credentials**: Copy each generated value:
               store them safely.
               - App ID
               - Client ID
               - Client Secret

            """))
    }

    @Test func scopesTableListsDefaultsWithCatalogueDescriptionsAndOthersSeparately() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(text.contains("""
            ### Scopes to enable (OAuth 2.0)

            Enable these scopes on the app in Zelt. They are set on the app, not requested when linking:

            | Scope | Needed | What it allows |
            | --- | --- | --- |
            | `user:read:all` | required | Read every user |
            | `documents:all` | recommended | Read and write documents \\| files |

            Other scopes Zelt offers (not needed by this connector):

            - `payroll:read`: Read payroll

            """))
        #expect(text.contains("[Scopes](#scopes-to-enable-oauth-20)"))
    }

    @Test func fieldsAreSplitIntoSetupAndLinkingAndSecretsShowNoExampleOrDefault() {
        let zelt = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(zelt.contains("""
            Entered once by the integrating app (the app's own credentials):

            | Field | Type | Required | Help |
            | --- | --- | --- | --- |
            | **Client ID** | text | yes |  |
            | **Client Secret** | secret | yes | Secret: treat it like a password. |

            """))
        #expect(!zelt.contains("zelt_live_SECRETVALUE"))
        let bamboo = renderer.guide(for: DocsFixtures.bamboo, sourcePath: "bamboohr.json")
        #expect(bamboo.contains("""
            Entered on the Link Account page when linking an account:

            | Field | Type | Required | Help |
            | --- | --- | --- | --- |
            | **Subdomain** | host name | yes | The part before .bamboohr.com. Example: acme |
            | **Region** | one of: United States, Europe | no | Default: Europe |
            | **API Key** | secret | yes | Secret: treat it like a password. |

            """))
        #expect(!bamboo.contains("not-shown"))
    }

    @Test func templatedURLsShowFieldLabelsAndNoPlaceholderSyntax() {
        let text = renderer.guide(for: DocsFixtures.bamboo, sourcePath: "bamboohr.json")
        #expect(text.contains("API requests go to `https://<Subdomain>.bamboohr.com/api/gateway.php/<Subdomain>/v1`."))
        #expect(!text.contains("{{"))
        #expect(!text.contains("}}"))
    }

    @Test func dataAvailableIsListedLast() {
        let text = renderer.guide(for: DocsFixtures.zelt, sourcePath: "zelt.json")
        #expect(text.hasSuffix("## Data available\n\nOnce the account is linked, these resources can be read:\n\n- Employees\n- Documents\n"))
    }

    @Test func severalVariantsGetATableOfContents() {
        var spec = DocsFixtures.bamboo
        var second = spec.auth[0]
        second.id = "basic"
        second.label = "Username & password"
        second.kind = .basic(BasicAuth(username: .literal("u"), password: .literal("p")))
        spec.auth.append(second)
        let text = renderer.guide(for: spec, sourcePath: "bamboohr.json")
        #expect(text.contains("BambooHR can be linked in 2 ways; follow the section of the one you use:\n\n- [API key](#api-key)\n- [Username & password](#username--password)\n"))
    }

    @Test func indexTableLinksEveryGuideSortedByID() {
        let text = renderer.index(for: [DocsFixtures.zelt, DocsFixtures.bamboo])
        #expect(text.hasPrefix("<!-- Generated by connector-compiler. Do not edit"))
        #expect(text.hasSuffix("""
            | Connector | Categories | Auth methods |
            | --- | --- | --- |
            | [BambooHR](bamboohr.md) | HRIS | API key |
            | [Zelt](zelt.md) | HRIS, Documents | OAuth 2.0 |

            """))
    }

    @Test func sameSpecRendersByteIdenticalText() {
        let first = ConnectionGuideRenderer().guide(for: DocsFixtures.zelt, sourcePath: "Connectors/zelt.json")
        let second = ConnectionGuideRenderer().guide(for: DocsFixtures.zelt, sourcePath: "Connectors/zelt.json")
        #expect(first == second)
    }
}

@Suite struct DocsMarkdownTests {
    @Test func tableCellsEscapePipesAndLineBreaks() {
        #expect(Markdown.cell("a | b\nc") == "a \\| b<br>c")
    }

    @Test func codeSpansSurviveBackticks() {
        #expect(Markdown.code("a`b") == "``a`b``")
        #expect(Markdown.code("`x") == "`` `x ``")
    }

    @Test func headingAnchorsFollowGitHub() {
        #expect(ConnectionGuideRenderer.anchor("Scopes to enable (OAuth 2.0)") == "scopes-to-enable-oauth-20")
    }
}

@Suite struct DocsFromFixtureSpecsTests {
    /// Every valid fixture spec, loaded by the real validator.
    static func validSpecs() throws -> [(path: String, spec: ConnectorSpec)] {
        let folder = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/valid")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let path = folder.appendingPathComponent(name).path
            return (path, try #require(SpecLoader.load(contentsOf: path).spec, "\(name) should be valid"))
        }
    }

    @Test func guidesOfValidSpecsContainNoPlaceholderSyntax() throws {
        let specs = try Self.validSpecs()
        #expect(!specs.isEmpty)
        for (path, spec) in specs {
            let text = ConnectionGuideRenderer().guide(for: spec, sourcePath: path)
            #expect(!text.contains("{{"), "\(path)")
            #expect(text.contains("# \(spec.name)\n"), "\(path)")
        }
    }

    @Test func guidesNeverShowDefaultsOrPlaceholdersOfSecretFields() throws {
        for (path, spec) in try Self.validSpecs() {
            let text = ConnectionGuideRenderer().guide(for: spec, sourcePath: path)
            let secrets = (spec.fields + spec.auth.flatMap(\.fields)).filter { $0.type == .secret }
            for field in secrets {
                for value in [field.placeholder, field.defaultValue].compactMap({ $0 }) where value.count > 3 {
                    #expect(!text.contains(value), "\(path): \(field.key)")
                }
            }
        }
    }
}
