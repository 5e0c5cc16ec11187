"""The build, as a recipe: load config → read content → check → derive → render → write.

Nothing is written until everything has been read, checked and rendered; then the new site is
swapped in at once, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import derive
from generator.config import load_site
from generator.content import IncidentCache, load_content
from generator.derive import Facts, compute_facts
from generator.model import Content
from generator.output import SiteFiles
from generator.problems import ContentError, Problem, Problems, UsageError
from generator.render import i18n
from generator.render.context import render_all

if TYPE_CHECKING:  # the network code is loaded only for a site with upstream providers
    from generator.upstream import UpstreamCache, UpstreamStatus


@dataclass(frozen=True)
class Checked:
    """Content that was read and checked, with the problems found (warnings, at most)."""

    content: Content
    facts: Facts
    warnings: list[Problem]
    upstream: tuple[UpstreamStatus, ...] = ()  # what the upstream providers said (build only)


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
    content = load_content(site, problems, cache)
    derive.check_promises(content, now, problems)
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems.sorted())
    return Checked(content, compute_facts(content, now), problems.sorted())


def render(checked: Checked) -> SiteFiles:
    return render_all(checked.content, checked.facts, checked.facts.now, checked.upstream)


def build(
    source: Path,
    output: Path,
    now: datetime,
    strict: bool = False,
    cache: IncidentCache | None = None,
    offline: bool = False,
    upstream_cache: UpstreamCache | None = None,
) -> Checked:
    """Build the site at ``source`` into ``output``; ``offline`` reads no upstream provider."""
    guard_output(source, output)
    checked = check(source, now, strict, cache)
    providers = checked.content.site.upstream
    if providers:  # read only once the content is known to build
        from generator.upstream import read_upstreams

        upstream = read_upstreams(providers, offline=offline, cache=upstream_cache)
        checked = replace(checked, upstream=upstream)
    render(checked).write_atomically(output)
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
