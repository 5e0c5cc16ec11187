"""90-day uptime of every component and group (SPEC section 4; the rule is in docs/uptime.md).

The figures come from each component's status over time, :class:`generator.timeline.Timeline`,
which the derivation sweeps once from the holds of every incident and maintenance: at every
instant a component is in the worst status of the holds covering it, so overlapping incidents
never count twice. A group's status is the worst of its members that are counted at the time.

Days are local calendar days in the site's zone (23 or 25 hours long across a DST change); the
last day is today, counted up to "now". A day before a component's ``since`` has no data.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from generator.model import Site
from generator.statuses import COMPONENT_STATUSES, MAJOR, NO_DATA, PARTIAL, severity
from generator.timeline import Hold, Timeline, sweep

DAYS = 90
PARTIAL_WEIGHT = 0.3  # a partial outage counts as 30% down


@dataclass(frozen=True)
class DayUptime:
    """One local day of one component or group."""

    day: date
    counted: timedelta  # time counted on this day; zero for a day with no data
    major: timedelta  # time in major_outage
    partial: timedelta  # time in partial_outage (and not in major_outage)
    worst: str  # the worst component status seen this day, or NO_DATA
    uptime: float | None  # percent, 0-100; None for a day with no data
    incident_ids: tuple[str, ...] = ()  # incidents and maintenance that touched the day

    @property
    def has_data(self) -> bool:
        return self.uptime is not None


@dataclass(frozen=True)
class ComponentUptime:
    """The 90 days of one component or group, oldest first, and the 90-day figure."""

    component_id: str
    uptime: float | None  # percent over the counted time; None when nothing was counted
    days: tuple[DayUptime, ...]

    @property
    def incident_days(self) -> tuple[DayUptime, ...]:
        """The days that had an incident or maintenance, oldest first."""
        return tuple(d for d in self.days if d.incident_ids)

    @property
    def no_data_days(self) -> int:
        return sum(1 for d in self.days if not d.has_data)

    @property
    def first_counted(self) -> DayUptime | None:
        return next((d for d in self.days if d.has_data), None)

    def runs(self) -> dict[str, list[tuple[int, int]]]:
        """Runs of consecutive days in the same state: state -> [(first day index, length)].

        The theme draws each state's runs as one SVG path, which keeps a 90-day bar small.
        """
        out: dict[str, list[tuple[int, int]]] = {}
        for index, day in enumerate(self.days):
            state = day.worst
            runs = out.setdefault(state, [])
            if runs and sum(runs[-1]) == index and self.days[index - 1].worst == state:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((index, 1))
        return out


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which a local day begins (its first existing wall time)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def window_days(now: datetime, zone: ZoneInfo, days: int = DAYS) -> list[date]:
    """The local days of the window, oldest first, ending with today."""
    today = now.astimezone(zone).date()
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def percent(counted: timedelta, major: timedelta, partial: timedelta) -> float | None:
    """100 × (1 − downtime ÷ counted time); None when nothing was counted."""
    if counted <= timedelta(0):
        return None
    down = major.total_seconds() + PARTIAL_WEIGHT * partial.total_seconds()
    return 100.0 * (1.0 - down / counted.total_seconds())


def _days(
    timeline: Timeline,
    holds: Sequence[Hold],
    starts: list[date],
    bounds: list[datetime],
    first_counted: int,
) -> tuple[list[DayUptime], float | None]:
    """Per-day figures from the first counted day on, and the figure over the whole window."""
    count = len(starts)
    major = [timedelta(0)] * count
    partial = [timedelta(0)] * count
    worst = [0] * count
    ids: list[set[str]] = [set() for _ in range(count)]
    window_start, window_end = bounds[first_counted], bounds[-1]
    for lo, hi, status in timeline.segments(window_start, window_end):
        rank = severity(status)
        day = bisect_right(bounds, lo) - 1
        while day < count and bounds[day] < hi:
            piece = min(hi, bounds[day + 1]) - max(lo, bounds[day])
            if status == MAJOR:
                major[day] += piece
            elif status == PARTIAL:
                partial[day] += piece
            worst[day] = max(worst[day], rank)
            day += 1
    for hold in holds:
        lo = max(hold.start, window_start)
        hi = window_end if hold.end is None else min(hold.end, window_end)
        if lo >= hi:
            continue
        day = bisect_right(bounds, lo) - 1
        while day < count and bounds[day] < hi:
            ids[day].add(hold.incident_id)
            day += 1
    days: list[DayUptime] = []
    for day in range(count):
        counted = bounds[day + 1] - bounds[day] if day >= first_counted else timedelta(0)
        figure = percent(counted, major[day], partial[day])
        days.append(
            DayUptime(
                day=starts[day],
                counted=counted,
                major=major[day],
                partial=partial[day],
                worst=COMPONENT_STATUSES[worst[day]] if figure is not None else NO_DATA,
                uptime=figure,
                incident_ids=tuple(sorted(ids[day])),
            )
        )
    total = percent(
        sum((d.counted for d in days), timedelta(0)),
        sum((d.major for d in days), timedelta(0)),
        sum((d.partial for d in days), timedelta(0)),
    )
    return days, total


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def compute_uptime(
    site: Site,
    holds: Iterable[Hold],
    timelines: Mapping[str, Timeline],
    now: datetime,
    days: int = DAYS,
) -> dict[str, ComponentUptime]:
    """Uptime of every component and group over the ``days`` local days ending with today,
    from the holds and each leaf component's timeline (:func:`generator.timeline.sweep`)."""
    zone = site.timezone
    dates = window_days(now, zone, days)
    bounds = [day_start(d, zone) for d in dates] + [now]
    by_leaf: dict[str, list[Hold]] = {leaf.id: [] for leaf in site.leaves}
    for hold in holds:
        # A hold over before the window counts on no day of it (a site's history is long).
        if hold.component_id in by_leaf and (hold.end is None or hold.end > bounds[0]):
            by_leaf[hold.component_id].append(hold)
    first: dict[str, int] = {}
    out: dict[str, ComponentUptime] = {}
    for leaf in site.leaves:
        first[leaf.id] = 0
        if leaf.since is not None:
            first[leaf.id] = next((i for i, d in enumerate(dates) if d >= leaf.since), len(dates))
        timeline = timelines.get(leaf.id, Timeline())
        leaf_days, total = _days(timeline, by_leaf[leaf.id], dates, bounds, first[leaf.id])
        out[leaf.id] = ComponentUptime(leaf.id, total, tuple(leaf_days))
    for group in site.components:
        if not group.is_group:
            continue
        # The group's own status is the worst of its members that are counted at the time.
        counted = [
            i if i.start >= bounds[first[member]] else replace(i, start=bounds[first[member]])
            for member in group.children
            for i in by_leaf[member]
        ]
        first_counted = min(first[c] for c in group.children)
        group_days, _ = _days(sweep(counted), counted, dates, bounds, first_counted)
        members = [out[c] for c in group.children]
        days_out = []
        for index, day in enumerate(group_days):
            figure = _mean(m.days[index].uptime for m in members)
            days_out.append(
                replace(day, uptime=figure, worst=day.worst if figure is not None else NO_DATA)
            )
        out[group.id] = ComponentUptime(group.id, _mean(m.uptime for m in members), tuple(days_out))
    return out


__all__ = ["ComponentUptime", "DayUptime", "NO_DATA", "compute_uptime"]
