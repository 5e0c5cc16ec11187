/* statusgen embed: a banner for other sites while an incident or maintenance is active.
   <script src="https://status.example.com/embed.js" async></script>
   Reads api/v2/summary.json from wherever this file was loaded; no dependencies.
   It adds one element (a shadow root holds its markup and styles) and nothing else, and it
   stays silent (no banner, no error) when the status site cannot be reached. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !document.documentElement.attachShadow) return;
  var base = new URL(".", script.src).href;
  var words = {"dismiss": "Dismiss", "identified": "Identified", "in_progress": "Maintenance in progress", "investigating": "Investigating", "label": "Service status", "monitoring": "Monitoring", "verifying": "Maintenance: verifying"};
  var rank = {critical: 4, major: 3, minor: 2, none: 1, maintenance: 0};
  var key = "statusgen-dismissed:" + base;

  function dismissed() {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function remember(ids) {
    try { window.localStorage.setItem(key, JSON.stringify(ids.slice(-50))); } catch (e) { /* storage off */ }
  }

  function active(summary) {
    var gone = dismissed();
    var incidents = (summary.incidents || []).slice().sort(function (a, b) {
      return (rank[b.impact] || 0) - (rank[a.impact] || 0);
    });
    var works = (summary.scheduled_maintenances || []).filter(function (m) {
      return m.status === "in_progress" || m.status === "verifying";
    });
    return incidents.concat(works).filter(function (item) {
      return typeof item.id === "string" && gone.indexOf(item.id) < 0;
    }).slice(0, 3);
  }

  function show(items) {
    if (!items.length) return;
    var host = document.createElement("div");
    host.setAttribute("data-statusgen-banner", "");
    var root = host.attachShadow({mode: "open"});
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".b{position:fixed;z-index:2147483000;left:1rem;right:1rem;bottom:1rem;max-width:40rem;" +
      "margin:0 auto;display:flex;gap:.75rem;align-items:flex-start;padding:.75rem 1rem;" +
      "border-radius:.5rem;background:#1f2328;color:#fff;box-shadow:0 4px 16px rgba(0,0,0,.3);" +
      "font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
      ".b.critical,.b.major{border-left:6px solid #e5534b}.b.minor{border-left:6px solid #d4a72c}" +
      ".b.maintenance,.b.none{border-left:6px solid #4493f8}" +
      "ul{list-style:none;margin:0;padding:0;flex:1}li+li{margin-top:.25rem}" +
      "a{color:#fff;font-weight:600;text-decoration:underline}" +
      "span{opacity:.85;margin-right:.4rem}" +
      "button{all:unset;cursor:pointer;font-size:1.25rem;line-height:1;padding:0 .25rem}" +
      "button:focus-visible{outline:2px solid #fff;outline-offset:2px}";
    var box = document.createElement("div");
    box.className = "b " + (items[0].impact || "none");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", words.label);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var row = document.createElement("li");
      var status = document.createElement("span");
      status.textContent = (words[item.status] || item.status) + ":";
      var link = document.createElement("a");
      link.href = new URL("incidents/" + encodeURIComponent(item.id) + "/", base).href;
      link.textContent = item.name;
      row.appendChild(status);
      row.appendChild(link);
      list.appendChild(row);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", words.dismiss);
    close.title = words.dismiss;
    close.addEventListener("click", function () {
      remember(dismissed().concat(items.map(function (item) { return item.id; })));
      host.remove();
    });
    box.appendChild(list);
    box.appendChild(close);
    root.appendChild(style);
    root.appendChild(box);
    document.body.appendChild(host);
  }

  function start() {
    fetch(new URL("api/v2/summary.json", base).href, {credentials: "omit", cache: "no-cache"})
      .then(function (response) {
        if (response.ok) return response.json();
        if (response.body) response.body.cancel().catch(function () { /* already closed */ });
        return null;
      })
      .then(function (summary) { if (summary) show(active(summary)); })
      .catch(function () { /* the status site is unreachable: show nothing */ });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
