"""Reading site.yaml, incident files and written times (SPEC sections 2 and 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from generator.build import check
from generator.problems import ContentError
from generator.times import TimeError, is_ambiguous, parse_duration, parse_time

from .conftest import MakeSite

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected_utc"),
    [
        ("2026-11-20 14:05", "2026-11-20T13:05:00"),  # the site's zone (CET, +01:00)
        ("2026-11-20 14:05:30", "2026-11-20T13:05:30"),
        ("2026-11-20 14:05 UTC", "2026-11-20T14:05:00"),
        ("2026-11-20 14:05 Z", "2026-11-20T14:05:00"),
        ("2026-11-20 14:05 +05:30", "2026-11-20T08:35:00"),
        ("2026-11-20 14:05 -0500", "2026-11-20T19:05:00"),
        ("2026-11-20T14:05Z", "2026-11-20T14:05:00"),
        ("2026-11-20T14:05:00+01:00", "2026-11-20T13:05:00"),
        ("2026-07-01 14:05", "2026-07-01T12:05:00"),  # summer time, +02:00
    ],
)
def test_times_in_every_accepted_form(text: str, expected_utc: str) -> None:
    moment = parse_time(text, BERLIN)
    assert moment.astimezone(UTC).replace(tzinfo=None).isoformat() == expected_utc


def test_ambiguous_wall_time_is_its_first_occurrence() -> None:
    moment = parse_time("2026-10-25 02:30", BERLIN)  # clocks go back at 03:00 CEST
    assert moment.utcoffset() == timedelta(hours=2)
    assert is_ambiguous(moment)
    assert parse_time("2026-10-25 02:30 +01:00", BERLIN).astimezone(UTC).hour == 1


@pytest.mark.parametrize("text", ["2026-03-29 02:30", "2026-03-29 02:00"])
def test_nonexistent_wall_time_is_an_error(text: str) -> None:
    with pytest.raises(TimeError, match="does not exist in Europe/Berlin"):
        parse_time(text, BERLIN)


@pytest.mark.parametrize(
    "text", ["tomorrow", "20.11.2026 14:05", "2026-11-20", "14:05", "2026-11-20 10:00 CET"]
)
def test_unreadable_times_show_the_accepted_forms(text: str) -> None:
    with pytest.raises(TimeError) as info:
        parse_time(text, BERLIN)
    assert "2026-11-20" in str(info.value)


def test_impossible_date_says_why() -> None:
    with pytest.raises(TimeError, match="not a real date and time .day is out of range"):
        parse_time("2026-02-30 10:00", BERLIN)


def test_new_york_and_kolkata_zones() -> None:
    assert parse_time("2026-03-08 03:30", ZoneInfo("America/New_York")).utcoffset() == timedelta(
        hours=-4
    )
    kolkata = parse_time("2026-11-20 14:05", ZoneInfo("Asia/Kolkata"))
    assert kolkata.utcoffset() == timedelta(hours=5, minutes=30)
    assert kolkata.astimezone(UTC).strftime("%H:%M") == "08:35"


@pytest.mark.parametrize(
    ("text", "minutes"), [("30m", 30), ("1h", 60), ("1h30m", 90), ("90min", 90)]
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("separator", ["—", "–", "-", "|", "·"])
def test_every_heading_separator(make_site: MakeSite, separator: str) -> None:
    site = make_site(
        {
            "a": f"""
        ---
        title: X
        ---

        ## 2026-11-20 10:00 {separator} in progress
        Not an incident status.
        """
        }
    )
    with pytest.raises(ContentError) as info:
        check(site, NOW)
    assert "unknown status 'in progress' for an incident" in str(info.value)
    site = make_site(
        {
            "b": f"""
        ---
        title: X
        ---

        ## 2026-11-20 10:00 -05:00 {separator} MONITORING
        Case does not matter; the offset stays part of the time.
        """
        },
        folder="two",
    )
    (incident,) = check(site, NOW).content.incidents
    assert incident.updates[0].status == "monitoring"
    assert incident.updates[0].time == datetime(2026, 11, 20, 15, tzinfo=UTC)


def test_update_text_keeps_everything_under_its_heading(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: X
        ---

        ## 2026-11-20 11:00 — Resolved
        Fixed.

        ### What we changed
        A fenced block with a heading-like line stays inside:

        ```
        ## 2026-11-20 09:00 — Investigating
        ```

        ## 2026-11-20 10:00 — Investigating
        Looking.
        """
        }
    )
    (incident,) = check(site, NOW).content.incidents
    assert [u.status for u in incident.updates] == ["investigating", "resolved"]
    assert "### What we changed" in incident.updates[1].body
    assert "## 2026-11-20 09:00 — Investigating\n```" in incident.updates[1].body
    assert incident.updates[1].line == 5


def test_components_map_list_and_group(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: X
        components: [api, storage]
        impact: minor
        ---

        ## 2026-11-20 10:00 — Investigating
        Slow.
        """
        }
    )
    (incident,) = check(site, NOW).content.incidents
    assert incident.components == (
        ("api", "degraded_performance"),
        ("storage", "degraded_performance"),
    )


def test_retired_component_in_a_past_incident_is_only_a_warning(make_site: MakeSite) -> None:
    site = make_site(
        {
            "old": """
        ---
        title: Old
        components:
          legacy: major_outage
          api: partial_outage
        ---

        ## 2026-11-20 10:00 — Resolved
        Done.
        """
        }
    )
    checked = check(site, NOW)
    assert [(w.line, w.severity) for w in checked.warnings] == [(4, "warning")]
    assert "unknown component 'legacy'" in checked.warnings[0].message
    assert checked.content.incidents[0].components == (("api", "partial_outage"),)


def test_site_yaml_reads_everything(make_site: MakeSite) -> None:
    site = make_site(
        site_yaml="""
        name: Acme
        url: https://acme.github.io/status
        timezone: America/New_York
        language: de
        links: {home: "https://acme.example"}
        mirrors: [https://mirror.example/]
        max_silence: 2h
        components:
          - id: no
            name: Norway
            since: 2024-01-01
        """
    )
    parsed = check(site, NOW).content.site
    assert parsed.url == "https://acme.github.io/status/"
    assert parsed.timezone.key == "America/New_York"
    assert parsed.max_silence == timedelta(hours=2)
    assert parsed.components[0].id == "no"  # stays a string, not YAML 1.1's false
    assert parsed.components[0].since.isoformat() == "2024-01-01"  # type: ignore[union-attr]
    assert parsed.title == "Acme Status"
