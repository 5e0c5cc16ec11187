"""The HTML pages, sitemap and robots.txt (SPEC section 6)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby, islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from jinja2 import TemplateSyntaxError

from generator.model import Incident
from generator.output import write_file
from generator.problems import ContentError, Problem
from generator.render.context import RenderContext, render_page, render_template, render_tried
from generator.render.memo import PageMemo
from generator.render.theme import static_files, template_names, template_problem

HISTORY_PAGE_SIZE = 100  # incidents per history page
COMPONENT_PAGE_INCIDENTS = 100  # the latest ones; the history pages hold every incident

# What the home page shows at most, so that its weight never grows with the site's age or a bad
# day (tests/test_budgets.py): the rest is a link away, in the history pages.
HOME_ACTIVE = 5  # active incidents, each with its latest update
HOME_MAINTENANCE = 3  # maintenance windows in progress, and as many upcoming ones
HOME_PAST_PER_DAY = 3  # incidents under each of the last seven days


# A page to render: its template, its output path, and the template's values.
PageJob = tuple[str, str, dict[str, Any]]
Page = tuple[str, str]  # a rendered page: its output path and its text


@dataclass(frozen=True)
class Shown:
    """The first items of a list, as many as the home page shows, and how many it leaves out."""

    first: tuple[Any, ...]
    more: int

    @classmethod
    def of(cls, items: Sequence[Any], limit: int) -> Shown:
        return cls(tuple(items[:limit]), max(len(items) - limit, 0))


@dataclass(frozen=True)
class PastDays:
    """Days of the home page's "past incidents": one day, or a run of days that only carried
    on the same incidents (``start`` to ``end``), with the incidents shown under them, each as
    (incident, whether a newer day already lists it)."""

    start: date
    end: date
    incidents: Shown


def past_listing(ctx: RenderContext) -> list[PastDays]:
    """The home page's last seven days, newest first, each with its first incidents.

    A long incident is listed on every day it touched, but only its newest mention carries
    its status; and days in a row that only carried on the same incidents share one heading,
    so a week-long incident does not fill the page seven times over."""
    seen: set[str] = set()
    out: list[PastDays] = []
    merging = False  # whether out[-1] is a run of days that only carried on its incidents
    for day, incidents in ctx.facts.past_days:
        shown = Shown.of(incidents, HOME_PAST_PER_DAY)
        entries = tuple((incident, incident.id in seen) for incident in shown.first)
        seen.update(incident.id for incident in shown.first)
        carried_on = (
            bool(entries)
            and not shown.more
            and all(
                repeat and ctx.fmt.local(ctx.facts.shown_start(incident)).date() < day
                for incident, repeat in entries
            )
        )
        if carried_on and merging and out[-1].incidents.first == entries:
            out[-1] = PastDays(day, out[-1].end, out[-1].incidents)
        else:
            out.append(PastDays(day, day, Shown(entries, shown.more)))
            merging = carried_on
    return out


def render_pages(ctx: RenderContext) -> None:
    """The home page, the 404 page, the shared assets, the theme's static files and
    robots.txt."""
    for template, path, values in home_jobs(ctx):
        render_template(ctx, template, path, **values)
    for asset in ctx.assets.values():
        ctx.files.add(asset.path, asset.data)
    for name, source in static_files(ctx.site.source, ctx.site.theme).items():
        ctx.files.add(f"static/{name}", source.read_bytes(), source=source)
    sitemap = ctx.absolute("sitemap.xml")
    ctx.files.add("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")


def home_jobs(ctx: RenderContext) -> list[PageJob]:
    # A 404 page is served at any depth, so its links start from the host's root; they stay on
    # whichever host serves it (a mirror too, when it publishes at the same path).
    # Both carry the stylesheet inline: each must paint from one request.
    facts = ctx.facts
    home = {
        "inline_assets": True,
        "active": Shown.of(facts.active, HOME_ACTIVE),
        "in_progress": Shown.of(facts.maintenance_active, HOME_MAINTENANCE),
        "upcoming": Shown.of(facts.maintenance_upcoming, HOME_MAINTENANCE),
        "past": past_listing(ctx),
        "past_days": facts.past_days,  # every one, for a theme's own index.html
    }
    return [
        ("index.html", "index.html", home),
        (
            "404.html",
            "404.html",
            {"root": urlsplit(ctx.site.url).path or "/", "inline_assets": True},
        ),
    ]


def try_theme(ctx: RenderContext, memo: PageMemo | None = None) -> list[Problem]:
    """Compile every template of the site's theme and render one page of each kind, so that
    ``check`` finds a broken template (an override, say) at its file and line. With ``memo``,
    a kind whose every page is kept from the last build (the same inputs, the same templates)
    renders as it did then, and is not tried."""
    problems = []
    for name in template_names(ctx.env):
        try:
            ctx.env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(template_problem(exc))
    if problems:  # the pages would only fail again at the same lines
        return [p for p in problems if p is not None]
    kinds: dict[tuple[str, bool], PageJob] = {}
    jobs = page_jobs(ctx) if memo is None else memo.stale(ctx, page_jobs(ctx))
    tried_jobs = {id(job) for job in jobs}
    for job in [*home_jobs(ctx), ("embed.js", "embed.js", {}), *jobs]:
        template, _, values = job
        # An incident and a maintenance, a component and a group: each is a kind of its own.
        incident, component = values.get("incident"), values.get("component")
        special = (incident is not None and incident.is_maintenance) or (
            component is not None and component.is_group
        )
        kinds.setdefault((template, special), job)
    found: dict[tuple[str, int, str], Problem] = {}
    for job in kinds.values():
        template, path, values = job
        try:
            if memo is not None and id(job) in tried_jobs:
                memo.render_one(ctx, job)
            else:
                ctx.tried[path] = (ctx.upstream, render_page(ctx, template, path, **values))
        except ContentError as exc:
            found.update({(p.path, p.line, p.message): p for p in exc.problems})
    return list(found.values())


def page_jobs(ctx: RenderContext) -> list[PageJob]:
    """The site's many pages: one per component, per history page and per incident (worked
    out once per build: the theme's trial and the build both ask)."""
    if ctx.page_jobs is None:
        ctx.page_jobs = [*component_jobs(ctx), *history_jobs(ctx), *incident_jobs(ctx)]
    return ctx.page_jobs


