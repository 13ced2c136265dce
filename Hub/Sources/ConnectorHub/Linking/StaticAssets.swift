// The pages' only style sheet and script, served from /static/ (the CSP allows scripts and styles
// from the Hub's own origin only, so nothing is inline). The script is progressive: every page
// works without it (search, forms, confirmations); it adds the live filter, local times, the
// OAuth popup with its close notice, polling, and the events for an embedding or opening app.

enum StaticAssets {
    static let css = """
        :root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #dcdcdc; --accent: #0b57d0; --accent-soft: #e8f0fe;
            --ok: #146c2e; --ok-soft: #e6f4ea; --bad: #b3261e; --bad-soft: #fce8e6; --warn: #7a4a00; --warn-soft: #fff4e0;
            --radius: 10px; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
        main { max-width: 46rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
        main.wide { max-width: 72rem; }
        a { color: var(--accent); }
        h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
        h2 { font-size: 1.15rem; }
        .muted, .help, .tags, .count { color: var(--muted); }
        .back { margin: 0 0 0.5rem; }
        .back a::before { content: "\\2190  "; }
        /* Steps: Choose, Connect, Done. */
        .steps { display: flex; gap: 0.5rem; list-style: none; padding: 0; margin: 0 0 1.25rem; flex-wrap: wrap; font-size: 0.9rem; }
        .steps li { display: flex; align-items: center; gap: 0.4rem; color: var(--muted); }
        .steps li + li::before { content: ""; width: 1.5rem; height: 2px; background: var(--line); margin-right: 0.1rem; }
        .step-number { display: inline-flex; width: 1.6rem; height: 1.6rem; border-radius: 50%; align-items: center; justify-content: center;
            border: 2px solid #8a8a8a; font-weight: 600; background: #fff; }
        .steps .current { color: var(--ink); font-weight: 700; }
        .steps .current .step-number { background: var(--accent); border-color: var(--accent); color: #fff; }
        .steps .complete .step-number { background: var(--ok); border-color: var(--ok); color: #fff; }
        /* Monograms and tiles. */
        .monogram { flex: none; display: inline-flex; width: 2.5rem; height: 2.5rem; border-radius: 8px; align-items: center;
            justify-content: center; color: #fff; font-weight: 700; letter-spacing: 0.02em; }
        .monogram.large { width: 3.25rem; height: 3.25rem; font-size: 1.3rem; border-radius: 12px; }
        .hue-0 { background: #0b57d0; } .hue-1 { background: #7b1fa2; } .hue-2 { background: #b3261e; } .hue-3 { background: #00695c; }
        .hue-4 { background: #5d4037; } .hue-5 { background: #1b5e20; } .hue-6 { background: #ad1457; } .hue-7 { background: #37474f; }
        .title { display: flex; align-items: center; gap: 0.75rem; margin-bottom: 0.75rem; }
        .title h1 { margin: 0; }
        .variant { margin: 0; color: var(--muted); }
        .tiles { list-style: none; padding: 0; margin: 0.75rem 0; display: grid; gap: 0.75rem;
            grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
        .tile { display: flex; align-items: center; gap: 0.75rem; padding: 0.75rem; min-height: 4rem; background: #fff;
            border: 1px solid var(--line); border-radius: var(--radius); color: var(--ink); text-decoration: none; }
        .tile:hover, .tile:focus-visible { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
        .tile-text { display: flex; flex-direction: column; min-width: 0; flex: 1; }
        .tile-name { font-weight: 600; }
        .tile .tags { font-size: 0.85rem; }
        .variants { grid-template-columns: 1fr; }
        .categories { list-style: none; padding: 0; margin: 0.75rem 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
        .categories a { display: inline-block; padding: 0.2rem 0.75rem; border: 1px solid var(--line); border-radius: 999px;
            background: #fff; text-decoration: none; }
        .categories a[aria-current] { background: var(--accent); border-color: var(--accent); color: #fff; }
        .search { display: flex; gap: 0.5rem; align-items: end; flex-wrap: wrap; }
        .search label { width: 100%; }
        .search input { flex: 1; min-width: 10rem; }
        .count { margin: 0; font-size: 0.9rem; }
        .empty { padding: 1rem; background: #fff; border: 1px dashed var(--line); border-radius: var(--radius); }
        .badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
            background: #eceff1; color: #263238; white-space: nowrap; }
        .badge.success { background: var(--ok-soft); color: var(--ok); }
        .badge.warning { background: var(--warn-soft); color: var(--warn); border: 1px solid #e0a800; }
        /* Forms and cards. */
        .card { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; }
        .card.narrow { max-width: 26rem; }
        .columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); gap: 1.5rem; align-items: start; }
        @media (max-width: 48rem) { .columns { grid-template-columns: 1fr; } }
        .field { margin-bottom: 1rem; }
        label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
        input, select { width: 100%; padding: 0.55rem; font: inherit; border: 1px solid #767676; border-radius: 6px; background: #fff; }
        input[type=checkbox] { width: auto; }
        input[aria-invalid=true] { border: 2px solid var(--bad); }
        .field.invalid label { color: var(--bad); }
        button, .button { display: inline-block; padding: 0.55rem 1.1rem; font: inherit; font-weight: 600; color: #fff;
            background: var(--accent); border: 2px solid var(--accent); border-radius: 6px; cursor: pointer; text-decoration: none; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
        button.danger-outline { background: #fff; border-color: var(--bad); color: var(--bad); }
        button:focus-visible, .button:focus-visible, a:focus-visible { outline: 3px solid #fbbc04; outline-offset: 2px; }
        .help { margin: 0.25rem 0 0; font-size: 0.9rem; }
        .error { color: var(--bad); font-weight: 600; margin: 0.25rem 0 0; }
        .warning { color: var(--warn); background: var(--warn-soft); padding: 0.5rem; border-radius: 6px; }
        .guide h3 { font-size: 1rem; margin-bottom: 0.25rem; }
        .side { display: flex; flex-direction: column; gap: 1rem; min-width: 0; }
        .data { margin: 1rem 0; }
        .side .data { margin: 0; }
        .resources { margin: 0; }
        .resources dt { font-weight: 600; }
        .resources dd { margin: 0 0 0.5rem; color: var(--muted); }
        .notice { padding: 0.75rem 1rem; border-radius: var(--radius); border: 1px solid var(--line); background: #fff; margin: 0.75rem 0; }
        .notice p { margin: 0.25rem 0; }
        .notice h2 { margin: 0 0 0.25rem; font-size: 1.05rem; }
        .notice.info { background: var(--accent-soft); border-color: #aecbfa; }
        .notice.success { background: var(--ok-soft); border-color: #a8dab5; }
        .notice.warning { background: var(--warn-soft); border-color: #f6c26b; }
        .notice.failure { background: var(--bad-soft); border-color: #f4b4ae; border-left: 6px solid var(--bad); }
        .notice.failure a { color: #8c1d18; }
        /* Results: success and failure look different at a glance. */
        .result { position: relative; background: #fff; border: 1px solid var(--line); border-top: 6px solid var(--accent);
            border-radius: var(--radius); padding: 1.25rem 1.25rem 1rem 4.5rem; }
        .result-icon { position: absolute; left: 1.25rem; top: 1.35rem; width: 2.4rem; height: 2.4rem; border-radius: 50%;
            display: flex; align-items: center; justify-content: center; color: #fff; font-weight: 700; font-size: 1.3rem;
            background: var(--accent); }
        .result-icon::before { content: "i"; }
        .result.success { border-top-color: var(--ok); background: linear-gradient(#f1faf3, #fff 6rem); }
        .result.success .result-icon { background: var(--ok); }
        .result.success .result-icon::before { content: "\\2713"; }
        .result.failure { border-top-color: var(--bad); background: linear-gradient(#fdf0ee, #fff 6rem); }
        .result.failure .result-icon { background: var(--bad); }
        .result.failure .result-icon::before { content: "\\2715"; }
        .result.warning { border-top-color: #e0a800; }
        .result.warning .result-icon { background: var(--warn); }
        .result.warning .result-icon::before { content: "!"; }
        .result h1 { margin-top: 0.2rem; }
        .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
        .account-label { display: block; font-weight: 400; color: var(--muted); font-size: 0.9rem; }
        .landing li { margin-bottom: 0.5rem; }
        .pending::before { content: ""; display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.5rem; border-radius: 50%;
            border: 2px solid var(--accent); border-right-color: transparent; animation: spin 1s linear infinite; }
        @keyframes spin { to { transform: rotate(360deg); } }
        @media (prefers-reduced-motion: reduce) { .pending::before { animation: none; } }
        /* Accounts: a table, one card per account on narrow screens. */
        .bar { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
        .link-form { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; margin: 1rem 0; }
        .link-form .field { flex: 1 1 12rem; }
        .link-form button { margin-bottom: 1rem; }
        .link-url a { overflow-wrap: anywhere; }
        form.inline { display: inline-block; margin: 0 0.25rem 0.25rem 0; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: var(--radius); }
        th, td { text-align: left; padding: 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        tbody th { font-weight: 600; }
        tr.attention { background: #fffaf0; box-shadow: inset 4px 0 0 #e0a800; }
        caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
        @media (max-width: 40rem) {
            table.accounts, table.accounts tbody, table.accounts tr, table.accounts th, table.accounts td { display: block; width: 100%; }
            table.accounts { border: 0; background: transparent; }
            table.accounts caption { display: block; width: 100%; }
            table.accounts thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
            table.accounts tr { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); margin-bottom: 0.75rem; padding: 0.25rem 0; }
            table.accounts th, table.accounts td { border: 0; padding: 0.3rem 0.9rem; }
            table.accounts td::before { content: attr(data-label); display: block; font-size: 0.8rem; color: var(--muted); font-weight: 600; }
            table.accounts tbody th { font-size: 1.1rem; }
        }
        code { overflow-wrap: anywhere; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        [hidden] { display: none !important; }
        """

