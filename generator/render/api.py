"""The public API of Atlassian Statuspage v2, as static JSON files under ``api/v2/`` (SPEC 6).

Many tools (monitoring exporters, chat bots, dashboards, aggregators) already read Statuspage's
API; if our JSON has the same shapes and values, they all work with a statusgen site unchanged.
So every key Statuspage sends is present (``null`` where we know nothing), enum values are
Statuspage's, and timestamps are ISO 8601 with milliseconds in the site's zone, as Statuspage
writes them.

Ids must never change once published: a component's id and an incident's id are the ids the
writer chose (they are already part of the site's URLs); an update's id is its incident's id
and the update's page anchor; the page id is a hash of the site's URL.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter
from datetime import datetime
from functools import cached_property
from typing import Any

from generator.derive import active_phases, maintenance_phases
from generator.model import OPERATIONAL, Component, Incident, Update, severity
from generator.render.context import RenderContext

HISTORY_LIMIT = 50  # incidents.json and scheduled-maintenances.json, as Statuspage
API = "api/v2/"

_UTC_NAMES = ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal")
_HOLDING = {  # an incident's status -> whether its components carry their listed status
    "investigating": True,
    "identified": True,
    "monitoring": False,
    "resolved": False,
    "postmortem": False,
    "scheduled": False,
    "in_progress": True,
    "verifying": True,
    "completed": False,
}

JSON = dict[str, Any]


def render_api(ctx: RenderContext) -> None:
    """Write the eight Statuspage v2 endpoints."""
    api = StatuspageApi(ctx)
    incidents = [i for i in api.by_creation if not i.is_maintenance]
    maintenance = api.maintenance_newest_first
    unresolved = [i for i in incidents if ctx.facts.of(i).active]
    upcoming = [i for i in maintenance if ctx.facts.of(i).upcoming]
    in_progress = [i for i in maintenance if ctx.facts.of(i).active]
    summary_maintenance = [i for i in maintenance if i in upcoming or i in in_progress]

    page = api.page()
    components = [api.component(c) for c in ctx.site.all_components]
    status = api.status()
    files: dict[str, JSON] = {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": [api.incident(i) for i in unresolved],
            "scheduled_maintenances": [api.incident(i) for i in summary_maintenance],
            "status": status,
        },
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {
            "page": page,
            "incidents": [api.incident(i) for i in incidents[:HISTORY_LIMIT]],
        },
        "incidents/unresolved.json": {
            "page": page,
            "incidents": [api.incident(i) for i in unresolved],
        },
        "scheduled-maintenances.json": {
            "page": page,
            "scheduled_maintenances": [api.incident(i) for i in maintenance[:HISTORY_LIMIT]],
        },
        "scheduled-maintenances/upcoming.json": {
            "page": page,
            "scheduled_maintenances": [api.incident(i) for i in upcoming],
        },
        "scheduled-maintenances/active.json": {
            "page": page,
            "scheduled_maintenances": [api.incident(i) for i in in_progress],
        },
    }
    for name, document in files.items():
        ctx.files.add(API + name, dump(document))


def dump(document: JSON) -> str:
    """Deterministic JSON: keys in Statuspage's order, two-space indent, UTF-8 text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def page_id(site_url: str) -> str:
    """A Statuspage-like page id (12 characters of [a-z0-9]) that only the site's URL decides."""
    digest = int.from_bytes(hashlib.sha256(site_url.encode("utf-8")).digest()[:10], "big")
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(12):
        digest, index = divmod(digest, 36)
        out += alphabet[index]
    return out


