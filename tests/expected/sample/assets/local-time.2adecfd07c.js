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
