/// The one style sheet and the one script, served from memory: no build step, no framework.
enum Assets {
    static let css = """
        :root { --ink: #1d2530; --muted: #4a5563; --line: #c9d1db; --bg: #f5f7fa; --accent: #005eb8; --accent-dark: #003d78;
          --ok: #007f3b; --warn: #8a4b00; --bad: #b0172a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--accent); } a:hover { color: var(--accent-dark); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #ffb81c; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
        header { background: var(--accent); color: #fff; }
        header .bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px; max-width: 1100px; margin: 0 auto; }
        header .brand { color: #fff; font-weight: 700; font-size: 1.2rem; text-decoration: none; margin-right: auto; }
        header .who { font-size: .95rem; }
        header nav { background: var(--accent-dark); }
        header nav ul { list-style: none; margin: 0 auto; padding: 0 8px; display: flex; flex-wrap: wrap; max-width: 1100px; }
        header nav a { display: block; color: #fff; padding: 10px 10px; text-decoration: none; }
        header nav a[aria-current="page"] { background: #fff; color: var(--accent-dark); font-weight: 600; }
        header button.link { background: none; border: 1px solid #fff; color: #fff; padding: 4px 10px; }
        main { max-width: 1100px; margin: 0 auto; padding: 16px; }
        h1 { font-size: 1.6rem; margin: .4em 0 .6em; } h2 { font-size: 1.25rem; margin-top: 1.4em; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
        .card > h2:first-child, .card > h3:first-child { margin-top: 0; }
        .narrow { max-width: 480px; }
        .field { margin: 0 0 12px; } .field label { display: block; font-weight: 600; }
        .hint { display: block; color: var(--muted); font-size: .9rem; }
        input[type=text], input[type=password], input[type=search], input[type=number], input[type=date], select, textarea {
          width: 100%; font: inherit; padding: 8px; border: 1px solid #6b7785; border-radius: 4px; background: #fff; color: var(--ink); }
        textarea { min-height: 5em; }
        button { font: inherit; background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 8px 16px; cursor: pointer; min-height: 40px; }
        button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
        form.inline { display: inline; }
        .filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 8px 12px; align-items: end; }
        .filters .field { margin: 0; }
        .ideas { list-style: none; padding: 0; margin: 0; }
        .ideas li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 8px 0; }
        .ideas .title { font-weight: 600; font-size: 1.05rem; }
        .meta { color: var(--muted); font-size: .9rem; }
        .status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: .85rem; background: #e8edf2; color: var(--ink); border: 1px solid #9aa5b1; }
        .s-adopted, .s-spread { background: #e3f4ea; border-color: var(--ok); }
        .s-testing { background: #fff4e0; border-color: var(--warn); }
        .s-declined, .s-closed { background: #f3e6e8; border-color: var(--bad); }
        .error { background: #fde8ea; border-left: 6px solid var(--bad); padding: 8px 12px; }
        .notice { background: #e6f1fb; border-left: 6px solid var(--accent); padding: 8px 12px; }
        .warning { background: #fff4e0; border-left: 6px solid var(--warn); padding: 8px 12px; margin: 12px 0; }
        .actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
        th { background: #e8edf2; }
        .scroll { overflow-x: auto; }
        .board { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
        .board section { background: #e8edf2; border-radius: 6px; padding: 8px; }
        .board h2 { font-size: 1rem; margin: 4px 0 8px; }
        .chart svg { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
        .bar-row { display: grid; grid-template-columns: minmax(120px, 30%) 1fr 3em; gap: 8px; align-items: center; margin: 4px 0; }
        .bar-row .fill { background: var(--accent); height: 14px; }
        .tree, .tree ul { list-style: none; padding-left: 18px; border-left: 2px solid var(--line); }
        .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
        details summary { cursor: pointer; color: var(--accent); font-weight: 600; }
        .lag-0 { background: #e3f4ea; } .lag-some { background: #fff4e0; } .lag-many { background: #fde8ea; }
        @media (max-width: 600px) { body { font-size: 17px; } main { padding: 10px; } h1 { font-size: 1.35rem; } }
        """

    /// Progressive enhancement only: search as you type on the ideas page, and pages marked
    /// `data-live` refreshed in place every N seconds (unless someone is typing in a form); a
    /// refresh does not keep the session alive, and once it has ended the sign-in page shows.
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          // A page fetched in the background that came back as the sign-in page: the session has
          // ended, so show that page instead of stale content.
          function signedOut(r) { if (r.redirected) { location.href = r.url; return true; } return false; }
          var timer = null;
          document.addEventListener("input", function (event) {
            var search = event.target;
            if (!search.hasAttribute || !search.hasAttribute("data-search")) { return; }
            clearTimeout(timer);
            timer = setTimeout(function () {
              var form = search.form, params = new URLSearchParams(new FormData(form));
              params.set("partial", "1");
              fetch(form.action + "?" + params.toString(), { credentials: "same-origin" })
                .then(function (r) { return r.ok && !signedOut(r) ? r.text() : null; })
                .then(function (html) {
                  var results = document.getElementById("results");
                  if (html !== null && results) { results.innerHTML = html; }
                });
            }, 250);
          });
          var live = document.querySelector("[data-live]");
          if (live) {
            var seconds = parseInt(live.getAttribute("data-live"), 10) || 10;
            setInterval(function () {
              var active = document.activeElement;
              if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) { return; }
              // X-Live: a refresh is not someone using the page, so it does not keep the session.
              fetch(location.href, { credentials: "same-origin", headers: { "X-Live": "1" } })
                .then(function (r) { return r.ok && !signedOut(r) ? r.text() : null; })
                .then(function (html) {
                  if (html === null) { return; }
                  var next = new DOMParser().parseFromString(html, "text/html").getElementById("main");
                  if (next) { live.innerHTML = next.innerHTML; }
                });
            }, seconds * 1000);
          }
        });
        """
}
