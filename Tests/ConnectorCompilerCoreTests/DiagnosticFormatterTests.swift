import Testing

@testable import ConnectorCompilerCore

@Suite struct DiagnosticFormatterTests {
    let diagnostic = Diagnostic(
        severity: .error, rule: "unknown-key", message: "unknown key 'nmae' in the connector",
        hint: "did you mean 'name'?", file: "Connectors/a,b.json", line: 3, column: 5, pointer: "/nmae")

    @Test func textIsSwiftcStyle() {
        #expect(DiagnosticFormatter.text([diagnostic])
            == "Connectors/a,b.json:3:5: error: unknown key 'nmae' in the connector (did you mean 'name'?)\n")
    }

    @Test func jsonHasEveryFieldAndParsesBack() throws {
        let text = DiagnosticFormatter.json([diagnostic])
        let root = try JSONReader.read(Array(text.utf8))
        let entry = try #require(root.arrayValue?.first)
        #expect(entry["file"]?.stringValue == "Connectors/a,b.json")
        #expect(entry["line"]?.intValue == 3)
        #expect(entry["column"]?.intValue == 5)
        #expect(entry["severity"]?.stringValue == "error")
        #expect(entry["rule"]?.stringValue == "unknown-key")
        #expect(entry["hint"]?.stringValue == "did you mean 'name'?")
        #expect(entry["pointer"]?.stringValue == "/nmae")
        #expect(DiagnosticFormatter.json([]) == "[]\n")
    }

    @Test func githubAnnotationsEscapeProperties() {
        #expect(DiagnosticFormatter.github([diagnostic])
            == "::error file=Connectors/a%2Cb.json,line=3,col=5,title=unknown-key::unknown key 'nmae' in the connector (did you mean 'name'?)\n")
    }
}
