import Testing

@testable import ConnectorCompilerCore

@Suite struct TemplateParserTests {
    @Test func literalTextHasOneLiteralPart() throws {
        let template = try TemplateParser.parse("https://api.example.com/v1", pointer: "/api/baseURL")
        let expected = Template(pointer: "/api/baseURL", raw: "https://api.example.com/v1",
                                parts: [.literal("https://api.example.com/v1")])
        #expect(template == expected && template.isLiteral)
    }

    @Test func placeholdersSplitTheTemplate() throws {
        let template = try TemplateParser.parse("https://{{subdomain}}.example.com/{{ tenant }}", pointer: "")
        let expected: [TemplatePart] = [
            .literal("https://"), .placeholder(.field("subdomain"), filters: []), .literal(".example.com/"),
            .placeholder(.field("tenant"), filters: []),
        ]
        #expect(template.parts == expected)
    }

    @Test func fieldReferencesAreListedOnceInOrder() throws {
        let template = try TemplateParser.parse("{{b}}/{{a}}/{{b}}", pointer: "")
        #expect(template.fieldReferences == ["b", "a"])
    }

    @Test func filtersChainLeftToRight() throws {
        let template = try TemplateParser.parse("Basic {{ user | urlencode | base64 }}", pointer: "")
        #expect(template.parts == [.literal("Basic "), .placeholder(.field("user"), filters: [.urlencode, .base64])])
    }

    @Test func tokenAndRedirectReferences() throws {
        let template = try TemplateParser.parse("{{token.instance_url}}{{redirectURI}}", pointer: "")
        #expect(template.parts == [.placeholder(.tokenField("instance_url"), filters: []),
                                   .placeholder(.redirectURI, filters: [])])
        #expect(template.fieldReferences.isEmpty)
    }

    @Test func discoveredReferenceNamesADiscoveryValue() throws {
        let template = try TemplateParser.parse("https://x/{{ discovered.cloudId }}/rest", pointer: "")
        #expect(template.parts == [.literal("https://x/"), .placeholder(.discovered("cloudId"), filters: []), .literal("/rest")])
        #expect(template.fieldReferences.isEmpty)
    }

    @Test func loneBracesAreLiteral() throws {
        let template = try TemplateParser.parse("{\"a\": {b}} }}", pointer: "")
        #expect(template.parts == [.literal("{\"a\": {b}} }}")])
    }

    @Test(arguments: [
        ("x{{apiKey", "template-syntax", 1),
        ("{{ }}", "template-syntax", 0),
        ("ab{{apiKey | }}", "template-syntax", 2),
        ("{{apiKey | base46}}", "template-unknown-filter", 0),
        ("{{api key}}", "template-syntax", 0),
        ("{{token.}}", "template-syntax", 0),
        ("{{discovered.}}", "template-syntax", 0),
        ("{{discovered.1d}}", "template-syntax", 0),
        ("{{a{{b}}", "template-syntax", 0),
    ])
    func syntaxErrorsCarryRuleAndOffset(_ raw: String, _ rule: String, _ offset: Int) {
        #expect(throws: TemplateSyntaxError.self) { try TemplateParser.parse(raw, pointer: "") }
        do {
            _ = try TemplateParser.parse(raw, pointer: "")
        } catch {
            #expect(error.rule == rule)
            #expect(error.scalarOffset == offset)
        }
    }

    @Test func unknownFilterSuggestsTheClosestFilter() {
        do {
            _ = try TemplateParser.parse("{{apiKey | urlencod}}", pointer: "")
            Issue.record("expected an error")
        } catch {
            #expect(error.hint == "did you mean 'urlencode'?")
        }
    }

    @Test func positionsInsideStringsAccountForEscapesAndMultibyteCharacters() throws {
        // "é\u00e9\"{{x" decodes to é é " { { x: the placeholder starts at scalar 3.
        let source = Array(#"{"a": "é\u00e9\"{{x"}"#.utf8)
        let root = try JSONReader.read(source)
        let node = try #require(root["a"])
        let position = StringPositions.position(of: 3, in: node, source: source)
        #expect(position.line == 1)
        // Columns: '"' at 7, é 8, \u00e9 9-14, \" 15-16, '{' 17.
        #expect(position.column == 17)
    }
}
