"""The shared stylesheet, script and icons: one file each, named by a hash of its bytes, linked
from every page but the home and 404 pages (which carry them inline, to paint from one request),
and cached by hosts for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import html

from generator.build import build
from generator.times import parse_now
from tests.conftest import MakeSite

INCIDENT = """\
---
title: Elevated error rates on the API
components:
  api: partial_outage
---

## 2026-11-20 14:05 — Investigating
We are looking into it.
"""
NOW = parse_now("2026-11-20 14:30 UTC", None)
INLINE_PAGES = {"index.html", "404.html"}


def assets(output: Path) -> dict[str, Path]:
    """The shared files of a build by kind (css, js, svg)."""
    found = {path.suffix.lstrip("."): path for path in (output / "assets").iterdir()}
    assert len(found) == 3, sorted((output / "assets").iterdir())
    return found


def test_each_shared_file_is_named_by_a_hash_of_its_bytes(sample_output: Path) -> None:
    for kind, path in assets(sample_output).items():
        stem, digest, suffix = path.name.split(".")
        assert suffix == kind
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()[:10], path.name
    assert {p.name.split(".")[0] for p in assets(sample_output).values()} == {
        "style",
        "local-time",
        "icons",
    }


def test_every_page_but_home_and_404_links_them_and_carries_no_copy(sample_output: Path) -> None:
    shared = assets(sample_output)
    for page in sorted(sample_output.rglob("*.html")):
        name = page.relative_to(sample_output).as_posix()
        document = html.parse(str(page))
        root = "../" * name.count("/")
        links = document.xpath("//link[@rel='stylesheet']/@href")
        scripts = document.xpath("//script/@src")
        icons = {href.split("#")[0] for href in document.xpath("//use/@href")}
        if name in INLINE_PAGES:
            assert links == [] and scripts == [] and icons <= {""}, name
            assert document.xpath("//style") and document.xpath("//symbol"), name
        else:
            assert links == [root + "assets/" + shared["css"].name], name
            assert scripts == [root + "assets/" + shared["js"].name], name
            assert icons <= {root + "assets/" + shared["svg"].name}, name
            assert not document.xpath("//style | //symbol | //script[not(@src)]"), name


def test_the_inline_copies_are_the_shared_files(sample_output: Path) -> None:
    shared = assets(sample_output)
    for name in INLINE_PAGES:
        page = (sample_output / name).read_text(encoding="utf-8")
        assert f"<style>{shared['css'].read_text(encoding='utf-8')}</style>" in page
        assert f"<script>{shared['js'].read_text(encoding='utf-8')}</script>" in page
        assert shared["svg"].read_text(encoding="utf-8") in page


def test_hosts_keep_the_shared_files_for_a_year(sample_output: Path) -> None:
    headers = (sample_output / "_headers").read_text(encoding="utf-8")
    rule = headers.split("/assets/*\n", 1)[1]
    assert rule.splitlines()[0].strip() == "Cache-Control: public, max-age=31536000, immutable"
    assert "/*\n  Access-Control-Allow-Origin: *" in headers  # every file keeps its CORS header


def test_a_theme_stylesheet_reaches_every_page_under_a_new_name(
    tmp_path: Path, make_site: MakeSite
) -> None:
    site = make_site({"api-errors": INCIDENT})
    build(site, tmp_path / "before", NOW)
    templates = site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "style.css").write_text(
        '{% include "default/style.css" %}\n.brand{color:rebeccapurple}\n', encoding="utf-8"
    )
    build(site, tmp_path / "after", NOW)
    before, after = assets(tmp_path / "before"), assets(tmp_path / "after")
    assert before["css"].name != after["css"].name
    assert before["js"].name == after["js"].name and before["svg"].name == after["svg"].name
    css = after["css"].read_text(encoding="utf-8")
    assert css.startswith(before["css"].read_text(encoding="utf-8"))
    assert css.endswith(".brand{color:rebeccapurple}\n")
    page = (tmp_path / "after" / "incidents" / "api-errors" / "index.html").read_text("utf-8")
    assert f'href="../../assets/{after["css"].name}"' in page
    assert ".brand{color:rebeccapurple}" in (tmp_path / "after" / "index.html").read_text("utf-8")
    # The old file is gone: a build replaces its whole output.
    assert not (tmp_path / "after" / "assets" / before["css"].name).exists()


def test_the_same_input_and_now_give_the_same_names(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site({"api-errors": INCIDENT})
    build(site, tmp_path / "one", NOW)
    build(site, tmp_path / "two", NOW)
    one, two = assets(tmp_path / "one"), assets(tmp_path / "two")
    assert {k: p.name for k, p in one.items()} == {k: p.name for k, p in two.items()}
    assert all(one[k].read_bytes() == two[k].read_bytes() for k in one)
