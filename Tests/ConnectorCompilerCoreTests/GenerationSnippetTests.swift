// Snippet tests: a few lines of model in, the exact Swift out, one concern per test.
import ConnectorCompilerCore
import Testing

@Suite struct GenerationSnippetTests {
    // MARK: Helpers

    static let token = Template(pointer: "/auth/0/token", raw: "{{token}}", parts: [.placeholder(.field("token"), filters: [])])

    static func field(_ key: String, _ type: Field.FieldType, index: Int = 0, required: Bool = true, defaultValue: String? = nil,
                      options: [Field.Option] = []) -> Field {
        Field(pointer: "/auth/0/fields/\(index)", key: key, label: "Label of " + key, type: type, supplier: .config,
              required: required, defaultValue: defaultValue, options: options)
    }

    static func spec(fields: [Field] = [], variantFields: [Field] = [field("token", .secret, index: 9)],
                     baseURL: Template = .literal("https://api.example.com", pointer: "/api/baseURL"),
                     kind: AuthKind = .bearerToken(BearerTokenAuth(token: token))) -> ConnectorSpec {
        ConnectorSpec(
            id: "acme", name: "Acme", categories: [.hris], docsURL: "https://docs.example.com",
            fields: fields, api: API(pointer: "/api", baseURL: baseURL),
            auth: [AuthVariant(pointer: "/auth/0", id: "token", label: "Token", fields: variantFields, kind: kind,
                               guide: Guide(pointer: "/auth/0/guide"))])
    }

    /// The rendered declaration named `name` (searched depth-first) of the generated file.
    static func declaration(_ name: String, in spec: ConnectorSpec) throws -> String {
        let file = try CodeGenerator.translate(spec, options: GenerationOptions(specPath: "Connectors/acme.json"))
        return try #require(find(name, in: file.declarations).map(SwiftRenderer.render), "no declaration \(name)")
    }

    static func find(_ name: String, in declarations: [SwiftDeclaration]) -> SwiftDeclaration? {
        for declaration in declarations {
            switch declaration {
            case .type(let type):
                if type.name == name { return declaration }
                if let found = find(name, in: type.members) { return found }
            case .function(let function) where function.name == name: return declaration
            case .property(let property) where property.name == name: return declaration
            default: continue
            }
        }
        return nil
    }

    // MARK: String literals

