"""The many pages kept from one build to the next by a process that builds again and again (the
preview), each with what it was rendered from: a page whose inputs are the same is not
rendered again.

A page's key holds everything its template reads: the site (site.yaml as read), the theme's
templates (a digest of their bytes), and the page's own facts: an incident page its incident's
:class:`~generator.derive.IncidentFacts` (which hold the incident as read, and whatever "now"
decides of it: its status, an overdue promise); a history page every listed incident's facts; a
component page its listed incidents' facts, every component's status, its uptime and the facts
of the incidents its uptime days name. The facts are compared by value, so a page whose facts
came out the same at a later "now" is kept.

"Now" itself shows on every page ("Last updated"): pages are rendered with a marker in its
place, and the marker is replaced by the moment of each build. A theme of the site's own may
read "now" in any way, so with one the key holds "now" too (such a site's pages are rendered
again at each build; they are still right).

:func:`page_key` is the one place that says what each page reads: a template that comes to read
more must add it there (tests/test_preview_increments.py compares the preview with full builds
after edits, renames and deletions).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from markupsafe import Markup

from generator.model import Incident
from generator.parallel import IN_PROCESS, Workers
from generator.render.context import RenderContext, render_page
from generator.render.formatting import Formatter
from generator.render.theme import builtin_theme, theme_dirs
from generator.uptime import ComponentUptime

PageJob = tuple[str, str, dict[str, Any]]  # as render.pages.PageJob


class _NowMarked:
    """A formatter whose ``time_element`` of "now" is a marker: the page then holds no trace
    of the moment it was rendered at, and the marker becomes each build's "now"."""

    def __init__(self, fmt: Formatter, now: datetime, marker: Markup) -> None:
        self._fmt, self._now, self._marker = fmt, now, marker

    def time_element(self, moment: datetime, text: str | None = None) -> Markup:
        if text is None and moment == self._now:
            return self._marker
        return self._fmt.time_element(moment, text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fmt, name)


class PageMemo:
    """The pages of the last build, by output path: (key, page as rendered with the marker)."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[object, bytes]] = {}
        # Random per process, so no page's own text can ever hold it by chance.
        self.marker = Markup(f"\x00statusgen-now-{secrets.token_hex(8)}\x00")
        self._marker_bytes = str(self.marker).encode("utf-8")
        self.rendered = 0  # pages the last build rendered (the others were kept)
        self._looked: RenderContext | None = None  # the build the keys below are for
        self._keys: list[object] = []
        self._stale: list[int] = []
        self._fmt: Any = None
        self._early: dict[str, bytes] = {}  # stale pages already rendered (render_one)
        self._now_text = b""
        self._site_key: object = None

    def look(self, ctx: RenderContext, jobs: list[PageJob]) -> None:
        """Work out each job's key for this build, and which pages must be rendered."""
        own_theme = _has_own_templates(ctx)
        site_key = (ctx.site_key, theme_digest(ctx), ctx.now if own_theme else None)
        if site_key == self._site_key:  # compared once here, then by identity for each page
            site_key = self._site_key
        self._site_key = site_key
        self._looked = ctx
        self._keys = [
            (site_key, template, page_key(ctx, template, values)) for template, _, values in jobs
        ]
        self._stale = [
            n
            for n, (key, (_, path, _)) in enumerate(zip(self._keys, jobs, strict=True))
            if path not in self._pages or self._pages[path][0] != key
        ]
        self._fmt = ctx.fmt if own_theme else _NowMarked(ctx.fmt, ctx.now, self.marker)
        self._early = {}

    def stale(self, ctx: RenderContext, jobs: list[PageJob]) -> list[PageJob]:
        """The pages this build must render; the others are kept."""
        if self._looked is not ctx:
            self.look(ctx, jobs)
        return [jobs[n] for n in self._stale]

    def render_one(self, ctx: RenderContext, job: PageJob) -> str:
        """One of this build's stale pages, rendered now (by ``check``, trying the theme) and
        kept for :meth:`render`."""
        template, path, values = job
        page = render_page(ctx, template, path, fmt=self._fmt, **values)
        self._early[path] = page.encode("utf-8")
        return page

    def render(
        self, ctx: RenderContext, jobs: list[PageJob], workers: Workers = IN_PROCESS
    ) -> list[tuple[str, bytes]]:
        """Every job's page, (path, page with the marker), in order: kept ones as they were,
        the others rendered (on ``workers``); :meth:`filled` puts "now" in."""
        if self._looked is not ctx:
            self.look(ctx, jobs)
        early = self._early
        stale = [n for n in self._stale if jobs[n][1] not in early]
        fmt = self._fmt

        def task(start: int, stop: int) -> list[bytes]:
            return [
                render_page(ctx, jobs[n][0], jobs[n][1], fmt=fmt, **jobs[n][2]).encode("utf-8")
                for n in stale[start:stop]
            ]

        fresh = dict(zip(stale, workers.map(task, len(stale)), strict=True))
        fresh.update((n, early[jobs[n][1]]) for n in self._stale if jobs[n][1] in early)
        self.rendered = len(fresh)
        self._now_text = str(ctx.fmt.time_element(ctx.now)).encode("utf-8")
        pages: dict[str, tuple[object, bytes]] = {}
        out = []
        for n, (key, (_, path, _)) in enumerate(zip(self._keys, jobs, strict=True)):
            page = fresh[n] if n in fresh else self._pages[path][1]
            pages[path] = (key, page)
            out.append((path, page))
        self._pages = pages  # pages no longer built (a deleted incident) are forgotten
        self._looked, self._early = None, {}
        return out

    def filled(self, files: dict[str, bytes]) -> Mapping[str, bytes]:
        """The site's files with the last build's "now" in place of the marker in each page
        :meth:`render` gave (filled in as each is read: most never are)."""
        return _Filled(files, set(self._pages), self._marker_bytes, self._now_text)


