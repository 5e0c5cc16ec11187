"""``maintenance.ics``: every maintenance window as an iCalendar event (RFC 5545), so
subscribers see planned work in their own calendar, in their own time zone.

Written with the icalendar library. Each event keeps its UID (the maintenance's id at the site's
host) for ever; SEQUENCE counts the maintenance's updates and LAST-MODIFIED is the latest one's
time, so a window moved with a new update (as ``statusgen update`` writes one) reaches calendars
as a revision. DTSTAMP is that same time, never the clock of the machine that builds.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar, Event

from generator import __version__
from generator.markdown import plain_text
from generator.model import Incident
from generator.render.context import RenderContext
from generator.render.i18n import N_, site_title, status_words, translate


def render_calendar(ctx: RenderContext) -> None:
    """Write ``maintenance.ics``, windows in start order."""
    maintenance = sorted(
        (i for i in ctx.content.incidents if i.is_maintenance),
        key=lambda i: (i.maintenance_start, i.id),
    )
    # Everything in it comes from the site and the maintenance windows as read.
    key = (ctx.site_key, tuple(maintenance))
    ctx.files.add(
        "maintenance.ics", ctx.keep("maintenance.ics", key, lambda: _calendar(ctx, maintenance))
    )


def _calendar(ctx: RenderContext, maintenance: list[Incident]) -> bytes:
    site = ctx.site
    calendar = Calendar()
    calendar.add("prodid", f"-//statusgen {__version__}//{site.name} maintenance//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # Widely read non-standard names: the calendar's title and how often to refresh it.
    calendar.add(
        "x-wr-calname",
        translate(site.language, N_("%(title)s: maintenance"), title=site_title(site)),
    )
    calendar.add(
        "x-wr-caldesc",
        translate(site.language, N_("Scheduled maintenance of %(name)s"), name=site.name),
    )
    calendar.add("x-published-ttl", "PT1H")
    for incident in maintenance:
        calendar.add_component(maintenance_event(ctx, incident))
    return bytes(calendar.to_ical())


def event_uid(ctx: RenderContext, incident: Incident) -> str:
    """``<id>@<host>``: unique across sites and stable as long as the site's address is."""
    host = urlsplit(ctx.site.url).hostname or "statusgen"
    return f"{incident.id}@{host}"


def maintenance_event(ctx: RenderContext, incident: Incident) -> Event:
    assert incident.maintenance_start is not None and incident.maintenance_end is not None
    url = ctx.absolute(ctx.incident_path(incident))
    latest = incident.latest_update
    event = Event()
    event.add("uid", event_uid(ctx, incident))
    event.add("dtstamp", latest.time)
    event.add("dtstart", incident.maintenance_start)
    event.add("dtend", incident.maintenance_end)
    event.add("summary", incident.title)
    event.add("description", _description(ctx, incident, url))
    event.add("url", url)
    event.add("sequence", len(incident.updates) - 1)
    event.add("last-modified", latest.time)
    event.add("created", incident.first_update.time)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a maintenance does not make a reader busy
    names = _component_names(ctx, incident)
    if names:
        event.add("categories", names)
    return event


def _component_names(ctx: RenderContext, incident: Incident) -> list[str]:
    site = ctx.site
    return [site.by_id[c].name for c in incident.listed_ids if c in site.by_id]


def _description(ctx: RenderContext, incident: Incident, url: str) -> str:
    """Plain text, as calendars show it: affected components, then every update newest first
    (its status, its time, its words with links as URLs), then the link."""
    language = ctx.site.language
    words = status_words(language)
    lines = []
    names = _component_names(ctx, incident)
    if names:
        lines += [translate(language, N_("Affected")) + ": " + ", ".join(names), ""]
    after = ctx.facts.of(incident).update_statuses
    for update, status in reversed(list(zip(incident.updates, after, strict=True))):
        when = ctx.fmt.datetime_text(update.time)
        lines += [
            f"{words[status]} ({when})",
            update.plain if update.plain is not None else plain_text(update.body),
            "",
        ]
    lines.append(url)
    # Babel's narrow no-break space (before "PM") shows as a box or "?" in some calendars.
    return "\n".join(lines).replace("\u202f", " ")
