import Crypto
public import Foundation

// A webhook POST carries `type` (`account.linked` or `account.status_changed`), `account` (as
// `GET /v1/accounts/{id}` returns it), `occurredAt` and, for a status change, `previousStatus`;
// ``ConnectorHubService/sendWebhook(_:type:previous:)`` builds it.

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
