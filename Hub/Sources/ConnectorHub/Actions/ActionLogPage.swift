// The operators' action log page (`/admin/action-log`): every action call of every account, newest
// first, with how it came (the app API or an MCP tool), the outcome and the provider's status (the
// same entries as the API's action-log, which never hold an input value).
import Foundation
import Hummingbird

extension ConnectorHubService {
    /// The most entries the page shows.
    static let actionLogPageLimit = 500

    func addActionLogPage<Context: RequestContext>(_ routes: RouteCollection<Context>) {
        routes.get("/admin/action-log") { request, _ in
            guard try await self.isOperator(request) != nil else { return self.html(.ok, Pages.operatorLogin(error: false)) }
            let entries = try await self.records.all(ActionLogEntry.self, kind: Self.actionLogKind).sorted { $0.at > $1.at }
            return self.html(.ok, Pages.actionLog(Array(entries.prefix(Self.actionLogPageLimit)), total: entries.count))
        }
    }
}

extension Pages {
    static func actionLog(_ entries: [ConnectorHubService.ActionLogEntry], total: Int) -> String {
        var body = "<header class=\"bar\"><h1>Action log</h1><p><a href=\"/admin\">Linked accounts</a></p></header>\n"
        guard !entries.isEmpty else {
            return layout(title: "Action log", body: body + "<p class=\"empty\">No action has run yet.</p>\n", wide: true)
        }
        body += "<table class=\"accounts action-log\">\n<caption>\(total) action \(total == 1 ? "call" : "calls")"
            + (total > entries.count ? ", the newest \(entries.count) shown" : "") + "</caption>\n"
        body += "<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Account</th><th scope=\"col\">Connector</th>"
            + "<th scope=\"col\">Action</th><th scope=\"col\">Via</th><th scope=\"col\">Outcome</th><th scope=\"col\">Provider status</th></tr></thead>\n<tbody>\n"
        for entry in entries {
            let failed = entry.outcome != "succeeded"
            body += "<tr\(failed ? " class=\"attention\"" : "")><td>\(escape(time(entry.at)))</td><td>\(escape(entry.accountID))</td>"
                + "<td>\(escape(ConnectorLookup.name(entry.connectorID)))</td><td>\(escape(entry.action))</td><td>\(escape(via(entry.via)))</td>"
                + "<td>\(escape(entry.outcome))</td><td>\(entry.providerStatus.map(String.init) ?? "–")</td></tr>\n"
        }
        body += "</tbody>\n</table>\n"
        return layout(title: "Action log", body: body, wide: true)
    }

    /// How a call came, in the operators' words: the log's `via` (absent for the app API).
    static func via(_ value: String?) -> String {
        switch value {
        case nil: "App API"
        case "mcp"?: "MCP"
        case let other?: other
        }
    }
}
