"""The page never contradicts itself, and says since when and what: a fix being monitored is
not shown as an outage above green components, degraded performance is worded as Statuspage
words it, open incidents say when they started and what they affect, history is in the order
of the dates it shows, and figures and labels read true."""

from __future__ import annotations

import json
import re
from pathlib import Path

from icalendar import Calendar

from generator.build import build
from generator.times import parse_now

from .conftest import SITE_YAML, MakeSite

MONITORING = """
---
title: Login failures
components:
  api: partial_outage
  db: degraded_performance
impact: major
---
## 2026-11-20 14:40 — Monitoring
A fix is in place.

## 2026-11-20 14:05 — Investigating
We see failed logins.
"""


def built(make_site: MakeSite, incidents: dict[str, str], now: str, site_yaml: str = SITE_YAML):
    source = make_site(incidents, site_yaml=site_yaml)
    output = source.parent / "out"
    build(source, output, parse_now(now, None))
    return output


def text(output: Path, page: str = "index.html") -> str:
    html = (output / page).read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ")


def api(output: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((output / "api" / "v2" / name).read_text(encoding="utf-8"))


def test_a_fix_being_monitored_is_not_an_outage_above_green_components(
    make_site: MakeSite,
) -> None:
    output = built(make_site, {"login": MONITORING}, "2026-11-20 14:50 UTC")
    home = text(output)
    banner = home.split("As of")[0]
    assert "Recovering: a fix is being monitored" in banner
    assert "Outage" not in banner
    # The affected components are operational again, and marked as recovering.
    components = home.split("Components", 1)[1]
    assert "API Operational · Recovering" in components
    assert "Databases Operational · Recovering" in components
    assert "Website Operational Recovering" not in components
    # Statuspage clients still see the open incident's impact, as Statuspage reports it.
    assert api(output, "status.json")["status"]["indicator"] == "major"
    # Once resolved, the page is all green with nothing recovering.
    resolved = MONITORING.replace(
        "## 2026-11-20 14:40", "## 2026-11-20 14:45 — Resolved\nDone.\n\n## 2026-11-20 14:40"
    )
    again = built(make_site, {"login": resolved}, "2026-11-20 14:50 UTC")
    assert "All Systems Operational" in text(again).split("As of")[0]
    assert "Recovering" not in text(again)


def test_degraded_performance_alone_is_worded_as_statuspage_words_it(
    make_site: MakeSite,
) -> None:
    slow = """
---
title: Slow responses
components:
  api: degraded_performance
---
## 2026-11-20 14:05 — Investigating
Slow.
"""
    some = built(make_site, {"slow": slow}, "2026-11-20 14:30 UTC")
    assert api(some, "status.json")["status"] == {
        "indicator": "minor",
        "description": "Partially Degraded Service",
    }
    assert "Partially Degraded Service" in text(some).split("As of")[0]
    single = SITE_YAML.split("  - id: web")[0]  # a site with the API alone
    every = built(make_site, {"slow": slow}, "2026-11-20 14:30 UTC", site_yaml=single)
    assert api(every, "status.json")["status"]["description"] == "Degraded System Service"
    outage = slow.replace("degraded_performance", "partial_outage")
    partial = built(make_site, {"slow": outage}, "2026-11-20 14:30 UTC")
    assert api(partial, "status.json")["status"]["description"] == "Partial System Outage"


def test_an_open_incident_says_since_when_and_what_it_affects(make_site: MakeSite) -> None:
    incident = MONITORING.replace("## 2026-11-20 14:40 — Monitoring\nA fix is in place.\n\n", "")
    home = text(built(make_site, {"login": incident}, "2026-11-20 14:30 UTC"))
    card = home.split("Active incidents", 1)[1].split("Components", 1)[0]
    assert "Started Nov 20, 2026, 2:05 PM CET" in card
    assert "Affected: API (Partial outage), Databases (Degraded performance)" in card


def test_history_is_in_the_order_of_the_dates_it_shows(make_site: MakeSite) -> None:
    late_post = """
---
title: Backdated
started: 2026-11-02 09:00
components:
  api: partial_outage
---
## 2026-11-10 10:00 — Resolved
Posted after the fact.
"""
    middle = """
---
title: Middle
components:
  api: partial_outage
---
## 2026-11-05 10:00 — Resolved
Fixed.
"""
    output = built(make_site, {"a-late": late_post, "b-middle": middle}, "2026-11-20 12:00 UTC")
    history = text(output, "history/index.html")
    assert history.index("Middle") < history.index("Backdated")
    page = (output / "components" / "api" / "index.html").read_text(encoding="utf-8")
    listed = page.split('<ul class="plain history">')[1].split("</ul>")[0]
    assert listed.index("Middle") < listed.index("Backdated")


def test_a_long_incident_is_marked_as_continued_on_its_later_days(make_site: MakeSite) -> None:
    long = MONITORING.replace("## 2026-11-20 14:40", "## 2026-11-22 09:00")
    output = built(make_site, {"login": long}, "2026-11-22 12:00 UTC")
    html = (output / "index.html").read_text(encoding="utf-8").replace("\u202f", " ")
    past = html.split('id="past-h"')[1]
    by_day = dict(
        re.findall(r'<h3 class="day">([^<]+)</h3>(.*?)(?=<h3 class="day">|<p><a)', past, re.S)
    )
    assert "continued" not in by_day["Nov 20, 2026"] and "Login failures" in by_day["Nov 20, 2026"]
    assert "Login failures" in by_day["Nov 21, 2026"]
    assert "(continued from Nov 20, 2026)" in by_day["Nov 21, 2026"]


def test_figures_and_labels_read_true(make_site: MakeSite) -> None:
    outage = """
---
title: API down
components:
  api: major_outage
---
## 2026-11-20 14:59 — Investigating
Down.
"""
    site_yaml = SITE_YAML + "links:\n  home: https://test.example\n"
    output = built(make_site, {"down": outage}, "2026-11-20 14:00 UTC", site_yaml=site_yaml)
    home = text(output)
    # Ten minutes down in 90 days is 99.99%, never "100.00%" beside a red bar.
    api_bar = home.split("API", 2)[2]
    assert re.search(r"99\.99% uptime", api_bar)
    assert "Test Co home page" in home and " Home " not in home
    maintenance = """
---
title: Database upgrade
components: [db]
maintenance:
  start: 2026-11-25 02:00
  end: 2026-11-25 04:00
---
## 2026-11-20 10:00 — Scheduled
We will upgrade, see [the plan](https://test.example/plan).
"""
    output = built(make_site, {"db": maintenance}, "2026-11-20 12:00 UTC")
    page = text(output, "incidents/db/index.html")
    assert "Scheduled Scheduled" not in page
    assert "Maintenance window Nov 25, 2026, 2:00 AM CET – Nov 25, 2026, 4:00 AM CET" in page
    calendar = Calendar.from_ical((output / "maintenance.ics").read_bytes())
    (event,) = [c for c in calendar.walk("VEVENT")]
    description = str(event["DESCRIPTION"])
    assert "We will upgrade, see the plan (https://test.example/plan)." in description
    assert "](" not in description and "\u202f" not in description
    assert description.startswith("Affected: Databases\n\nScheduled (Nov 20, 2026, 10:00 AM CET)")
