import Foundation

// Renders docs/connectors/unified-coverage.md: per unified model, which connector fills which
// field (connector × field), with totals, from the specs' `unified` mappings. Written by
// `connector-compiler docs` next to the connection guides, so `make docs-check` keeps it fresh.

/// The coverage table of the unified models.
public enum UnifiedCoverageRenderer {
    /// The file name in the docs folder.
    public static let fileName = "unified-coverage.md"

    /// The page: one section per model, a row per connector that maps it.
    public static func render(_ specs: [ConnectorSpec]) -> String {
        var out: [String] = [
            "\(ConnectionGuideRenderer.generatedMarker). Do not edit: change the specs or Schemas/models/ and run `make docs`. -->",
            "# Unified model coverage",
            "",
            "Which connector fills which field of each [unified model](../unified.md), from the `unified` mappings of",
            "`Connectors/*.json` (a field counts when the connector's mapping, or any of its auth variants', fills it).",
            "",
        ]
        let sorted = specs.sorted { $0.id < $1.id }
        var summary: [String] = ["| model | version | connectors | fields | connectors by field (most to least) |", "| --- | --- | --- | --- | --- |"]
        var sections: [String] = []
        for model in UnifiedModelCatalog.models {
            var rows: [(spec: ConnectorSpec, fields: Set<String>, resources: [String])] = []
            for spec in sorted {
                var fields: Set<String> = []
                var resources: [String] = []
                let mappings = spec.unified + spec.auth.flatMap(\.unified)
                for mapping in mappings where mapping.model == model.id {
                    fields.formUnion(mapping.fields.map(\.name))
                    if !resources.contains(mapping.resource) { resources.append(mapping.resource) }
                }
                if !resources.isEmpty { rows.append((spec, fields, resources)) }
            }
            let counts = model.fields.map { field in rows.filter { $0.fields.contains(field.name) }.count }
            summary.append("| [`\(model.id)`](#\(model.id.replacingOccurrences(of: ".", with: ""))) | \(model.version) | \(rows.count) | \(model.fields.count) | "
                + zip(model.fields, counts).sorted { $0.1 > $1.1 }.map { "\($0.0.name) \($0.1)" }.joined(separator: ", ") + " |")
            sections += ["", "## \(model.id)", "", model.description, ""]
            guard !rows.isEmpty else {
                sections.append("No connector maps this model yet.")
                continue
            }
            sections.append("| connector | resource | " + model.fields.map { "`\($0.name)`" + ($0.required ? "*" : "") }.joined(separator: " | ") + " | fields |")
            sections.append("| --- | --- | " + model.fields.map { _ in ":-:" }.joined(separator: " | ") + " | --: |")
            for row in rows {
                let cells = model.fields.map { row.fields.contains($0.name) ? "✓" : "" }
                sections.append("| [\(row.spec.name)](\(ConnectionGuideRenderer.fileName(for: row.spec))) | "
                    + row.resources.map { "`\($0)`" }.joined(separator: ", ") + " | " + cells.joined(separator: " | ")
                    + " | \(row.fields.count)/\(model.fields.count) |")
            }
            sections.append("| **total** | | " + counts.map(String.init).joined(separator: " | ") + " | |")
            sections.append("")
            sections.append("`*`: required by the model.")
        }
        out += summary + sections
        return out.joined(separator: "\n") + "\n"
    }
}
