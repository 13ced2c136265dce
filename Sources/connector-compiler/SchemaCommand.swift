// `connector-compiler schema`: prints the JSON Schema of the spec format.
import ConnectorCompilerCore

enum SchemaCommand: Subcommand {
    static let name = "schema"
    static let summary = "Print the JSON Schema of the spec format"
    static let usage = """
        USAGE: connector-compiler schema

        Prints the JSON Schema (draft 2020-12) of connector specs on stdout. It is generated from
        the same table the validator uses; Schemas/connector.schema.json is this output.

        EXIT CODES:
          0  printed
          2  usage error
        """

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.isEmpty else {
            printError("error: 'schema' takes no arguments\n\n\(usage)")
            return 2
        }
        print(SchemaGenerator.schemaText(), terminator: "")
        return 0
    }
}
