"""What the content means at a moment: every derived fact of a build, computed once (SPEC 4).

:func:`compute_facts` is the one derivation pass. From the model and "now" it works out what
each incident and maintenance is (:class:`IncidentFacts`: its status, each update's status and
the component changes it made, when it started and was resolved, the components it affects),
the holds they put on components, each component's status over time and now, the overall
indicator, the home page's past days and each component's incidents; uptime follows from the
same holds when it is first needed. Renderers, the API, the writing commands (and notifications)
only read and format these facts: a fact worked out anywhere else is a second answer waiting to
disagree with this one.

Everything here is a pure function of the model and "now"; nothing is stored on the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from generator.model import Component, Content, Incident, Site, Update
from generator.problems import Problems
from generator.statuses import (
    COMPONENT_STATUSES,
    DEGRADED,
    HOLDING_STATUSES,
    INDICATORS,
    MAINTENANCE_EXPLICIT_STATUSES,
    MAINTENANCE_HOLDING_STATUSES,
    OPERATIONAL,
    SHOWN,
    STATUS_TO_IMPACT,
    STATUS_TO_INDICATOR,
    UNDER_MAINTENANCE,
    UNRESOLVED,
    UPDATE,
    severity,
)
from generator.timeline import Hold, Phase, Timeline, sweep
from generator.uptime import ComponentUptime, compute_uptime

PAST_DAYS = 7  # the home page's "past incidents" reach

__all__ = [
    "PAST_DAYS",
    "ComponentChange",
    "ComponentFacts",
    "Facts",
    "Hold",
    "IncidentFacts",
    "Phase",
    "Timeline",
    "UpdateFacts",
    "check_promises",
    "compute_facts",
    "describe_delay",
    "incident_status",
    "maintenance_phases",
    "update_statuses",
]


# -- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentChange:
    """A leaf component whose status an update changed."""

    component_id: str
    old: str
    new: str


@dataclass(frozen=True)
class UpdateFacts:
    """What one update of an incident or maintenance did."""

    update: Update
    status: str  # the incident's status after it (``Update`` keeps the one before)
    anchor: str  # its stable id on the incident's page: update-20261120T140500Z, then -2, -3
    changes: tuple[ComponentChange, ...]  # the components it put on hold or released


@dataclass(frozen=True)
class IncidentFacts:
    """What an incident or maintenance is at "now"."""

    incident: Incident
    status: str  # investigating ... postmortem, or scheduled ... completed
    impact: str  # none, minor, major, critical, or maintenance
    active: bool  # unresolved incident, or maintenance in progress / verifying
    upcoming: bool  # maintenance not yet started
    overdue: bool  # unresolved, and its next_update promise has passed
    silent: bool  # unresolved, and no update for longer than max_silence
    # An incident: ``started``, else its first update. A maintenance: when it went in
    # progress (by the clock or an update) once it has, else its scheduled start.
    started_at: datetime
    resolved_at: datetime | None  # the update that ended it; when a maintenance completed
    monitoring_at: datetime | None  # when an incident last went into monitoring
    phases: tuple[Phase, ...]  # its status over time
    holding: tuple[Phase, ...]  # when its components carry their listed status
    affected: tuple[tuple[str, str], ...]  # (leaf component id, status while held), page order
    updates: tuple[UpdateFacts, ...]  # oldest first, as Incident.updates

    @cached_property
    def update_statuses(self) -> tuple[str, ...]:
        """Each update's resulting status, oldest first."""
        return tuple(u.status for u in self.updates)

    @cached_property
    def _by_position(self) -> dict[int, UpdateFacts]:
        return {u.update.position: u for u in self.updates}

    def of(self, update: Update) -> UpdateFacts:
        return self._by_position[update.position]


