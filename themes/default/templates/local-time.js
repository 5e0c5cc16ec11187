/* Adds the reader's own local time beside each time; the page reads fine without it. */
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var site = document.documentElement.getAttribute("data-zone");
  if (!zone || zone === site) return;
  var f = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
    {dateStyle: "medium", timeStyle: "short"});
  document.querySelectorAll("main time[datetime*='T']").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) t.title = f.format(d) + " (" + zone + ")";
  });
})();
