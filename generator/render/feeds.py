"""Atom and RSS feeds, written with feedgen (SPEC section 6).

- ``history.atom|rss``: one entry per incident or maintenance (latest 50), holding all its
  updates newest first as ``<strong>Status</strong> - text``, the form Statuspage's feeds use.
- ``updates.atom|rss``: one entry per update (latest 100), so every update reaches readers
  and RSS-to-chat bridges as a new item.
- ``components/<id>/history.atom|rss``: the latest 100 incidents and maintenance windows that
  list the component or its group (or, for a group, one of its components).

Entry ids are the incident's URL (and the update's anchor): they never change once published.
"""

from __future__ import annotations

import heapq
import re
from datetime import datetime

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

from generator import __version__
from generator.model import Incident, Update
from generator.render.context import RenderContext
from generator.render.i18n import N_, site_title, status_words, translate

HISTORY_ENTRIES = 50
# A component's feed holds its latest incidents: enough for any reader, and a feed that readers
# poll every few minutes stays small however long the site's history grows.
COMPONENT_ENTRIES = 100
UPDATE_ENTRIES = 100


def status_label(ctx: RenderContext, update: Update) -> str:
    """The status word of an update (as written: ``Update`` too) as the pages show it."""
    return status_words(ctx.site.language)[update.status]


def update_html(ctx: RenderContext, update: Update) -> Markup:
    """``<p><small>time</small> — <strong>Status</strong> - text</p>``: Statuspage's form, with a
    separator that survives a bridge stripping the tags ("4:10 PM CET — Identified - ...")."""
    when, status = escape(ctx.fmt.datetime_text(update.time)), escape(status_label(ctx, update))
    lead = f"<small>{when}</small> — <strong>{status}</strong> - "
    body = update.html  # safe HTML already (content.py)
    if body.startswith("<p>"):
        return Markup(f"<p>{lead}{body[3:]}")
    return Markup(f"<p>{lead}</p>{body}")


def incident_html(ctx: RenderContext, incident: Incident) -> str:
    return str(Markup("\n").join(update_html(ctx, u) for u in incident.updates_newest_first))


def _feed(
    ctx: RenderContext, path: str, title: str, page: str, updated: datetime | None, kind: str
) -> FeedGenerator:
    site = ctx.site
    feed = FeedGenerator()
    feed.id(ctx.absolute(path))
    feed.title(title)
    feed.link(href=ctx.absolute(page), rel="alternate")
    feed.link(href=ctx.absolute(path), rel="self")
    feed.description(site.description or f"{site_title(site)}: {translate(site.language, kind)}")
    feed.language(site.language)
    feed.generator("statusgen", __version__)
    stamp = updated or ctx.now
    feed.updated(stamp)
    feed.lastBuildDate(stamp)
    return feed


def _feed_files(
    ctx: RenderContext, feed: FeedGenerator, base: str, page: str
) -> list[tuple[str, bytes]]:
    atom = feed.atom_str(pretty=True)
    # The RSS feed's self link names the RSS file; feedgen takes the channel's <link> from the
    # last link added, which must be the page (the site), not the feed.
    feed.link(href=ctx.absolute(f"{base}.rss"), rel="self", replace=True)
    feed.link(href=ctx.absolute(page), rel="alternate")
    return [(f"{base}.atom", atom), (f"{base}.rss", _hex_references(feed.rss_str(pretty=True)))]


_PLAIN_TEXT = re.compile(rb"<title>[^<]*</title>|<description>[^<]*</description>")


def _hex_references(rss: bytes) -> bytes:
    """Plain text in RSS (titles, the channel's description) is read as HTML by some
    aggregators and as text by others; the RSS Best Practices Profile asks for ``&#x26;`` and
    ``&#x3C;`` there, which both read the same. Items' descriptions are HTML and stay as they
    are."""

    def encode(match: re.Match[bytes]) -> bytes:
        return match[0].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")

    head, item, items = rss.partition(b"<item>")
    channel = _PLAIN_TEXT.sub(encode, head)
    return channel + item + re.sub(rb"<title>[^<]*</title>", encode, items)