@dataclass(frozen=True)
class ComponentFacts:
    """What a component or group is at "now"."""

    status: str  # the worst any incident or maintenance gives it; a group: of its members
    # Its ``since`` (a group's: its members' earliest, when all have one), but not after the
    # site's first incident, which it is otherwise.
    created_at: datetime
    updated_at: datetime  # the latest change of its (members') status, else created_at


@dataclass(frozen=True)
class Facts:
    """Every derived fact of one build."""

    content: Content
    now: datetime
    incidents: dict[str, IncidentFacts]  # by id
    holds: tuple[Hold, ...]  # every stretch a leaf component was held at a status
    timelines: dict[str, Timeline]  # each leaf component's status over time
    components: dict[str, ComponentFacts]  # every component and group
    component_status: dict[str, str]  # components[id].status, which pages read most
    indicator: str  # none, maintenance, minor, major, critical
    created_at: datetime  # the site's: its first incident's first update, else now
    updated_at: datetime  # the latest moment anything on the site changed, not after now

    @cached_property
    def description_key(self) -> str:
        """The overall status as Statuspage words it: the indicator's word, except that degraded
        performance alone reads "Partially Degraded Service" ("Degraded System Service" when
        every component is degraded) rather than an outage."""
        leaves = [self.component_status[leaf.id] for leaf in self.content.site.leaves]
        worst = max(leaves, key=severity, default=OPERATIONAL)
        if self.indicator != "minor" or worst != DEGRADED:
            return self.indicator
        return "degraded_all" if all(s == DEGRADED for s in leaves) else "degraded_some"

    @property
    def description(self) -> str:
        """The overall status in Statuspage's words: "Partial System Outage"."""
        return SHOWN[self.description_key].word

    @cached_property
    def recovering(self) -> tuple[str, ...]:
        """Leaf components that an unresolved incident lists while it monitors a fix, and that
        nothing else holds now: operational again, not yet declared fixed."""
        out: dict[str, None] = {}
        for facts in self.incidents.values():
            if facts.active and facts.status == "monitoring":
                for leaf, _ in facts.affected:
                    if self.component_status[leaf] == OPERATIONAL:
                        out[leaf] = None
        return tuple(out)

    def is_recovering(self, component_id: str) -> bool:
        """Whether a component (a group: one of its members) is :attr:`recovering`."""
        component = self.content.site.by_id[component_id]
        members = component.children if component.is_group else (component_id,)
        return self.component_status[component_id] == OPERATIONAL and any(
            m in self.recovering for m in members
        )

    @cached_property
    def banner(self) -> str:
        """What the home page's banner says: the overall status, or "recovering" when every
        unresolved incident is monitoring a fix and no component is held (the indicator still
        carries their impact, as Statuspage's does, but the page must not show an outage above
        green components)."""
        open_incidents = [
            f for f in self.incidents.values() if f.active and not f.incident.is_maintenance
        ]
        held = any(
            self.component_status[leaf.id] not in (OPERATIONAL, UNDER_MAINTENANCE)
            for leaf in self.content.site.leaves
        )
        if open_incidents and not held and all(f.status == "monitoring" for f in open_incidents):
            return "recovering"
        return self.description_key

    @cached_property
    def uptime(self) -> dict[str, ComponentUptime]:
        """90-day uptime of every component and group, computed once, when first needed."""
        return compute_uptime(self.content.site, self.holds, self.timelines, self.now)

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

    @cached_property
    def past_days(self) -> tuple[tuple[date, tuple[Incident, ...]], ...]:
        """The last seven local days, newest first, each with the incidents that touched it: a
        maintenance the days of its window (once it is no longer upcoming), an incident those
        from its first to its latest update, an active one up to today."""
        zone = self.content.site.timezone
        today = self.now.astimezone(zone).date()
        spans = []
        for incident in self.content.incidents:
            facts = self.incidents[incident.id]
            if incident.is_maintenance and facts.upcoming:
                continue
            if incident.maintenance_start and incident.maintenance_end:
                first = incident.maintenance_start.astimezone(zone).date()
                last = incident.maintenance_end.astimezone(zone).date()
            else:
                first = incident.first_update.time.astimezone(zone).date()
                last = incident.latest_update.time.astimezone(zone).date()
            spans.append((incident, first, today if facts.active else last))
        days = [today - timedelta(days=n) for n in range(PAST_DAYS)]
        return tuple(
            (day, tuple(i for i, first, last in spans if first <= day <= last)) for day in days
        )

    def shown_start(self, incident: Incident) -> datetime:
        """The date history shows for an incident: its window's start for a maintenance, else
        when impact began."""
        return incident.maintenance_start or self.incidents[incident.id].started_at

    @cached_property
    def by_start(self) -> tuple[Incident, ...]:
        """Incidents and maintenance by the date history shows, newest first (then by id)."""
        return tuple(
            sorted(self.content.incidents, key=lambda i: (self.shown_start(i), i.id), reverse=True)
        )

    @cached_property
    def _incidents_by_component(self) -> dict[str, tuple[Incident, ...]]:
        site = self.content.site
        # Which components' lists an id listed by an incident puts it on.
        shown_on: dict[str, list[str]] = {}
        for component in site.all_components:
            wanted = {component.id, *component.children}
            if component.group_id:
                wanted.add(component.group_id)
            for listed in wanted:
                shown_on.setdefault(listed, []).append(component.id)
        lists: dict[str, list[Incident]] = {c.id: [] for c in site.all_components}
        for incident in self.content.incidents:
            targets = {c for listed, _ in incident.components for c in shown_on.get(listed, ())}
            for component_id in targets:
                lists[component_id].append(incident)
        return {component_id: tuple(found) for component_id, found in lists.items()}

    def incidents_of(self, component_id: str) -> tuple[Incident, ...]:
        """Incidents and maintenance that list the component, its group, or (for a group) a
        member, in the site's order."""
        return self._incidents_by_component[component_id]


