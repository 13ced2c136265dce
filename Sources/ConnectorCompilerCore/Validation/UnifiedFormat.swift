// The structure of the spec's `unified` key (see `UnifiedMapping`). Expressions are checked by
// `MappingRules`, which knows the record and the model; the structure here only says where they go.

extension SpecFormat {
    static let unifiedKinds: [ObjectKind] = [unifiedMappingKind]

    static let unifiedKey = KeySpec(
        "unified", .array(.object("unifiedMapping"), minItems: 1),
        "Unified models (`Schemas/models/`) the resources fill: one entry per model, naming the resource and an expression per model field.")

    static let unifiedMappingKind: ObjectKind = ObjectKind(
        name: "unifiedMapping",
        description: "One resource mapped to one unified model, field by field.",
        keys: [
            KeySpec("model", .string(), required: true,
                    "The unified model, e.g. `hris.employee` or `iam.user` (a file of `Schemas/models/`)."),
            KeySpec("resource", .string(pattern: resourceNamePattern), required: true,
                    "The resource whose records fill the model."),
            KeySpec("description", .string(), "What the mapping leaves out or assumes, for the coverage docs."),
            KeySpec("fields", .anyJSON, required: true,
                    "Model field → expression: a JSON pointer into the record (`\"/work/title\"`) or one of `{\"const\": v}`, `{\"firstOf\": [...]}`, `{\"concat\": [...], \"separator\": \" \"}`, `{\"split\": e, \"separator\": \",\", \"index\": 0}`, `{\"date\": e, \"format\": \"dd/MM/yyyy\"}`, `{\"number\": e}`, `{\"string\": e}`, `{\"enum\": e, \"map\": {\"Active\": \"active\"}}`, `{\"pluck\": \"/groups\", \"field\": \"/value\"}`."),
            KeySpec("operations", .anyJSON,
                    "Unified operations of the model (its file's `operations`, e.g. `create`) bound to actions of the connector: `{\"create\": {\"action\": \"addUser\", \"inputs\": {\"email\": \"/email\"}}}`, each action input given by an expression over the operation's inputs (enum maps go from unified to provider values); `notDestructiveBecause` says why a destructive operation's action is not destructive."),
        ])
}