    static let literalCases: [(input: String, literal: String)] = [
        ("plain", "\"plain\""),
        ("a\"b\\c", #""a\"b\\c""#),
        ("\\(x)", #""\\(x)""#),
        ("\"\"\"", #""\"\"\"""#),
        ("l1\nl2\tt\r", #""l1\nl2\tt\r""#),
        ("\u{1}\u{7F}\u{2028}\u{2029}\u{202E}", #""\u{1}\u{7F}\u{2028}\u{2029}\u{202E}""#),
        ("#\"x\"#", ##""#\"x\"#""##),
        ("é🙂", "\"é🙂\""),
    ]

    @Test func stringLiteralEscapesQuotesBackslashesInterpolationAndControls() {
        for (input, literal) in Self.literalCases {
            #expect(SwiftStringLiteral.make(input) == literal)
        }
    }

    // MARK: Doc comments

    @Test func commentSanitiserSplitsEveryKindOfLineBreakAndShowsControls() {
        let cases: [(text: String, lines: [String])] = [
            ("", []),
            ("one", ["one"]),
            ("a\nb\r\nc\rd\u{2028}e\u{2029}f\u{85}g", ["a", "b", "c", "d", "e", "f", "g"]),
            ("*/ x\u{7}\u{202E}", ["*/ x\\u{7}\\u{202E}"]),
            ("trailing   \nnext", ["trailing", "next"]),
        ]
        for (text, lines) in cases {
            #expect(DocCommentText.lines(text) == lines)
        }
    }

    @Test func docCommentOfInjectedTextStaysAComment() throws {
        var spec = Self.spec()
        spec.name = "Evil */\npublic func injected() {}\r\u{2028}#if false"
        let rendered = try CodeGenerator.generate(spec, options: GenerationOptions(specPath: "Connectors/acme.json"))
        #expect(rendered.contains("/// Evil */\n/// public func injected() {}\n///\n/// #if false\n"))
        #expect(rendered.contains("    displayName: \"Evil */\\npublic func injected() {}\\r\\u{2028}#if false\",\n"))
        #expect(!rendered.contains("\npublic func injected"))
    }

    // MARK: Identifiers

    @Test func identifierMakerCamelCasesPrefixesDigitsAndEscapesKeywords() {
        var maker = IdentifierMaker()
        let cases: [(raw: String, style: IdentifierMaker.Style, identifier: String)] = [
            ("users:read", .lowerCamel, "usersRead"),
            ("https://www.example.com/auth/admin.directory", .lowerCamel, "httpsWwwExampleComAuthAdminDirectory"),
            ("2fa", .lowerCamel, "_2fa"),
            ("", .lowerCamel, "_unnamed"),
            ("🙂", .lowerCamel, "_unnamed2"),
            ("default", .lowerCamel, "`default`"),
            ("class", .lowerCamel, "`class`"),
            ("self", .lowerCamel, "self_"),
            ("init", .lowerCamel, "init_"),
            ("rawValue", .lowerCamel, "rawValue_"),
            ("Type", .upperCamel, "Type_"),
            ("api_key", .upperCamel, "ApiKey"),
            ("READ", .lowerCamel, "read"),
        ]
        for (raw, style, identifier) in cases {
            #expect(maker.make(raw, style: style) == identifier)
        }
    }

    @Test func identifierMakerGivesCollisionsDeterministicSuffixes() {
        var maker = IdentifierMaker(reserved: ["fields"])
        let cases: [(raw: String, style: IdentifierMaker.Style, identifier: String)] = [
            ("users.read", .lowerCamel, "usersRead"),
            ("users:read", .lowerCamel, "usersRead2"),
            ("users read", .lowerCamel, "usersRead3"),
            ("fields", .lowerCamel, "fields2"),
            ("default", .lowerCamel, "`default`"),
            ("default", .lowerCamel, "default2"),
        ]
        for (raw, style, identifier) in cases {
            #expect(maker.make(raw, style: style) == identifier)
        }
    }

    // MARK: Output naming

    @Test func outputNamesComeFromFileNamesAndCollisionsAreReported() {
        let typeName: String = OutputNaming.typeName(forSpecID: "smartsheet_iam")
        #expect(typeName == "SmartsheetIam")
        let fileName: String = OutputNaming.outputFileName(forSpecPath: "Connectors/zelt.json")
        #expect(fileName == "Zelt.swift")
        let plan = OutputNaming.plan(specPaths: ["a/a_b.json", "b/a__b.json", "c/swift.json", "d/zelt.json"])
        let fileNames: [String] = plan.outputs.map(\.fileName)
        #expect(fileNames == ["AB.swift", "AB.swift", "Swift.swift", "Zelt.swift"])
        let problems: [String] = plan.problems
        #expect(problems.count == 2)
        let collision: Bool = problems.first?.contains("b/a__b.json") == true && problems.first?.contains("a/a_b.json") == true
        #expect(collision)
        let reserved: Bool = problems.last?.contains("reserved") == true
        #expect(reserved)
    }

    // MARK: Fields and enums

    /// An optional select field in a template: its enum is `Fields.Region` from the variant's
    /// `configuration(_:)` (the bare name did not compile; make bench-typecheck's synthetic specs found it).
    @Test func optionalSelectFieldInATemplateNamesItsEnumInFields() throws {
        let region = Self.field(
            "region", .select, index: 0, required: false, options: [.init(value: "eu", label: "Europe")])
        let baseURL = Template(
            pointer: "/api/baseURL", raw: "https://{{region}}.example.com",
            parts: [.literal("https://"), .placeholder(.field("region"), filters: []), .literal(".example.com")])
        let rendered = try Self.declaration("configuration", in: Self.spec(fields: [region], baseURL: baseURL))
        #expect(rendered.contains("guard let value0: Fields.Region = fields.region else {"))
    }

    @Test func selectFieldBecomesAStringEnumWithOptionCases() throws {
        let region = Self.field(
            "region", .select, index: 0, defaultValue: "eu-1",
            options: [.init(value: "eu-1", label: "Europe"), .init(value: "default", label: "The \"default\"\nregion")])
        let rendered = try Self.declaration("Region", in: Self.spec(fields: [region]))
        #expect(rendered == """
            /// The options of Label of region.
            ///
            /// - Remark: Generated from `Connectors/acme.json#/auth/0/fields/0/options`
            public enum Region: Swift.RawRepresentable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable {
                /// Europe
                ///
                /// - Remark: Generated from `Connectors/acme.json#/auth/0/fields/0/options/0`
                case eu1
                /// The "default"
                /// region
                ///
                /// - Remark: Generated from `Connectors/acme.json#/auth/0/fields/0/options/1`
                case `default`

                /// The option's value, as the provider expects it.
                public var rawValue: Swift.String {
                    switch self {
                        case .eu1: "eu-1"
                        case .`default`: "default"
                    }
                }

                /// The case whose raw value is `rawValue`, or `nil`.
                public init?(rawValue: Swift.String) {
                    for candidate: Self in Self.allCases where candidate.rawValue == rawValue {
                        self = candidate
                        return
                    }
                    return nil
                }

                /// Every case, in the spec's order.
                public static var allCases: [Region] {
                    [
                        Region.eu1,
                        Region.`default`,
                    ]
                }
            }

            """)
        let initializer = try Self.declaration("Fields", in: Self.spec(fields: [region]))
        #expect(initializer.contains("public init(region: Region = Region.eu1, token: ConnectorRuntime.Secret) {"))
    }

    @Test func fieldTypesAndOptionalityMapToSwiftTypes() throws {
        let fields = [
            Self.field("name", .text, index: 0), Self.field("port", .number, index: 1, defaultValue: "8443"),
            Self.field("sandbox", .boolean, index: 2, defaultValue: "false"), Self.field("note", .email, index: 3, required: false),
        ]
        let rendered = try Self.declaration("Fields", in: Self.spec(fields: fields))
        let properties: [String] = [
            "public let name: Swift.String\n", "public let port: Swift.Int\n", "public let sandbox: Swift.Bool\n",
            "public let note: Swift.String?\n", "public let token: ConnectorRuntime.Secret\n",
        ]
        for property in properties {
            #expect(rendered.contains(property))
        }
        #expect(rendered.contains("name: Swift.String,\n        port: Swift.Int = 8443,\n        sandbox: Swift.Bool = false,\n        note: Swift.String? = nil,\n        token: ConnectorRuntime.Secret,\n"))
    }

    @Test func scopeEnumHasExactRawValuesDescriptionsAndDefaults() throws {
        let common = OAuth2Common(
            clientId: .literal("client", pointer: "/auth/0/clientId"), clientSecret: nil,
            tokenURL: .literal("https://example.com/token", pointer: "/auth/0/tokenURL"), clientAuth: .none,
            scopes: Scopes(
                pointer: "/auth/0/scopes", defaults: ["users:read", "extra"],
                catalog: [ScopeEntry(pointer: "/auth/0/scopes/catalog/0", name: "users:read", description: "Read users.\n*/ no")]))
        let kind = AuthKind.oauth2ClientCredentials(OAuth2ClientCredentials(common: common))
        let spec = Self.spec(variantFields: [], kind: kind)
        #expect(try Self.declaration("Scope", in: spec) == """
            /// A scope of Token; the raw value is the provider's scope name.
            ///
            /// - Remark: Generated from `Connectors/acme.json#/auth/0/scopes`
            public enum Scope: Swift.RawRepresentable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable {
                /// Read users.
                /// */ no
                ///
                /// - Remark: Generated from `Connectors/acme.json#/auth/0/scopes/catalog/0`
                case usersRead
                /// - Remark: Generated from `Connectors/acme.json#/auth/0/scopes`
                case extra

                /// The provider's name of the scope.
                public var rawValue: Swift.String {
                    switch self {
                        case .usersRead: "users:read"
                        case .extra: "extra"
                    }
                }

                /// The case whose raw value is `rawValue`, or `nil`.
                public init?(rawValue: Swift.String) {
                    for candidate: Self in Self.allCases where candidate.rawValue == rawValue {
                        self = candidate
                        return
                    }
                    return nil
                }

                /// Every case, in the spec's order.
                public static var allCases: [Scope] {
                    [
                        Scope.usersRead,
                        Scope.extra,
                    ]
                }
            }

            """)
        #expect(try Self.declaration("defaultScopes", in: spec).hasSuffix("""
            public static var defaultScopes: [Scope] {
                [
                    Scope.usersRead,
                    Scope.extra,
                ]
            }

            """))
    }

    // MARK: Templates

    @Test func templateBecomesStringBuildingWithFiltersAndACheckedURL() throws {
        let baseURL = Template(
            pointer: "/api/baseURL", raw: "https://{{sub}}.example.com/{{tenant | urlencode | base64}}/{{port}}",
            parts: [
                .literal("https://"), .placeholder(.field("sub"), filters: []), .literal(".example.com/"),
                .placeholder(.field("tenant"), filters: [.urlencode, .base64]), .literal("/"),
                .placeholder(.field("port"), filters: []),
            ])
        let fields = [
            Self.field("sub", .hostname, index: 0), Self.field("tenant", .text, index: 1, required: false),
            Self.field("port", .number, index: 2),
        ]
        #expect(try Self.declaration("configuration", in: Self.spec(fields: fields, baseURL: baseURL)).contains("""
                // Where API requests go.
                // Generated from `Connectors/acme.json#/api/baseURL`
                let baseURLAddress: Foundation.URL
                do {
                    var text: Swift.String = ""
                    text += "https://"
                    text += fields.sub
                    text += ".example.com/"
                    guard let value0: Swift.String = fields.tenant else {
                        throw ConnectorRuntime.ConnectorError.invalidField(key: "tenant", reason: "is required for this connection")
                    }
                    text += ConnectorRuntime.TemplateFilters.base64(ConnectorRuntime.TemplateFilters.urlencode(value0))
                    text += "/"
                    text += Swift.String(fields.port)
                    baseURLAddress = try ConnectorRuntime.URLCheck.url(text, pointer: "/api/baseURL")
                }
                let baseURL: ConnectorRuntime.BaseURL = ConnectorRuntime.BaseURL.fixed(baseURLAddress)

            """))
    }

    @Test func secretTemplateRevealsOnlyWhereItIsCombined() throws {
        let token = Template(
            pointer: "/auth/0/token", raw: "pre-{{token}}", parts: [.literal("pre-"), .placeholder(.field("token"), filters: [])])
        let spec = Self.spec(kind: .bearerToken(BearerTokenAuth(token: token)))
        #expect(try Self.declaration("configuration", in: spec).contains("""
                    // The bearer token.
                    // Generated from `Connectors/acme.json#/auth/0/token`
                    let token: ConnectorRuntime.Secret
                    do {
                        var text: Swift.String = ""
                        text += "pre-"
                        text += fields.token.reveal()
                        token = ConnectorRuntime.Secret(text)
                    }
                    auth = ConnectorRuntime.AuthScheme.bearer(token)

            """))
        #expect(try Self.declaration("configuration", in: Self.spec()).contains(
            "        let token: ConnectorRuntime.Secret = fields.token\n        auth = ConnectorRuntime.AuthScheme.bearer(token)\n"))
    }

    @Test func tokenResponseFieldInBaseURLResolvesLazily() throws {
        let baseURL = Template(
            pointer: "/auth/0/baseURL", raw: "{{token.instance_url}}/x",
            parts: [.placeholder(.tokenField("instance_url"), filters: []), .literal("/x")])
        var spec = Self.spec()
        spec.auth[0].baseURL = baseURL
        #expect(try Self.declaration("configuration", in: spec).contains("""
                let baseURL: ConnectorRuntime.BaseURL = ConnectorRuntime.BaseURL.fromTokenResponse { (token: [Swift.String: Swift.String]) throws(ConnectorRuntime.ConnectorError) -> Foundation.URL in
                    var text: Swift.String = ""
                    guard let token0: Swift.String = token["instance_url"] else {
                        throw ConnectorRuntime.ConnectorError.misconfigured("The token response has no field instance_url.")
                    }
                    text += token0
                    text += "/x"
                    return try ConnectorRuntime.URLCheck.url(text, pointer: "/auth/0/baseURL")
                }

            """))
    }

    @Test func variantHasNoHelperFunctionsOnlyConfiguration() throws {
        // Builders are inline (Inlining.swift): a helper function per URL or credential would be
        // serialized into the module interface and slow every incremental build of a big catalog.
        let file = try CodeGenerator.translate(Self.spec(), options: GenerationOptions(specPath: "Connectors/acme.json"))
        guard case .type(let namespace)? = file.declarations.first, case .type(let variant)? = namespace.members.last else {
            Issue.record("unexpected file shape")
            return
        }
        let functions: [String] = variant.members.compactMap { member in
            if case .function(let function) = member { function.name } else { nil }
        }
        #expect(functions == ["configuration"])
    }

    @Test func tokenFieldInConnectorLevelHeadersIsAGenerationError() {
        let header = NamedTemplate(
            pointer: "/api/headers/X", name: "X",
            value: Template(pointer: "/api/headers/X", raw: "{{token.a}}", parts: [.placeholder(.tokenField("a"), filters: [])]))
        var spec = Self.spec()
        spec.api.headers = [header]
        #expect(throws: GenerationError.self) { try CodeGenerator.generate(spec, options: GenerationOptions(specPath: "x.json")) }
    }

    @Test func discoveredValueInConnectorLevelHeadersIsAGenerationError() {
        let header = NamedTemplate(
            pointer: "/api/headers/X", name: "X",
            value: Template(pointer: "/api/headers/X", raw: "{{discovered.a}}", parts: [.placeholder(.discovered("a"), filters: [])]))
        var spec = Self.spec()
        spec.api.headers = [header]
        #expect(throws: GenerationError.self) { try CodeGenerator.generate(spec, options: GenerationOptions(specPath: "x.json")) }
    }

    // MARK: File shape

    @Test func headerNamesTheGeneratorAndTheSpecAndImportsAreMinimal() throws {
        let rendered = try CodeGenerator.generate(Self.spec(), options: GenerationOptions(specPath: "Connectors/acme.json"))
        #expect(rendered.hasPrefix("""
            // Generated by connector-compiler \(ConnectorCompiler.version) from Connectors/acme.json. Do not edit.
            // swift-format-ignore-file

            public import ConnectorRuntime
            import Foundation

            /// Acme
            ///
            /// - Remark: Generated from `Connectors/acme.json`
            public enum Acme: ConnectorRuntime.ConnectorDefinition {
            """))
        #expect(!rendered.contains("URL(string:"))
        #expect(!rendered.contains("{{"))
    }

    @Test func catalogListsTypesOnePerLineAndIsValidWithNone() {
        #expect(CodeGenerator.generateCatalog(typeNames: ["Zelt", "Acme"]).contains("""
                public static var all: [any ConnectorRuntime.ConnectorDefinition.Type] {
                    [
                        Zelt.self,
                        Acme.self,
                    ]
                }
            """))
        #expect(CodeGenerator.generateCatalog(typeNames: []).contains(
            "public static var all: [any ConnectorRuntime.ConnectorDefinition.Type] { [] }\n"))
    }

    /// One array literal of 1,000 metatypes took the type checker about 110 ms (issue 17): a large
    /// catalog is built from literals of at most `catalogChunkSize` connectors, in spec order.
    @Test func largeCatalogIsBuiltFromSmallLiterals() {
        let names = (1...1_000).map { "Spec\($0)" }
        let text = CodeGenerator.generateCatalog(typeNames: names)
        #expect(text.contains("""
                public static var all: [any ConnectorRuntime.ConnectorDefinition.Type] {
                    var all: [any ConnectorRuntime.ConnectorDefinition.Type] = []
                    all.reserveCapacity(1000)
                    all.append(contentsOf: part0)
            """))
        #expect(text.contains("""
                    all.append(contentsOf: part9)
                    return all
                }
            """))
        #expect(text.contains("""
                /// Connectors 901 to 1000 of `all`.
                private static var part9: [any ConnectorRuntime.ConnectorDefinition.Type] {
                    [
                        Spec901.self,
            """))
        // Every name once, in order; no array literal holds more than catalogChunkSize of them.
        let lines = text.split(separator: "\n").map { $0.drop { $0 == " " } }
        #expect(lines.filter { $0.hasSuffix(".self,") } == names.map { Substring($0 + ".self,") })
        var literal = 0
        var longest = 0
        for line in lines {
            if line == "[" { literal = 0 } else if line.hasSuffix(".self,") { literal += 1; longest = max(longest, literal) }
        }
        #expect(longest == CodeGenerator.catalogChunkSize)
        // Up to catalogChunkSize connectors: one literal, as before.
        #expect(!CodeGenerator.generateCatalog(typeNames: Array(names.prefix(100))).contains("part0"))
    }
}