def compute_facts(content: Content, now: datetime, cache: FactsCache | None = None) -> Facts:
    """The one derivation pass of a build: every fact of ``content`` at ``now``; ``cache``
    keeps what lasts from one pass to the next in a process that derives again and again."""
    site = content.site
    incidents = {i.id: incident_facts(i, site, now, cache) for i in content.incidents}
    if cache is not None:
        cache.keep_only(incidents)
    holds = tuple(
        hold
        for incident in content.incidents
        for hold in (
            cache.holds(incident, site) if cache is not None else _holds(incidents[incident.id])
        )
    )
    by_leaf: dict[str, list[Hold]] = {leaf.id: [] for leaf in site.leaves}
    for hold in holds:
        by_leaf[hold.component_id].append(hold)
    timelines = {
        leaf: cache.timeline(leaf, leaf_holds) if cache is not None else sweep(leaf_holds)
        for leaf, leaf_holds in by_leaf.items()
    }
    created = min((i.first_update.time for i in content.incidents), default=now)
    components = {
        c.id: _component_facts(c, site, timelines, created, now) for c in site.all_components
    }
    statuses = {component_id: facts.status for component_id, facts in components.items()}
    return Facts(
        content=content,
        now=now,
        incidents=incidents,
        holds=holds,
        timelines=timelines,
        components=components,
        component_status=statuses,
        indicator=_indicator(incidents.values(), statuses),
        created_at=created,
        updated_at=_site_updated_at(content, incidents, timelines, created, now),
    )


# -- incidents ---------------------------------------------------------------------------------


def update_statuses(incident: Incident) -> tuple[str, ...]:
    """Each update's resulting status, oldest first: ``Update`` keeps the one before (and a
    first ``Update`` is investigating). A maintenance's updates carry its state at their time:
    an ``Update`` posted after the start is "in progress" even when no update said so."""
    if incident.is_maintenance:
        phases = maintenance_phases(incident)
        return tuple(_phase_at(phases, u.time) for u in incident.updates)
    out = []
    current = "investigating"
    for update in incident.updates:
        if update.status != UPDATE:
            current = update.status
        out.append(current)
    return tuple(out)


