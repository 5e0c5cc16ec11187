{#- Shows each time in the reader's own zone where that differs from the site's, e.g. "9:45 AM EST"
   instead of "3:45 PM CET", once: the site's own time stays in the tooltip. Optional: the page
   reads fine without it. Only moments (datetime with a time and an offset) are touched.
   (A template comment: every page that carries the script inline need not carry it.) #}
(function () {
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) { return; }
  var times = document.querySelectorAll("time[datetime*='T']");
  for (var i = 0; i < times.length; i++) {
    var t = times[i], iso = t.getAttribute("datetime");
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso);
    var d = new Date(iso);
    if (!m || isNaN(d) || t.getAttribute("data-local")) continue;
    var siteOffset = (m[1] === "-" ? -1 : 1) * (60 * +m[2] + +m[3]);
    if (siteOffset === -d.getTimezoneOffset()) continue;
    t.setAttribute("title", t.textContent);
    t.setAttribute("data-local", "1");
    t.textContent = fmt.format(d);
  }
})();
