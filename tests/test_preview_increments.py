"""The preview renders again only what changed, and what it serves is what a full build writes.

A writer's session, step by step, on a copy of the sample site: edits, a new incident, a rename,
a deletion, edits to site.yaml, a theme of the site's own, a broken file mended, and "now"
moving on (a minute, hours, days). After each step every file the preview holds must be, byte
for byte, the file a fresh ``statusgen build`` writes at the same "now".
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from generator.build import build
from generator.output import MARKER
from generator.preview import Preview
from generator.times import parse_now
from tests.sample import REPO, SAMPLE_NOW

START = parse_now(SAMPLE_NOW, None)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


class Session:
    """A preview of a copy of the sample site, and a clock the test moves."""

    def __init__(self, root: Path) -> None:
        self.site = root / "site"
        self.site.mkdir()
        shutil.copy(REPO / "site.yaml", self.site / "site.yaml")
        shutil.copytree(REPO / "content", self.site / "content")
        self.out = root / "out"
        self.now = START
        self.preview = Preview(self.site, now=lambda: self.now, offline=True)

    def incident(self, name: str) -> Path:
        return self.site / "content" / "incidents" / f"{name}.md"

    def edit(self, path: Path, change: Callable[[str], str]) -> None:
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    def check(self) -> int:
        """Rebuild the preview and compare it with a full build; the pages it rendered."""
        assert self.preview.rebuild(), self.preview.errors
        build(self.site, self.out, self.now, offline=True)
        expected = tree(self.out)
        served = self.preview.files
        assert served is not None
        assert sorted(served) == sorted(expected)
        differing = [path for path in expected if served[path] != expected[path]]
        assert differing == []
        return self.preview.memory.pages.rendered


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session(tmp_path)


def test_the_preview_matches_a_full_build_through_a_writing_session(session: Session) -> None:
    pages = session.check()  # the first build renders every page
    assert pages > 10

    # Nothing changed: nothing is rendered again...
    assert session.check() == 0
    # ... and a minute later only the pages of components in an outage now (today's uptime).
    session.now += timedelta(minutes=1)
    assert session.check() < pages / 2

    # An update on an incident: its page, and the pages listing it, only.
    session.edit(
        session.incident("2026-11-20-api-errors"),
        lambda text: text.replace(
            "\n## ", "\n## 2026-11-20 15:20 UTC — Update\nStill watching the error rates.\n\n## ", 1
        ),
    )
    assert 0 < session.check() < pages

    # A new incident, then its title changed.
    new = session.incident("2026-11-20-cdn-errors")
    new.write_text(
        "---\ntitle: CDN errors\ncomponents:\n  website: degraded_performance\n---\n\n"
        "## 2026-11-20 15:10 UTC — Investigating\nSome pages load slowly.\n",
        encoding="utf-8",
    )
    session.check()
    session.edit(new, lambda text: text.replace("CDN errors", "Slow pages from the CDN"))
    assert 0 < session.check() < pages

    # Renamed, then deleted: neither leaves a page behind.
    renamed = session.incident("2026-11-20-cdn-slow")
    new.rename(renamed)
    session.check()
    renamed.unlink()
    session.check()

    # Hours later: maintenance windows start and end, promises fall due, incidents go silent.
    for hours in (2, 5, 30):
        session.now = START + timedelta(hours=hours)
        session.check()

    # A broken file fails the build; mended, the preview is whole again.
    broken = session.incident("2026-11-15-login-failures")
    good = broken.read_text(encoding="utf-8")
    broken.write_text("no front matter\n", encoding="utf-8")
    assert not session.preview.rebuild()
    broken.write_text(good, encoding="utf-8")
    session.check()


def test_edits_to_site_yaml_render_every_page_again(session: Session) -> None:
    pages = session.check()
    session.edit(session.site / "site.yaml", lambda text: text.replace("Acme Cloud", "Acme"))
    assert session.check() == pages
    session.edit(
        session.site / "site.yaml", lambda text: text.replace("name: Public API", "name: API")
    )
    assert session.check() == pages
    session.edit(
        session.site / "site.yaml",
        lambda text: text.replace("timezone: Europe/Berlin", "timezone: America/New_York"),
    )
    assert session.check() == pages


def test_a_theme_of_the_sites_own_is_followed(session: Session) -> None:
    session.check()
    templates = session.site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "incident.html").write_text(
        '{% extends "default/incident.html" %}\n'
        "{% block title %}{{ incident.title }} ({{ now.isoformat() }}){% endblock %}\n",
        encoding="utf-8",
    )
    session.check()
    # Such a theme may show "now" in any way: its pages follow the clock.
    session.now += timedelta(seconds=30)
    session.check()
    (templates / "incident.html").write_text(
        '{% extends "default/incident.html" %}\n{% block title %}[{{ incident.title }}]'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    session.check()
    shutil.rmtree(session.site / "themes")
    session.check()


def test_now_moving_across_days_keeps_the_uptime_right(session: Session) -> None:
    session.check()
    for days in (1, 2, 40):
        session.now = START + timedelta(days=days)
        session.check()
    session.now = datetime.fromisoformat("2026-11-20T15:30:00+00:00")
    session.check()
