import ConnectorHub
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// Hub/openapi.json describes exactly the routes the Hub serves.
@Suite struct OpenAPITests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("openapi.json")

    static func documentedOperations() throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: document)) as? [String: Any]
        let paths = try #require(object?["paths"] as? [String: [String: Any]])
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                operations.insert(method.uppercased() + " " + path)
            }
        }
        return operations
    }

    @Test func documentIsOpenAPI31AndListsExactlyTheRoutedOperations() throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any]
        checkEqual(object?["openapi"] as? String, "3.1.0")
        let routed = Set(ConnectorHubService.apiOperations.map { $0.method + " " + $0.path })
        checkEqual(try Self.documentedOperations(), routed)
    }

    @Test func everyDocumentedOperationIsServedAndNeedsTheAppKey() async throws {
        let harness = try await HubHarness()
        let operations = try Self.documentedOperations()
        try await harness.run { client in
            for operation in operations.sorted() {
                let parts = operation.split(separator: " ")
                let uri = String(parts[1]).replacingOccurrences(of: "{id}", with: "acc_x").replacingOccurrences(of: "{path}", with: "users")
                let reply = try await client.request(HTTPTypes.HTTPRequest.Method(String(parts[0]))!, uri)
                checkEqual(reply.status, 401, "\(operation) is routed and refuses a request without the app key")
            }
        }
    }

    @Test func theLinkSessionEnumsAreTheCatalogsConnectorsAndCategories() throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any]
        let paths = object?["paths"] as? [String: Any]
        let post = (paths?["/v1/link-sessions"] as? [String: Any])?["post"] as? [String: Any]
        let body = ((post?["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        let properties = try #require((body?["schema"] as? [String: Any])?["properties"] as? [String: [String: Any]])
        func items(_ name: String) -> [String] { ((properties[name]?["items"] as? [String: Any])?["enum"] as? [String]) ?? [] }
        checkEqual(items("connectors"), ConnectorHubService.catalogConnectorIDs, "connectors: the catalog's ids")
        checkEqual(items("categories"), ConnectorHubService.catalogCategories, "categories: every category a connector has")
        checkEqual(properties["endUserId"]?["minLength"] as? Int, 1)
        checkEqual(properties["expiresInSeconds"]?["minimum"] as? Int, 60)
        checkEqual(properties["expiresInSeconds"]?["maximum"] as? Int, 604_800)
    }
}
