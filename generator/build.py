"""The build, as a recipe: load config → read content → check → derive → render → write.

Nothing is written until everything has been read, checked and rendered; then the new site is
swapped in at once, so a failed build leaves the previous output as it was. The build also
decides what runs where: one :class:`~generator.parallel.Workers` serves every stage that has
per-item work (reading incident files, rendering the many pages, writing files), and the
renderers themselves are plain functions that never start a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from generator import derive
from generator.config import load_site
from generator.content import IncidentCache, load_content
from generator.derive import Facts, compute_facts
from generator.model import Content
from generator.output import OutputConflict, SiteFiles
from generator.parallel import IN_PROCESS, Workers
from generator.problems import ContentError, Problem, Problems, UsageError
from generator.render import api, badges, embed, feeds, hosting, i18n, ics, pages, uptime_api
from generator.render.context import RenderContext, Renderer
from generator.render.theme import TemplateCache

# The renderers, in the order this process runs them; each writes one family of files.
RENDERERS: list[Renderer] = [
    pages.render_pages,
    feeds.render_feeds,
    api.render_api,
    ics.render_calendar,
    badges.render_badges,
    embed.render_embed,
    hosting.render_hosting,
    uptime_api.render_uptime_api,
]


@dataclass(frozen=True)
class Checked:
    """Content that was read and checked, with the problems found (warnings, at most)."""

    content: Content
    facts: Facts
    warnings: list[Problem]
    context: RenderContext  # for rendering, with the theme's templates compiled and tried


def check(
    source: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
    workers: Workers | None = None,
    template_cache: TemplateCache | None = None,
) -> Checked:
    """Read and validate a site, and try its theme on one page of each kind; raise
    :class:`ContentError` listing every problem.

    Warnings (an overdue promise, say) fail only with ``strict``. A process that checks again
    and again (the preview) keeps what it read in ``cache`` and ``template_cache``.
    """
    workers = workers or Workers.available()
    problems = Problems()
    site = load_site(source, problems)
    if site is None:
        raise ContentError(problems.sorted())
    i18n.check_language(site, problems)
    # A cache learns each file as it is read, so with one the files are read here.
    content = load_content(site, problems, cache, IN_PROCESS if cache is not None else workers)
    facts = compute_facts(content, now)
    derive.check_promises(facts, problems)
    context = RenderContext(content, facts, now, SiteFiles(), template_cache)
    problems.items.extend(pages.try_theme(context))
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems.sorted())
    return Checked(content, facts, problems.sorted(), context)


def render(checked: Checked, workers: Workers = IN_PROCESS) -> SiteFiles:
    """Every output file of the site, in memory: the many pages on the workers while this
    process runs the renderers. A template that fails on some page, or two things writing
    one path, is a :class:`ContentError` like any problem in the content."""
    ctx = checked.context
    jobs = pages.page_jobs(ctx)
    try:
        with workers.start(
            partial(pages.render_jobs, ctx, jobs), len(jobs), before_fork=ctx.prepare
        ) as rendered:
            for renderer in RENDERERS:
                renderer(ctx)
            for path, page in rendered.results():
                ctx.files.add(path, page)
        pages.render_sitemap(ctx)  # it lists every page, so it comes last
    except OutputConflict as exc:
        raise ContentError([exc.problem()]) from None
    return ctx.files


def build(
    source: Path,
    output: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
    template_cache: TemplateCache | None = None,
) -> Checked:
    """Build the site at ``source`` into ``output``."""
    guard_output(source, output)
    workers = Workers.available()
    checked = check(source, now, strict, cache, workers, template_cache)
    render(checked, workers).write_atomically(output, workers)
    return checked


def guard_output(source: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would delete the site's own files."""
    source, output = source.resolve(), output.resolve()
    if output == source or output in source.parents:
        raise UsageError(
            f"the output folder {output} holds the site's own files; "
            "choose another, e.g. --output _site"
        )
    if (output / "site.yaml").exists() or (output / "content").is_dir():
        raise UsageError(
            f"the output folder {output} looks like a site source (it has "
            "site.yaml or content/); choose another, e.g. --output _site"
        )
