"""The build, as a recipe: load config → read content → check → derive → render → write.

Nothing is written until everything has been read, checked and rendered; then the new site is
swapped in at once, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import TemplateError

from generator import derive
from generator.config import load_site
from generator.content import IncidentCache, incidents_dir, load_content
from generator.derive import Facts, compute_facts
from generator.model import Content
from generator.output import SiteFiles, guard_output
from generator.problems import ContentError, Problem, Problems, clip, display_path
from generator.render import i18n
from generator.render.context import render_all
from generator.render.theme import check_templates, check_theme, inside


@dataclass(frozen=True)
class Checked:
    """Content that was read and checked, with the problems found (warnings, at most)."""

    content: Content
    facts: Facts
    warnings: list[Problem]


def check(
    source: Path, now: datetime, strict: bool = False, cache: IncidentCache | None = None
) -> Checked:
    """Read and validate a site; raise :class:`ContentError` listing every problem.

    Warnings (an overdue promise, say) fail only with ``strict``.
    """
    problems = Problems()
    site = load_site(source, problems)
    if site is None:
        raise ContentError(problems.sorted())
    i18n.check_language(site, problems)
    check_theme(site.source, site.theme, problems)
    check_templates(site.source, site.theme, problems)
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
    content = load_content(site, problems, cache)
    facts = compute_facts(content, now)
    derive.check_promises(facts, problems)
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems.sorted())
    return Checked(content, facts, problems.sorted())


def _check_links(source: Path, problems: Problems) -> bool:
    """An incident file that is a link to a file outside the site is refused: what a build
    publishes comes from the site's own folder, never from elsewhere on the build machine."""
    folder = incidents_dir(source)
    found = False
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.suffix == ".md" and path.is_symlink() and not inside(path, source):
            found = True
            problems.error(
                path,
                0,
                "this is a link to a file outside the site, which a build never publishes; "
                "copy the incident into content/incidents/ instead",
            )
    return found


def render(checked: Checked) -> SiteFiles:
    try:
        return render_all(checked.content, checked.facts, checked.facts.now)
    except TemplateError as exc:  # a site's own theme template that fails as it renders
        raise ContentError([template_problem(exc)]) from None


def template_problem(exc: TemplateError) -> Problem:
    """A theme template's error at its file and line: the syntax error's own, else the template
    frame of the traceback (Jinja2 puts template lines there)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if not frame.filename.endswith(".py") and Path(frame.filename).is_file():
                filename, line = frame.filename, frame.lineno
                break
    message = exc.message or type(exc).__name__
    return Problem(
        display_path(Path(filename)) if filename else "themes",
        int(line or 0),
        "error",
        f"this theme template cannot be rendered: {clip(message)}",
    )


def build(
    source: Path,
    output: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
) -> Checked:
    """Build the site at ``source`` into ``output``."""
    guard_output(source, output)
    checked = check(source, now, strict, cache)
    render(checked).write_atomically(output)
    return checked
