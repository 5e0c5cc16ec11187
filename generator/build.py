"""The build, as a recipe: load config → read content → check → derive → render → write.

Nothing is written until everything has been read, checked and rendered; then the new site is
swapped in at once, so a failed build leaves the previous output as it was. The build also
decides what runs where: one :class:`~generator.parallel.Workers` serves every stage that has
per-item work (reading incident files, rendering the many pages, writing files), and the
renderers themselves are plain functions that never start a process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator import derive
from generator.config import load_site
from generator.content import IncidentCache, incidents_dir, load_content
from generator.derive import Facts, FactsCache, compute_facts
from generator.model import Content, Site
from generator.output import OutputConflict, SiteFiles, guard_output
from generator.parallel import IN_PROCESS, MIN_HEAVY_ITEMS, Workers
from generator.problems import ContentError, Problem, Problems
from generator.render import (
    api,
    badges,
    embed,
    hosting,
    i18n,
    notifications,
    pages,
    uptime_api,
)
from generator.render.context import RenderContext, Renderer, compile_theme
from generator.render.memo import Kept, PageMemo
from generator.render.theme import TemplateCache, check_theme, inside

if TYPE_CHECKING:  # the network code is loaded only for a site with upstream providers
    from generator.upstream import UpstreamCache, UpstreamStatus


def _imported_later(module: str, name: str) -> Renderer:
    """A renderer whose module, with the libraries it needs (feedgen and lxml, icalendar), is
    imported once a build has started: while the workers read the incident files (see
    :func:`_meanwhile`), not before them, as statusgen starts."""

    def renderer(ctx: RenderContext) -> None:
        getattr(importlib.import_module(module), name)(ctx)

    renderer.__name__ = renderer.__qualname__ = name
    return renderer


_IMPORTED_LATER = ("generator.render.feeds", "generator.render.ics")

# The renderers, in the order this process runs them; each writes one family of files.
RENDERERS: list[Renderer] = [
    pages.render_pages,
    _imported_later("generator.render.feeds", "render_feeds"),
    api.render_api,
    _imported_later("generator.render.ics", "render_calendar"),
    badges.render_badges,
    embed.render_embed,
    hosting.render_hosting,
    uptime_api.render_uptime_api,
    notifications.render_notifications,
]


@dataclass(frozen=True)
class Checked:
    """Content that was read and checked, with the problems found (warnings, at most)."""

    content: Content
    facts: Facts
    warnings: list[Problem]
    context: RenderContext  # for rendering, with the theme's templates compiled and tried
    upstream: tuple[UpstreamStatus, ...] = ()  # what the upstream providers said (build only)


def check(
    source: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
    workers: Workers | None = None,
    template_cache: TemplateCache | None = None,
    facts_cache: FactsCache | None = None,
    memo: PageMemo | None = None,
) -> Checked:
    """Read and validate a site, and try its theme on one page of each kind; raise
    :class:`ContentError` listing every problem.

    Warnings (an overdue promise, say) fail only with ``strict``. A process that checks again
    and again (the preview) keeps what it read and made in ``cache``, ``template_cache``,
    ``facts_cache`` and ``memo``.
    """
    workers = workers or Workers.available()
    problems = Problems()
    site = load_site(source, problems)
    if site is None:
        raise ContentError(problems.sorted())
    i18n.check_language(site, problems)
    check_theme(site.source, site.theme, problems)
    for folder in (source / "content", incidents_dir(source)):
        if folder.exists() and not folder.is_dir():
            problems.error(
                folder,
                0,
                "this is a file, but content/incidents/ must be a folder holding one .md file "
                "per incident; rename the file and make the folder",
            )
            raise ContentError(problems.sorted())
    if _check_links(source, problems):  # not read: its problems could quote what it links to
        raise ContentError(problems.sorted())
    template_cache = template_cache if template_cache is not None else TemplateCache()
    facts_cache = facts_cache if facts_cache is not None else FactsCache()
    # Where workers read the files, they also work out the facts of each that last (those that
    # do not depend on "now"), and this process compiles the theme meanwhile. Reading in this
    # process, each is done where it is first needed, as before: nothing is gained by moving
    # it, and a preview's rebuild would compile the theme twice.
    alongside = meanwhile = None
    if workers.count > 1:
        alongside = facts_cache
        meanwhile = partial(_meanwhile, site, template_cache)
    content = load_content(site, problems, cache, workers, meanwhile, alongside)
    facts = compute_facts(content, now, facts_cache)
    derive.check_promises(facts, problems)
    context = RenderContext(content, facts, now, SiteFiles(), template_cache)
    problems.items.extend(pages.try_theme(context, memo))
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems.sorted())
    return Checked(content, facts, problems.sorted(), context)


def _meanwhile(site: Site, template_cache: TemplateCache) -> None:
    """What this process does while the workers read the incident files: compile the theme's
    templates and import the renderers' libraries, each needed soon after."""
    compile_theme(site, template_cache)
    for module in _IMPORTED_LATER:
        importlib.import_module(module)


def _check_links(source: Path, problems: Problems) -> bool:
    """An incident file that is a link to a file outside the site is refused: what a build
    publishes comes from the site's own folder, never from elsewhere on the build machine."""
    folder = incidents_dir(source)
    found = False
    if not folder.is_dir():
        return False
    with os.scandir(folder) as entries:
        links = sorted(
            folder / e.name for e in entries if e.is_symlink() and Path(e.name).suffix == ".md"
        )
    for path in links:
        if not inside(path, source):
            found = True
            problems.error(
                path,
                0,
                "this is a link to a file outside the site, which a build never publishes; "
                "copy the incident into content/incidents/ instead",
            )
    return found