class _Filled(Mapping[str, bytes]):
    def __init__(self, files: dict[str, bytes], marked: set[str], marker: bytes, now: bytes):
        self._files, self._marked, self._marker, self._now = files, marked, marker, now

    def __getitem__(self, path: str) -> bytes:
        data = self._files[path]
        return data.replace(self._marker, self._now) if path in self._marked else data

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files


class Kept:
    """Other outputs kept from the last build by name, each with its key (a feed's: its
    entries' incidents as read): :meth:`RenderContext.keep` asks here."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[object, Any]] = {}
        self._this: dict[str, tuple[object, Any]] = {}

    def get(self, name: str, key: object, make: Callable[[], Any]) -> Any:
        entry = self._last.get(name)
        if entry is None or entry[0] != key:
            entry = (key, make())
        self._this[name] = entry
        return entry[1]

    def begin(self) -> None:
        """A build starts (what a failed one asked for is dropped)."""
        self._this = {}

    def finish(self) -> None:
        """The build is done: what it did not ask for is forgotten."""
        self._last, self._this = self._this, {}


def page_key(ctx: RenderContext, template: str, values: dict[str, Any]) -> object:
    """What a page of the default theme reads beyond the site, the theme and "now"; None for
    a page this module does not know, which is then rendered at every build."""
    facts = ctx.facts
    if template == "incident.html":
        return (facts.of(values["incident"]),)
    if template == "history.html":
        months = tuple(
            (month, tuple(facts.of(i) for i in incidents)) for month, incidents in values["months"]
        )
        return (months, values["page_number"], values["page_count"])
    if template == "component.html":
        component = values["component"]
        uptime = facts.uptime[component.id]
        named = ctx.incidents_among(i for day in uptime.days for i in day.incident_ids)
        return (
            component,
            values["incident_total"],
            _facts_of(ctx, values["incidents"]),
            facts.component_status,
            facts.recovering,
            _shown_uptime(uptime),
            _facts_of(ctx, named),
        )
    return _Never()


def _shown_uptime(uptime: ComponentUptime) -> tuple[Any, ...]:
    """A component's uptime but for the time counted today, which grows with "now" while
    the figures stay the same (a day with an outage going on has its figure change too)."""
    days = tuple(
        (d.day, d.worst, d.uptime, d.major, d.partial, d.incident_ids) for d in uptime.days
    )
    return (uptime.component_id, uptime.uptime, days)


def _facts_of(ctx: RenderContext, incidents: Iterable[Incident]) -> tuple[Any, ...]:
    return tuple(ctx.facts.of(i) for i in incidents)


class _Never:
    """A key equal to nothing, not even itself: its page is rendered at every build."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


def theme_digest(ctx: RenderContext) -> bytes:
    """A digest of every template the site's pages may use (the site's theme and the built-in
    one), by name and bytes: an edited template renders every page again."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in theme_dirs(ctx.site.source, ctx.site.theme):
        templates = folder / "templates"
        for path in sorted(templates.rglob("*")) if templates.is_dir() else []:
            if path.is_file():
                digest.update(str(path.relative_to(templates)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
        digest.update(b"\1")
    return digest.digest()


def _has_own_templates(ctx: RenderContext) -> bool:
    builtin = builtin_theme().resolve()
    for folder in theme_dirs(ctx.site.source, ctx.site.theme):
        templates = folder / "templates"
        if folder.resolve() != builtin and templates.is_dir() and any(templates.rglob("*")):
            return True
    return False


__all__ = ["Kept", "PageMemo", "page_key", "theme_digest"]