def incident_status(incident: Incident) -> str:
    """Status of an incident (its latest update's), or a maintenance's at its latest update."""
    return update_statuses(incident)[-1]


@dataclass
class _Lasting:
    """What an incident or maintenance is whatever "now" is: all but a few of its facts."""

    statuses: tuple[str, ...]
    phases: tuple[Phase, ...]
    holding: tuple[Phase, ...]
    impact: str
    started_at: datetime  # an incident's; a maintenance's depends on now
    resolved_at: datetime | None  # an incident's
    monitoring_at: datetime | None
    affected: tuple[tuple[str, str], ...]
    updates: tuple[UpdateFacts, ...]
    holds: tuple[Hold, ...] | None = None  # the holds it puts, once asked for (FactsCache.holds)


def _holds(facts: IncidentFacts) -> tuple[Hold, ...]:
    """The holds an incident puts on its leaf components: each while it holds them."""
    return tuple(
        Hold(leaf, phase.start, phase.end, status, facts.incident.id)
        for leaf, status in facts.affected
        for phase in facts.holding
    )


class FactsCache:
    """What each incident is whatever "now" is, kept from one derivation to the next by a
    process that derives again and again (the preview): an incident read from the same bytes
    (the same object, which :class:`generator.content.IncidentCache` hands back) for the same
    site is not worked out again. Only the facts that "now" decides (a maintenance's phase,
    an overdue promise, a silence) are, every time."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Incident, _Lasting]] = {}
        self._site: Site | None = None
        self._timelines: dict[str, tuple[tuple[Hold, ...], Timeline]] = {}

    def for_site(self, site: Site) -> None:
        """Derivation for ``site`` starts: what was worked out for another site is dropped."""
        if self._site is None or not _same_site(self._site, site):
            self._entries, self._timelines = {}, {}
        self._site = site

    def lasting(self, incident: Incident, site: Site) -> _Lasting:
        if self._site is not site:
            self.for_site(site)
        entry = self._entries.get(incident.id)
        if entry is not None and entry[0] is incident:
            return entry[1]
        found = _lasting(incident, site)
        self._entries[incident.id] = (incident, found)
        return found

    def holds(self, incident: Incident, site: Site) -> tuple[Hold, ...]:
        """The holds the incident puts on components (they last as its facts do)."""
        lasting = self.lasting(incident, site)
        if lasting.holds is None:
            lasting.holds = _holds(incident_facts(incident, site, _EPOCH, self))
        return lasting.holds

    def timeline(self, leaf: str, holds: list[Hold]) -> Timeline:
        """:func:`sweep` of a component's holds, again only when they changed."""
        key = tuple(holds)
        entry = self._timelines.get(leaf)
        if entry is None or entry[0] != key:
            entry = self._timelines[leaf] = (key, sweep(holds))
        return entry[1]

    def keep_only(self, ids: Iterable[str]) -> None:
        for gone in set(self._entries) - set(ids):
            del self._entries[gone]

    # What the workers reading the incident files work out beside each (content.load_content):
    # its lasting facts and holds, which this process then only takes.

    def work(self, incident: Incident, site: Site) -> _Lasting:
        """``incident``'s lasting facts and holds (in a worker)."""
        self.holds(incident, site)
        return self.lasting(incident, site)

    def take(self, incident: Incident, site: Site, lasting: _Lasting) -> None:
        """What :meth:`work` gave for ``incident``, kept as if worked out here."""
        if self._site is not site:
            self.for_site(site)
        self._entries[incident.id] = (incident, lasting)


def _same_site(one: Site, other: Site) -> bool:
    """Equal sites, groups' members too (:class:`Site` compares without ``by_id``)."""
    return one is other or (one == other and one.by_id == other.by_id)


