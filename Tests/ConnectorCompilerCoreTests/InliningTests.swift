// The inliner that writes builders into `configuration` as blocks (Inlining.swift).
@testable import ConnectorCompilerCore
import Testing

@Suite struct InliningTests {
    static func builder(_ body: [SwiftStatement], returnType: String? = "Swift.String") -> SwiftFunction {
        SwiftFunction(
            doc: SwiftDocComment(lines: ["The thing.", "", "- Remark: Generated from `x.json#/a`"]), name: "makeThing",
            parameters: [], throwsClause: SwiftNames.throwsClause, returnType: returnType, body: body)
    }

    static func render(_ statements: [SwiftStatement]) -> String {
        let function = SwiftFunction(doc: SwiftDocComment(lines: []), name: "f", parameters: [], body: statements)
        return SwiftRenderer.render(.function(function))
    }

    @Test func aSingleReturnBecomesOneBinding() throws {
        let statements = try Inliner.inline(Self.builder([.line("return fields.name")]), as: "thing")
        #expect(Self.render(statements) == """
            static func f() {
                // The thing.
                // Generated from `x.json#/a`
                let thing: Swift.String = fields.name
            }

            """)
    }

    @Test func aLongerBodyBecomesADoBlockAssigningTheResult() throws {
        let body: [SwiftStatement] = [
            .line("var text: Swift.String = \"\""),
            .block(opening: "guard let value0: Swift.String = fields.x else {", body: [.line("throw error")]),
            .line("text += value0"),
            .line("return Wrapper("),
            .line("    text: text"),
            .line(")"),
        ]
        let statements = try Inliner.inline(Self.builder(body, returnType: "Wrapper"), as: "thing")
        #expect(Self.render(statements) == """
            static func f() {
                // The thing.
                // Generated from `x.json#/a`
                let thing: Wrapper
                do {
                    var text: Swift.String = ""
                    guard let value0: Swift.String = fields.x else {
                        throw error
                    }
                    text += value0
                    thing = Wrapper(
                        text: text
                    )
                }
            }

            """)
    }

    @Test func aBuilderWithoutResultRunsInABlock() throws {
        let statements = try Inliner.inline(Self.builder([.line("_ = try check(fields.x)")], returnType: nil), as: nil)
        #expect(Self.render(statements).contains("    do {\n        _ = try check(fields.x)\n    }\n"))
        #expect(try Inliner.inline(Self.builder([], returnType: nil), as: nil).count == 2)
    }

    @Test func aClosureMayReturnInsideTheBody() throws {
        let body: [SwiftStatement] = [
            .block(opening: "let make: (Swift.Int) -> Swift.Int = { (x: Swift.Int) -> Swift.Int in", body: [.line("return x")]),
            .line("return make(1)"),
        ]
        let statements = try Inliner.inline(Self.builder(body, returnType: "Swift.Int"), as: "one")
        #expect(Self.render(statements).contains("        one = make(1)\n"))
    }

    @Test func anEarlyReturnIsAnInternalError() {
        let body: [SwiftStatement] = [
            .block(opening: "if fields.flag {", body: [.line("return \"a\"")]),
            .line("return \"b\""),
        ]
        #expect(throws: GenerationError.self) { try Inliner.inline(Self.builder(body), as: "thing") }
        #expect(throws: GenerationError.self) { try Inliner.inline(Self.builder([.line("return")], returnType: nil), as: nil) }
    }

    @Test func aBodyWithoutReturnOrDeclaringTheResultNameIsAnInternalError() {
        #expect(throws: GenerationError.self) { try Inliner.inline(Self.builder([.line("let x: Swift.Int = 1")]), as: "thing") }
        let shadowing: [SwiftStatement] = [.line("var thing: Swift.String = \"\""), .line("return thing")]
        #expect(throws: GenerationError.self) { try Inliner.inline(Self.builder(shadowing), as: "thing") }
    }
}
