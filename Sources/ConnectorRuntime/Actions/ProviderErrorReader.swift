import Foundation

// Reads a provider's error body into problems that point at the action's inputs. Providers name
// fields in several shapes; the common ones are read:
// - `{"errors": [{"field" | "path" | "param" | "attribute" | "property" | "name" | "location": ...,
//   "message" | "detail" | ...}]}` (and the same list under `error.errors`, `error.details`,
//   `details`, `errorCauses`, `fieldErrors`, `generalErrors`, `validation_errors`), JSON:API's `source.pointer`;
// - `{"errors": {"email": ["has already been taken"]}}` (a map of field to messages);
// - Okta's `errorCauses[].errorSummary` of the form `"login: An object with this field already exists"`;
// - a map whose values are lists of objects (FusionAuth's `fieldErrors: {"user.email": [{code, message}]}`);
// - the field in `meta.param_name` (Clerk's `errors[].meta`), an item with a field and a `code` but no
//   message (GitHub's `errors: [{resource, field, code}]`), Keycloak's `{field, errorMessage}` at the root.
// A field is matched to an input by the input's provider name (body pointer as `a/b` or `a.b`,
// its last token, the query parameter) or its own name; otherwise the text becomes the message.

enum ProviderErrorReader {
    static let maxMessageLength = 300

    static func read(
        _ body: Data, inputs: [ActionInputDescriptor], redact: Redactor
    ) -> (problems: [InputProblem], message: String?) {
        guard let json = try? JSONValue.parse(body) else {
            let text = String(decoding: body.prefix(4096), as: UTF8.self)
            return ([], clean(text, redact))
        }
        return read(json, inputs: inputs, redact: redact)
    }

    /// The same for errors already parsed (the part of a success body an action's `failureWhen`
    /// names); a bare string is the message, a bare array a list of errors, `null` none.
    static func read(
        _ json: JSONValue, inputs: [ActionInputDescriptor], redact: Redactor
    ) -> (problems: [InputProblem], message: String?) {
        if case .string(let text) = json { return ([], clean(text, redact)) }
        if case .array = json { return read(.object(["errors": json]), inputs: inputs, redact: redact) }
        var problems: [InputProblem] = []
        var unmatched: [String] = []
        for (field, message) in entries(json) {
            let text = clean(message, redact) ?? "is invalid"
            if let field, let input = match(field, inputs) {
                problems.append(InputProblem(pointer: "/" + ActionOperation.escape(input.name), input: input.name, message: text))
            } else if let (name, rest) = split(message), let input = match(name, inputs) {
                problems.append(InputProblem(
                    pointer: "/" + ActionOperation.escape(input.name), input: input.name, message: clean(rest, redact) ?? text))
            } else {
                unmatched.append(field.map { "\($0): \(text)" } ?? text)
            }
        }
        let top = topMessage(json).flatMap { clean($0, redact) }
        let message = problems.isEmpty ? (top ?? unmatched.first.flatMap { clean($0, redact) }) : nil
        return (problems, message)
    }

    /// `(field, message)` pairs found in the body.
    private static func entries(_ json: JSONValue) -> [(String?, String)] {
        var result: [(String?, String)] = []
        // Keycloak's ErrorRepresentation names one field at the root.
        if let field = firstString(json, ["/field"]), let message = firstString(json, ["/errorMessage"]) {
            result.append((field, message))
        }
        let lists: [JSONValue?] = [
            json.at(pointer: "/errors"), json.at(pointer: "/error/errors"), json.at(pointer: "/error/details"),
            json.at(pointer: "/details"), json.at(pointer: "/errorCauses"), json.at(pointer: "/fieldErrors"),
            json.at(pointer: "/validation_errors"), json.at(pointer: "/error/fields"), json.at(pointer: "/generalErrors"),
        ]
        for list in lists.compactMap({ $0 }) {
            switch list {
            case .array(let items):
                for item in items {
                    switch item {
                    case .string(let text): result.append((nil, text))
                    case .object:
                        let field = firstString(item, ["/field", "/path", "/param", "/parameter", "/attribute", "/property",
                                                       "/name", "/location", "/source/pointer", "/source/parameter", "/key",
                                                       "/meta/param_name", "/meta/paramName"])
                        if let message = firstString(item, itemMessages) ?? (field == nil ? nil : firstString(item, ["/code"])) {
                            result.append((field, message))
                        }
                    default: continue
                    }
                }
            case .object(let members):
                for key in members.keys.sorted() {
                    switch members[key] {
                    case .string(let text): result.append((key, text))
                    case .array(let values):
                        for value in values {
                            if case .string(let text) = value {
                                result.append((key, text))
                            } else if let text = firstString(value, itemMessages) {
                                result.append((key, text))
                            }
                        }
                    default: continue
                    }
                }
            default: continue
            }
        }
        return result
    }

    /// Where an item of an error list holds its text.
    private static let itemMessages = [
        "/message", "/detail", "/errorSummary", "/errorMessage", "/description", "/title", "/reason", "/error", "/msg",
    ]

    private static func topMessage(_ json: JSONValue) -> String? {
        firstString(json, ["/message", "/error_description", "/error/message", "/detail", "/errorSummary", "/title",
                           "/error", "/description", "/msg", "/errorMessage"])
    }

    private static func firstString(_ json: JSONValue, _ pointers: [String]) -> String? {
        for pointer in pointers {
            if case .string(let text)? = json.at(pointer: pointer), !text.isEmpty { return text }
        }
        return nil
    }

    /// `"login: An object with this field already exists"` -> `("login", "An object ...")`.
    private static func split(_ message: String) -> (String, String)? {
        guard let colon = message.range(of: ": ") else { return nil }
        let name = String(message[..<colon.lowerBound])
        guard !name.isEmpty, name.count <= 64, !name.contains(" ") else { return nil }
        return (name, String(message[colon.upperBound...]))
    }

    static func normalized(_ field: String) -> String {
        var text = field.lowercased()
        for prefix in ["#/", "$.", "/data/attributes/", "/"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        text = text.replacingOccurrences(of: "/", with: ".")
        // `name.givenName`, `emails[0].value` and `emails.0.value` compare alike.
        text = text.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
        return text
    }

    /// The input a provider's field name refers to.
    static func match(_ field: String, _ inputs: [ActionInputDescriptor]) -> ActionInputDescriptor? {
        let wanted = normalized(field)
        guard !wanted.isEmpty else { return nil }
        // Exact provider names first, then the last token of a body pointer, then input names.
        if let exact = inputs.first(where: { normalized($0.providerName) == wanted }) { return exact }
        if let last = inputs.first(where: { input in
            guard case .body(let pointer) = input.location else { return false }
            return normalized(pointer).split(separator: ".").last.map(String.init) == wanted
        }) { return last }
        return inputs.first { $0.name.lowercased() == wanted }
    }

    /// Provider text without secrets, control characters or excess length; `nil` when empty.
    static func clean(_ text: String, _ redact: Redactor) -> String? {
        var result = redact(text)
        result = String(result.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) })
        result = result.trimmingCharacters(in: .whitespaces)
        if result.count > maxMessageLength { result = String(result.prefix(maxMessageLength)) + "…" }
        return result.isEmpty ? nil : result
    }
}
