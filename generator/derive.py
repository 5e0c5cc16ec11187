"""What the content means at a moment: statuses, timelines and warnings (SPEC section 4).

Everything here is a pure function of the model and "now"; nothing is stored on the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from generator.model import (
    COMPONENT_STATUSES,
    IMPACTS,
    OPERATIONAL,
    STATUS_TO_IMPACT,
    UNDER_MAINTENANCE,
    UNRESOLVED,
    UPDATE,
    Content,
    Incident,
    Site,
    Update,
    severity,
)
from generator.problems import Problems
from generator.uptime import ComponentUptime, compute_uptime

# Overall indicators, best first, with Statuspage's descriptions.
INDICATORS = ("none", "maintenance", "minor", "major", "critical")
INDICATOR_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
_STATUS_TO_INDICATOR = {
    OPERATIONAL: "none",
    UNDER_MAINTENANCE: "maintenance",
    **STATUS_TO_IMPACT,
}


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


# -- incidents ---------------------------------------------------------------------------------


def effective_statuses(incident: Incident) -> list[tuple[Update, str]]:
    """Each update (oldest first) with the status it leaves the incident in.

    A maintenance's updates carry its state at their time: an ``Update`` posted after the start
    is "in progress" even when no update said so.
    """
    if incident.is_maintenance:
        phases = maintenance_phases(incident)
        return [(u, _phase_at(phases, u.time)) for u in incident.updates]
    out: list[tuple[Update, str]] = []
    current = "investigating"
    for update in incident.updates:
        if update.status == UPDATE:
            pass
        elif update.status == "postmortem":
            current = "postmortem"
        else:
            current = update.status
        out.append((update, current))
    return out


def incident_status(incident: Incident) -> str:
    """Status of an incident (its latest update's), or a maintenance's explicit one."""
    return effective_statuses(incident)[-1][1]


def is_unresolved(incident: Incident) -> bool:
    return not incident.is_maintenance and incident_status(incident) in UNRESOLVED


Effective = list[tuple[Update, str]]  # what effective_statuses() returns


def incident_phases(incident: Incident, effective: Effective | None = None) -> list[Phase]:
    """The incident's status over time, from its first update on (``effective``: the
    incident's :func:`effective_statuses`, when the caller has them already)."""
    phases: list[Phase] = []
    for update, status in effective or effective_statuses(incident):
        if phases and phases[-1].status == status:
            continue
        if phases:
            phases[-1] = Phase(phases[-1].start, update.time, phases[-1].status)
        phases.append(Phase(update.time, None, status))
    return phases


def resolved_at(incident: Incident, effective: Effective | None = None) -> datetime | None:
    """When the update that ended the incident was posted; None while it is unresolved."""
    result = None
    for update, status in effective or effective_statuses(incident):
        if status in UNRESOLVED:
            result = None
        elif result is None:
            result = update.time
    return result


def monitoring_at(incident: Incident, effective: Effective | None = None) -> datetime | None:
    """When the incident last went into monitoring, if it ever did."""
    result = None
    previous = None
    for update, status in effective or effective_statuses(incident):
        if status == "monitoring" and previous != "monitoring":
            result = update.time
        previous = status
    return result


def started_at(incident: Incident) -> datetime:
    return incident.started or incident.first_update.time


def incident_impact(incident: Incident) -> str:
    """The impact as written, else implied by the worst listed component status."""
    if incident.impact:
        return incident.impact
    if incident.is_maintenance:
        return "maintenance"
    worst = max((severity(status) for _, status in incident.components), default=0)
    return STATUS_TO_IMPACT.get(COMPONENT_STATUSES[worst], "none")


def active_phases(incident: Incident) -> list[Phase]:
    """When the incident's components carry their listed status.

    For an incident: while investigating or identified, from ``started`` on. For a maintenance:
    while in progress or verifying.
    """
    if incident.is_maintenance:
        return [p for p in maintenance_phases(incident) if p.status in ("in_progress", "verifying")]
    every = incident_phases(incident)
    first = every[0]
    if incident.started is not None:
        if first.status in HOLDING_STATUSES:
            # Impact began before the first post, or after it ("we expect problems from 14:00").
            every[0] = Phase(incident.started, first.end, first.status)
        elif incident.started < first.start:
            # Posted only after the fact (first update Monitoring or Resolved): the components
            # carried their status from `started` until that update.
            every.insert(0, Phase(incident.started, first.start, "investigating"))
    return [p for p in every if p.status in HOLDING_STATUSES and (p.end is None or p.start < p.end)]


HOLDING_STATUSES = (
    "investigating",
    "identified",
)  # the statuses in which components carry their status


# -- maintenance -------------------------------------------------------------------------------


_EXPLICIT = ("in_progress", "verifying", "completed")


def maintenance_phases(incident: Incident) -> list[Phase]:
    """A maintenance's state over time: the clock until an explicit update takes over.

    Before ``start`` it is scheduled, from ``start`` in progress, from ``end`` completed; an
    update saying In progress, Verifying or Completed overrides the clock from its own time on.
    """
    assert incident.maintenance_start is not None and incident.maintenance_end is not None
    explicit = [u for u in incident.updates if u.status in _EXPLICIT]
    takeover = explicit[0].time if explicit else None
    clock = [
        Phase(_EPOCH, incident.maintenance_start, "scheduled"),
        Phase(incident.maintenance_start, incident.maintenance_end, "in_progress"),
        Phase(incident.maintenance_end, None, "completed"),
    ]
    phases: list[Phase] = []
    for phase in clock:
        if takeover is not None and phase.start >= takeover:
            break
        end = phase.end
        if takeover is not None and (end is None or end > takeover):
            end = takeover
        phases.append(Phase(phase.start, end, phase.status))
    for index, update in enumerate(explicit):
        end = explicit[index + 1].time if index + 1 < len(explicit) else None
        if end is not None and end == update.time:
            continue
        phases.append(Phase(update.time, end, update.status))
    return [p for p in phases if p.end is None or p.end > p.start]


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def maintenance_clock_changes(incident: Incident) -> list[tuple[datetime, str]]:
    """The moments the clock alone moved a maintenance on: ``(start, "in_progress")`` and
    ``(end, "completed")``, each only if no In progress, Verifying or Completed update had
    taken over by then (the same rule as :func:`maintenance_phases`)."""
    assert incident.maintenance_start is not None and incident.maintenance_end is not None
    takeover = min((u.time for u in incident.updates if u.status in _EXPLICIT), default=None)
    clock = ((incident.maintenance_start, "in_progress"), (incident.maintenance_end, "completed"))
    return [(moment, status) for moment, status in clock if takeover is None or moment < takeover]


def maintenance_status(incident: Incident, now: datetime) -> str:
    return _phase_at(maintenance_phases(incident), now)


def _phase_at(phases: list[Phase], moment: datetime) -> str:
    for phase in phases:
        if phase.contains(moment):
            return phase.status
    return "scheduled"


def status_at(incident: Incident, now: datetime) -> str:
    """The status shown for an incident or maintenance at ``now``."""
    if incident.is_maintenance:
        return maintenance_status(incident, now)
    return incident_status(incident)


def is_active(incident: Incident, now: datetime) -> bool:
    """Unresolved incident, or maintenance in progress or verifying."""
    if incident.is_maintenance:
        return maintenance_status(incident, now) in ("in_progress", "verifying")
    return is_unresolved(incident)


def is_upcoming(incident: Incident, now: datetime) -> bool:
    return incident.is_maintenance and maintenance_status(incident, now) == "scheduled"


# -- components --------------------------------------------------------------------------------


def impacts(content: Content) -> list[Hold]:
    """Every stretch of time a leaf component was held at a status by an incident."""
    site = content.site
    out = []
    for incident in content.incidents:
        phases = active_phases(incident)
        if not phases:
            continue
        worst: dict[str, str] = {}
        for listed, status in incident.components:
            for leaf in site.expand(listed):
                if leaf not in worst or severity(status) > severity(worst[leaf]):
                    worst[leaf] = status
        for leaf, status in worst.items():
            for phase in phases:
                out.append(Hold(leaf, phase.start, phase.end, status, incident.id))
    return out


def component_statuses(
    content: Content, now: datetime, held: Sequence[Hold] | None = None
) -> dict[str, str]:
    """The status now of every component and group (``held``: :func:`impacts`, if known)."""
    site = content.site
    status = {leaf.id: OPERATIONAL for leaf in site.leaves}
    for impact in impacts(content) if held is None else held:
        covers_now = impact.start <= now and (impact.end is None or now < impact.end)
        if covers_now and severity(impact.status) > severity(status[impact.component_id]):
            status[impact.component_id] = impact.status
    for component in site.components:
        if component.is_group:
            status[component.id] = worst_status(status[c] for c in component.children)
    return status


def worst_status(statuses: Iterable[str]) -> str:
    return max(statuses, key=severity, default=OPERATIONAL)


def overall_indicator(
    content: Content, now: datetime, statuses: dict[str, str] | None = None
) -> str:
    """critical, major, minor, maintenance or none (SPEC section 4); ``statuses``:
    :func:`component_statuses`, if known."""
    if statuses is None:
        statuses = component_statuses(content, now)
    ranks = [INDICATORS.index(_STATUS_TO_INDICATOR[s]) for s in statuses.values()]
    for incident in content.incidents:
        if is_unresolved(incident):
            impact = incident_impact(incident)
            ranks.append(INDICATORS.index(impact) if impact in IMPACTS else 0)
        elif incident.is_maintenance and is_active(incident, now):
            ranks.append(INDICATORS.index("maintenance"))
    return INDICATORS[max(ranks, default=0)]


# -- warnings ----------------------------------------------------------------------------------


def describe_delay(delta: timedelta) -> str:
    """``1 minute``, ``2 hours 5 minutes``, ``3 days 4 hours``: the two largest units."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(
        f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts[:2] if n or len(parts) == 1
    )


def is_overdue(incident: Incident, now: datetime) -> bool:
    return (
        is_unresolved(incident) and incident.next_update is not None and incident.next_update < now
    )


def is_silent(incident: Incident, site: Site, now: datetime) -> bool:
    return is_unresolved(incident) and now - incident.latest_update.time > site.max_silence


def check_promises(content: Content, now: datetime, problems: Problems) -> None:
    """Warnings for promises not kept and for content that no longer fits (SPEC section 4)."""
    site = content.site
    for incident in content.incidents:
        if is_overdue(incident, now):
            assert incident.next_update is not None
            late = describe_delay(now - incident.next_update)
            problems.warning(
                incident.path,
                incident.line_of("next_update"),
                f"the next update was promised {late} ago: post one now "
                f"(statusgen update {incident.id} --status ... --message ...)",
            )
        if is_silent(incident, site, now):
            quiet = describe_delay(now - incident.latest_update.time)
            problems.warning(
                incident.path,
                incident.latest_update.line,
                f"no update for {quiet} on an unresolved incident (max_silence is "
                f"{describe_delay(site.max_silence)}): say what is known, even if "
                "there is no news",
            )
        if (
            incident.is_maintenance
            and incident.maintenance_end is not None
            and incident.maintenance_end <= now
            and not any(u.status == "completed" for u in incident.updates)
        ):
            problems.warning(
                incident.path,
                incident.line_of("maintenance"),
                "this maintenance has ended but has no Completed update: tell "
                f"readers how it went (statusgen resolve {incident.id} "
                "--message ...)",
            )
        for update in incident.updates:
            if update.time - now > timedelta(minutes=5):
                problems.warning(
                    incident.path,
                    update.line,
                    "this update is dated in the future: check the time and its time zone",
                )


# -- the facts of one build ----------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFacts:
    """What an incident or maintenance is at "now"."""

    status: str  # investigating ... postmortem, or scheduled ... completed
    impact: str  # none, minor, major, critical, or maintenance
    active: bool  # unresolved incident, or maintenance in progress / verifying
    upcoming: bool  # maintenance not yet started
    overdue: bool  # a next_update promise has passed
    started_at: datetime
    resolved_at: datetime | None
    monitoring_at: datetime | None
    phases: tuple[Phase, ...]  # the status over time
    update_statuses: tuple[str, ...]  # each update's resulting status, oldest first


@dataclass(frozen=True)
class Facts:
    content: Content
    now: datetime
    incidents: dict[str, IncidentFacts]
    component_status: dict[str, str]  # every component and group
    indicator: str  # none, maintenance, minor, major, critical
    impacts: tuple[Hold, ...]

    @property
    def description(self) -> str:
        return INDICATOR_DESCRIPTIONS[self.indicator]

    @cached_property
    def uptime(self) -> dict[str, ComponentUptime]:
        """90-day uptime of every component and group, computed once, when first needed."""
        return compute_uptime(self.content.site, self.impacts, self.now)

    def of(self, incident: Incident) -> IncidentFacts:
        return self.incidents[incident.id]

    @property
    def active(self) -> list[Incident]:
        """Unresolved incidents, newest first."""
        return [
            i
            for i in self.content.incidents
            if not i.is_maintenance and self.incidents[i.id].active
        ]

    @property
    def maintenance_active(self) -> list[Incident]:
        return sorted(
            (i for i in self.content.incidents if i.is_maintenance and self.incidents[i.id].active),
            key=lambda i: (i.maintenance_start, i.id),
        )

    @property
    def maintenance_upcoming(self) -> list[Incident]:
        return sorted(
            (i for i in self.content.incidents if self.incidents[i.id].upcoming),
            key=lambda i: (i.maintenance_start, i.id),
        )


def compute_facts(content: Content, now: datetime) -> Facts:
    incidents = {}
    for incident in content.incidents:
        # Each incident's update statuses, worked out once and handed to what needs them.
        effective = effective_statuses(incident)
        if incident.is_maintenance:
            phases = maintenance_phases(incident)
            resolved = monitoring = None
        else:
            phases = incident_phases(incident, effective)
            resolved = resolved_at(incident, effective)
            monitoring = monitoring_at(incident, effective)
        incidents[incident.id] = IncidentFacts(
            status=status_at(incident, now),
            impact=incident_impact(incident),
            active=is_active(incident, now),
            upcoming=is_upcoming(incident, now),
            overdue=is_overdue(incident, now),
            started_at=(incident.maintenance_start or started_at(incident)),
            resolved_at=resolved,
            monitoring_at=monitoring,
            phases=tuple(phases),
            update_statuses=tuple(status for _, status in effective),
        )
    held = tuple(impacts(content))
    statuses = component_statuses(content, now, held)
    return Facts(
        content=content,
        now=now,
        incidents=incidents,
        component_status=statuses,
        indicator=overall_indicator(content, now, statuses),
        impacts=held,
    )
