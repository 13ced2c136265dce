import Testing

@testable import ConnectorCompilerCore

@Suite struct DiagnosticFormatterTests {
    let diagnostic = Diagnostic(
        severity: .error, rule: "unknown-key", message: "unknown key 'nmae' in the connector",
        hint: "did you mean 'name'?", file: "Connectors/a,b.json", line: 3, column: 5, pointer: "/nmae")

    @Test func textIsSwiftcStyle() {
        #expect(DiagnosticFormatter.text([diagnostic])
            == "Connectors/a,b.json:3:5: error: unknown key 'nmae' in the connector (did you mean 'name'?) [unknown-key]\n")
    }

    @Test func jsonHasEveryField() {
        let expected = """
            [
              {"file": "Connectors/a,b.json", "line": 3, "column": 5, "severity": "error", "rule": "unknown-key", \
            "message": "unknown key 'nmae' in the connector", "hint": "did you mean 'name'?", "pointer": "/nmae"}
            ]

            """
        #expect(DiagnosticFormatter.json([diagnostic]) == expected)
    }

    @Test func jsonIsStrictJSON() throws {
        let root = try JSONReader.read(Array(DiagnosticFormatter.json([diagnostic]).utf8))
        let keys: [String] = root.arrayValue?.first?.members?.map(\.key) ?? []
        #expect(keys == ["file", "line", "column", "severity", "rule", "message", "hint", "pointer"])
    }

    @Test func jsonOfNoDiagnosticsIsAnEmptyArray() {
        #expect(DiagnosticFormatter.json([]) == "[]\n")
    }

    @Test func githubAnnotationsEscapeProperties() {
        #expect(DiagnosticFormatter.github([diagnostic])
            == "::error file=Connectors/a%2Cb.json,line=3,col=5,title=unknown-key::unknown key 'nmae' in the connector (did you mean 'name'?)\n")
    }
}