def render(
    checked: Checked,
    workers: Workers = IN_PROCESS,
    into: Path | None = None,
    memo: PageMemo | None = None,
) -> SiteFiles:
    """Every output file of the site. A build's go ``into`` the staging folder of
    :meth:`SiteFiles.stage`: the renderers and pages run on the workers, each page written
    there as soon as it is rendered and only its path coming back. A preview's stay in memory,
    with ``memo``: a page whose inputs are those of the last build is kept, not rendered again.
    A template that fails on some page, or two things writing one path, is a
    :class:`ContentError` like any problem in the content."""
    ctx = checked.context
    jobs = pages.page_jobs(ctx)
    try:
        if memo is not None:
            ctx.prepare()
            for renderer in RENDERERS:
                renderer(ctx)
            for path, data in memo.render(ctx, jobs, workers):
                ctx.files.add(path, data)
        else:
            assert into is not None, "a build renders into its staging folder"
            for _, path, _ in jobs:  # claimed first: no worker writes a path that is refused
                ctx.files.add_written(path)
            # The renderers are the first items, each on a worker of its own while the others
            # share out the pages: this process only collects, so every core is busy.
            apart = partial(_render_apart, ctx, jobs, into)
            items = len(RENDERERS) + len(jobs)
            pending = workers.start(
                apart, items, ctx.prepare, alone=len(RENDERERS), least=MIN_HEAVY_ITEMS
            )
            with pending as made:
                for path, data in made.results():
                    ctx.files.add(path, data)
        pages.render_sitemap(ctx)  # it lists every page, so it comes last
    except OutputConflict as exc:
        raise ContentError([exc.problem()]) from None
    return ctx.files


def _render_apart(
    ctx: RenderContext, jobs: list[pages.PageJob], into: Path, start: int, stop: int
) -> list[tuple[str, bytes]]:
    """Items ``start`` to ``stop`` of a build's rendering: first the renderers (the files each
    makes, to be added in this order), then the pages, written into the staging folder."""
    made: list[tuple[str, bytes]] = []
    for renderer in RENDERERS[start:stop]:
        files, ctx.files = ctx.files, SiteFiles()
        try:
            renderer(ctx)
            made += ctx.files.in_memory().items()
        finally:
            ctx.files = files
    first, last = max(start - len(RENDERERS), 0), stop - len(RENDERERS)
    if last > first:
        pages.write_jobs(ctx, jobs, into, first, last)
    return made


def build(
    source: Path,
    output: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
    offline: bool = False,
    upstream_cache: UpstreamCache | None = None,
    template_cache: TemplateCache | None = None,
) -> Checked:
    """Build the site at ``source`` into ``output``; ``offline`` reads no upstream provider."""
    guard_output(source, output)
    workers = Workers.available()
    with collector_paused():
        checked = check(source, now, strict, cache, workers, template_cache)
        checked = _read_upstream(checked, offline, upstream_cache)
        files = checked.context.files
        with files.stage(output) as staging:
            render(checked, workers, staging).finish(output, workers)
    return checked


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the length of a build in this process.

    A build makes a site's model once and keeps it to the end, while it makes many short-lived
    objects beside it; the collector, run every few hundred of those, would scan the whole
    model again and again (a third of the facts' time at 10,000 incidents). What a build
    leaves is reference-counted away as it goes; the forked workers collect their own."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass
class Memory:
    """What a process that builds again and again (the preview) keeps from one build to the
    next: incident files as read, facts that last, compiled templates, rendered pages and
    upstream answers. Each is keyed by its inputs, so a build with a memory gives the same
    bytes as one without (tests/test_preview_increments.py)."""

    incidents: IncidentCache = field(default_factory=IncidentCache)
    facts: FactsCache = field(default_factory=FactsCache)
    templates: TemplateCache = field(default_factory=TemplateCache)
    pages: PageMemo = field(default_factory=PageMemo)
    kept: Kept = field(default_factory=Kept)
    upstream: UpstreamCache | None = None
    built: bool = False  # whether a build has succeeded with it


def build_in_memory(
    source: Path, now: datetime, memory: Memory, offline: bool = False
) -> tuple[Checked, Mapping[str, bytes]]:
    """Build the site at ``source`` without writing it: every output file's bytes, by path,
    as :func:`build` would write them. The caller swaps the whole mapping in at once."""
    # Workers for a first build only (and only while this process runs no other thread):
    # later ones have little to read or render, and what workers read would come back as new
    # objects, which the facts and pages kept by identity would not recognise.
    workers = IN_PROCESS if memory.built else Workers.available()
    checked = check(
        source,
        now,
        cache=memory.incidents,
        workers=workers,
        template_cache=memory.templates,
        facts_cache=memory.facts,
        memo=memory.pages,
    )
    checked = _read_upstream(checked, offline, memory.upstream)
    checked.context.kept = memory.kept
    memory.kept.begin()
    files = render(checked, workers, memo=memory.pages)
    memory.kept.finish()
    memory.built = True
    return checked, memory.pages.filled(files.in_memory())


def _read_upstream(
    checked: Checked, offline: bool, upstream_cache: UpstreamCache | None
) -> Checked:
    providers = checked.content.site.upstream
    if not providers:  # read only once the content is known to build
        return checked
    from generator.upstream import read_upstreams

    upstream = read_upstreams(providers, offline=offline, cache=upstream_cache)
    checked.context.upstream = upstream
    return replace(checked, upstream=upstream)
