// Rules the JSON Schema cannot express: templates and the fields they refer to, URLs, secrets,
// duplicates, scopes, regular expressions, defaults, the verification request and the file name.
// Works on the JSON tree so it can run even when the structure has errors; every check skips
// values of the wrong kind (the structural validator reports those).
//
// This file holds the shared state and the order of the checks; each rule family lives in its own
// file under Rules/: FieldRules, APIRules, AuthVariantRules, ScopeRules, TemplateRules, URLRules,
// RequestRules, ClientRules, SwiftNameRules (and ResourceSwiftNameRules), TokenFieldRules and ResourceRules.

import Foundation

struct SemanticValidator {
    var collector: DiagnosticCollector
    let root: JSONNode
    let source: [UInt8]

    /// A declared field.
    struct FieldInfo {
        var key: String
        var keyNode: JSONNode
        var type: String?
        var variant: Int?
    }

    /// Where a template is used, which decides what it may refer to and which warnings apply.
    enum SlotKind {
        /// An absolute URL (base, token, authorize... URLs).
        case url
        /// Carries credentials (auth parameters, token request parameters).
        case credential
        /// Sent in the clear in a URL query (authorize parameters, verify path).
        case query
        /// Sent with every request but not a credential (`api.headers`).
        case plain
    }

    struct Slot {
        var node: JSONNode
        var label: String
        var kind: SlotKind
        var allowsToken = false
        var allowsRedirectURI = false
        /// `{{discovered.NAME}}` (a variant's `baseURL`).
        var allowsDiscovered = false
    }

    var connectorFields: [FieldInfo] = []
    var variantFields: [[FieldInfo]] = []
    var usedKeys: [Set<String>] = []  // index 0: connector-level, i + 1: variant i
    var usedConnectorKeys: Set<String> = []
    /// Variants whose templates could not all be read (syntax errors, unknown type): their
    /// fields' use is unknown, so no field-unused warnings for them.
    var unreliableUse: Set<Int?> = []
    /// Discovered values used by the templates of the variant being checked.
    var usedDiscovered: Set<String> = []
    /// Token-response fields used by the templates of the variant being checked.
    var usedTokenFields: Set<String> = []

    init(collector: DiagnosticCollector, root: JSONNode, source: [UInt8]) {
        self.collector = collector
        self.root = root
        self.source = source
    }

    mutating func validate() {
        checkFileName()
        connectorFields = collectFields(root["fields"], variant: nil)
        let variants = root["auth"]?.arrayValue ?? []
        for (index, variant) in variants.enumerated() {
            variantFields.append(collectFields(variant["fields"], variant: index))
        }
        usedKeys = Array(repeating: [], count: variants.count + 1)
        checkDuplicateFields()
        checkDuplicateVariantIDs(variants)

        for url in [root["docsURL"]].compactMap({ $0 }) + (root["sources"]?.arrayValue ?? []) {
            guard let text = url.stringValue, !text.isEmpty else { continue }
            checkLiteralURL(url, text: text, label: url.pointer == "/docsURL" ? "'docsURL'" : "a source URL")
        }
        checkAPI()
        for (index, variant) in variants.enumerated() where variant.members != nil {
            checkVariant(variant, index: index)
        }
        useResourcePathFields()
        useActionPathFields()
        checkUnusedFields()
        var requests = RequestRules(collector: collector, root: root)
        requests.check()
        var clients = ClientRules(collector: requests.collector, root: root, source: source)
        clients.check()
        var names = SwiftNameRules(collector: clients.collector, root: root)
        names.check()
        names.checkResources()
        var resources = ResourceRules(collector: names.collector, root: root, source: source)
        resources.check()
        var mappings = MappingRules(collector: resources.collector, root: root)
        mappings.check()
        var actions = ActionRules(collector: mappings.collector, root: root, source: source)
        actions.check()
        var operations = OperationRules(collector: actions.collector, root: root)
        operations.check()
        collector = operations.collector
    }

    // MARK: - File name

    mutating func checkFileName() {
        guard let idNode = root["id"], let id = idNode.stringValue,
              StructuralValidator.matches(id, SpecFormat.identifierPattern.regex) else { return }
        let name = (collector.file as NSString).lastPathComponent
        guard name != "\(id).json" else { return }
        collector.error(
            "id-file-name", "the connector id does not match the file name",
            hint: "name the file '\(id).json' or change 'id' to match it", at: idNode.position, pointer: idNode.pointer)
    }
}
