"""What every renderer of one build shares: the :class:`RenderContext` and the theme's pages.

Each renderer is a plain function that takes a :class:`RenderContext` and adds its files to
its :class:`~generator.output.SiteFiles`; :mod:`generator.build` runs them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from jinja2 import Environment
from markupsafe import Markup

from generator import statuses
from generator.derive import Facts
from generator.model import Content, Incident, Site, Update
from generator.output import SiteFiles
from generator.problems import ContentError
from generator.render import i18n
from generator.render.formatting import Formatter
from generator.render.theme import (
    TemplateCache,
    make_environment,
    template_names,
    template_problem,
)

T = TypeVar("T")


# The theme's stylesheet, script and icons, shared by every page: each is written once, as a file
# named by a hash of its bytes (``assets/style.<hash>.css``), which hosts may cache for a year
# (hosting.py) because a changed theme gives the file a new name. The home page and the 404
# page carry them inline instead, so that they paint from one request.
SHARED_ASSETS = ("style.css", "local-time.js", "icons.svg")


@dataclass(frozen=True)
class Asset:
    """A shared file of the theme, as the build writes it."""

    path: str  # its output path, e.g. assets/style.0123456789.css
    data: bytes


@dataclass
class RenderContext:
    """What every renderer of one build reads; caches work that several renderers need."""

    content: Content
    facts: Facts
    now: datetime
    files: SiteFiles
    template_cache: TemplateCache | None = None  # compiled templates from an earlier build
    # What the upstream providers said (generator.upstream.UpstreamStatus), in site.yaml order.
    upstream: tuple[Any, ...] = ()
    page_jobs: list[Any] | None = None  # the pages to render (render.pages.page_jobs), once
    # Pages that ``check`` rendered to try the theme, by path, with the upstream answers they
    # saw (read only after check): the build uses them rather than render them again.
    tried: dict[str, tuple[tuple[Any, ...], str]] = field(default_factory=dict)
    kept: Any = None  # render.memo.Kept: outputs kept from the last build (the preview)

    def keep(self, name: str, key: object, make: Callable[[], T]) -> T:
        """``make()``, or what it made at the last build for an equal ``key`` (the preview)."""
        if self.kept is None:
            return make()
        result: T = self.kept.get(name, key, make)
        return result

    @property
    def site(self) -> Site:
        return self.content.site

    @cached_property
    def site_key(self) -> tuple[Any, ...]:
        """The site as read, for comparing with another build's: :class:`Site` itself leaves
        out ``by_id``, where the members of groups are."""
        return (self.site, tuple(self.site.by_id.values()))

    @cached_property
    def site_title(self) -> str:
        """The site's title ("<name> Status" in its language): pages show it several times."""
        return i18n.site_title(self.site)

    @cached_property
    def fmt(self) -> Formatter:
        return Formatter(self.site.timezone, self.site.language)

    @cached_property
    def env(self) -> Environment:
        return theme_environment(self.site, self.template_cache)

    def html(self, update: Update) -> Markup:
        """An update's text as the safe HTML the reader made of it (content.py)."""
        return Markup(update.html)

    def prepare(self) -> None:
        """Work out what every page needs, so that workers forked after it inherit it instead
        of each working it out again: every template compiled, uptime, and the shared assets."""
        for name in template_names(self.env):
            self.env.get_template(name)
        self.facts.uptime  # noqa: B018 - computed once, here
        self.assets  # noqa: B018

    @cached_property
    def assets(self) -> dict[str, Asset]:
        """Each of :data:`SHARED_ASSETS` rendered once from the theme's template of its name."""
        found = {}
        for template in SHARED_ASSETS:
            data = render_page(self, template, f"assets/{template}").encode("utf-8")
            stem, _, suffix = template.rpartition(".")
            digest = hashlib.sha256(data).hexdigest()[:10]
            found[template] = Asset(f"assets/{stem}.{digest}.{suffix}", data)
        return found

    def asset(self, template: str) -> str:
        """The output path of a shared asset (``ctx.asset("style.css")`` in templates)."""
        return self.assets[template].path

    def icons(self, sprite: str) -> Callable[[str], Markup]:
        """``m.icon(status)`` for a page whose icons are in ``sprite``: the path of the shared
        icons file, or "" where the page carries them inline."""
        made = self._icon_sets.get(sprite)
        if made is None:
            shapes = {shape: _icon(sprite, shape) for shape in _ICONS}
            made = self._icon_sets[sprite] = lambda status: shapes[statuses.shape(status)]
        return made

    @cached_property
    def _icon_sets(self) -> dict[str, Callable[[str], Markup]]:
        return {}

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
        """An update's stable fragment id (see :class:`generator.derive.UpdateFacts`)."""
        return self.facts.of(incident).of(update).anchor


Renderer = Callable[[RenderContext], None]


def theme_environment(site: Site, template_cache: TemplateCache | None = None) -> Environment:
    """The Jinja environment of the site's theme, in the site's language."""
    env = make_environment(site.source, site.theme, template_cache)
    i18n.install(env, site.language)
    env.globals["status_icon"] = status_icon
    env.globals["status_shape"] = statuses.shape
    return env


def compile_theme(site: Site, template_cache: TemplateCache) -> None:
    """Compile every template of the site's theme into ``template_cache`` ahead of the build
    that uses it (while the incident files are read). A template that does not compile is
    left for :func:`generator.render.pages.try_theme`, which reports it at its line."""
    env = theme_environment(site, template_cache)
    for name in template_names(env):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - reported by try_theme, at its file and line
            continue


def _icon(sprite: str, shape: str) -> Markup:
    return Markup(f'<svg class="i" aria-hidden="true"><use href="{sprite}#i-{shape}"/></svg>')


# Each shape's icon in the theme's sprite (icons.svg) where a page carries it inline, made once.
_ICONS = {
    shape: _icon("", shape)
    for shape in sorted({status.shape for status in statuses.SHOWN.values()})
}


def status_icon(status: str) -> Markup:
    """The inline icon for a status (templates call it as ``m.icon(status)``)."""
    return _ICONS[statuses.shape(status)]


def render_page(
    ctx: RenderContext, template: str, path: str, fmt: Any = None, **values: Any
) -> str:
    """A theme template rendered for an output path; links use ``root`` to stay relative.
    ``fmt`` stands in for ``ctx.fmt`` (render/memo.py's, which marks "now")."""
    depth = path.count("/")
    values.setdefault("root", "../" * depth or "./")
    values.setdefault("inline_assets", False)  # link the shared assets (SHARED_ASSETS)
    values.setdefault("site_title", ctx.site_title)
    try:
        return ctx.env.get_template(template).render(
            site=ctx.site,
            facts=ctx.facts,
            ctx=ctx,
            fmt=fmt if fmt is not None else ctx.fmt,
            path=path,
            now=ctx.now,
            **values,
        )
    except ContentError:  # a template this page needed (a shared asset) failed at its line
        raise
    except Exception as exc:  # a broken theme template is a problem at its line
        problem = template_problem(exc)
        if problem is None:
            raise
        raise ContentError([problem]) from None


def render_tried(ctx: RenderContext, template: str, path: str, **values: Any) -> str:
    """:func:`render_page`, or the page ``check`` rendered for the same path and inputs."""
    tried = ctx.tried.pop(path, None)
    if tried is not None and tried[0] is ctx.upstream:
        return tried[1]
    return render_page(ctx, template, path, **values)


def render_template(ctx: RenderContext, template: str, path: str, **values: Any) -> None:
    """Render a theme template to an output path."""
    ctx.files.add(path, render_tried(ctx, template, path, **values))
