/// Serialises token refreshes of one account across every ``Connection`` in the process that
/// shares a store, so two such connections never spend the same rotating refresh token twice: the
/// second waits, re-reads the store and adopts the first one's tokens. Keys name the connector,
/// variant and account, and the store object; connections on different stores are serialised by
/// the stores' refresh leases instead, never here (one account name in two unrelated stores, as
/// in parallel tests, must not queue one behind the other).
actor RefreshLocks {
    static let shared = RefreshLocks()

    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ key: String) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { continuation in
            waiters[key, default: []].append(continuation)
        }
    }

    func release(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()  // ownership passes to the next waiter; `held` keeps the key
        } else {
            held.remove(key)
        }
    }
}