def incident_facts(
    incident: Incident, site: Site, now: datetime, cache: FactsCache | None = None
) -> IncidentFacts:
    """What ``incident`` is at ``now``; each update's status is worked out once, here."""
    lasting = cache.lasting(incident, site) if cache is not None else _lasting(incident, site)
    status = lasting.statuses[-1]
    started = lasting.started_at
    resolved = lasting.resolved_at
    if incident.is_maintenance:
        phases = lasting.phases
        status = _phase_at(phases, now)
        unresolved = False
        active = status in MAINTENANCE_HOLDING_STATUSES
        # It started when it first went in progress, by the clock or an update.
        holding = lasting.holding
        if holding and holding[0].start <= now:
            started = holding[0].start
        completed = [p for p in phases if p.status == "completed"]
        resolved = completed[-1].start if status == "completed" and completed else None
    else:
        unresolved = active = status in UNRESOLVED
    return IncidentFacts(
        incident=incident,
        status=status,
        impact=lasting.impact,
        active=active,
        upcoming=incident.is_maintenance and status == "scheduled",
        overdue=unresolved and incident.next_update is not None and incident.next_update < now,
        silent=unresolved and now - incident.latest_update.time > site.max_silence,
        started_at=started,
        resolved_at=resolved,
        monitoring_at=lasting.monitoring_at,
        phases=lasting.phases,
        holding=lasting.holding,
        affected=lasting.affected,
        updates=lasting.updates,
    )


def _lasting(incident: Incident, site: Site) -> _Lasting:
    statuses = update_statuses(incident)
    if incident.is_maintenance:
        assert incident.maintenance_start is not None
        phases = maintenance_phases(incident)
        holding = [p for p in phases if p.status in MAINTENANCE_HOLDING_STATUSES]
        started = incident.maintenance_start
        resolved = monitoring = None
    else:
        phases = _status_phases(incident.updates, statuses)
        holding = _incident_holding(incident, phases)
        started = incident.started or incident.first_update.time
        resolved = _resolved_at(incident.updates, statuses)
        monitoring = _monitoring_at(incident.updates, statuses)
    affected = _affected(incident, site)
    return _Lasting(
        statuses=statuses,
        phases=tuple(phases),
        holding=tuple(holding),
        impact=incident_impact(incident),
        started_at=started,
        resolved_at=resolved,
        monitoring_at=monitoring,
        affected=affected,
        updates=_update_facts(incident, statuses, affected),
    )


def _status_phases(updates: Sequence[Update], statuses: Sequence[str]) -> list[Phase]:
    """An incident's status over time, from its first update on."""
    phases: list[Phase] = []
    for update, status in zip(updates, statuses, strict=True):
        if phases and phases[-1].status == status:
            continue
        if phases:
            phases[-1] = Phase(phases[-1].start, update.time, phases[-1].status)
        phases.append(Phase(update.time, None, status))
    return phases


def _incident_holding(incident: Incident, phases: list[Phase]) -> list[Phase]:
    """When an incident's components carry their listed status: while investigating or
    identified, from ``started`` on."""
    every = list(phases)
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


def _resolved_at(updates: Sequence[Update], statuses: Sequence[str]) -> datetime | None:
    """When the update that ended the incident was posted; None while it is unresolved."""
    result = None
    for update, status in zip(updates, statuses, strict=True):
        if status in UNRESOLVED:
            result = None
        elif result is None:
            result = update.time
    return result


def _monitoring_at(updates: Sequence[Update], statuses: Sequence[str]) -> datetime | None:
    """When the incident last went into monitoring, if it ever did."""
    result = None
    previous = None
    for update, status in zip(updates, statuses, strict=True):
        if status == "monitoring" and previous != "monitoring":
            result = update.time
        previous = status
    return result


