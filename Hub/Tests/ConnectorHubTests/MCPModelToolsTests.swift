// The MCP tools of unified models, unified operations and actions (MCPModelTools.swift), over the
// whole compiled catalog: every action and bound operation has a tool, a destructive one asks for
// `confirm` and says so in its annotations, every mapped model has its list and get tools. The
// calls themselves run against the provider emulations in `make hub-mcp-test` (hub_mcp.py).
@testable import ConnectorHub
import ConnectorRuntime
import Connectors
import Testing

@Suite struct MCPModelToolsTests {
    @Test func everyActionAndBoundOperationHasAToolThatConfirmsDestructiveOnes() throws {
        let catalog = MCPCatalog.shared
        var checked = 0
        for entry in ConnectorCatalog.all {
            let descriptor = entry.descriptor
            for variant in descriptor.authVariants where catalog.resources[descriptor.id] != nil {
                let tools = Dictionary(
                    catalog.tools(connector: descriptor.id, variants: [variant.id]).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                var writes: [(name: String, destructive: Bool, method: String)] = variant.actions.map {
                    (MCPCatalog.toolName(descriptor.id, "action", $0.id), $0.destructive, $0.method)
                }
                writes += variant.unifiedOperations.map {
                    (MCPCatalog.toolName(descriptor.id, "unified_" + $0.model, $0.operation), $0.destructive, $0.action.method)
                }
                for write in writes {
                    let tool = try #require(tools[write.name], "\(descriptor.id).\(variant.id): no tool \(write.name)")
                    guard case .object(let definition) = tool.definition(), case .object(let input)? = definition["inputSchema"],
                        case .array(let required)? = input["required"] ?? .array([])
                    else {
                        Issue.record("\(write.name): no input schema")
                        continue
                    }
                    #expect(required.contains(.string("confirm")) == write.destructive, "\(write.name)")
                    #expect(tool.hints.destructive == write.destructive && !tool.hints.readOnly, "\(write.name)")
                    #expect(tool.hints.idempotent == ["PUT", "DELETE"].contains(write.method), "\(write.name) \(write.method)")
                    checked += 1
                }
            }
        }
        // The catalog has actions (Smartsheet's three among them): the loop above ran.
        #expect(checked > 3)
    }

    /// A secret action input (Entra's initial password) is `writeOnly` in its tool's schema; the
    /// other inputs are not.
    @Test func aSecretInputIsWriteOnlyInTheActionsTool() throws {
        let tools = MCPCatalog.shared.tools(connector: "microsoft_entra_id", variants: ["client_credentials"])
        let tool = try #require(tools.first { $0.name == MCPCatalog.toolName("microsoft_entra_id", "action", "createUser") })
        guard case .object(let definition) = tool.definition(), case .object(let input)? = definition["inputSchema"],
            case .object(let properties)? = input["properties"]
        else {
            Issue.record("no input schema")
            return
        }
        let writeOnly = properties.filter { if case .object(let schema) = $0.value { schema["writeOnly"] == .bool(true) } else { false } }
        #expect(writeOnly.keys.sorted() == ["password"])
    }

    /// A unified operation's tool answers what `POST /unified/{model}/operations/{operation}`
    /// answers (both use unifiedOperationAnswer): its outputSchema is that answer's, the record
    /// named as the model's (with `remote` required), for every bound operation.
    @Test func unifiedOperationToolsOutputTheModelsRecord() throws {
        let catalog = MCPCatalog.shared
        var checked = 0
        for entry in ConnectorCatalog.all where catalog.resources[entry.descriptor.id] != nil {
            for variant in entry.descriptor.authVariants {
                let tools = catalog.tools(connector: entry.descriptor.id, variants: [variant.id])
                for binding in variant.unifiedOperations {
                    let name = MCPCatalog.toolName(entry.descriptor.id, "unified_" + binding.model, binding.operation)
                    let tool = try #require(tools.first { $0.name == name }, "no tool \(name)")
                    guard case .object(let output) = tool.outputSchema, case .object(let properties)? = output["properties"],
                        case .object(let record)? = properties["record"], case .string(let description)? = record["description"]
                    else {
                        Issue.record("\(name): no output schema")
                        continue
                    }
                    #expect(description.contains("unified \(binding.model) shape") && record["required"] == .array([.string("remote")]), "\(name)")
                    #expect(Set(properties.keys) == ["model", "operation", "action", "providerStatus", "id", "record", "remote", "conversionError", "truncated"], "\(name)")
                    #expect(output["required"] == .array(["model", "operation", "action", "providerStatus"].map { .string($0) }), "\(name)")
                    checked += 1
                }
            }
        }
        // Smartsheet's create, update and deactivate among them: the loop ran.
        #expect(checked >= 3)
    }

    /// A write's record over the 32 KiB cap is left out (`record` and `remote` of a unified
    /// answer alike) with `truncated` and the marker; the rest of the answer stays.
    @Test func aWrittenRecordOverTheCapIsLeftOutWithAMarker() {
        let big = JSONValue.object(["id": .string("7"), "notes": .string(String(repeating: "x", count: mcpResultByteCap))])
        let small: [String: JSONValue] = [
            "model": .string("iam.user"), "operation": .string("create"), "action": .string("addUser"), "providerStatus": .integer(200),
            "id": .string("7"), "record": .object(["id": .string("7"), "remote": .object(["id": .integer(7)])]),
        ]
        #expect(ConnectorHubService.written(small)["structuredContent"] == .object(small))
        var overRecord = small, overRemote = small
        overRecord["record"] = big
        overRemote["record"] = nil
        overRemote["remote"] = big
        for answer in [overRecord, overRemote] {
            let result = ConnectorHubService.written(answer)
            guard case .object(let structured)? = result["structuredContent"], case .array(let content)? = result["content"],
                case .string(let text)? = content.first?["text"]
            else {
                Issue.record("no result")
                continue
            }
            #expect(structured["record"] == nil && structured["remote"] == nil && structured["truncated"] == .bool(true))
            #expect(structured["id"] == .string("7") && structured["action"] == .string("addUser") && structured["providerStatus"] == .integer(200))
            #expect(text.hasSuffix("[truncated: the written record is larger than the 32 KiB result cap and was left out; the write happened]"))
        }
    }

    @Test func mappedModelsHaveListAndGetToolsWithTheModelsFields() throws {
        let tools = MCPCatalog.shared.tools(connector: "zelt", variants: ["oauth"])
        let names = tools.map(\.name)
        for name in ["zelt_unified_iam_user_list", "zelt_unified_iam_user_get", "zelt_unified_hris_employee_list", "zelt_unified_hris_employee_get"] {
            #expect(names.contains(name), "\(name)")
        }
        let list = try #require(tools.first { $0.name == "zelt_unified_iam_user_list" })
        #expect(list.hints.readOnly && list.hints.idempotent && !list.hints.destructive)
        #expect(Set(list.inputProperties.keys) == ["limit", "cursor"])
        guard case .object(let output) = list.outputSchema, case .object(let properties)? = output["properties"],
            case .object(let records)? = properties["records"], case .object(let item)? = records["items"]
        else {
            Issue.record("no records schema")
            return
        }
        #expect(item["required"] == .array([.string("id"), .string("userName"), .string("remote")]))
    }

    /// The unified operation tools offer only the inputs their binding reads.
    @Test func operationInputsAreTheOnesTheBindingReads() {
        #expect(MCPCatalog.reads("firstOf(/email,/userName)", "email"))
        #expect(MCPCatalog.reads("/email", "email"))
        #expect(!MCPCatalog.reads("/emails", "email"))
        #expect(!MCPCatalog.reads("/givenName", "given"))
        let create = MCPCatalog.shared.tools(connector: "smartsheet_iam", variants: ["access_token"])
            .first { $0.name == "smartsheet_iam_unified_iam_user_create" }
        #expect(create.map { Set($0.inputProperties.keys) } == ["userName", "email", "givenName", "familyName"])
    }
}
