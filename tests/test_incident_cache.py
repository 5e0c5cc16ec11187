"""The preview's caches: unchanged incident files and templates are reused, every change is seen,
however small or quick."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.build import build, check
from generator.content import IncidentCache
from generator.problems import ContentError
from generator.render.theme import TemplateCache

from .conftest import SITE_YAML, MakeSite

NOW = datetime(2026, 11, 21, tzinfo=UTC)
TEXT = """---
title: {title}
---

## 2026-11-20 10:00 — Resolved
Fixed.
"""


def rewrite_unseen(path: Path, text: str) -> None:
    """Replace a file's text and put its modification time back: an edit within the file
    system's time granularity looks like this."""
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_cache_reuses_unchanged_files_and_sees_every_change(make_site: MakeSite) -> None:
    site = make_site({"a": TEXT.format(title="A"), "b": TEXT.format(title="B")})
    cache = IncidentCache()
    first = {i.id: i for i in check(site, NOW, cache=cache).content.incidents}

    path = site / "content" / "incidents" / "b.md"
    size = path.stat().st_size
    rewrite_unseen(path, TEXT.format(title="C"))  # the same size, the same time
    assert path.stat().st_size == size
    second = {i.id: i for i in check(site, NOW, cache=cache).content.incidents}
    assert second["a"] is first["a"]  # not parsed again
    assert second["b"].title == "C"

    (site / "content" / "incidents" / "a.md").unlink()
    assert [i.id for i in check(site, NOW, cache=cache).content.incidents] == ["b"]

    # Another time zone reads every time differently: nothing is reused.
    (site / "site.yaml").write_text(SITE_YAML.replace("Europe/Berlin", "UTC"), encoding="utf-8")
    third = check(site, NOW, cache=cache).content.incidents[0]
    assert third is not second["b"]
    assert third.updates[0].time == datetime(2026, 11, 20, 10, tzinfo=UTC)


def test_cache_keeps_problems_of_a_broken_file(make_site: MakeSite) -> None:
    site = make_site({"bad": "no front matter\n"})
    cache = IncidentCache()
    for _ in range(2):  # cached or not, a broken file fails every build
        with pytest.raises(ContentError, match="bad.md:1: error"):
            check(site, NOW, cache=cache)


def test_template_cache_sees_every_change_to_a_template(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({"a": TEXT.format(title="A")})
    override = site / "themes" / "default" / "templates" / "404.html"
    override.parent.mkdir(parents=True)
    override.write_text("<p>Lost: one</p>\n", encoding="utf-8")
    templates = TemplateCache()
    out = tmp_path / "out"
    build(site, out, NOW, template_cache=templates)
    assert (out / "404.html").read_text(encoding="utf-8") == "<p>Lost: one</p>\n"
    rewrite_unseen(override, "<p>Lost: two</p>\n")
    build(site, out, NOW, template_cache=templates)
    assert (out / "404.html").read_text(encoding="utf-8") == "<p>Lost: two</p>\n"