class StatuspageApi:
    """Builds Statuspage's objects (page, component, incident, update) for one build."""

    def __init__(self, ctx: RenderContext):
        self.ctx = ctx
        self.site = ctx.site
        self.facts = ctx.facts
        self.page_id = page_id(self.site.url)
        self._changes = self._component_changes()

    # -- times -----------------------------------------------------------------------------

    def time(self, moment: datetime | None) -> str | None:
        """``2026-11-20T16:10:00.000+01:00`` in the site's zone (``Z`` for a UTC site)."""
        if moment is None:
            return None
        local = moment.astimezone(self.site.timezone)
        text = local.isoformat(timespec="milliseconds")
        if self.site.timezone.key in _UTC_NAMES:
            text = text.removesuffix("+00:00") + "Z"
        return text

    # -- ordering ----------------------------------------------------------------------------

    @property
    def by_creation(self) -> list[Incident]:
        """Incidents and maintenance, newest first by their first update, then by id."""
        return sorted(
            self.ctx.content.incidents, key=lambda i: (i.first_update.time, i.id), reverse=True
        )

    @property
    def maintenance_newest_first(self) -> list[Incident]:
        """Maintenance, latest window first (Statuspage orders them by ``scheduled_for``)."""
        return sorted(
            (i for i in self.ctx.content.incidents if i.is_maintenance),
            key=lambda i: (i.maintenance_start, i.id),
            reverse=True,
        )

    # -- page and status -------------------------------------------------------------------

    def page(self) -> JSON:
        return {
            "id": self.page_id,
            "name": self.site.name,
            "url": self.site.url.rstrip("/"),
            "time_zone": self.site.timezone.key,
            "updated_at": self.time(self._page_updated_at()),
        }

    def status(self) -> JSON:
        return {"indicator": self.facts.indicator, "description": self.facts.description}

    def _page_updated_at(self) -> datetime:
        """The latest moment anything on the page changed, not after "now"."""
        now = self.facts.now
        moments = [u.time for i in self.ctx.content.incidents for u in i.updates]
        moments += [m for changes in self._changes.values() for m, _ in changes]
        for incident in self.ctx.content.incidents:
            if incident.is_maintenance:
                moments += [p.start for p in maintenance_phases(incident)[1:]]
        past = [m for m in moments if m <= now]
        return max(past, default=self._site_created_at())

    # -- components --------------------------------------------------------------------------

    @cached_property
    def _site_created(self) -> datetime:
        return min(
            (i.first_update.time for i in self.ctx.content.incidents), default=self.facts.now
        )

    def _site_created_at(self) -> datetime:
        """When the page "began": its first incident's first update, else "now"."""
        return self._site_created

    def _component_created_at(self, component: Component) -> datetime:
        since = component.since
        if since is None and component.is_group:
            dates = [self.site.by_id[c].since for c in component.children]
            known = [d for d in dates if d is not None]
            since = min(known) if len(known) == len(dates) and known else None
        if since is not None:
            start = datetime(since.year, since.month, since.day, tzinfo=self.site.timezone)
            return min(start, self._site_created_at())
        return self._site_created_at()

    def _component_changes(self) -> dict[str, list[tuple[datetime, str]]]:
        """For each leaf component: the moments its status changed, with the status after."""
        site = self.site
        events: dict[str, set[datetime]] = {leaf.id: set() for leaf in site.leaves}
        held = self.facts.impacts
        # Each leaf's own impacts, so finding the status at a moment scans only those.
        held_by: dict[str, list[Any]] = {leaf_id: [] for leaf_id in events}
        for impact in held:
            events[impact.component_id].add(impact.start)
            held_by[impact.component_id].append(impact)
            if impact.end is not None:
                events[impact.component_id].add(impact.end)
        out: dict[str, list[tuple[datetime, str]]] = {}
        for leaf_id, moments in events.items():
            # A sweep over the moments in order: impacts join when they start and leave when
            # they end, so each moment looks only at the impacts holding then.
            waiting = sorted(held_by[leaf_id], key=lambda i: i.start)
            holding: list[tuple[datetime, int, str]] = []  # a heap of (end, order, status)
            counts: Counter[str] = Counter()
            previous = OPERATIONAL
            changes = []
            joined = 0
            for moment in sorted(moments):
                while joined < len(waiting) and waiting[joined].start <= moment:
                    impact = waiting[joined]
                    counts[impact.status] += 1
                    if impact.end is not None:
                        heapq.heappush(holding, (impact.end, joined, impact.status))
                    joined += 1
                while holding and holding[0][0] <= moment:
                    counts[heapq.heappop(holding)[2]] -= 1
                status = max(
                    (s for s, n in counts.items() if n > 0), key=severity, default=OPERATIONAL
                )
                if status != previous:
                    changes.append((moment, status))
                    previous = status
            out[leaf_id] = changes
        return out

    def _component_updated_at(self, component: Component) -> datetime:
        leaves = component.children if component.is_group else (component.id,)
        moments = [m for leaf in leaves for m, _ in self._changes[leaf] if m <= self.facts.now]
        created = self._component_created_at(component)
        return max([created, *moments])

    def component(self, component: Component) -> JSON:
        """A component or group, with every key Statuspage's components have."""
        position = self.site.all_components.index(component) + 1
        out: JSON = {
            "id": component.id,
            "name": component.name,
            "status": self.facts.component_status[component.id],
            "created_at": self.time(self._component_created_at(component)),
            "updated_at": self.time(self._component_updated_at(component)),
            "position": position,
            "description": component.description or None,
            "showcase": not component.is_group,
            "start_date": component.since.isoformat() if component.since else None,
            "group_id": component.group_id,
            "page_id": self.page_id,
            "group": component.is_group,
            "only_show_if_degraded": False,
        }
        if component.is_group:
            out["components"] = list(component.children)
        return out

    # -- incidents ---------------------------------------------------------------------------

    def _affected(self, incident: Incident) -> list[tuple[Component, str]]:
        """The leaf components an incident lists, in page order, each with its worst status."""
        worst: dict[str, str] = {}
        for listed, status in incident.components:
            for leaf in self.site.expand(listed):
                if leaf not in worst or severity(status) > severity(worst[leaf]):
                    worst[leaf] = status
        return [(leaf, worst[leaf.id]) for leaf in self.site.leaves if leaf.id in worst]

    def incident(self, incident: Incident) -> JSON:
        """An incident or scheduled maintenance as Statuspage writes it."""
        facts = self.facts.of(incident)
        out: JSON = {
            "id": incident.id,
            "name": incident.title,
            "status": facts.status,
            "created_at": self.time(incident.first_update.time),
            "updated_at": self.time(incident.latest_update.time),
            "monitoring_at": self.time(facts.monitoring_at),
            "resolved_at": self.time(self._resolved_at(incident)),
            "impact": facts.impact,
            "shortlink": self.ctx.absolute(self.ctx.incident_path(incident)),
            "started_at": self.time(self._started_at(incident)),
            "page_id": self.page_id,
            "incident_updates": self._updates(incident),
            "components": [self.component(c) for c, _ in self._affected(incident)],
            "reminder_intervals": None,
        }
        if incident.is_maintenance:
            out["scheduled_for"] = self.time(incident.maintenance_start)
            out["scheduled_until"] = self.time(incident.maintenance_end)
        return out

    def _started_at(self, incident: Incident) -> datetime:
        if incident.is_maintenance:
            phases = active_phases(incident)
            if phases and phases[0].start <= self.facts.now:
                return phases[0].start
            assert incident.maintenance_start is not None
            return incident.maintenance_start
        return self.facts.of(incident).started_at

    def _resolved_at(self, incident: Incident) -> datetime | None:
        if not incident.is_maintenance:
            return self.facts.of(incident).resolved_at
        if self.facts.of(incident).status != "completed":
            return None
        completed = [p for p in maintenance_phases(incident) if p.status == "completed"]
        return completed[-1].start if completed else None

    def _updates(self, incident: Incident) -> list[JSON]:
        """Updates newest first, each with the component changes it made."""
        statuses = self.facts.of(incident).update_statuses
        affected = self._affected(incident)
        out = []
        holding_before = False  # before the first update, nothing is held
        for update, status in zip(incident.updates, statuses, strict=True):
            holding = _HOLDING.get(status, False)
            changes = []
            if holding != holding_before:
                for component, listed in affected:
                    old, new = (OPERATIONAL, listed) if holding else (listed, OPERATIONAL)
                    changes.append(
                        {
                            "code": component.id,
                            "name": component.name,
                            "old_status": old,
                            "new_status": new,
                        }
                    )
            holding_before = holding
            out.append(self._update(incident, update, status, changes))
        return list(reversed(out))

    def _update(self, incident: Incident, update: Update, status: str, changes: list[JSON]) -> JSON:
        moment = self.time(update.time)
        return {
            "id": f"{incident.id}-{self.ctx.update_anchor(incident, update)}",
            "status": status,
            "body": update.body.strip(),
            "incident_id": incident.id,
            "created_at": moment,
            "updated_at": moment,
            "display_at": moment,
            "affected_components": changes,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