    static let javascript = """
        "use strict";
        (function () {
          var body = document.body;
          // Events for the app: to the embedding parent, or to the window that opened this one,
          // only at the configured origin, never "*".
          var parentOrigin = body.getAttribute("data-parent-origin");
          var event = body.getAttribute("data-event");
          if (parentOrigin && event) {
            if (window.parent !== window) {
              window.parent.postMessage(JSON.parse(event), parentOrigin);
            } else if (window.opener && window.opener !== window) {
              window.opener.postMessage(JSON.parse(event), parentOrigin);
            }
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
          // Times in the reader's own time zone (the UTC instant stays in the title).
          document.querySelectorAll("time[data-local]").forEach(function (time) {
            var date = new Date(time.getAttribute("datetime"));
            if (!isNaN(date.getTime())) {
              time.textContent = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
            }
          });
          // Live filter of the connector tiles (the search form works without it).
          document.querySelectorAll("[data-filter]").forEach(function (input) {
            var list = document.getElementById(input.getAttribute("data-filter"));
            var count = document.getElementById("connector-count");
            var none = document.getElementById("connector-none");
            input.addEventListener("input", function () {
              var needle = input.value.trim().toLowerCase();
              var shown = 0;
              list.querySelectorAll("li").forEach(function (item) {
                item.hidden = needle !== "" && item.getAttribute("data-name").indexOf(needle) === -1;
                if (!item.hidden) { shown += 1; }
              });
              if (count) { count.textContent = shown + (shown === 1 ? " connector" : " connectors"); }
              if (none) { none.hidden = shown !== 0; }
            });
          });
          // A form page restored by Back from the browser's back-forward cache shows what was true
          // then: load it again, so it says what is linked now (before a duplicate is made).
          var form = document.querySelector("[data-link-form]");
          window.addEventListener("pageshow", function (shown) {
            if (shown.persisted && form) { window.location.reload(); }
          });
          // Embedded pages: providers refuse to be framed, so OAuth continues in a popup.
          if (form && window.top !== window.self) {
            var flag = document.createElement("input");
            flag.type = "hidden"; flag.name = "embedded"; flag.value = "1";
            form.appendChild(flag);
          }
          // The popup: opened blank, its opener cut before it goes to the provider (the provider's
          // page gets no handle on this one), while this page keeps its own handle to see it close.
          var closedNotice = document.getElementById("popup-closed");
          document.querySelectorAll("[data-popup]").forEach(function (link) {
            link.addEventListener("click", function (click) {
              click.preventDefault();
              var popup = window.open("", "connector-hub-oauth", "popup,width=520,height=680");
              if (!popup) { window.open(link.href, "_blank", "noopener"); return; }
              try { popup.opener = null; } catch (ignored) {}
              popup.location.href = link.href;
              if (closedNotice) { closedNotice.hidden = true; }
              var watch = setInterval(function () {
                // A provider page with Cross-Origin-Opener-Policy can make an open popup look
                // closed: the notice offers to open it again, polling carries on either way.
                if (popup.closed) {
                  clearInterval(watch);
                  if (closedNotice && !finished) { closedNotice.hidden = false; }
                }
              }, 500);
            });
          });
          // The attempt's server-side status: completion never depends on the popup.
          var finished = false;
          var status = document.querySelector("[data-poll]");
          if (status) {
            var poll = function () {
              fetch(status.getAttribute("data-poll"), { credentials: "same-origin" })
                .then(function (response) { return response.json(); })
                .then(function (result) {
                  if (result.status === "pending" || result.status === "completing") { setTimeout(poll, 1500); return; }
                  finished = true;
                  if (result.next) { window.location.assign(result.next); return; }
                  status.textContent = "This Link Account session has ended. Ask the app that sent you here for a new link.";
                })
                .catch(function () { setTimeout(poll, 3000); });
            };
            setTimeout(poll, 1500);
          }
        })();
        """
}
