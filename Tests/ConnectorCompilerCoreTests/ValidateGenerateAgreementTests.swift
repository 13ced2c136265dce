// `validate` and the generator must never disagree: a spec that validates without errors must
// generate. Checked on every fixture and catalog spec, and on one-mistake mutations of an OAuth
// spec (a value put where authors put wrong ones: reserved names, request parts the runtime
// already sends, placeholders in the wrong slot). The hostile-input test (`make hostile-test`)
// then compiles generated code; this test covers the step before it, cheaply.
import Foundation
import Testing

@testable import ConnectorCompilerCore

@Suite struct ValidateGenerateAgreementTests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Connectors")

    static func generates(_ result: SpecLoadResult, file: String) -> String? {
        guard let spec = result.spec else { return nil }
        do {
            _ = try CodeGenerator.generate(spec, options: GenerationOptions(specPath: file))
            return nil
        } catch {
            return "\(file) validates without errors but does not generate: \(error.message)"
        }
    }

    @Test func everyFixtureAndCatalogSpecThatValidatesGenerates() throws {
        var specs = (Fixtures.specs(in: "valid") + Fixtures.specs(in: "invalid")).map { Fixtures.directory.appendingPathComponent($0) }
        specs += try FileManager.default.contentsOfDirectory(at: Self.catalog, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        var generated = 0
        for url in specs {
            let result = SpecLoader.load(bytes: [UInt8](try Data(contentsOf: url)), file: url.lastPathComponent)
            if let problem = Self.generates(result, file: url.lastPathComponent) { Issue.record(Comment(rawValue: problem)) }
            if result.spec != nil { generated += 1 }
        }
        #expect(generated >= 50)
    }

    /// A path into the base spec and the value put there.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var path: [String]
        /// The value as JSON text.
        var json: String
        var testDescription: String { path.joined(separator: "/") + " = " + json }
    }

    static let mutations: [Mutation] = {
        var list: [Mutation] = []
        func add(_ path: String, _ values: [Any]) {
            for value in values {
                let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
                list.append(Mutation(path: path.split(separator: "/").map(String.init), json: String(decoding: data, as: UTF8.self)))
            }
        }
        let urls: [Any] = [
            "https://api.example.com/v1?x=1", "https://api.example.com/#top", "https://api.example.com/{id}",
            "https://api.example.com/a b", "https://{{clientId}}.example.com", "https://api.example.com/{{token.x}}",
            "https://api.example.com/{{discovered.x}}", "https://api.example.com/{{redirectURI}}", "http://api.example.com",
            "https://user:pass@api.example.com", "https://[::1]:8443/v1", "https://exämple.com",
        ]
        for key in ["api/baseURL", "auth/0/baseURL", "auth/0/tokenURL", "auth/0/authorizeURL", "auth/0/refreshURL", "auth/0/revokeURL"] {
            add(key, urls)
        }
        let names = ["Authorization", "authorization", "Accept", "X Space", "", "Content-Length", "Host", "x-tenant"]
        let values: [Any] = ["v", "{{clientSecret}}", "{{token.region}}", "{{discovered.tenant}}", "a\r\nb", "{{redirectURI}}"]
        for header in names {
            for value in values {
                add("api/headers/" + header, [value])
                add("auth/0/headers/" + header, [value])
                add("auth/0/tokenHeaders/" + header, [value])
            }
        }
        for parameter in ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "client_id",
                          "client_secret", "state", "response_type", "code_challenge", "audience"] {
            add("auth/0/tokenParams/" + parameter, ["x", "{{redirectURI}}", "{{token.region}}"])
            add("auth/0/refreshParams/" + parameter, ["x", "{{redirectURI}}"])
            add("auth/0/authorizeParams/" + parameter, ["x", "{{redirectURI}}"])
        }
        add("id", ["swift", "self", "type", "any", "connectors", "connector_catalog", "foundation"])
        add("auth/0/id", ["fields", "scope", "self", "type", "agreement", "swift", "any", "protocol", "connector_runtime"])
        add("auth/0/scopes", [
            ["default": ["a.b", "a:b", "a-b"]], ["default": ["self", "init", "rawValue", "allCases"]], ["default": ["*", "?"]],
            ["default": ["read", "read"]], ["default": ["read"], "required": ["admin"]], ["default": ["1read", "_"]],
            ["default": ["default", "case", "Type"]], ["separator": ",", "default": ["a,b"]],
        ])
        add("auth/0/tokenResponseFields", [["access_token"], ["region", "region"], ["a b"], ["region"], ["discovered.x"]])
        add("auth/0/accountMetadata", [["scope"], ["workspace_id", "workspace_id"], ["x"]])
        add("auth/0/grantType", ["account_credentials", "password", "urn:ietf:params:oauth:grant-type:jwt-bearer"])
        add("auth/0/tokenRequestEncoding", ["json", "form"])
        add("api/verify", [
            ["path": "/me", "body": ["a": 1]], ["method": "POST", "path": "/me", "body": ["a": 1]],
            ["path": "https://api.example.com/me"], ["path": "https://other.example.com/me"], ["path": "/me#x"],
            ["path": "/me?{{clientSecret}}"], ["path": "/{{token.region}}"],
        ])
        add("auth/0/verify", [["path": "/{{discovered.tenant}}"], ["path": "https://api.example.com/me"]])
        // Resources: record fields and inputs whose Swift names collide or are reserved.
        let listOperation: (Any) -> [String: Any] = { inputs in
            ["path": "/users", "records": "", "inputs": inputs, "pagination": ["style": "none"]]
        }
        let resource: ([Any], Any) -> [String: Any] = { fields, inputs in
            ["name": "users", "record": "User", "fields": fields, "list": listOperation(inputs)]
        }
        let string: (String) -> [String: Any] = { ["name": $0, "type": "string"] }
        let enumField: (String) -> [String: Any] = { ["name": $0, "type": "enum", "values": ["a"]] }
        for fields in [
            [string("first_name"), string("firstName"), string("first-name")], [string("raw"), string("self"), string("init")],
            [enumField("user"), enumField("User")], [enumField("type"), enumField("self"), string("Type")],
            [string("名前"), string("_"), string("1st")], [enumField("swift"), string("connection"), string("record")],
        ] {
            add("resources", [[resource(fields, [] as [Any])]])
        }
        for name in ["options", "connection", "self", "type", "in", "default", "swift", "arguments"] {
            add("resources", [[resource([string("id")], [["name": name, "type": "string"]])]])
            add("resources", [[resource([string("id")], [["name": name, "type": "enum", "values": ["a"]]])]])
            add("auth/0/resources", [[resource([string("id")], [["name": name, "type": "string"]])]])
        }
        // Unified mappings: strings that need escaping in the generated program, every operator,
        // mistakes the rules must catch before the generator sees them, and variant-level mappings.
        let people: [String: Any] = [
            "name": "people", "record": "Person", "idField": "id",
            "fields": [string("id"), string("na\"me"), string("a/b"), ["name": "n", "type": "integer"],
                       ["name": "s", "type": "enum", "values": ["A\\", "B\"", "é"]],
                       ["name": "o", "type": "object", "fields": [string("x")]]],
            "list": listOperation([] as [Any]),
        ]
        let mapping: (Any) -> [[String: Any]] = { fields in [["model": "hris.employee", "resource": "people", "fields": fields]] }
        for fields: [String: Any] in [
            ["id": "/id", "firstName": "/na\"me", "lastName": "/a~1b", "jobTitle": "/o/x"],
            ["id": "/id", "displayName": ["concat": ["/na\"me", ["const": "\\ \"\u{1F600}"]], "separator": "\"\n"]],
            ["id": "/id", "employmentStatus": ["enum": "/s", "map": ["A\\": "active", "B\"": "leave", "é": "inactive"]]],
            ["id": "/id", "hireDate": ["date": "/na\"me", "format": "dd/MM/yyyy'\"'"], "employeeNumber": ["string": "/n"]],
            ["id": "/id", "firstName": ["split": "/na\"me", "separator": "\\", "index": 2], "workPhone": ["firstOf": ["/a~1b", ["const": 1]]]],
            ["id": "/id", "hireDate": "/na\"me"], ["id": "/nope"], ["firstName": "/id"], ["id": ["enum": "/s", "map": ["A": "x"]]],
            ["id": ["number": "/n"]], ["id": "/id", "manager": "/id"], ["id": "/id", "manager": ["const": true]],
        ] {
            add("resources", [[people]])
            list[list.count - 1] = Mutation(path: ["resources"], json: list[list.count - 1].json)
            let data = (try? JSONSerialization.data(withJSONObject: ["resources": [people], "unified": mapping(fields)], options: [.sortedKeys])) ?? Data()
            list.append(Mutation(path: [], json: String(decoding: data, as: UTF8.self)))
            let variantData = (try? JSONSerialization.data(withJSONObject: ["resources": [people], "unified": mapping(fields)], options: [.sortedKeys])) ?? Data()
            list.append(Mutation(path: ["auth", "0"], json: String(decoding: variantData, as: UTF8.self)))
        }
        // `pluck` (arrays of objects): escaping in both pointers, integer ids into references, and
        // the mistakes its rules catch (undeclared element fields, an array of strings, an object).
        let members: [String: Any] = [
            "name": "accounts", "record": "Account", "idField": "id",
            "fields": [string("id"), ["name": "tags", "type": "array", "items": "string"],
                       ["name": "opaque", "type": "array", "items": "object"],
                       ["name": "gr\"ps", "type": "array", "items": "object",
                        "fields": [string("va/l\\"), ["name": "n", "type": "integer"], ["name": "b", "type": "boolean"],
                                   ["name": "o", "type": "object", "fields": [string("x")]]]]],
            "list": listOperation([] as [Any]),
        ]
        for groups: Any in [
            ["pluck": "/gr\"ps", "field": "/va~1l\\"], ["pluck": "/gr\"ps", "field": "/n"], ["pluck": "/gr\"ps", "field": "/o/x"],
            ["pluck": "/gr\"ps", "field": "/b"], ["pluck": "/tags", "field": "/x"], ["pluck": "/opaque", "field": "/x"],
            ["pluck": "/gr\"ps", "field": "/o"], ["pluck": "/gr\"ps"], ["pluck": ["string": "/id"], "field": "/n"], "/gr\"ps",
        ] {
            let unified: [[String: Any]] = [
                ["model": "iam.user", "resource": "accounts", "fields": ["id": "/id", "userName": "/id", "groups": groups]],
                ["model": "iam.group", "resource": "accounts", "fields": ["id": "/id", "displayName": "/id", "members": groups]],
            ]
            for path in [[], ["auth", "0"]] as [[String]] {
                let data = (try? JSONSerialization.data(withJSONObject: ["resources": [members], "unified": unified], options: [.sortedKeys])) ?? Data()
                list.append(Mutation(path: path, json: String(decoding: data, as: UTF8.self)))
            }
        }
        // Actions: ids and inputs whose Swift names collide with what the generated `Actions`
        // struct declares, paths inserting tokens and fields, bodies in the wrong place.
        let action: (String, Any) -> [String: Any] = { id, inputs in
            ["id": id, "method": "POST", "path": "/users", "inputs": inputs]
        }
        for id in ["connection", "all", "init", "self", "type", "addUserOperation", "default", "actions"] {
            add("actions", [[action(id, [] as [Any]), action("addUser", [] as [Any])]])
            add("auth/0/actions", [[action(id, [string("email")])]])
        }
        for name in ["options", "confirm", "connection", "self", "in", "_arguments", "arguments", "default"] {
            add("actions", [[action("addUser", [["name": name, "type": "string"]])]])
            add("actions", [[action("addUser", [["name": name, "type": "enum", "values": ["a", "self"]]])]])
            add("actions", [[["id": "remove", "method": "DELETE", "path": "/users/{{\(name)}}", "destructive": true,
                              "inputs": [["name": name, "type": "string", "in": "path"]]]]])
        }
        add("actions", [
            [["id": "a", "method": "GET", "path": "/x", "body": ["a": 1]]],
            [["id": "a", "method": "POST", "path": "/x/{{token.region}}"]],
            [["id": "a", "method": "POST", "path": "/x/{{fields.clientId}}"]],
            [["id": "a", "method": "POST", "path": "/x", "result": ["record": "Nope"]]],
            [["id": "a", "method": "POST", "path": "/x", "encoding": "form",
              "inputs": [["name": "b", "type": "array", "items": "integer", "pointer": "/c/d"]]]],
            [["id": "a", "method": "PUT", "path": "/x", "body": ["c": [1]], "inputs": [["name": "b", "type": "date", "pointer": "/c/d"]]]],
        ])
        add("auth/0/actions", [
            [["id": "a", "method": "POST", "path": "/x/{{token.region}}/{{discovered.tenant}}", "scopes": ["nope"]]],
            [["id": "a", "method": "PATCH", "path": "/x/{{fields.clientId}}", "idempotencyHeader": "Idempotency-Key"]],
        ])
        // Unified operations bound to actions: action ids the generated `Actions` renames (the
        // binding must name the same compiled operation), strings that need escaping in the
        // generated binding, and mistakes the rules must catch before the generator sees them.
        let update: (String) -> [String: Any] = { id in
            ["id": id, "method": "PATCH", "path": "/people/{{personId}}",
             "inputs": [["name": "personId", "type": "string", "in": "path"], string("title"), ["name": "start", "type": "date"],
                        ["name": "kind", "type": "enum", "values": ["F\\T", "P\"T", "é", "I", "T", "O"]]] as [Any]]
        }
        let kinds: [String: Any] = ["full_time": "F\\T", "part_time": "P\"T", "contractor": "é", "intern": "I", "temporary": "T", "other": "O"]
        for (id, operations) in [
            ("self", ["update": ["action": "self", "inputs": ["personId": "/id", "title": ["concat": ["/jobTitle", ["const": "\\ \"\u{1F600}"]]],
                                                              "start": "/startDate", "kind": ["enum": "/employmentType", "map": kinds]]]]),
            ("all", ["update": ["action": "all", "inputs": ["personId": ["firstOf": ["/id", "/workEmail"]]]]]),
            ("updateOperation", ["update": ["action": "updateOperation", "inputs": ["personId": "/id"], "description": "\"x\""]]),
            ("update", ["update": ["action": "update", "inputs": ["personId": "/nope"]]]),
            ("update", ["update": ["action": "update", "inputs": ["personId": ["number": "/id"]]]]),
            ("update", ["update": ["action": "update", "inputs": ["personId": "/id", "kind": ["enum": "/employmentType", "map": ["full_time": "F\\T"]]]]]),
            ("update", ["update": ["action": "nope", "inputs": [:] as [String: Any]]]),
            ("update", ["create": ["action": "update", "inputs": ["personId": "/id"]]]),
            ("update", ["update": ["action": "update"]]),
            ("update", ["update": "update"]),
            ("update", ["update": ["action": "update", "inputs": ["personId": "/id"], "notDestructiveBecause": "x"]]),
            ("update", ["update": ["action": "update", "inputs": ["personId": ["pluck": "/id", "field": "/x"]]]]),
        ] as [(String, [String: Any])] {
            let entry: [String: Any] = ["model": "hris.employee", "resource": "people", "fields": ["id": "/id"], "operations": operations]
            let object: [String: Any] = ["resources": [people], "unified": [entry], "actions": [update(id)]]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            list.append(Mutation(path: [], json: String(decoding: data, as: UTF8.self)))
        }
        return list
    }()

    static func base() -> [String: Any] {
        let field: (String, String) -> [String: Any] = { key, type in
            ["key": key, "label": key, "type": type, "supplier": "setup"]
        }
        return [
            "specVersion": 1, "id": "agreement", "name": "Agreement", "categories": ["hris"],
            "docsURL": "https://docs.example.com",
            "api": ["baseURL": "https://api.example.com/v1", "verify": ["path": "/me"]],
            "auth": [[
                "id": "oauth", "label": "OAuth", "type": "oauth2AuthorizationCode", "client": "app",
                "fields": [field("clientId", "text"), field("clientSecret", "secret")],
                "clientId": "{{clientId}}", "clientSecret": "{{clientSecret}}",
                "authorizeURL": "https://auth.example.com/authorize", "tokenURL": "https://auth.example.com/token",
                "tokenResponseFields": ["region"],
                "discovery": ["url": "https://api.example.com/tenants", "items": "", "values": ["tenant": "/id"]],
                "headers": ["X-Region": "{{token.region}}", "X-Tenant": "{{discovered.tenant}}"],
                "guide": ["sections": [["title": "T", "steps": [["title": "S", "text": "Do it."]]]]],
            ]],
        ]
    }

    static func set(_ value: Any, at path: ArraySlice<String>, in object: Any) -> Any {
        guard let key = path.first else { return value }
        if var array = object as? [Any], let index = Int(key), index < array.count {
            array[index] = set(value, at: path.dropFirst(), in: array[index])
            return array
        }
        var dictionary = object as? [String: Any] ?? [:]
        dictionary[key] = set(value, at: path.dropFirst(), in: dictionary[key] ?? [String: Any]())
        return dictionary
    }

    @Test func baseSpecValidatesAndGenerates() throws {
        let data = try JSONSerialization.data(withJSONObject: Self.base(), options: [.sortedKeys])
        let result = SpecLoader.load(bytes: [UInt8](data), file: "agreement.json")
        #expect(result.diagnostics.map(\.rendered) == [])
        #expect(Self.generates(result, file: "agreement.json") == nil)
    }

    @Test(arguments: mutations)
    func aMutatedSpecIsRejectedOrGenerates(_ mutation: Mutation) throws {
        let value = try JSONSerialization.jsonObject(with: Data(mutation.json.utf8), options: [.fragmentsAllowed])
        var spec = Self.set(value, at: mutation.path[...], in: Self.base()) as? [String: Any] ?? [:]
        // A path ending at an object merges the mutation's keys into it (unified mappings add
        // `resources` and `unified` together, at the top level or in the variant).
        if let members = value as? [String: Any], mutation.path.isEmpty || mutation.path == ["auth", "0"] {
            spec = Self.base()
            if mutation.path.isEmpty {
                spec.merge(members) { _, new in new }
            } else if var variants = spec["auth"] as? [[String: Any]] {
                variants[0].merge(members) { _, new in new }
                spec["auth"] = variants
            }
        }
        let id = spec["id"] as? String ?? "agreement"
        spec["id"] = id
        let data = try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys])
        let result = SpecLoader.load(bytes: [UInt8](data), file: id + ".json")
        if let problem = Self.generates(result, file: id + ".json") { Issue.record(Comment(rawValue: problem)) }
        // AGREEMENT_REPORT=1 lists what validate says about each mutation, to review which
        // mistakes it accepts.
        if ProcessInfo.processInfo.environment["AGREEMENT_REPORT"] == "1" {
            let rules = result.diagnostics.map { "\($0.severity.rawValue.prefix(1)):\($0.rule)" }.joined(separator: " ")
            print("AGREEMENT \(mutation.testDescription) -> \(rules.isEmpty ? "ACCEPTED" : rules)")
        }
    }
}
