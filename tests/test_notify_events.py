"""Notification events as a pure function of the content and "now" (SPEC section 8)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from generator.build import check
from generator.notify.events import derive_events
from generator.times import parse_now
from tests.conftest import MakeSite

MAINTENANCE = """
---
title: Network work
components: [api]
maintenance:
  start: 2026-11-20 20:00 UTC
  end: 2026-11-20 22:00 UTC
---

## 2026-11-20 19:30 UTC — In progress
We started early.

## 2026-11-19 09:00 UTC — Scheduled
Planned.
"""

INCIDENT = """
---
title: Errors
components: {api: major_outage}
next_update: 2026-11-20 15:00 UTC
---

## 2026-11-20 14:05 UTC — Update
Same time, second.

## 2026-11-20 14:05 UTC — Investigating
Looking.
"""


def events_at(source: Path, now: str) -> list[tuple[str, str]]:
    moment = parse_now(now, None)
    checked = check(source, moment)
    return [(e.id, e.type) for e in derive_events(checked.facts, moment)]


def test_ids_come_from_content_alone_so_builds_agree(make_site: MakeSite) -> None:
    source = make_site({"errors": INCIDENT})
    early = dict(events_at(source, "2026-11-20 14:10 UTC"))
    late = dict(events_at(source, "2026-11-20 14:55 UTC"))
    assert set(early) == {
        "errors/update-20261120T140500Z",
        "errors/update-20261120T140500Z-2",  # two updates at one time keep apart
    }
    assert set(early) < set(late)
    assert late["errors/due-20261120T150000Z"] == "update_due"


def test_an_event_stays_listed_for_24_hours_from_its_time(make_site: MakeSite) -> None:
    source = make_site({"errors": INCIDENT.replace("next_update: 2026-11-20 15:00 UTC\n", "")})
    ids = [i for i, _ in events_at(source, "2026-11-21 14:04 UTC")]
    assert "errors/update-20261120T140500Z" in ids
    ids = [i for i, _ in events_at(source, "2026-11-21 14:05 UTC")]
    assert "errors/update-20261120T140500Z" not in ids
    assert events_at(source, "2026-11-20 14:04 UTC") == []  # not yet true


def test_an_update_that_takes_over_a_maintenance_stops_the_clocks_events(
    make_site: MakeSite,
) -> None:
    source = make_site({"work": MAINTENANCE})
    assert ("work/starts-soon-20261120T200000Z", "maintenance_soon") in events_at(
        source, "2026-11-20 19:10 UTC"
    )
    # Started early by an update: no reminder any more, and no start by the clock.
    later = [i for i, _ in events_at(source, "2026-11-20 22:30 UTC")]
    assert "work/update-20261120T193000Z" in later
    assert not [i for i in later if "starts-soon" in i or "started" in i or "ended" in i]


def test_update_events_are_named_by_the_page_anchors(make_site: MakeSite, tmp_path: Path) -> None:
    """An update's event id ends with the anchor the incident page gives that update."""
    from generator.build import build

    source = make_site({"errors": INCIDENT})
    output = tmp_path / "out"
    build(source, output, parse_now("2026-11-20 14:10 UTC", None))
    page = (output / "incidents" / "errors" / "index.html").read_text(encoding="utf-8")
    ids = [i for i, _ in events_at(source, "2026-11-20 14:10 UTC") if "/update-" in i]
    assert ids
    for event_id in ids:
        assert f'id="{event_id.split("/", 1)[1]}"' in page


def test_the_event_list_is_the_same_for_the_same_input_and_now(
    make_site: MakeSite, tmp_path: Path
) -> None:
    from generator.build import build

    source = make_site({"errors": INCIDENT, "work": MAINTENANCE})
    now = parse_now("2026-11-20 19:40 UTC", None)
    build(source, tmp_path / "a", now)
    build(source, tmp_path / "b", now)
    first = (tmp_path / "a" / "api/notifications.json").read_bytes()
    assert first == (tmp_path / "b" / "api/notifications.json").read_bytes()
    build(source, tmp_path / "c", now + timedelta(minutes=10))
    assert (tmp_path / "c" / "api/notifications.json").read_bytes() != first
