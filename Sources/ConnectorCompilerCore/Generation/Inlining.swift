// Builders are written inline in the variant's `configuration` function rather than as helper
// functions of their own.
//
// Why: every declaration of a generated file is type-checked and serialized by the compiler's
// module-emit job, which runs over *all* files of the module on every incremental build, while
// function bodies are skipped there. With a 1,000-connector catalog, one helper function per URL,
// header and parameter made that job the largest part of a one-spec edit rebuild. A builder
// written as a `do { }` block inside `configuration` costs nothing in that job.
//
// A builder is still described as a `SwiftFunction` (its doc, result type and body, which ends with
// `return <value>`); `inline` turns it into statements:
//
//     // The token endpoint.
//     // Generated from `Connectors/zelt.json#/auth/0/tokenURL`
//     let tokenURL: Foundation.URL
//     do {
//         var text: Swift.String = ""
//         ...
//         tokenURL = try ConnectorRuntime.URLCheck.url(text, pointer: "/auth/0/tokenURL")
//     }
//
// and a body that is a single `return <value>` becomes `let tokenURL: Type = <value>`.

/// Turns builders into inline statements of the configuration function.
enum Inliner {
    /// The statements binding `local` to the value `builder` returns, preceded by its doc as line
    /// comments. With `local == nil` the builder returns nothing and its statements run in a block.
    ///
    /// Throws when the builder's body returns anywhere but in its last statement, or declares
    /// `local` itself: both would be generator bugs, reported rather than miscompiled.
    static func inline(_ builder: SwiftFunction, as local: String?) throws(GenerationError) -> [SwiftStatement] {
        var statements = comment(builder.doc)
        var body = builder.body
        guard let local else {
            try checkNoReturn(body, builder: builder)
            if !body.isEmpty { statements.append(.block(opening: "do {", body: body)) }
            return statements
        }
        let type = builder.returnType ?? ""
        // The value is the last `return` line and the lines continuing it (a multi-line call).
        guard let start = body.lastIndex(where: { if case .line(let text) = $0 { text.hasPrefix("return ") } else { false } }),
            body[start...].allSatisfy({ if case .line = $0 { true } else { false } }),
            case .line(let returnLine) = body[start]
        else {
            throw internalError(builder, "does not end with a return")
        }
        let value = String(returnLine.dropFirst("return ".count))
        let continuation = Array(body[(start + 1)...])
        body.removeSubrange(start...)
        try checkNoReturn(body, builder: builder)
        if declares(local, in: body) { throw internalError(builder, "declares its result name '\(local)'") }
        if body.isEmpty {
            statements.append(.line("let " + local + ": " + type + " = " + value))
            statements += continuation
        } else {
            statements.append(.line("let " + local + ": " + type))
            statements.append(.block(opening: "do {", body: body + [.line(local + " = " + value)] + continuation))
        }
        return statements
    }

    /// The builder's doc comment as `//` lines: its text, then where in the spec it comes from.
    static func comment(_ doc: SwiftDocComment) -> [SwiftStatement] {
        doc.lines.filter { !$0.isEmpty }.map { line in
            let remark = "- Remark: "
            return .line("// " + (line.hasPrefix(remark) ? String(line.dropFirst(remark.count)) : line))
        }
    }

    private static func checkNoReturn(_ body: [SwiftStatement], builder: SwiftFunction) throws(GenerationError) {
        for statement in body {
            switch statement {
            case .line(let text):
                if text.hasPrefix("return ") || text == "return" { throw internalError(builder, "returns early") }
            case .block(let opening, let inner):
                // A closure's body may return: it is a function of its own.
                if opening.hasSuffix(" in") { continue }
                try checkNoReturn(inner, builder: builder)
            }
        }
    }

    private static func declares(_ name: String, in body: [SwiftStatement]) -> Bool {
        let prefixes = ["let " + name + ":", "var " + name + ":", "guard let " + name + ":", "if let " + name + ":"]
        for statement in body {
            switch statement {
            case .line(let text), .block(let text, _):
                if prefixes.contains(where: text.hasPrefix) { return true }
            }
        }
        return false
    }

    private static func internalError(_ builder: SwiftFunction, _ problem: String) -> GenerationError {
        GenerationError(
            message: "Internal generator error: the builder '\(builder.name ?? "init")' \(problem); please report this.",
            pointer: "")
    }
}
