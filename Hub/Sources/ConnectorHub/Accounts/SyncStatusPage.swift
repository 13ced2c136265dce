import Foundation

// The syncs' section of the operators' Accounts page (docs/syncs.md, "Status"): per account and
// synced resource, its state, the last run, the records kept, the last run's changes and the last
// error in plain words (never a secret: see ``ConnectorHubService/syncFailureText(_:)``).
extension Pages {
    static func syncSection(_ syncs: [(account: HubAccount, entries: [SyncStatusEntry])]) -> String {
        let rows = syncs.flatMap { item in item.entries.map { (item.account, $0) } }
        guard !rows.isEmpty else { return "" }
        var html = "<section aria-labelledby=\"syncs-heading\" class=\"syncs\">\n<h2 id=\"syncs-heading\">Syncs</h2>\n"
        html += "<table class=\"accounts syncs\">\n<caption>Records the Hub keeps for \(rows.count) synced \(rows.count == 1 ? "resource" : "resources")</caption>\n"
        html += "<thead><tr><th scope=\"col\">Account</th><th scope=\"col\">Resource</th><th scope=\"col\">State</th>"
        html += "<th scope=\"col\">Last run</th><th scope=\"col\">Records</th><th scope=\"col\">Changes in the last run</th>"
        html += "<th scope=\"col\">Last error</th></tr></thead>\n<tbody>\n"
        for (account, entry) in rows {
            let failed = entry.outcome == "failed"
            html += "<tr\(failed ? " class=\"attention\"" : "")>"
            html += "<th scope=\"row\" data-label=\"Account\">\(escape(accountName(account))) "
                + "<span class=\"muted\">(\(escape(account.endUserName)))</span></th>"
            html += "<td data-label=\"Resource\">\(escape(entry.resource))</td>"
            html += "<td data-label=\"State\">\(syncBadge(entry))</td>"
            html += "<td data-label=\"Last run\">\(lastRunText(entry.run))</td>"
            html += "<td data-label=\"Records\">\(entry.run?.records ?? 0)</td>"
            let counts = entry.run?.counts ?? SyncCounts()
            html += "<td data-label=\"Changes in the last run\">"
                + (entry.run?.startedAt == nil ? "None yet" : "\(counts.added) added, \(counts.updated) updated, \(counts.deleted) deleted")
                + "</td>"
            html += "<td data-label=\"Last error\">\(entry.job?.lastError.map { escape($0) } ?? "None")</td>"
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func syncBadge(_ entry: SyncStatusEntry) -> String {
        if entry.running { return "<span class=\"badge\">Running</span>" }
        if entry.job?.paused == true { return "<span class=\"badge\">Paused</span>" }
        switch entry.outcome {
        case "succeeded": return "<span class=\"badge success\">Up to date</span>"
        case "failed": return "<span class=\"badge warning\"><strong>Last run failed</strong></span>"
        case "interrupted": return "<span class=\"badge\">Interrupted, resumes at the next run</span>"
        default: return "<span class=\"badge\">Not run yet</span>"
        }
    }

    static func lastRunText(_ run: SyncRunStatus?) -> String {
        guard let run, let started = run.startedAt else { return "Not yet" }
        guard let finished = run.finishedAt else { return "Started \(time(started))" }
        return "\(time(started)) to \(time(finished))"
    }
}
