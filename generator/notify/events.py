"""The notification events that are true at a moment (SPEC section 8), derived from the facts.

An event is something someone should be told: a new update, a maintenance about to start,
starting or ending by the clock (for subscribers); a promised update due soon or overdue, an
incident gone silent (for the team). Every build lists the events true at its "now" and writes
them into the site; ``statusgen notify`` sends those the previously published site lacked.

An event's id comes from the content alone (incident id, the update's time, the promised or
scheduled time), never from "now", so two builds at different moments agree on it. Its time is
the update's, or the moment the clock made it true; it stays listed for :data:`WINDOW` after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.derive import Facts, IncidentFacts, maintenance_clock_changes
from generator.model import Incident, Site, Update
from generator.statuses import OPERATIONAL

WINDOW = timedelta(hours=24)  # an event stays listed, and may be sent, this long after its time
REMINDER = timedelta(minutes=60)  # "a maintenance starting within 60 minutes"
DUE_SOON = timedelta(minutes=10)  # "a promised next update due within 10 minutes"

# Event types, by audience.
UPDATE = "update"
MAINTENANCE_SOON = "maintenance_soon"
MAINTENANCE_STARTED = "maintenance_started"
MAINTENANCE_ENDED = "maintenance_ended"
UPDATE_DUE = "update_due"
UPDATE_OVERDUE = "update_overdue"
SILENT = "silent"
SUBSCRIBER_TYPES = (UPDATE, MAINTENANCE_SOON, MAINTENANCE_STARTED, MAINTENANCE_ENDED)
TEAM_TYPES = (UPDATE_DUE, UPDATE_OVERDUE, SILENT)

# The statuses in which an incident's or maintenance's components carry their listed status
# (a scheduled maintenance shows what it will affect).
_HOLDING = ("investigating", "identified", "in_progress", "verifying", "scheduled")


@dataclass(frozen=True)
class Event:
    """One thing to tell someone, about one incident or maintenance."""

    id: str
    type: str  # one of SUBSCRIBER_TYPES or TEAM_TYPES
    time: datetime  # the update's time, or when the clock made the event true
    incident: Incident
    status: str  # the incident's status as the message shows it
    update: Update | None = None  # the update an UPDATE event announces
    promised: datetime | None = None  # the next_update an UPDATE_DUE / UPDATE_OVERDUE is about

    @property
    def audience(self) -> str:
        return "team" if self.type in TEAM_TYPES else "subscribers"


def stamp(moment: datetime) -> str:
    """A moment as it appears in event ids: ``20261120T140500Z``."""
    return moment.strftime("%Y%m%dT%H%M%SZ")


def derive_events(facts: Facts, now: datetime) -> list[Event]:
    """Every event true at ``now``, in time order (then by id)."""
    site = facts.content.site
    events: list[Event] = []
    for incident in facts.content.incidents:
        incident_facts = facts.of(incident)
        for update_facts in incident_facts.updates:
            update, status = update_facts.update, update_facts.status
            if _listed(update.time, now):
                events.append(
                    Event(
                        id=f"{incident.id}/{update_facts.anchor}",
                        type=UPDATE,
                        time=update.time,
                        incident=incident,
                        status=status,
                        update=update,
                    )
                )
        if incident.is_maintenance:
            events.extend(_maintenance_events(incident, incident_facts.status, now))
        elif incident_facts.active:
            events.extend(_team_events(incident_facts, site, now))
    events.sort(key=lambda e: (e.time, e.id))
    return events


def _listed(moment: datetime, now: datetime) -> bool:
    return moment <= now < moment + WINDOW


def _maintenance_events(incident: Incident, status_now: str, now: datetime) -> list[Event]:
    assert incident.maintenance_start is not None
    start = incident.maintenance_start
    out = []
    # The reminder is true only while the start is still ahead and nothing has started it.
    if start - REMINDER <= now < start and status_now == "scheduled":
        out.append(
            Event(
                id=f"{incident.id}/starts-soon-{stamp(start)}",
                type=MAINTENANCE_SOON,
                time=start - REMINDER,
                incident=incident,
                status="scheduled",
            )
        )
    for moment, status in maintenance_clock_changes(incident):
        if _listed(moment, now):
            kind, word = (
                (MAINTENANCE_STARTED, "started")
                if status == "in_progress"
                else (MAINTENANCE_ENDED, "ended")
            )
            out.append(
                Event(
                    id=f"{incident.id}/{word}-{stamp(moment)}",
                    type=kind,
                    time=moment,
                    incident=incident,
                    status=status,
                )
            )
    return out


def _team_events(facts: IncidentFacts, site: Site, now: datetime) -> list[Event]:
    incident, status_now = facts.incident, facts.status
    out = []
    promised = incident.next_update
    if promised is not None and promised - DUE_SOON <= now < promised:
        out.append(
            Event(
                id=f"{incident.id}/due-{stamp(promised)}",
                type=UPDATE_DUE,
                time=promised - DUE_SOON,
                incident=incident,
                status=status_now,
                promised=promised,
            )
        )
    if promised is not None and facts.overdue and now < promised + WINDOW:
        out.append(
            Event(
                id=f"{incident.id}/overdue-{stamp(promised)}",
                type=UPDATE_OVERDUE,
                time=promised,
                incident=incident,
                status=status_now,
                promised=promised,
            )
        )
    latest = incident.latest_update
    quiet_from = latest.time + site.max_silence
    if facts.silent and now < quiet_from + WINDOW:
        out.append(
            Event(
                id=f"{incident.id}/silent-{facts.of(latest).anchor}",
                type=SILENT,
                time=quiet_from,
                incident=incident,
                status=status_now,
            )
        )
    return out


def component_status_at(listed: str, status: str) -> str:
    """What a component the incident lists shows while the incident is at ``status``."""
    return listed if status in _HOLDING else OPERATIONAL
