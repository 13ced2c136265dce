import Foundation

// Reads a provider's error body into problems that point at the action's inputs. Providers name
// fields in several shapes; the common ones are read:
// - `{"errors": [{"field" | "path" | "param" | "attribute" | "property" | "name" | "location": ...,
//   "message" | "detail" | ...}]}` (and the same list under `error.errors`, `error.details`,
//   `details`, `errorCauses`, `fieldErrors`, `validation_errors`), JSON:API's `source.pointer`;
// - `{"errors": {"email": ["has already been taken"]}}` (a map of field to messages);
// - Okta's `errorCauses[].errorSummary` of the form `"login: An object with this field already exists"`.
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
        let lists: [JSONValue?] = [
            json.at(pointer: "/errors"), json.at(pointer: "/error/errors"), json.at(pointer: "/error/details"),
            json.at(pointer: "/details"), json.at(pointer: "/errorCauses"), json.at(pointer: "/fieldErrors"),
            json.at(pointer: "/validation_errors"), json.at(pointer: "/error/fields"),
        ]
        for list in lists.compactMap({ $0 }) {
            switch list {
            case .array(let items):
                for item in items {
                    switch item {
                    case .string(let text): result.append((nil, text))
                    case .object:
                        let field = firstString(item, ["/field", "/path", "/param", "/parameter", "/attribute", "/property",
                                                       "/name", "/location", "/source/pointer", "/source/parameter", "/key"])
                        if let message = firstString(item, ["/message", "/detail", "/errorSummary", "/description", "/title",
                                                            "/reason", "/error", "/msg"]) {
                            result.append((field, message))
                        }
                    default: continue
                    }
                }
            case .object(let members):
                for key in members.keys.sorted() {
                    switch members[key] {
                    case .string(let text): result.append((key, text))
                    case .array(let texts):
                        for case .string(let text) in texts { result.append((key, text)) }
                    default: continue
                    }
                }
            default: continue
            }
        }
        return result
    }

    private static func topMessage(_ json: JSONValue) -> String? {
        firstString(json, ["/message", "/error_description", "/error/message", "/detail", "/errorSummary", "/title",
                           "/error", "/description", "/msg"])
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
