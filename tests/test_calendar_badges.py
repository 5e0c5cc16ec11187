"""maintenance.ics read back with the icalendar library, and the status badges parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

from generator.build import build
from generator.times import parse_now
from tests.conftest import MakeSite

SVG = "{http://www.w3.org/2000/svg}"

SITE = """\
name: Kiwi Cloud
url: https://status.kiwi.example/sub/
timezone: Pacific/Auckland
components:
  - id: db
    name: Databases & "Storage"
"""
WINDOW = """\
---
title: Database upgrade
components: [db]
maintenance:
  start: {start}
  end: {end}
---
{moved}
## 2026-03-01 09:00 — Scheduled
We will upgrade the databases.
"""
MOVED = """
## 2026-03-02 09:00 — Scheduled
Moved by a day, to keep clear of a customer launch.
"""


def calendar_of(output: Path) -> Calendar:
    return Calendar.from_ical((output / "maintenance.ics").read_bytes())


def build_window(
    make_site: MakeSite, tmp_path: Path, name: str, start: str, end: str, moved: str = ""
) -> Path:
    source = make_site(
        {"db-upgrade": WINDOW.format(start=start, end=end, moved=moved)},
        site_yaml=SITE,
        folder=f"site-{name}",
    )
    output = tmp_path / name
    build(source, output, parse_now("2026-03-03 00:00 UTC", None))
    return output


def test_calendar_event_in_a_non_utc_zone(make_site: MakeSite, tmp_path: Path) -> None:
    output = build_window(
        make_site, tmp_path, "a", "2026-04-05 02:30 +13:00", "2026-04-05 02:30 +12:00"
    )
    calendar = calendar_of(output)
    assert str(calendar["version"]) == "2.0"
    [event] = calendar.walk("VEVENT")
    # Auckland leaves daylight time on 5 April 2026: the window lasts two hours, not one.
    assert event.decoded("dtstart") == datetime(2026, 4, 4, 13, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 4, 4, 14, 30, tzinfo=UTC)
    assert event["dtstart"].to_ical() == b"20260404T133000Z"
    assert str(event["uid"]) == "db-upgrade@status.kiwi.example"
    assert str(event["summary"]) == "Database upgrade"
    assert str(event["url"]) == "https://status.kiwi.example/sub/incidents/db-upgrade/"
    assert "We will upgrade the databases." in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    # The latest update (09:00 in Auckland), never the clock of the building machine.
    assert event.decoded("dtstamp") == datetime(2026, 2, 28, 20, 0, tzinfo=UTC)
    assert int(event["sequence"]) == 0


def test_a_moved_window_is_a_new_revision(make_site: MakeSite, tmp_path: Path) -> None:
    before = build_window(make_site, tmp_path, "before", "2026-04-10 02:00", "2026-04-10 04:00")
    after = build_window(
        make_site, tmp_path, "after", "2026-04-11 02:00", "2026-04-11 04:00", moved=MOVED
    )
    [old] = calendar_of(before).walk("VEVENT")
    [new] = calendar_of(after).walk("VEVENT")
    assert str(old["uid"]) == str(new["uid"])
    assert int(new["sequence"]) > int(old["sequence"])
    assert new.decoded("last-modified") > old.decoded("last-modified")
    assert new.decoded("dtstart") - old.decoded("dtstart") == (
        datetime(2026, 4, 11, tzinfo=UTC) - datetime(2026, 4, 10, tzinfo=UTC)
    )
    again = build_window(
        make_site, tmp_path, "again", "2026-04-11 02:00", "2026-04-11 04:00", moved=MOVED
    )
    assert (again / "maintenance.ics").read_bytes() == (after / "maintenance.ics").read_bytes()


def badge(path: Path) -> tuple[ET.Element, str, list[str]]:
    root = ET.fromstring(path.read_bytes())
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return root, title.text, texts


def test_badges_say_the_status_in_words(sample_output: Path) -> None:
    root, title, texts = badge(sample_output / "badge.svg")
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == title == "Acme Cloud: partial outage"
    assert texts == ["Acme Cloud", "partial outage"]
    expected = {
        "api": "partial outage",
        "auth": "operational",
        "blob": "under maintenance",
        "webhooks": "degraded performance",
        "storage": "under maintenance",
    }
    colours = set()
    for component, words in expected.items():
        root, title, texts = badge(sample_output / "components" / component / "badge.svg")
        assert texts[1] == words and title.endswith(": " + words)
        colours.add([r.get("fill") for r in root.iter(f"{SVG}rect")][-1])
    assert len(colours) == 4  # one colour per status
    icon = ET.fromstring((sample_output / "favicon.svg").read_bytes())
    assert icon.get("aria-label") == "partial outage"


def test_badge_escapes_names(make_site: MakeSite, tmp_path: Path) -> None:
    output = build_window(make_site, tmp_path, "x", "2026-04-10 02:00", "2026-04-10 04:00")
    _, title, texts = badge(output / "components" / "db" / "badge.svg")
    assert texts == ['Databases & "Storage"', "operational"]
    assert b"&amp;" in (output / "components" / "db" / "badge.svg").read_bytes()
