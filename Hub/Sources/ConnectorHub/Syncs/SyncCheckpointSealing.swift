import ConnectorHubStorage
import Foundation

/// Checkpoints at rest: the pager's position can be a provider cursor or a next URL, which may
/// carry credentials or personal data (an API key in the query, filters echoed into next links),
/// so the whole checkpoint is sealed like the records (same keys, AES-GCM), with associated data
/// binding it to the account and resource. The column holds `{"key":…,"sealed":…}` (base64).
extension SyncSealing {
    private struct SealedCheckpoint: Codable {
        var key: String
        var sealed: String
    }

    static func checkpointContext(account: String, resource: String) -> Data {
        Data("connector-hub checkpoint v1\u{0}\(account)\u{0}\(resource)".utf8)
    }

    func sealCheckpoint(_ checkpoint: SyncCheckpoint, account: String, resource: String) throws -> String {
        let plain = Data(try SQLiteSyncStore.encode(checkpoint).utf8)
        let sealed = try sealing.seal(plain, context: Self.checkpointContext(account: account, resource: resource))
        let envelope = SealedCheckpoint(key: sealing.currentKeyID, sealed: sealed.base64EncodedString())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(envelope), as: UTF8.self)
    }

    /// The stored checkpoint, or `nil` (the run starts the list again) when it does not open: an
    /// unknown key, an altered row, a row of another account or resource, or an unsealed
    /// checkpoint of an older Hub. Logged without the stored text.
    func openCheckpoint(_ text: String, account: String, resource: String) -> SyncCheckpoint? {
        if let envelope = try? JSONDecoder().decode(SealedCheckpoint.self, from: Data(text.utf8)),
            let sealed = Data(base64Encoded: envelope.sealed),
            let plain = sealing.open(sealed, keyID: envelope.key, context: Self.checkpointContext(account: account, resource: resource)),
            let checkpoint = try? SQLiteSyncStore.decodeCheckpoint(String(decoding: plain, as: UTF8.self))
        {
            return checkpoint
        }
        HubLog.warning(
            "the sync checkpoint of account \(account) (\(resource)) does not open (unknown key, altered or unsealed row): the run starts the list again")
        return nil
    }
}