def _incident_feed(
    ctx: RenderContext,
    base: str,
    title: str,
    page: str,
    incidents: list[Incident],
    limit: int | None,
    html_of: dict[str, str],
) -> None:
    newest = lambda i: (i.latest_update.time, i.id)  # noqa: E731
    if limit is None:
        chosen = sorted(incidents, key=newest, reverse=True)
    else:  # the same as sorting them all, for less
        chosen = heapq.nlargest(limit, incidents, key=newest)
    # What the feed shows comes from its incidents as read (and "now" when it has none).
    key = (ctx.site_key, title, page, tuple(chosen), None if chosen else ctx.now)
    for path, data in ctx.keep(
        f"feed:{base}", key, lambda: _incident_feed_files(ctx, base, title, page, chosen, html_of)
    ):
        ctx.files.add(path, data)


def _incident_feed_files(
    ctx: RenderContext,
    base: str,
    title: str,
    page: str,
    chosen: list[Incident],
    html_of: dict[str, str],
) -> list[tuple[str, bytes]]:
    updated = max((i.latest_update.time for i in chosen), default=None)
    feed = _feed(ctx, f"{base}.atom", title, page, updated, N_("incident history"))
    # feedgen puts the most recently added entry first; add the oldest first.
    for incident in reversed(chosen):
        entry = feed.add_entry()
        url = ctx.absolute(ctx.incident_path(incident))
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(incident.title)
        entry.author(name=ctx.site.name, uri=ctx.site.url)  # RFC 4287 requires one
        entry.link(href=url)
        entry.published(incident.first_update.time)
        entry.updated(incident.latest_update.time)
        # One incident stands in the history feed and in each of its components' feeds.
        if incident.id not in html_of:
            html_of[incident.id] = ctx.keep(
                f"feed-html:{incident.id}",
                (ctx.site_key, incident),
                lambda: incident_html(ctx, incident),  # noqa: B023 - called at once
            )
        # description() first: it also sets the Atom content, without a type; content() then
        # sets the Atom content again, declared as HTML.
        entry.description(html_of[incident.id])
        entry.content(html_of[incident.id], type="html")
    return _feed_files(ctx, feed, base, page)


def render_feeds(ctx: RenderContext) -> None:
    site = ctx.site
    html_of: dict[str, str] = {}
    title = site_title(site)
    history = translate(site.language, N_("%(title)s - Incident History"), title=title)
    _incident_feed(
        ctx, "history", history, "", list(ctx.content.incidents), HISTORY_ENTRIES, html_of
    )
    render_update_feed(ctx)
    for component in site.all_components:
        _incident_feed(
            ctx,
            f"components/{component.id}/history",
            f"{title} - {component.name}",
            f"components/{component.id}/",
            list(ctx.facts.incidents_of(component.id)),
            COMPONENT_ENTRIES,
            html_of,
        )


def render_update_feed(ctx: RenderContext) -> None:
    every = (
        (update, incident) for incident in ctx.content.incidents for update in incident.updates
    )
    chosen = heapq.nlargest(
        UPDATE_ENTRIES, every, key=lambda pair: (pair[0].time, pair[1].id, -pair[0].position)
    )
    # An entry shows its update and its incident's title; its anchor comes from the incident.
    key = (ctx.site_key, tuple(chosen), None if chosen else ctx.now)
    for path, data in ctx.keep("feed:updates", key, lambda: _update_feed_files(ctx, chosen)):
        ctx.files.add(path, data)


def _update_feed_files(
    ctx: RenderContext, chosen: list[tuple[Update, Incident]]
) -> list[tuple[str, bytes]]:
    updated = chosen[0][0].time if chosen else None
    site = ctx.site
    title = translate(site.language, N_("%(title)s - Updates"), title=site_title(site))
    feed = _feed(ctx, "updates.atom", title, "", updated, N_("every update"))
    for update, incident in reversed(chosen):
        entry = feed.add_entry()
        url = ctx.absolute(ctx.incident_path(incident)) + "#" + ctx.update_anchor(incident, update)
        label = status_label(ctx, update)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(f"{label}: {incident.title}")
        entry.author(name=site.name, uri=site.url)
        entry.link(href=url)
        entry.published(update.time)
        entry.updated(update.time)
        html = str(update_html(ctx, update))
        entry.description(html)
        entry.content(html, type="html")
    return _feed_files(ctx, feed, "updates", "")


__all__ = ["render_feeds", "incident_html", "update_html", "escape"]
