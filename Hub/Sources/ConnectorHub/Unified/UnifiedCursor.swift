// The `nextCursor` of a unified list: the provider page the next call reads first, as the runtime
// pager knows it (``ResourcePagePosition``: offset, page number, provider cursor or next URL), and
// the record in that page, sealed with AES-GCM: the provider's cursor or next URL can be as
// sensitive as the records, and an app can neither read nor make one.
import ConnectorRuntime
import Crypto
import Foundation

/// Where the next page of a unified list starts.
struct UnifiedCursor: Codable, Equatable {
    /// The model listed.
    var model: String
    /// The provider page the next call reads first; `nil`: the list's first page.
    var position: ResourcePagePosition?
    /// Records of that page the calls before returned (or left out): the next call starts after them.
    var record: Int

    /// The binding a cursor is sealed with: it opens only for the same account and model.
    static func binding(account: String, model: String) -> Data {
        Data("connector-hub unified-cursor\u{0}\(account)\u{0}\(model)".utf8)
    }

    /// The sealing key, derived from the Hub's signing key (every Hub process has the same).
    static func key(signingKey: String) -> SymmetricKey {
        SymmetricKey(data: Crypto.SHA256.hash(data: Data("connector-hub unified-cursor key\u{0}\(signingKey)".utf8)))
    }

    /// base64url of nonce ‖ ciphertext ‖ tag, for `account`.
    func text(account: String, signingKey: String) throws -> String {
        let plaintext = try JSONEncoder().encode(self)
        guard
            let combined = try AES.GCM.seal(
                plaintext, using: Self.key(signingKey: signingKey), authenticating: Self.binding(account: account, model: model)
            ).combined
        else { throw HubError.badRequest("The cursor could not be made.") }
        return combined.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor `text` seals, when a Hub with `signingKey` made it for `account`'s `model` list.
    init?(text: String, account: String, model: String, signingKey: String) {
        guard text.utf8.count <= 8192 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let box = try? AES.GCM.SealedBox(combined: data),
            let plaintext = try? AES.GCM.open(
                box, using: Self.key(signingKey: signingKey), authenticating: Self.binding(account: account, model: model)),
            let cursor = try? JSONDecoder().decode(UnifiedCursor.self, from: plaintext), cursor.model == model, cursor.record >= 0
        else { return nil }
        self = cursor
    }

    init(model: String, position: ResourcePagePosition?, record: Int) {
        self.model = model
        self.position = position
        self.record = record
    }
}