def incident_impact(incident: Incident) -> str:
    """The impact as written, else implied by the worst listed component status."""
    if incident.impact:
        return incident.impact
    if incident.is_maintenance:
        return "maintenance"
    worst = max((severity(status) for _, status in incident.components), default=0)
    return STATUS_TO_IMPACT.get(COMPONENT_STATUSES[worst], "none")


def _affected(incident: Incident, site: Site) -> tuple[tuple[str, str], ...]:
    """The leaf components an incident lists (a group stands for its members), in page order,
    each with the worst status it is listed at."""
    worst: dict[str, str] = {}
    for listed, status in incident.components:
        for leaf in site.expand(listed):
            if leaf not in worst or severity(status) > severity(worst[leaf]):
                worst[leaf] = status
    if len(worst) == 1:  # most incidents: no order to find
        return tuple(worst.items())
    order = _leaf_order(site)
    return tuple(sorted(worst.items(), key=lambda item: order[item[0]]))


_leaf_orders: list[tuple[Site, dict[str, int]]] = []  # the last site's, for the next incident


def _leaf_order(site: Site) -> dict[str, int]:
    """Each leaf component's place in page order (``site.leaves`` builds a tuple each time)."""
    if not _leaf_orders or _leaf_orders[0][0] is not site:
        _leaf_orders[:] = [(site, {leaf.id: n for n, leaf in enumerate(site.leaves)})]
    return _leaf_orders[0][1]


def _update_facts(
    incident: Incident, statuses: Sequence[str], affected: tuple[tuple[str, str], ...]
) -> tuple[UpdateFacts, ...]:
    """Each update's status, anchor and component changes: an update that puts the incident
    into a holding status from a free one puts its components on hold, and the reverse."""
    out = []
    holding_before = False  # before the first update, nothing is held
    numbers: dict[datetime, int] = {}
    for update, status in zip(incident.updates, statuses, strict=True):
        holding = SHOWN[status].holds
        changes: tuple[ComponentChange, ...] = ()
        if holding != holding_before:
            changes = tuple(
                ComponentChange(leaf, OPERATIONAL, listed)
                if holding
                else ComponentChange(leaf, listed, OPERATIONAL)
                for leaf, listed in affected
            )
        holding_before = holding
        # Later updates at the same time get -2, -3: adding one never renames those published.
        numbers[update.time] = number = numbers.get(update.time, 0) + 1
        anchor = f"update-{update.time.strftime('%Y%m%dT%H%M%SZ')}"
        if number > 1:
            anchor += f"-{number}"
        out.append(UpdateFacts(update, status, anchor, changes))
    return tuple(out)


# -- maintenance -------------------------------------------------------------------------------


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def maintenance_phases(incident: Incident) -> list[Phase]:
    """A maintenance's state over time: the clock until an explicit update takes over.

    Before ``start`` it is scheduled, from ``start`` in progress, from ``end`` completed; an
    update saying In progress, Verifying or Completed overrides the clock from its own time on.
    """
    assert incident.maintenance_start is not None and incident.maintenance_end is not None
    explicit = [u for u in incident.updates if u.status in MAINTENANCE_EXPLICIT_STATUSES]
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


def maintenance_clock_changes(incident: Incident) -> list[tuple[datetime, str]]:
    """The moments the clock alone moved a maintenance on: ``(start, "in_progress")`` and
    ``(end, "completed")``, each only if no In progress, Verifying or Completed update had
    taken over by then (the same rule as :func:`maintenance_phases`)."""
    assert incident.maintenance_start is not None and incident.maintenance_end is not None
    takeover = min(
        (u.time for u in incident.updates if u.status in MAINTENANCE_EXPLICIT_STATUSES),
        default=None,
    )
    clock = ((incident.maintenance_start, "in_progress"), (incident.maintenance_end, "completed"))
    return [(moment, status) for moment, status in clock if takeover is None or moment < takeover]


