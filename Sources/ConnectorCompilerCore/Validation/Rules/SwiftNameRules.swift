// Rules about the Swift names generated code gives spec names. They ask `SwiftNamePlan` (the
// generator's own table) what each name becomes, so `validate` and `swift build` cannot disagree:
// - names the author chooses freely (connector id, variant ids, field keys) must not be renamed:
//   an error names the generated name and why;
// - names the provider chooses (scopes, option values), and the option enum of a select field
//   (whose property keeps the key), may be renamed: a warning shows the generated name, so the
//   author knows what to write in Swift.

struct SwiftNameRules {
    var collector: DiagnosticCollector
    let root: JSONNode

    mutating func check() {
        guard let idNode = root["id"], let id = idNode.stringValue,
              StructuralValidator.matches(id, SpecFormat.identifierPattern.regex) else { return }
        let connectorType = OutputNaming.typeName(forSpecID: id)
        if OutputNaming.reservedTypeNames.contains(connectorType) {
            collector.error(
                "swift-name-reserved", "connector id '\(id)' would generate the Swift type '\(connectorType)', which is reserved",
                hint: "choose another id (and file name); reserved: \(OutputNaming.reservedTypeNames.joined(separator: ", "))",
                at: idNode.position, pointer: idNode.pointer)
            return
        }
        let variants = root["auth"]?.arrayValue ?? []
        let idNodes = variants.map { variant -> JSONNode? in
            guard let node = variant["id"], let text = node.stringValue, !text.isEmpty else { return nil }
            return node
        }
        let usable = idNodes.compactMap { $0 }
        let typeNames = SwiftNamePlan.variantTypeNames(usable.compactMap(\.stringValue), connectorType: connectorType)
        var seenIDs: Set<String> = []
        var variantTypes: [Int: String] = [:]
        var position = 0
        for (index, node) in idNodes.enumerated() {
            guard let node, let raw = node.stringValue else { continue }
            let generated = typeNames[position]
            position += 1
            variantTypes[index] = generated
            // An exact duplicate id is reported by `duplicate-variant-id`.
            guard seenIDs.insert(raw).inserted else { continue }
            let natural = SwiftNamePlan.naturalName(raw, style: .upperCamel)
            guard generated != natural else { continue }
            collector.error(
                "swift-name-reserved",
                "auth variant id '\(raw)' would generate the Swift type '\(generated)' because '\(natural)' is \(takenBy(natural, connectorType: connectorType))",
                hint: "choose another id", at: node.position, pointer: node.pointer)
        }
        let connectorFields = fieldNodes(root["fields"])
        checkFields(connectorFields, variantType: nil, connectorType: connectorType, skip: 0, selectSkip: 0)
        for (index, variant) in variants.enumerated() {
            let fields = connectorFields + fieldNodes(variant["fields"])
            // Connector-level keys were reported once above; variant fields here.
            // Connector-level select fields are nested in every variant: checked with the first.
            checkFields(fields, variantType: variantTypes[index], connectorType: connectorType,
                        skip: connectorFields.count, selectSkip: index == 0 ? 0 : connectorFields.count)
            if let scopes = variant["scopes"] { checkScopes(scopes) }
        }
    }

    private func takenBy(_ natural: String, connectorType: String) -> String {
        if natural == connectorType { return "the connector's own type name" }
        if SwiftNamePlan.memberTypeNames.contains(natural) || OutputNaming.reservedTypeNames.contains(natural) {
            return "reserved"
        }
        return "already taken by another auth variant"
    }

    private func fieldNodes(_ list: JSONNode?) -> [JSONNode] {
        (list?.arrayValue ?? []).filter { field in
            guard let key = field["key"]?.stringValue else { return false }
            return StructuralValidator.matches(key, SpecFormat.fieldKeyPattern.regex)
        }
    }

