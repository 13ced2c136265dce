// The `nextCursor` of a list tool: where the next call starts, as the runtime pager knows it
// (``ResourcePagePosition``: offset, page number, provider cursor or next URL) plus the record in
// that page, sealed with AES-GCM so the agent can neither read the provider's cursor nor make one.
import ConnectorRuntime
import Crypto
import Foundation

/// Where the next `list` call of a tool starts.
struct MCPCursor: Codable, Equatable {
    /// The tool.
    var tool: String
    /// A digest of the call's inputs (`limit` and `cursor` aside): a cursor continues the same list.
    var inputs: String
    /// The provider page the next call reads first; `nil`: the list's first page.
    var position: ResourcePagePosition?
    /// Records of that page the calls before returned (or left out): the next call starts after them.
    var record: Int
    /// The page size the walk asked the provider for (`nil`: the spec's), kept for the whole walk
    /// so page numbers and offsets keep meaning the same records when `limit` changes.
    var pageSize: Int?

    /// The binding a cursor is sealed with: it opens only for the same token, account and tool,
    /// so a cursor copied to another token (or made for another account) is refused.
    static func binding(grant: MCPGrant, account: String, tool: String) -> Data {
        Data("connector-hub mcp-cursor\u{0}\(grant.id)\u{0}\(account)\u{0}\(tool)".utf8)
    }

    /// The sealing key, derived from the Hub's signing key (every Hub process has the same).
    static func key(signingKey: String) -> SymmetricKey {
        SymmetricKey(data: Crypto.SHA256.hash(data: Data("connector-hub mcp-cursor key\u{0}\(signingKey)".utf8)))
    }

    /// base64url of nonce ‖ ciphertext ‖ tag.
    func sealed(key: SymmetricKey, binding: Data) throws -> String {
        let plaintext = try JSONEncoder().encode(self)
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: binding).combined else {
            throw MCPResult.Failure(code: "unsupported", message: "The cursor could not be made.")
        }
        return combined.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor `text` seals, or `nil` when it is not one this key sealed for `binding`.
    static func open(_ text: String, key: SymmetricKey, binding: Data) -> MCPCursor? {
        guard text.utf8.count <= 8192 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let box = try? AES.GCM.SealedBox(combined: data),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: binding),
            let cursor = try? JSONDecoder().decode(MCPCursor.self, from: plaintext), cursor.record >= 0
        else { return nil }
        return cursor
    }
}
