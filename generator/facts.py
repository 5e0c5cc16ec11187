"""The derived facts of one build, computed once from the content and "now".

Renderers read these instead of deriving again, so every page, feed and API file agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from generator import derive
from generator.derive import Impact, Phase
from generator.model import Content, Incident
from generator.uptime import ComponentUptime, compute_uptime


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
    impacts: tuple[Impact, ...]

    @property
    def description(self) -> str:
        return derive.INDICATOR_DESCRIPTIONS[self.indicator]

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
        effective = derive.effective_statuses(incident)
        if incident.is_maintenance:
            phases = derive.maintenance_phases(incident)
            resolved = monitoring = None
        else:
            phases = derive.incident_phases(incident, effective)
            resolved = derive.resolved_at(incident, effective)
            monitoring = derive.monitoring_at(incident, effective)
        incidents[incident.id] = IncidentFacts(
            status=derive.status_at(incident, now),
            impact=derive.incident_impact(incident),
            active=derive.is_active(incident, now),
            upcoming=derive.is_upcoming(incident, now),
            overdue=derive.is_overdue(incident, now),
            started_at=(incident.maintenance_start or derive.started_at(incident)),
            resolved_at=resolved,
            monitoring_at=monitoring,
            phases=tuple(phases),
            update_statuses=tuple(status for _, status in effective),
        )
    held = tuple(derive.impacts(content))
    statuses = derive.component_statuses(content, now, held)
    return Facts(
        content=content,
        now=now,
        incidents=incidents,
        component_status=statuses,
        indicator=derive.overall_indicator(content, now, statuses),
        impacts=held,
    )