    private mutating func checkFields(
        _ fields: [JSONNode], variantType: String?, connectorType: String, skip: Int, selectSkip: Int
    ) {
        let keys = fields.compactMap { $0["key"]?.stringValue }
        let names = SwiftNamePlan.fieldNames(keys)
        var seen: Set<String> = []
        for (index, field) in fields.enumerated() {
            guard let keyNode = field["key"], let key = keyNode.stringValue else { continue }
            let duplicate = !seen.insert(key).inserted
            guard index >= skip, !duplicate else { continue }  // duplicates: `duplicate-field-key`
            let generated = SwiftNamePlan.unquoted(names[index])
            if generated != key {
                collector.error(
                    "swift-name-reserved",
                    "field key '\(key)' would generate the Swift property '\(generated)' because '\(key)' is reserved in generated code",
                    hint: "choose another key; reserved: \(SwiftNamePlan.reservedFieldNames.joined(separator: ", ")), "
                        + "\(IdentifierMaker.unusableAsMember.sorted().filter { $0.first?.isLowercase == true }.joined(separator: ", "))",
                    at: keyNode.position, pointer: keyNode.pointer)
            }
        }
        guard let variantType else { return }
        let selects = fields.enumerated().filter { $0.element["type"]?.stringValue == Field.FieldType.select.rawValue }
        let selectKeys = selects.compactMap { $0.element["key"]?.stringValue }
        let typeNames = SwiftNamePlan.selectTypeNames(selectKeys, connectorType: connectorType, variantType: variantType)
        for ((index, field), typeName) in zip(selects, typeNames) {
            guard let keyNode = field["key"], let key = keyNode.stringValue else { continue }
            let natural = SwiftNamePlan.naturalName(key, style: .upperCamel)
            guard index >= selectSkip else { continue }
            if typeName != natural {
                // The property keeps the key; only the nested enum's name changes, so a warning.
                collector.warning(
                    "swift-name-renamed",
                    "the options of select field '\(key)' are generated as the Swift enum 'Fields.\(typeName)' because '\(natural)' is reserved or taken in generated code",
                    hint: "write 'Fields.\(typeName)' in Swift, or choose another key", at: keyNode.position, pointer: keyNode.pointer)
            }
            checkCases(field["options"]?.arrayValue ?? [], value: { $0["value"] }, what: "option")
        }
    }

    private mutating func checkScopes(_ scopes: JSONNode) {
        // The generator's order: catalogue entries, then default and required names not in it.
        var nodes: [JSONNode] = []
        var seen: Set<String> = []
        let lists = (scopes["catalog"]?.arrayValue ?? []).compactMap { $0["name"] }
            + (scopes["default"]?.arrayValue ?? []) + (scopes["required"]?.arrayValue ?? [])
        for node in lists {
            guard let name = node.stringValue, !name.isEmpty, seen.insert(name).inserted else { continue }
            nodes.append(node)
        }
        checkCases(nodes, value: { $0 }, what: "scope")
    }

    private mutating func checkCases(_ items: [JSONNode], value: (JSONNode) -> JSONNode?, what: String) {
        let nodes = items.compactMap(value).filter { $0.stringValue?.isEmpty == false }
        var unique: [JSONNode] = []
        var seen: Set<String> = []
        for node in nodes where seen.insert(node.stringValue ?? "").inserted { unique.append(node) }
        let names = SwiftNamePlan.caseNames(unique.compactMap(\.stringValue))
        for (node, name) in zip(unique, names) {
            guard let raw = node.stringValue else { continue }
            let generated = SwiftNamePlan.unquoted(name)
            let natural = SwiftNamePlan.naturalName(raw, style: .lowerCamel)
            // No ASCII letter or digit to make a name from: the generator invents one.
            let invented = natural == "_unnamed"
            guard generated != natural || invented else { continue }
            let why = invented
                ? "it has no ASCII letter or digit to name it by"
                : IdentifierMaker.unusableAsMember.contains(natural)
                ? "'\(natural)' cannot be an enum case" : "'\(natural)' is already the case of another \(what)"
            collector.warning(
                "swift-name-renamed", "\(what) '\(raw)' is generated as the Swift case '.\(generated)' because \(why)",
                hint: "write '.\(generated)' in Swift; the \(what) itself is sent unchanged",
                at: node.position, pointer: node.pointer)
        }
    }
}
