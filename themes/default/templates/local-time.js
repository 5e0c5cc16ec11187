/* Adds the reader's own time after each time shown in the site's zone, e.g. "(15:45 GMT+1)".
   Optional: the page reads fine without it. Only moments (datetime with a time and an offset)
   are touched, and only where the reader's offset at that moment differs from the site's. */
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
    var s = document.createElement("span");
    s.className = "lt";
    s.textContent = " (" + fmt.format(d) + ")";
    t.setAttribute("data-local", "1");
    t.parentNode.insertBefore(s, t.nextSibling);
  }
})();
