import Foundation

/// Limits wrong app keys on the operator sign-in (`POST /admin/login`), in this process: per
/// client address, the first ``freeFailures`` failures are answered at once; after that each
/// further try must wait twice as long as the one before (1 s, 2 s, 4 s … up to
/// ``longestWait``), answered `429` with `Retry-After`. Across all clients, more than
/// ``globalFailuresPerMinute`` failures in a minute close sign-in for the rest of that minute.
/// A correct key clears the client's count.
actor LoginThrottle {
    static let freeFailures = 5
    static let longestWait: TimeInterval = 15 * 60
    static let globalFailuresPerMinute = 100
    /// Clients remembered at most; the oldest are forgotten first.
    static let rememberedClients = 10_000

    private struct Record {
        var failures: Int
        var last: Date
    }

    private var clients: [String: Record] = [:]
    private var globalWindowStart = Date.distantPast
    private var globalFailures = 0

    /// Seconds `client` must wait before its next try, or `nil` when it may try now.
    func wait(client: String, now: Date) -> Int? {
        if now.timeIntervalSince(globalWindowStart) < 60, globalFailures >= Self.globalFailuresPerMinute {
            return max(1, Int((60 - now.timeIntervalSince(globalWindowStart)).rounded(.up)))
        }
        guard let record = clients[client], record.failures >= Self.freeFailures else { return nil }
        let delay = min(pow(2, Double(record.failures - Self.freeFailures)), Self.longestWait)
        let remaining = record.last.addingTimeInterval(delay).timeIntervalSince(now)
        return remaining > 0 ? max(1, Int(remaining.rounded(.up))) : nil
    }

    func failed(client: String, now: Date) {
        if now.timeIntervalSince(globalWindowStart) >= 60 {
            globalWindowStart = now
            globalFailures = 0
        }
        globalFailures += 1
        var record = clients[client] ?? Record(failures: 0, last: now)
        record.failures += 1
        record.last = now
        clients[client] = record
        if clients.count > Self.rememberedClients {
            // Forget the clients whose last failure is oldest (a tenth, so this runs rarely).
            let oldest = clients.sorted { $0.value.last < $1.value.last }.prefix(Self.rememberedClients / 10)
            for (key, _) in oldest { clients[key] = nil }
        }
    }

    func succeeded(client: String) {
        clients[client] = nil
    }
}