def render_jobs(ctx: RenderContext, jobs: list[PageJob], start: int, stop: int) -> list[Page]:
    """``jobs[start:stop]`` rendered: (output path, page)."""
    return [
        (path, render_tried(ctx, template, path, **values))
        for template, path, values in jobs[start:stop]
    ]


def write_jobs(
    ctx: RenderContext, jobs: list[PageJob], staging: Path, start: int, stop: int
) -> list[Page]:
    """``jobs[start:stop]`` rendered and written into the staging folder at once, so that no
    process holds them all (the paths were claimed beforehand)."""
    made: set[str] = set()
    for index in range(start, stop):
        for path, page in render_jobs(ctx, jobs, index, index + 1):
            write_file(staging, path, page.encode("utf-8"), made)
    return []


def incident_jobs(ctx: RenderContext) -> list[PageJob]:
    return [
        ("incident.html", f"incidents/{incident.id}/index.html", {"incident": incident})
        for incident in ctx.content.incidents
    ]


def component_jobs(ctx: RenderContext) -> list[PageJob]:
    jobs = []
    for component in ctx.site.all_components:
        every = ctx.facts.incidents_of(component.id)
        listed = {incident.id for incident in every}
        # Its latest by the date history shows (then by id): the first of by_start it lists.
        latest = (incident for incident in ctx.facts.by_start if incident.id in listed)
        values = {
            "component": component,
            "incident_total": len(every),
            "incidents": list(islice(latest, COMPONENT_PAGE_INCIDENTS)),
        }
        jobs.append(("component.html", f"components/{component.id}/index.html", values))
    return jobs


def history_pages(incidents: list[Incident]) -> Iterator[tuple[int, list[Incident]]]:
    for number, start in enumerate(range(0, max(len(incidents), 1), HISTORY_PAGE_SIZE), 1):
        yield number, incidents[start : start + HISTORY_PAGE_SIZE]


def history_jobs(ctx: RenderContext) -> list[PageJob]:
    """The history pages: every incident by month, newest first, 100 a page."""
    pages = list(history_pages(list(ctx.facts.by_start)))
    jobs = []
    for number, chunk in pages:
        months = [
            (month, list(items))
            for month, items in groupby(
                chunk, key=lambda i: ctx.fmt.month_text(ctx.facts.shown_start(i))
            )
        ]
        path = "history/index.html" if number == 1 else f"history/{number}/index.html"
        values = {"months": months, "page_number": number, "page_count": len(pages)}
        jobs.append(("history.html", path, values))
    return jobs


def render_sitemap(ctx: RenderContext) -> None:
    """sitemap.xml: every page's public URL (the 404 page is not a page to index)."""
    pages = [page for page in ctx.files.paths() if page.endswith("index.html")]
    key = (ctx.site.url, tuple(pages))
    ctx.files.add("sitemap.xml", ctx.keep("sitemap.xml", key, lambda: _sitemap(ctx, pages)))


def _sitemap(ctx: RenderContext, pages: list[str]) -> bytes:
    urlset = ElementTree.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for page in pages:
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = ctx.absolute(page.removesuffix("index.html"))
    ElementTree.indent(urlset)
    xml = ElementTree.tostring(urlset, encoding="UTF-8", xml_declaration=True)
    return xml + b"\n"
