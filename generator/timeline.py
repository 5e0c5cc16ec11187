"""Stretches of time, and the one sweep that turns overlapping holds into a status over time.

A :class:`Phase` is a stretch of an incident or maintenance in one status; a :class:`Hold` is a
stretch in which one of them holds a component at a status. Where holds overlap, a component is
in the worst status of those covering it (SPEC section 4): :func:`sweep` visits the holds once
in time order, O(n log n) however long the outages, and gives the moments the status changes.
The status now and the API's component histories (:mod:`generator.derive`) and the uptime
figures (:mod:`generator.uptime`) all read these changes, so they cannot disagree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from generator.statuses import COMPONENT_STATUSES, OPERATIONAL, severity


@dataclass(frozen=True)
class Phase:
    """A stretch of time in one status: ``[start, end)``; ``end`` None means still going."""

    start: datetime
    end: datetime | None
    status: str

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class Hold:
    """A component held at ``status`` by an incident or maintenance during ``[start, end)``."""

    component_id: str
    start: datetime
    end: datetime | None
    status: str
    incident_id: str


@dataclass(frozen=True)
class Timeline:
    """A component's status over time: operational, then from each change's moment on, the
    change's status. Consecutive changes always differ."""

    changes: tuple[tuple[datetime, str], ...] = ()

    def status_at(self, moment: datetime) -> str:
        index = bisect_right(self.changes, moment, key=lambda change: change[0])
        return self.changes[index - 1][1] if index else OPERATIONAL

    def segments(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime, str]]:
        """The stretches of ``[start, end)`` that are not operational, as (from, to, status)."""
        for index, (moment, status) in enumerate(self.changes):
            if status == OPERATIONAL:
                continue
            following = self.changes[index + 1][0] if index + 1 < len(self.changes) else None
            lo = max(moment, start)
            hi = end if following is None else min(following, end)
            if lo < hi:
                yield lo, hi, status


def sweep(holds: Iterable[Hold]) -> Timeline:
    """The worst status of ``holds`` over time (one component's, or a group's members')."""
    events: list[tuple[datetime, int, int]] = []  # (time, +1 when a hold starts / -1, severity)
    for hold in holds:
        if hold.end is not None and hold.end <= hold.start:
            continue  # holds nothing
        rank = severity(hold.status)
        events.append((hold.start, 1, rank))
        if hold.end is not None:
            events.append((hold.end, -1, rank))
    events.sort(key=itemgetter(0))
    counts = [0] * len(COMPONENT_STATUSES)  # holds covering the moment, by severity
    top = len(COMPONENT_STATUSES) - 1
    changes: list[tuple[datetime, str]] = []
    previous = 0
    index = 0
    total = len(events)
    while index < total:
        moment = events[index][0]
        while index < total and events[index][0] == moment:
            _, step, rank = events[index]
            counts[rank] += step
            index += 1
        worst = top
        while worst > 0 and counts[worst] <= 0:
            worst -= 1
        if worst != previous:
            changes.append((moment, COMPONENT_STATUSES[worst]))
            previous = worst
    return Timeline(tuple(changes))
