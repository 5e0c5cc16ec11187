"""Rendering a whole site: the renderers and what they share.

Each renderer takes a :class:`RenderContext` and adds its files to a
:class:`~generator.output.SiteFiles`. The list :data:`RENDERERS` is the build's recipe.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from generator.derive import Facts
from generator.markdown import render_markdown
from generator.model import Content, Incident, Site, Update
from generator.output import SiteFiles
from generator.render.formatting import Formatter
from generator.render.theme import make_environment


@dataclass
class RenderContext:
    """What every renderer of one build reads; caches work that several renderers need."""

    content: Content
    facts: Facts
    now: datetime
    files: SiteFiles
    _markdown: dict[tuple[str, int], Markup] = field(default_factory=dict)
    # Work started on other cores, finished once every renderer has run (see render_all).
    finishers: list[Callable[[], None]] = field(default_factory=list)
    # What the upstream providers said (generator.upstream.UpstreamStatus), in site.yaml order.
    upstream: tuple[Any, ...] = ()

    @property
    def site(self) -> Site:
        return self.content.site

    @cached_property
    def fmt(self) -> Formatter:
        return Formatter(self.site.timezone, self.site.language)

    @cached_property
    def env(self) -> Environment:
        env = make_environment(self.site.source, self.site.theme)
        from generator.render import i18n

        i18n.install(env, self.site.language)
        env.globals["status_icon"] = status_icon
        return env

    def html(self, incident: Incident, update: Update) -> Markup:
        """An update's text as safe HTML, rendered once per build."""
        key = (incident.id, update.position)
        if key not in self._markdown:
            # Content read from files carries its HTML; an Update made in code may not.
            self._markdown[key] = (
                Markup(update.html) if update.html else render_markdown(update.body)
            )
        return self._markdown[key]

    def absolute(self, path: str) -> str:
        """The public URL of an output path ('' for the home page)."""
        return self.site.url + path

    def incident_path(self, incident: Incident) -> str:
        return f"incidents/{incident.id}/"

    @cached_property
    def _incident_positions(self) -> dict[str, int]:
        return {incident.id: n for n, incident in enumerate(self.content.incidents)}

    def incidents_among(self, ids: Iterable[str]) -> list[Incident]:
        """The incidents with these ids, in the site's order; a lookup, not a scan of them all."""
        positions = self._incident_positions
        chosen = sorted(positions[i] for i in set(ids) if i in positions)
        return [self.content.incidents[n] for n in chosen]

    def update_anchor(self, incident: Incident, update: Update) -> str:
        """A stable fragment id for an update: its time, and ``-2``, ``-3`` for later updates
        at the same time, so adding one never renames those already published."""
        stamp = update.time.strftime("%Y%m%dT%H%M%SZ")
        same = [u for u in incident.updates if u.time == update.time]  # oldest first
        number = same.index(update) + 1
        suffix = "" if number == 1 else f"-{number}"
        return f"update-{stamp}{suffix}"


Renderer = Callable[[RenderContext], None]

# Each status's icon in the theme's sprite (base.html): the shape tells the status as well as
# the colour does, so nothing depends on colour alone.
ICON_SHAPES = {
    "operational": "ok",
    "none": "ok",
    "resolved": "ok",
    "postmortem": "ok",
    "completed": "ok",
    "under_maintenance": "mt",
    "maintenance": "mt",
    "scheduled": "mt",
    "in_progress": "mt",
    "verifying": "mt",
    "degraded_performance": "dg",
    "minor": "dg",
    "monitoring": "dg",
    "partial_outage": "po",
    "major": "po",
    "identified": "po",
    "major_outage": "mo",
    "critical": "mo",
    "investigating": "mo",
}
_ICONS = {
    status: Markup(
        f'<svg class="i" aria-hidden="true" focusable="false"><use href="#i-{shape}"/></svg>'
    )
    for status, shape in ICON_SHAPES.items()
}


def status_icon(status: str) -> Markup:
    """The inline icon for a status (templates call it as ``m.icon(status)``)."""
    return _ICONS.get(status, _ICONS["degraded_performance"])


def render_page(ctx: RenderContext, template: str, path: str, **values: Any) -> str:
    """A theme template rendered for an output path; links use ``root`` to stay relative."""
    depth = path.count("/")
    values.setdefault("root", "../" * depth or "./")
    return ctx.env.get_template(template).render(
        site=ctx.site,
        facts=ctx.facts,
        ctx=ctx,
        fmt=ctx.fmt,
        path=path,
        now=ctx.now,
        **values,
    )


def render_template(ctx: RenderContext, template: str, path: str, **values: Any) -> None:
    """Render a theme template to an output path."""
    ctx.files.add(path, render_page(ctx, template, path, **values))


def render_all(
    content: Content, facts: Facts, now: datetime, upstream: tuple[Any, ...] = ()
) -> SiteFiles:
    """Every output file of the site, in memory."""
    from generator.render import RENDERERS
    from generator.render.pages import render_sitemap

    ctx = RenderContext(content=content, facts=facts, now=now, files=SiteFiles(), upstream=upstream)
    try:
        for renderer in RENDERERS:
            renderer(ctx)
    except BaseException:
        for finish in ctx.finishers:  # stop the other cores' work before giving up
            with contextlib.suppress(Exception):
                finish()
        raise
    for finish in ctx.finishers:
        finish()
    render_sitemap(ctx)  # it lists every page, so it comes last
    return ctx.files
