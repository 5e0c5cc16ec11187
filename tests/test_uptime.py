"""Uptime by SPEC section 4: expected figures are worked out by hand in each test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from generator.model import DEGRADED, MAJOR, PARTIAL, UNDER_MAINTENANCE, Component, Site
from generator.timeline import Hold, sweep
from generator.uptime import NO_DATA, ComponentUptime, compute_uptime


def make_site(zone: str, since: dict[str, date] | None = None) -> Site:
    """One plain component ``web`` and a group ``core`` of ``a`` and ``b``."""
    since = since or {}
    web = Component("web", "Web", since=since.get("web"))
    a = Component("a", "A", since=since.get("a"), group_id="core")
    b = Component("b", "B", since=since.get("b"), group_id="core")
    core = Component("core", "Core", children=("a", "b"))
    return Site(
        name="T",
        url="https://t.example/",
        timezone=ZoneInfo(zone),
        components=(web, core),
        by_id={c.id: c for c in (web, a, b, core)},
    )


def at(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def hit(
    component: str, start: datetime, end: datetime | None, status: str = MAJOR, incident: str = "x"
) -> Hold:
    return Hold(component, start, end, status, incident)


def uptime(site: Site, holds: list[Hold], now: datetime) -> dict[str, ComponentUptime]:
    """Uptime from the holds, each leaf's timeline swept as a build's derivation does."""
    timelines = {
        leaf.id: sweep(h for h in holds if h.component_id == leaf.id) for leaf in site.leaves
    }
    return compute_uptime(site, holds, timelines, now)


def day_of(result, component: str, day: str):
    return next(d for d in result[component].days if d.day == date.fromisoformat(day))


def test_spring_forward_day_is_23_hours_in_berlin() -> None:
    zone = "Europe/Berlin"
    now = at("2026-03-30 12:00", zone)
    # 01:30 CET to 03:30 CEST is one real hour (the clocks skip 02:00-03:00).
    outage = hit("web", at("2026-03-29 01:30", zone), at("2026-03-29 03:30", zone))
    result = uptime(make_site(zone), [outage], now)
    day = day_of(result, "web", "2026-03-29")
    assert day.counted == timedelta(hours=23)
    assert day.uptime == pytest.approx(100 * (1 - 1 / 23), abs=1e-9)  # 95.6522
    assert day.major == timedelta(hours=1)
    # Window: 2025-12-31 .. 2026-03-30: 88 whole days, a 23 h day, and 12 h of today.
    assert result["web"].days[0].day == date(2025, 12, 31)
    assert result["web"].uptime == pytest.approx(100 * (1 - 1 / 2147), abs=1e-9)  # 99.9534


def test_fall_back_day_is_25_hours_in_berlin() -> None:
    zone = "Europe/Berlin"
    now = at("2026-10-26 00:00", zone)
    outage = hit("web", at("2026-10-25 01:00", zone), at("2026-10-25 03:00", zone), PARTIAL)
    result = uptime(make_site(zone), [outage], now)
    day = day_of(result, "web", "2026-10-25")
    # 01:00 CEST to 03:00 CET is three real hours; 0.3 × 3 h = 0.9 h of a 25 h day.
    assert day.partial == timedelta(hours=3)
    assert day.uptime == pytest.approx(100 * (1 - 0.9 / 25), abs=1e-9)  # 96.4
    # Today began at "now": nothing of it is counted.
    assert result["web"].days[-1].uptime is None
    # 89 days 2026-07-29 .. 2026-10-25: 88 × 24 h + 25 h = 2137 h.
    assert result["web"].uptime == pytest.approx(100 * (1 - 0.9 / 2137), abs=1e-9)


def test_new_york_outage_across_midnight_after_fall_back() -> None:
    zone = "America/New_York"
    now = at("2026-11-02 12:00", zone)
    outage = hit("web", at("2026-11-01 23:00", zone), at("2026-11-02 01:00", zone))
    result = uptime(make_site(zone), [outage], now)
    assert day_of(result, "web", "2026-11-01").uptime == pytest.approx(100 * (1 - 1 / 25))  # 96
    assert day_of(result, "web", "2026-11-02").uptime == pytest.approx(100 * (1 - 1 / 12))
    assert day_of(result, "web", "2026-11-01").counted == timedelta(hours=25)


def test_new_york_spring_forward() -> None:
    zone = "America/New_York"
    now = at("2026-03-09 00:00", zone)
    outage = hit("web", at("2026-03-08 01:00", zone), at("2026-03-08 04:00", zone), PARTIAL)
    result = uptime(make_site(zone), [outage], now)
    day = day_of(result, "web", "2026-03-08")
    # 01:00 EST to 04:00 EDT is two real hours: 0.6 h of a 23 h day.
    assert day.uptime == pytest.approx(100 * (1 - 0.6 / 23), abs=1e-9)  # 97.3913


def test_kolkata_half_hour_zone_across_month_end() -> None:
    zone = "Asia/Kolkata"
    now = at("2026-02-01 12:00", zone)
    # 18:00-19:30 UTC is 23:30 on 31 January to 01:00 on 1 February in India (+05:30).
    outage = hit(
        "web", datetime(2026, 1, 31, 18, 0, tzinfo=UTC), datetime(2026, 1, 31, 19, 30, tzinfo=UTC)
    )
    result = uptime(make_site(zone), [outage], now)
    assert day_of(result, "web", "2026-01-31").major == timedelta(minutes=30)
    assert day_of(result, "web", "2026-01-31").uptime == pytest.approx(100 * (1 - 30 / 1440))
    assert day_of(result, "web", "2026-02-01").uptime == pytest.approx(100 * (1 - 60 / 720))
    # 89 whole days and 12 h of today = 2148 h = 128880 min, 90 min down.
    assert result["web"].uptime == pytest.approx(100 * (1 - 90 / 128880), abs=1e-9)


def test_overlapping_incidents_count_once_at_the_worst_status() -> None:
    zone = "UTC"
    now = at("2026-05-02 00:00", zone)
    impacts = [
        hit("web", at("2026-05-01 10:00", zone), at("2026-05-01 11:00", zone), MAJOR, "one"),
        hit("web", at("2026-05-01 10:30", zone), at("2026-05-01 11:30", zone), MAJOR, "two"),
        hit("web", at("2026-05-01 10:45", zone), at("2026-05-01 12:30", zone), PARTIAL, "three"),
        hit("web", at("2026-05-01 09:00", zone), at("2026-05-01 13:00", zone), DEGRADED, "four"),
    ]
    day = day_of(uptime(make_site(zone), impacts, now), "web", "2026-05-01")
    assert day.major == timedelta(minutes=90)  # 10:00-11:30, not 120 minutes
    assert day.partial == timedelta(minutes=60)  # 11:30-12:30
    assert day.uptime == pytest.approx(100 * (1 - (90 + 0.3 * 60) / 1440))  # 92.5
    assert day.worst == MAJOR
    assert day.incident_ids == ("four", "one", "three", "two")


def test_degraded_and_maintenance_colour_the_day_but_do_not_count() -> None:
    zone = "UTC"
    now = at("2026-05-03 00:00", zone)
    impacts = [
        hit("web", at("2026-05-01 10:00", zone), at("2026-05-01 18:00", zone), DEGRADED),
        hit("web", at("2026-05-02 01:00", zone), at("2026-05-02 03:00", zone), UNDER_MAINTENANCE),
    ]
    result = uptime(make_site(zone), impacts, now)
    assert day_of(result, "web", "2026-05-01").uptime == 100
    assert day_of(result, "web", "2026-05-01").worst == DEGRADED
    assert day_of(result, "web", "2026-05-02").worst == UNDER_MAINTENANCE
    assert result["web"].uptime == 100


def test_today_counts_up_to_now_and_an_open_outage_up_to_now() -> None:
    zone = "Europe/Berlin"
    now = at("2026-06-10 06:00", zone)
    outage = hit("web", at("2026-06-10 05:00", zone), None)
    today = uptime(make_site(zone), [outage], now)["web"].days[-1]
    assert today.counted == timedelta(hours=6)
    assert today.uptime == pytest.approx(100 * (1 - 1 / 6))


def test_days_before_since_have_no_data_and_the_group_averages_who_counts() -> None:
    zone = "Europe/Berlin"
    now = at("2026-06-10 12:00", zone)
    site = make_site(zone, since={"b": date(2026, 6, 9)})
    impacts = [
        # Before b's since: not counted, not shown.
        hit("b", at("2026-06-08 10:00", zone), at("2026-06-08 11:00", zone), MAJOR, "old"),
        # On the since day itself, counted from local midnight.
        hit("b", at("2026-06-09 00:00", zone), at("2026-06-09 02:24", zone), MAJOR, "new"),
        hit("a", at("2026-06-08 00:00", zone), at("2026-06-08 04:48", zone), PARTIAL, "a1"),
    ]
    result = uptime(site, impacts, now)
    b = result["b"]
    assert [d.uptime for d in b.days[:-2]] == [None] * 88
    assert day_of(result, "b", "2026-06-08").worst == NO_DATA
    assert day_of(result, "b", "2026-06-08").incident_ids == ()
    assert day_of(result, "b", "2026-06-09").uptime == pytest.approx(90)  # 2.4 h of 24 h
    # b counts 24 h + 12 h = 36 h with 2.4 h down.
    assert b.uptime == pytest.approx(100 * (1 - 2.4 / 36))
    a_0608 = 100 * (1 - 0.3 * 4.8 / 24)  # 94
    assert day_of(result, "core", "2026-06-08").uptime == pytest.approx(a_0608)  # a alone
    assert day_of(result, "core", "2026-06-09").uptime == pytest.approx((100 + 90) / 2)
    a_total = 100 * (1 - 0.3 * 4.8 / (89 * 24 + 12))
    assert result["core"].uptime == pytest.approx((a_total + b.uptime) / 2)
    # The group's minutes are those of its own (worst-of-members) status.
    assert day_of(result, "core", "2026-06-08").partial == timedelta(hours=4.8)
    assert day_of(result, "core", "2026-06-08").incident_ids == ("a1",)


def test_since_in_the_future_counts_nothing() -> None:
    site = make_site("UTC", since={"web": date(2027, 1, 1)})
    result = uptime(site, [], at("2026-06-10 12:00", "UTC"))
    assert result["web"].uptime is None
    assert all(d.worst == NO_DATA for d in result["web"].days)


def test_thousands_of_overlapping_incidents_never_count_twice() -> None:
    # 3,000 major outages of 45 minutes starting every 17: they overlap into one long outage,
    # whose length alone is the downtime. (How fast this is, bench/run.py measures.)
    zone = "UTC"
    now = at("2026-06-10 12:00", zone)
    start = at("2026-05-01 00:00", zone)
    holds = [
        hit("web", start + timedelta(minutes=17 * n), start + timedelta(minutes=17 * n + 45))
        for n in range(3000)
    ]
    end = start + timedelta(minutes=17 * 2999 + 45)
    result = uptime(make_site(zone), holds, now)
    down = sum((d.major for d in result["web"].days), timedelta(0))
    assert down == end - start
    counted = sum((d.counted for d in result["web"].days), timedelta(0))
    assert result["web"].uptime == pytest.approx(100 * (1 - down / counted))
    assert day_of(result, "web", "2026-05-02").major == timedelta(hours=24)