def _phase_at(phases: Sequence[Phase], moment: datetime) -> str:
    for phase in phases:
        if phase.contains(moment):
            return phase.status
    return "scheduled"


# -- components and the site -------------------------------------------------------------------


def _component_facts(
    component: Component,
    site: Site,
    timelines: dict[str, Timeline],
    site_created: datetime,
    now: datetime,
) -> ComponentFacts:
    leaves = component.children if component.is_group else (component.id,)
    status = max((timelines[leaf].status_at(now) for leaf in leaves), key=severity)
    since = component.since
    if since is None and component.is_group:
        dates = [site.by_id[c].since for c in component.children]
        known = [d for d in dates if d is not None]
        since = min(known) if len(known) == len(dates) and known else None
    created = site_created
    if since is not None:
        start = datetime(since.year, since.month, since.day, tzinfo=site.timezone)
        created = min(start, site_created)
    moments = [m for leaf in leaves for m, _ in timelines[leaf].changes if m <= now]
    return ComponentFacts(status=status, created_at=created, updated_at=max([created, *moments]))


def _indicator(incidents: Iterable[IncidentFacts], component_status: dict[str, str]) -> str:
    """critical, major, minor, maintenance or none: the worst of the components and of the
    impact of unresolved incidents (SPEC section 4)."""
    ranks = [INDICATORS.index(STATUS_TO_INDICATOR[s]) for s in component_status.values()]
    for facts in incidents:
        if facts.active:
            maintenance = facts.incident.is_maintenance
            ranks.append(INDICATORS.index("maintenance" if maintenance else facts.impact))
    return INDICATORS[max(ranks, default=0)]


def _site_updated_at(
    content: Content,
    incidents: dict[str, IncidentFacts],
    timelines: dict[str, Timeline],
    created: datetime,
    now: datetime,
) -> datetime:
    """The latest moment anything on the site changed, not after "now": an update, a
    component's status, a maintenance's clock."""
    moments = [u.time for i in content.incidents for u in i.updates]
    moments += [m for timeline in timelines.values() for m, _ in timeline.changes]
    for incident in content.incidents:
        if incident.is_maintenance:
            moments += [p.start for p in incidents[incident.id].phases[1:]]
    return max((m for m in moments if m <= now), default=created)


# -- warnings ----------------------------------------------------------------------------------

# A maintenance may start a little early; an update saying it started half a day or more before
# its window is far more likely a wrong date (a typo, or the announcement's day).
EARLY_START = timedelta(hours=12)


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


def check_promises(facts: Facts, problems: Problems) -> None:
    """Warnings for promises not kept and for content that no longer fits (SPEC section 4)."""
    site, now = facts.content.site, facts.now
    for incident in facts.content.incidents:
        state = facts.of(incident)
        if state.overdue:
            assert incident.next_update is not None
            late = describe_delay(now - incident.next_update)
            problems.warning(
                incident.path,
                incident.line_of("next_update"),
                f"the next update was promised {late} ago: post one now "
                f"(statusgen update {incident.id} --status ... --message ...)",
            )
        # History imported from Statuspage was written there: check asks for no update on it
        # (the importer lists what is still open upstream), as notify sends nothing for it.
        imported = incident.statuspage_id is not None
        if state.silent and not imported:
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
            and not imported
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
            if (
                incident.maintenance_start is not None
                and update.status in ("in_progress", "verifying", "completed")
                and incident.maintenance_start - update.time > EARLY_START
            ):
                early = describe_delay(incident.maintenance_start - update.time)
                problems.warning(
                    incident.path,
                    update.line,
                    f"this {update.status.replace('_', ' ')} update is dated {early} before "
                    "the maintenance window opens, and takes over from the clock from then "
                    "on: check its date, or move the window's start",
                )
            if update.time - now > timedelta(minutes=5):
                problems.warning(
                    incident.path,
                    update.line,
                    "this update is dated in the future: check the time and its time zone",
                )
