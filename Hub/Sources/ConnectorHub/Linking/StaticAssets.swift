// The pages' only style sheet and script, served from /static/ (the CSP allows scripts and styles
// from the Hub's own origin only, so nothing is inline). The script is progressive: every page
// works without it.

enum StaticAssets {
    static let css = """
        :root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --accent: #0b57d0; --bad: #a50e0e; --warn: #7a4a00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #fafafa; }
        main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
        a { color: var(--accent); }
        h1 { font-size: 1.6rem; margin-top: 0.5rem; }
        .columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); gap: 2rem; }
        @media (max-width: 48rem) { .columns { grid-template-columns: 1fr; } }
        .field { margin-bottom: 1rem; }
        label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
        input, select { width: 100%; padding: 0.5rem; font: inherit; border: 1px solid #767676; border-radius: 4px; background: #fff; }
        input[type=checkbox] { width: auto; }
        input[aria-invalid=true] { border-color: var(--bad); }
        button, .button { display: inline-block; padding: 0.5rem 1rem; font: inherit; color: #fff; background: var(--accent);
            border: 0; border-radius: 4px; cursor: pointer; text-decoration: none; }
        .help { color: var(--muted); margin: 0.25rem 0 0; font-size: 0.9rem; }
        .error { color: var(--bad); font-weight: 600; }
        .warning { color: var(--warn); background: #fff4e0; padding: 0.5rem; border-radius: 4px; }
        .guide { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem; }
        .connectors, .categories, .variants { list-style: none; padding: 0; }
        .categories li { display: inline-block; margin-right: 0.75rem; }
        .connectors li { padding: 0.5rem 0; border-bottom: 1px solid #e5e5e5; }
        .tags { color: var(--muted); font-size: 0.9rem; }
        .search { display: flex; gap: 0.5rem; align-items: end; flex-wrap: wrap; }
        .search label { width: 100%; }
        .search input { flex: 1; }
        form.inline { display: inline-block; margin: 0 0.25rem 0.25rem 0; }
        form.sign-out { float: right; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
        caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
        code { overflow-wrap: anywhere; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        [hidden] { display: none; }
        """

    static let javascript = """
        "use strict";
        (function () {
          var body = document.body;
          // Events for an embedding page: only to the configured origin, never "*".
          var parentOrigin = body.getAttribute("data-parent-origin");
          var event = body.getAttribute("data-event");
          if (parentOrigin && event && window.parent !== window) {
            window.parent.postMessage(JSON.parse(event), parentOrigin);
          }
          // Copy buttons.
          document.querySelectorAll("[data-copy]").forEach(function (button) {
            button.addEventListener("click", function () {
              var source = document.getElementById(button.getAttribute("data-copy"));
              if (source && navigator.clipboard) {
                navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = "Copied"; });
              }
            });
          });
          // Live filter of the connector list (the search form works without it).
          document.querySelectorAll("[data-filter]").forEach(function (input) {
            var list = document.getElementById(input.getAttribute("data-filter"));
            input.addEventListener("input", function () {
              var needle = input.value.trim().toLowerCase();
              list.querySelectorAll("li").forEach(function (item) {
                item.hidden = needle !== "" && item.getAttribute("data-name").indexOf(needle) === -1;
              });
            });
          });
          // Embedded pages: providers refuse to be framed, so OAuth continues in a popup.
          var form = document.querySelector("[data-link-form]");
          if (form && window.top !== window.self) {
            var flag = document.createElement("input");
            flag.type = "hidden"; flag.name = "embedded"; flag.value = "1";
            form.appendChild(flag);
          }
          document.querySelectorAll("[data-popup]").forEach(function (link) {
            link.addEventListener("click", function (click) {
              click.preventDefault();
              window.open(link.href, "connector-hub-oauth", "popup,width=520,height=680,noopener");
            });
          });
          // The attempt's server-side status: completion never depends on the popup.
          var status = document.querySelector("[data-poll]");
          if (status) {
            var poll = function () {
              fetch(status.getAttribute("data-poll"), { credentials: "same-origin" })
                .then(function (response) { return response.json(); })
                .then(function (result) {
                  if (result.status === "pending" || result.status === "completing") { setTimeout(poll, 1500); return; }
                  if (result.next) { window.location.assign(result.next); return; }
                  status.textContent = "This link has expired. Ask the app that sent you here for a new Link Account link.";
                })
                .catch(function () { setTimeout(poll, 3000); });
            };
            setTimeout(poll, 1500);
          }
        })();
        """
}
