// The Swift names generated code gives `resources` (the connector's and each variant's), asked of
// `SwiftNamePlan` like the other Swift-name rules, so `validate` reports exactly the renames the
// generator makes:
// - record fields are named by the provider (its JSON keys): a field whose property would be
//   renamed (`raw` is taken by the record as received, `first_name` and `firstName` both give
//   `firstName`, `self` cannot be a property) gets a `swift-name-renamed` warning with the name
//   to write in Swift; the same for the value enum of an `enum` field that another field or the
//   record's own name pushes to `2` (a reserved type name's fixed rename, `type` to `Type_`, is
//   documented instead: every `type` enum would carry a warning its author cannot act on);
// - operation inputs are named by the author (their `name` is the Swift parameter name, the
//   provider's name is `parameter`): a renamed parameter or input enum is a
//   `swift-name-reserved` error.

extension SwiftNameRules {
    mutating func checkResources() {
        var lists: [JSONNode] = []
        if let resources = root["resources"] { lists.append(resources) }
        for variant in root["auth"]?.arrayValue ?? [] {
            if let resources = variant["resources"] { lists.append(resources) }
        }
        // Shared records (`records`): their fields, under the record's `name`.
        for record in root["records"]?.arrayValue ?? [] where record.members != nil {
            checkRecordNames(record, recordKey: "name")
        }
        for list in lists {
            for resource in list.arrayValue ?? [] where resource.members != nil {
                checkRecordNames(resource)
                if let inputs = resource["list"]?["inputs"]?.arrayValue { checkInputNames(inputs) }
            }
        }
    }

    /// The nodes of `items`' `name`s, without the later of two equal names (reported by their own
    /// duplicate rules) and without names `valid` rejects (reported by the structural validator).
    private func nameNodes(_ items: [JSONNode], valid: (String) -> Bool = { _ in true }) -> [JSONNode] {
        var seen: Set<String> = []
        return items.compactMap { item in
            guard let node = item["name"], let name = node.stringValue, !name.isEmpty, valid(name),
                  seen.insert(name).inserted else { return nil }
            return node
        }
    }

    private mutating func checkRecordNames(_ resource: JSONNode, recordKey: String = "record") {
        let fields = resource["fields"]?.arrayValue ?? []
        let nodes = nameNodes(fields)
        let names = nodes.compactMap(\.stringValue)
        let properties = SwiftNamePlan.recordPropertyNames(names).map(SwiftNamePlan.unquoted)
        for (index, (node, name)) in zip(nodes, names).enumerated() {
            let generated = properties[index]
            let natural = SwiftNamePlan.naturalName(name, style: .lowerCamel)
            guard generated != natural || natural == "_unnamed" else { continue }
            let why: String
            if natural == "_unnamed" {
                why = "it has no ASCII letter or digit to name it by"
            } else if SwiftNamePlan.reservedRecordPropertyNames.contains(natural) {
                why = "'\(natural)' is reserved in generated code (the record as received)"
            } else if IdentifierMaker.unusableAsMember.contains(natural) {
                why = "'\(natural)' cannot be a property"
            } else if let owner = properties[..<index].firstIndex(of: natural) {
                why = "'\(natural)' is already the property of record field '\(names[owner])'"
            } else {
                why = "'\(natural)' is taken"
            }
            collector.warning(
                "swift-name-renamed",
                "record field '\(name)' is generated as the Swift property '\(generated)' because \(why)",
                hint: "write '\(generated)' in Swift; the field is still read from its JSON key '\(name)'",
                at: node.position, pointer: node.pointer)
        }

        guard let record = resource[recordKey]?.stringValue,
              StructuralValidator.matches(record, SpecFormat.recordTypePattern.regex) else { return }
        let enumNodes = nameNodes(fields.filter { $0["type"]?.stringValue == RecordField.FieldType.enum.rawValue })
        let enumNames = enumNodes.compactMap(\.stringValue)
        let types = SwiftNamePlan.recordEnumTypeNames(enumNames, record: record)
        for (index, (node, name)) in zip(enumNodes, enumNames).enumerated() {
            let natural = SwiftNamePlan.naturalName(name, style: .upperCamel)
            // A reserved type name has one fixed, documented rename (`type` gives `Type_`): no
            // warning, since the provider's field name cannot change and callers rarely write
            // the enum's name (`user.type == .known(.bot)`).
            guard types[index] != natural, !OutputNaming.reservedTypeNames.contains(natural),
                  !IdentifierMaker.unusableAsMember.contains(natural) else { continue }
            let why =
                natural == record ? "'\(natural)' is the record's own name"
                : types[..<index].firstIndex(of: natural).map { "'\(natural)' is already the enum of field '\(enumNames[$0])'" }
                ?? "'\(natural)' is taken"
            collector.warning(
                "swift-name-renamed",
                "the values of enum field '\(name)' are generated as the Swift enum '\(record).\(types[index])' because \(why)",
                hint: "write '\(record).\(types[index])' in Swift; the values are read unchanged", at: node.position,
                pointer: node.pointer)
        }
    }

    private mutating func checkInputNames(_ inputs: [JSONNode]) {
        let valid = { (name: String) in StructuralValidator.matches(name, SpecFormat.inputNamePattern.regex) }
        let nodes = nameNodes(inputs, valid: valid)
        let names = nodes.compactMap(\.stringValue)
        let reserved = (SwiftNamePlan.reservedInputNames
            + IdentifierMaker.unusableAsMember.sorted().filter { $0.first?.isLowercase == true }).joined(separator: ", ")
        var reported: Set<String> = []
        for (node, generated) in zip(nodes, SwiftNamePlan.inputParameterNames(names).map(SwiftNamePlan.unquoted)) {
            guard let name = node.stringValue, generated != name else { continue }
            reported.insert(name)
            collector.error(
                "swift-name-reserved",
                "input '\(name)' would generate the Swift parameter '\(generated)' because '\(name)' is reserved in generated code",
                hint: "choose another name and put the provider's name in \"parameter\"; reserved: \(reserved)",
                at: node.position, pointer: node.pointer)
        }
        let enumNodes = nameNodes(
            inputs.filter { $0["type"]?.stringValue == OperationInput.InputType.enum.rawValue }, valid: valid)
        let enumNames = enumNodes.compactMap(\.stringValue)
        for (node, generated) in zip(enumNodes, SwiftNamePlan.inputEnumTypeNames(enumNames)) {
            guard let name = node.stringValue, !reported.contains(name) else { continue }
            let natural = SwiftNamePlan.naturalName(name, style: .upperCamel)
            guard generated != natural else { continue }
            let reservedTypes = Set((OutputNaming.reservedTypeNames + IdentifierMaker.unusableAsMember.filter { $0.first?.isUppercase == true })
                .map { $0.prefix(1).lowercased() + $0.dropFirst() }).sorted()
            collector.error(
                "swift-name-reserved",
                "enum input '\(name)' would generate the Swift enum '\(generated)' because '\(natural)' is reserved in generated code",
                hint: "choose another name and put the provider's name in \"parameter\"; reserved: "
                    + reservedTypes.joined(separator: ", "),
                at: node.position, pointer: node.pointer)
        }
    }
}
