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
import json
from datetime import datetime
from typing import Any

from generator.derive import UpdateFacts
from generator.model import Component, Incident
from generator.render.context import RenderContext

HISTORY_LIMIT = 50  # incidents.json and scheduled-maintenances.json, as Statuspage
API = "api/v2/"

_UTC_NAMES = ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal")

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
    """Writes the derived facts as Statuspage's objects (page, component, incident, update)."""

    def __init__(self, ctx: RenderContext):
        self.ctx = ctx
        self.site = ctx.site
        self.facts = ctx.facts
        self.page_id = page_id(self.site.url)

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
            "updated_at": self.time(self.facts.updated_at),
        }

    def status(self) -> JSON:
        return {"indicator": self.facts.indicator, "description": self.facts.description}

    # -- components --------------------------------------------------------------------------

    def component(self, component: Component) -> JSON:
        """A component or group, with every key Statuspage's components have."""
        position = self.site.all_components.index(component) + 1
        facts = self.facts.components[component.id]
        out: JSON = {
            "id": component.id,
            "name": component.name,
            "status": facts.status,
            "created_at": self.time(facts.created_at),
            "updated_at": self.time(facts.updated_at),
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
            "resolved_at": self.time(facts.resolved_at),
            "impact": facts.impact,
            "shortlink": self.ctx.absolute(self.ctx.incident_path(incident)),
            "started_at": self.time(facts.started_at),
            "page_id": self.page_id,
            "incident_updates": [self._update(incident, u) for u in reversed(facts.updates)],
            "components": [self.component(self.site.by_id[c]) for c, _ in facts.affected],
            "reminder_intervals": None,
        }
        if incident.is_maintenance:
            out["scheduled_for"] = self.time(incident.maintenance_start)
            out["scheduled_until"] = self.time(incident.maintenance_end)
        return out

    def _update(self, incident: Incident, facts: UpdateFacts) -> JSON:
        """An update, with the component changes it made."""
        moment = self.time(facts.update.time)
        return {
            "id": f"{incident.id}-{facts.anchor}",
            "status": facts.status,
            "body": facts.update.body.strip(),
            "incident_id": incident.id,
            "created_at": moment,
            "updated_at": moment,
            "display_at": moment,
            "affected_components": [
                {
                    "code": change.component_id,
                    "name": self.site.by_id[change.component_id].name,
                    "old_status": change.old,
                    "new_status": change.new,
                }
                for change in facts.changes
            ],
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
