import Crypto
public import Foundation

/// What a webhook POST carries. The account has the app API's field names (`connector`,
/// `variant`, `endUserId`, …: the Account schema of Hub/openapi.json), not the record's.
struct WebhookEvent: Encodable, Sendable {
    var type: String
    var account: HubAccount
    var previousStatus: String
    var occurredAt: Date

    private enum Keys: String, CodingKey {
        case type, account, previousStatus, occurredAt
    }

    private enum AccountKeys: String, CodingKey {
        case id, connector, variant, endUserId, endUserName, status, linkedAt, updatedAt, lastRefreshAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(type, forKey: .type)
        try container.encode(previousStatus, forKey: .previousStatus)
        try container.encode(occurredAt, forKey: .occurredAt)
        var fields = container.nestedContainer(keyedBy: AccountKeys.self, forKey: .account)
        try fields.encode(account.id, forKey: .id)
        try fields.encode(account.connectorID, forKey: .connector)
        try fields.encode(account.variantID, forKey: .variant)
        try fields.encode(account.endUserID, forKey: .endUserId)
        try fields.encode(account.endUserName, forKey: .endUserName)
        try fields.encode(account.status, forKey: .status)
        try fields.encode(account.linkedAt, forKey: .linkedAt)
        try fields.encode(account.updatedAt, forKey: .updatedAt)
        try fields.encodeIfPresent(account.lastRefreshAt, forKey: .lastRefreshAt)
    }
}

/// The signature of webhook bodies: `Connector-Hub-Signature: t=<unix seconds>,v1=<hex>` where
/// the hex is HMAC-SHA256 with the webhook secret over `<t>.<body>`.
public enum WebhookSignature {
    public static let header = "Connector-Hub-Signature"

    public static func sign(body: Data, timestamp: Int, secret: String) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// `true` when `header` is a valid signature of `body` made within `tolerance` seconds of `now`.
    public static func verify(header: String, body: Data, secret: String, now: Date = Date(), tolerance: TimeInterval = 300) -> Bool {
        var parts: [String: String] = [:]
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[String(pair[0])] = String(pair[1]) }
        }
        guard let text = parts["t"], let timestamp = Int(text), abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else {
            return false
        }
        return Digest.constantTimeEqual(sign(body: body, timestamp: timestamp, secret: secret), header)
    }
}
