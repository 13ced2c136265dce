import ConnectorRuntime
import Connectors
import Foundation

/// Server-rendered pages, built from the compiled connectors' descriptors: a new spec gets its
/// picker tile, form and guide with no page code. Every dynamic string goes through
/// ``escape(_:)``; a secret value is never rendered back (secret inputs are always empty).
///
/// This file holds the frame and the pieces every page shares (steps, monograms, notices,
/// times); the Link Account pages are in LinkPages.swift, the Accounts pages in
/// Accounts/AccountPages.swift. Styles and the script are in StaticAssets.swift (the CSP allows
/// nothing inline).
enum Pages {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The page frame. `parentOrigin`, when set, is the only origin the page's `event` is posted
    /// to (the embedding parent, or the window that opened it).
    static func layout(title: String, body: String, parentOrigin: String? = nil, event: String? = nil, wide: Bool = false) -> String {
        var attributes = ""
        if let parentOrigin { attributes += " data-parent-origin=\"\(escape(parentOrigin))\"" }
        if let event { attributes += " data-event=\"\(escape(event))\"" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <link rel="stylesheet" href="/static/hub.css">
            <script src="/static/hub.js" defer></script>
            </head>
            <body\(attributes)>
            <main\(wide ? " class=\"wide\"" : "")>
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// Where the person is: Choose → Connect → Done.
    enum Step: Int, CaseIterable {
        case choose, connect, done

        var label: String {
            switch self {
            case .choose: "Choose"
            case .connect: "Connect"
            case .done: "Done"
            }
        }
    }

    static func steps(_ current: Step) -> String {
        var html = "<ol class=\"steps\" aria-label=\"Progress\">\n"
        for step in Step.allCases {
            let state = step.rawValue < current.rawValue ? "complete" : step == current ? "current" : "upcoming"
            let hidden = step.rawValue < current.rawValue ? "<span class=\"visually-hidden\"> (done)</span>" : ""
            html += "<li class=\"\(state)\"\(step == current ? " aria-current=\"step\"" : "")><span class=\"step-number\" aria-hidden=\"true\">\(step.rawValue + 1)</span> \(step.label)\(hidden)</li>\n"
        }
        return html + "</ol>\n"
    }

    /// A connector's monogram: two letters on a colour of its own (decorative).
    static func monogram(_ connector: ConnectorDescriptor, large: Bool = false) -> String {
        let words = connector.displayName.split { !$0.isLetter && !$0.isNumber }
        let letters: String
        if words.count >= 2 {
            letters = String(words[0].prefix(1)).uppercased() + String(words[1].prefix(1)).uppercased()
        } else {
            let word = words.first.map(String.init) ?? connector.id
            letters = word.prefix(1).uppercased() + word.dropFirst().prefix(1).lowercased()
        }
        let hue = connector.id.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xffff } % 8
        return "<span class=\"monogram hue-\(hue)\(large ? " large" : "")\" aria-hidden=\"true\">\(escape(letters))</span>"
    }

    /// How a notice or a message page reads: neutral, done, or something went wrong.
    enum Tone: String {
        case info, success, failure, warning
    }

    /// A page with a heading, a sentence, and the ways on from it.
    static func message(title: String, text: String, links: [(String, String)] = [], tone: Tone = .info) -> String {
        var body = "<section class=\"result \(tone.rawValue)\">\n<span class=\"result-icon\" aria-hidden=\"true\"></span>\n"
        body += "<h1>\(escape(title))</h1>\n<p>\(escape(text))</p>\n"
        if !links.isEmpty {
            body += "<p class=\"actions\">"
            for (index, link) in links.enumerated() {
                body += "<a class=\"button\(index == 0 ? "" : " secondary")\" href=\"\(escape(link.1))\">\(escape(link.0))</a> "
            }
            body += "</p>\n"
        }
        body += "</section>\n"
        return layout(title: title, body: body)
    }

    /// A time people read (`7 Dec 2026, 14:05 UTC`), with the exact UTC instant in `datetime`
    /// and `title`; the script shows it in the reader's own time zone.
    static func time(_ date: Date) -> String {
        let iso = ISO8601DateFormatter().string(from: date)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return "<time datetime=\"\(iso)\" title=\"\(iso)\" data-local>\(escape(formatter.string(from: date))) UTC</time>"
    }

    /// The page a person who opened the Hub's base URL sees: where to go from here.
    static func landing() -> String {
        let body = """
            <section class="result info">
            <h1>Connector Hub</h1>
            <p>This service links accounts of other services for an app.</p>
            <ul class="landing">
            <li><strong>Linking an account?</strong> Open the Link Account link the app sent you; each link works in one browser.</li>
            <li><strong>Operating this Hub?</strong> <a href="/admin">Sign in to the Accounts page</a> with an app key.</li>
            <li><strong>Building an app?</strong> The app API is under <code>/v1/</code>, described by the Hub's OpenAPI document (Hub/openapi.json).</li>
            </ul>
            </section>
            """
        return layout(title: "Connector Hub", body: body)
    }
}

enum ConnectorLookup {
    static func name(_ id: String) -> String {
        ConnectorCatalog.connector(id: id)?.displayName ?? id
    }

    static func variantLabel(_ connectorID: String, _ variantID: String) -> String {
        ConnectorCatalog.connector(id: connectorID)?.descriptor.authVariants.first { $0.id == variantID }?.label ?? variantID
    }
}
