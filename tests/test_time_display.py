"""Times as pages show them: the site's zone and its abbreviation, across DST and odd offsets;
and uptime through a whole build, from incident files to api/uptime.json."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator.build import build
from generator.render.formatting import Formatter
from generator.times import parse_now


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("zone", "moment", "shown", "iso"),
    [
        (BERLIN, "2026-03-29 00:59", "Mar 29, 2026, 1:59 AM CET", "2026-03-29T01:59:00+01:00"),
        (BERLIN, "2026-03-29 01:00", "Mar 29, 2026, 3:00 AM CEST", "2026-03-29T03:00:00+02:00"),
        (BERLIN, "2026-10-25 00:30", "Oct 25, 2026, 2:30 AM CEST", "2026-10-25T02:30:00+02:00"),
        (BERLIN, "2026-10-25 01:30", "Oct 25, 2026, 2:30 AM CET", "2026-10-25T02:30:00+01:00"),
        (
            "America/New_York",
            "2026-11-01 05:30",
            "Nov 1, 2026, 1:30 AM EDT",
            "2026-11-01T01:30:00-04:00",
        ),
        (
            "America/New_York",
            "2026-11-01 06:30",
            "Nov 1, 2026, 1:30 AM EST",
            "2026-11-01T01:30:00-05:00",
        ),
        (
            "Asia/Kolkata",
            "2026-01-31 18:29",
            "Jan 31, 2026, 11:59 PM IST",
            "2026-01-31T23:59:00+05:30",
        ),
        (
            "Asia/Kolkata",
            "2026-01-31 18:30",
            "Feb 1, 2026, 12:00 AM IST",
            "2026-02-01T00:00:00+05:30",
        ),
    ],
)
def test_times_are_shown_in_the_site_zone_with_its_abbreviation(
    zone: str, moment: str, shown: str, iso: str
) -> None:
    element = Formatter(ZoneInfo(zone), "en").time_element(utc(moment))
    # Babel puts a narrow no-break space before AM/PM, as CLDR says.
    assert element.replace("\u202f", " ") == f'<time datetime="{iso}">{shown}</time>'


@pytest.mark.parametrize(
    ("language", "month", "when"),
    [
        ("en", "November 2026", "Nov 20, 2026, 2:45 PM CET"),
        ("de", "November 2026", "20. Nov. 2026, 14:45 CET"),
        ("fr", "novembre 2026", "20 nov. 2026, 14:45 CET"),
        ("ja", "2026年11月", "2026年11月20日 14:45 CET"),
    ],
)
def test_dates_follow_the_language(language: str, month: str, when: str) -> None:
    fmt = Formatter(ZoneInfo("Europe/Berlin"), language)
    assert fmt.month_text(utc("2026-11-20 13:45")) == month
    assert fmt.datetime_text(utc("2026-11-20 13:45")).replace("\u202f", " ") == when


def test_durations_are_exact_to_the_minute() -> None:
    fmt = Formatter(ZoneInfo("UTC"), "en")
    assert fmt.duration_text(timedelta(minutes=47)) == "47 minutes"
    assert fmt.duration_text(timedelta(minutes=125)) == "2 hours, 5 minutes"
    assert Formatter(ZoneInfo("UTC"), "de").duration_text(timedelta(hours=1)) == "1 Stunde"


def test_percentages_are_cut_not_rounded_in_the_language() -> None:
    fmt = Formatter(ZoneInfo("UTC"), "en")
    # Any downtime at all reads below 100.00%, asked once or again and again.
    for _ in range(2):
        assert [fmt.percent(v) for v in (100, 100.0, 99.996, 99.99, 0, None)] == [
            "100.00%",
            "100.00%",
            "99.99%",
            "99.99%",
            "0.00%",
            "–",
        ]
    fr = Formatter(ZoneInfo("UTC"), "fr").percent(99.5).replace("\u202f", " ")
    assert fr.replace("\xa0", " ") == "99,50 %"


def dst_site(tmp_path: Path) -> Path:
    """A Berlin site with a major outage across the spring-forward night and one across the
    end of January (midnight and month end)."""
    source = tmp_path / "site"
    (source / "content" / "incidents").mkdir(parents=True)
    (source / "site.yaml").write_text(
        "name: Test\nurl: https://status.test.example/\ntimezone: Europe/Berlin\n"
        "components:\n  - id: api\n    name: API\n",
        encoding="utf-8",
    )
    (source / "content" / "incidents" / "spring.md").write_text(
        "---\ntitle: Outage across the clock change\ncomponents:\n  api: major_outage\n---\n\n"
        "## 2026-03-29 03:30 — Resolved\nFixed.\n\n"
        "## 2026-03-29 01:30 — Investigating\nDown.\n",
        encoding="utf-8",
    )
    (source / "content" / "incidents" / "month-end.md").write_text(
        "---\ntitle: Slow across the month end\ncomponents:\n  api: partial_outage\n---\n\n"
        "## 2026-02-01 01:00 — Resolved\nFixed.\n\n"
        "## 2026-01-31 23:00 — Investigating\nSlow.\n",
        encoding="utf-8",
    )
    return source


def test_a_build_gives_exact_uptime_across_dst_and_month_end(tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(dst_site(tmp_path), output, parse_now("2026-03-30 10:00 UTC", None))
    api = json.loads((output / "api" / "uptime.json").read_text(encoding="utf-8"))
    component = api["components"][0]
    days = {d["date"]: d for d in component["days"]}
    assert len(component["days"]) == 90 and component["days"][0]["date"] == "2025-12-31"
    assert days["2026-03-29"] == {
        "date": "2026-03-29",
        "uptime": 95.6522,  # 1 h of 23 h
        "major_outage_minutes": 60,
        "partial_outage_minutes": 0,
    }
    assert days["2026-01-31"]["uptime"] == 98.75  # 0.3 × 60 min of 1440
    assert days["2026-02-01"]["partial_outage_minutes"] == 60
    # 88 days of 24 h, one of 23 h, 12 h today = 2147 h; down 1 h + 0.3 × 2 h.
    assert component["uptime"] == round(100 * (1 - 1.6 / 2147), 4)  # 99.9255
    page = (output / "incidents" / "spring" / "index.html").read_text(encoding="utf-8")
    page = page.replace("\u202f", " ")
    assert "lasted 1 hour)" in page
    assert '<time datetime="2026-03-29T03:30:00+02:00">Mar 29, 2026, 3:30 AM CEST</time>' in page
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="API: Uptime over the last 90 days: 99.92%. 3 days with incidents."' in home
    # The per-day detail is on the component page, a link away from the bar on the home page.
    assert '<a class="ubl" href="./components/api/">' in home
    assert "Mar 29, 2026</time>: 95.65%, Major outage" not in home
    component = (output / "components" / "api" / "index.html").read_text(encoding="utf-8")
    assert "Mar 29, 2026</time>: 95.65%, Major outage" in component


def local_time_script(tmp_path: Path) -> str:
    """The local-time script as a build publishes it: the file every page but the home page
    links (the home page carries the same script inline)."""
    output = tmp_path / "out"
    build(dst_site(tmp_path), output, parse_now("2026-03-30 10:00 UTC", None))
    page = (output / "incidents" / "spring" / "index.html").read_text(encoding="utf-8")
    source = re.search(r'<script src="\.\./\.\./(assets/local-time\.[0-9a-f]+\.js)" defer>', page)
    assert source is not None, "the incident page links no local-time script"
    script = (output / source[1]).read_text(encoding="utf-8")
    home = (output / "index.html").read_text(encoding="utf-8")
    assert f"<script>{script}</script>" in home
    return script


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/Berlin", None),  # the reader is in the site's zone: nothing changes
        ("America/New_York", ("Nov 20, 2026, 9:45 AM EST", "Jul 1, 2026, 4:00 AM EDT")),
        ("Asia/Kolkata", ("Nov 20, 2026, 8:15 PM GMT+5:30", "Jul 1, 2026, 1:30 PM GMT+5:30")),
    ],
)
def test_the_reader_sees_each_time_once_in_their_own_zone(
    browser: Any, tmp_path: Path, zone: str, shown: tuple[str, str] | None
) -> None:
    """In real Chromium, with the reader's zone set: each time is shown once, in the reader's
    zone, with the site's own time as its tooltip; never both side by side."""
    script = local_time_script(tmp_path)
    page_html = (
        '<!DOCTYPE html><html lang="en"><body>'
        '<p id="a"><time datetime="2026-11-20T15:45:00+01:00">Nov 20, 2026, 3:45 PM CET</time></p>'
        '<p id="b"><time datetime="2026-07-01T10:00:00+02:00">Jul 1, 2026, 10:00 AM CEST</time></p>'
        '<p id="c"><time datetime="2026-11-20">Nov 20, 2026</time></p>'
        f"<script>{script}</script></body></html>"
    )
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        page.set_content(page_html)
        texts = [page.inner_text(f"#{p}").replace("\u202f", " ") for p in "abc"]
        titles = [page.get_attribute(f"#{p} time", "title") for p in "ab"]
    finally:
        context.close()
    assert texts[2] == "Nov 20, 2026"  # a date alone is the same everywhere
    if shown is None:
        assert texts[:2] == ["Nov 20, 2026, 3:45 PM CET", "Jul 1, 2026, 10:00 AM CEST"]
        assert titles == [None, None]
    else:
        assert tuple(texts[:2]) == shown
        assert titles == ["Nov 20, 2026, 3:45 PM CET", "Jul 1, 2026, 10:00 AM CEST"]
