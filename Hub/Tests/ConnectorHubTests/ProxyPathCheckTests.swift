import ConnectorHub
import Foundation
import Testing

/// The proxy's path check (ConnectorHubService.checkProxyPath) reads bytes instead of searching
/// with Foundation; it must refuse exactly what the check of issue 17 refused. That check is kept
/// here, word for word, as the oracle, and both are run on every path of a small alphabet built
/// from the characters that matter (dots, slashes, escapes of `.`, `/`, `\`, `;`, a scheme).
@Suite struct ProxyPathCheckTests {
    /// The check as issue 17 wrote it (Foundation's `String.contains`).
    static func oracle(_ path: String) -> Bool {
        if path.isEmpty { return true }
        guard !path.contains("://"), !path.contains(";"), !path.contains("\\") else { return false }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            var stage = String(segment)
            for _ in 0..<3 {
                guard !stage.isEmpty, stage != ".", stage != "..", !stage.contains("/"), !stage.contains("\\"), !stage.contains(";")
                else { return false }
                guard stage.contains("%"), let decoded = stage.removingPercentEncoding else { break }
                stage = decoded
            }
        }
        return true
    }

    static func accepted(_ path: String) -> Bool {
        (try? ConnectorHubService.checkProxyPath(path)) != nil
    }

    static let pieces = ["a", ".", "..", "/", "%2e", "%2E", "%2f", "%5C", "%25", "%252e", "%3B", ";", "\\", ":", "http:", "%", "%zz", "é"]

    @Test func everyPathOfUpToFourPiecesIsJudgedAsBefore() {
        var paths = [""]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in Self.pieces.map { prefix + $0 } }
            paths += frontier
        }
        var disagreements: [String] = []
        for path in paths where Self.accepted(path) != Self.oracle(path) { disagreements.append(path) }
        #expect(disagreements.isEmpty, "judged differently: \(disagreements.prefix(20))")
        #expect(paths.count > 100_000)
    }

    @Test(arguments: [
        "a/http://evil.example/x", "%2e%2e/admin", "a/.%2E/b", "employees%2F..%2F..%2Fadmin", "..;/admin",
        "%252e%252e/admin", "a%5C..%5Cb", "a//b", "/a", "a/", ".", "..", "a/./b",
    ])
    func escapesAreRefused(path: String) {
        #expect(!Self.accepted(path))
        #expect(!Self.oracle(path))
    }

    @Test(arguments: ["", "2.0/users", "a/b.c/d", "users/%40me", "50%", "a/...", "a/%2e%2e%2e"])
    func ordinaryPathsPass(path: String) {
        #expect(Self.accepted(path))
    }
}
