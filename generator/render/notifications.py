"""``api/notifications.json``: the notification events true at the build's "now" (SPEC 8).

``statusgen notify`` compares this file in the build just deployed with the one in the site
published before, and sends what is new. So the file carries everything a message needs (the
incident's title, status, components, the update's text, the promised time, the link, and the
incident as Statuspage's webhooks send it), and ``notify`` never reads the content again. The
shape is documented in docs/notifications.md; it holds nothing secret.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from generator.notify.events import Event, component_status_at, derive_events
from generator.render.api import StatuspageApi, dump, page_id
from generator.render.context import RenderContext

PATH = "api/notifications.json"
FORMAT = 1  # the file's version; a reader refuses a newer one rather than guess


def iso(moment: datetime | None) -> str | None:
    """UTC, to the second: ``2026-11-20T14:05:00Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def render_notifications(ctx: RenderContext) -> None:
    events = derive_events(ctx.facts, ctx.now)
    site = ctx.site
    involved = ctx.incidents_among({e.incident.id for e in events})
    statuspage = StatuspageApi(ctx) if involved else None
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": iso(ctx.now),
        "page": {
            "id": page_id(site.url),
            "name": site.name,
            "url": site.url,
            "status_indicator": ctx.facts.indicator,
            "status_description": ctx.facts.description,
        },
        "events": [_event(ctx, event) for event in events],
        # Each incident with an event, as Statuspage's API and webhooks write it.
        "incidents": {
            incident.id: statuspage.incident(incident)
            for incident in involved
            if statuspage is not None
        },
    }
    ctx.files.add(PATH, dump(document))


def _event(ctx: RenderContext, event: Event) -> dict[str, Any]:
    site = ctx.site
    incident = event.incident
    affected = ctx.facts.of(incident).affected
    update = event.update
    return {
        "id": event.id,
        "type": event.type,
        "audience": event.audience,
        "time": iso(event.time),
        "status": event.status,
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "url": ctx.absolute(ctx.incident_path(incident)),
            "maintenance": incident.is_maintenance,
            "scheduled_for": iso(incident.maintenance_start),
            "scheduled_until": iso(incident.maintenance_end),
            "next_update": iso(incident.next_update),
        },
        "components": [
            {
                "id": component_id,
                "name": site.by_id[component_id].name,
                "status": component_status_at(listed, event.status),
            }
            for component_id, listed in affected
        ],
        "update": None
        if update is None
        else {
            "id": f"{incident.id}-{ctx.update_anchor(incident, update)}",
            "status": update.status,
            "time": iso(update.time),
            "body": update.body.strip(),
        },
        "promised": iso(event.promised),
    }
