"""Whole builds: the sample against its expected output, reproducibility, hostile content,
and a failed build that leaves the previous site alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from generator.build import build
from generator.cli import main
from generator.problems import ContentError

from .conftest import SITE_YAML, MakeSite
from .sample import EXPECTED, build_sample

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_sample_matches_expected_output(tmp_path: Path) -> None:
    build_sample(tmp_path / "out")
    built, expected = tree(tmp_path / "out"), tree(EXPECTED)
    assert sorted(built) == sorted(expected), "refresh with: python tests/sample.py"
    changed = [path for path in built if built[path] != expected[path]]
    assert not changed, f"output differs in {changed}; if intended: python tests/sample.py"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build_sample(tmp_path / "one")
    build_sample(tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_source_date_epoch_sets_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_site: MakeSite
) -> None:
    site = make_site()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    assert main(["build", "--source", str(site), "--output", str(tmp_path / "a")]) == 0
    assert main(["build", "--source", str(site), "--output", str(tmp_path / "b")]) == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert 'datetime="2026-11-18T' in (tmp_path / "a" / "index.html").read_text()


HOSTILE = """
---
title: "<script>alert('title')</script> & friends"
components:
  api: major_outage
---

## 2026-11-20 10:00 — Investigating
<script>alert('body')</script>
<img src=x onerror="alert('img')">
[click me](javascript:alert('link')) and [data](data:text/html,<script>alert(1)</script>)
![tracker](https://tracker.example/pixel.png)
[fine](https://acme.example/help) and [also fine](mailto:help@acme.example)
"""


def test_hostile_content_comes_out_inert(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site({"hostile": HOSTILE})
    build(site, tmp_path / "out", NOW)
    out = tmp_path / "out"
    for path in [
        out / "index.html",
        out / "incidents" / "hostile" / "index.html",
        out / "history.atom",
        out / "updates.rss",
        out / "history" / "index.html",
    ]:
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<img" not in text, path
        assert 'href="javascript:' not in text and 'href="data:text' not in text, path
        assert 'tracker.example/pixel.png"' not in text or "<img" not in text
    page = (out / "incidents" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; friends" in page
    assert "&lt;img src=x onerror=" in page  # shown as text, not run
    assert '<a href="https://acme.example/help">fine</a>' in page
    assert '<a href="mailto:help@acme.example">also fine</a>' in page
    # An image from elsewhere becomes a link: a status page loads nothing from other hosts.
    assert '<a href="https://tracker.example/pixel.png">tracker</a>' in page
    # The only scripts are the theme's own inline ones.
    assert all("alert" not in s for s in re.findall(r"<script>(.*?)</script>", page, re.S))


def test_failed_build_leaves_previous_output(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site(
        {
            "ok": """
        ---
        title: Fine
        ---
        ## 2026-11-20 10:00 — Resolved
        Fixed.
        """
        }
    )
    out = tmp_path / "out"
    build(site, out, NOW)
    before = tree(out)
    broken = site / "content" / "incidents" / "broken.md"
    broken.write_text("---\ntitle: Broken\n---\n## yesterday — Resolved\nX.\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(site, out, NOW)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_output_dotfiles_are_kept_and_stale_files_removed(
    tmp_path: Path, make_site: MakeSite
) -> None:
    site = make_site()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".nojekyll").write_text("")
    (out / "stale.html").write_text("old")
    build(site, out, NOW)
    assert (out / ".nojekyll").exists()
    assert not (out / "stale.html").exists()


def test_refuses_to_replace_the_source(make_site: MakeSite) -> None:
    site = make_site()
    assert main(["build", "--source", str(site), "--output", str(site)]) == 2
    assert (site / "site.yaml").exists()


def test_feeds_parse_and_keep_their_ids(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: First
        components: {api: partial_outage}
        ---
        ## 2026-11-20 10:00 — Investigating
        Looking.
        """
        }
    )
    build(site, tmp_path / "one", NOW)
    path = site / "content" / "incidents" / "a.md"
    path.write_text(path.read_text() + "\n## 2026-11-20 11:00 — Resolved\nFixed.\n")
    build(site, tmp_path / "two", NOW)
    for name in [
        "history.atom",
        "history.rss",
        "updates.atom",
        "updates.rss",
        "components/api/history.atom",
        "components/storage/history.rss",
    ]:
        one = feedparser.parse((tmp_path / "one" / name).read_bytes())
        two = feedparser.parse((tmp_path / "two" / name).read_bytes())
        assert not one.bozo and not two.bozo, name
        assert {e.id for e in one.entries} <= {e.id for e in two.entries}, name
    history = feedparser.parse((tmp_path / "two" / "history.atom").read_bytes())
    (entry,) = history.entries
    assert entry.id == "https://status.test.example/incidents/a/"
    assert entry.updated_parsed[:5] == (2026, 11, 20, 10, 0)  # the latest update, in UTC
    assert entry.content[0].value.index("<strong>Resolved</strong> - ") < entry.content[
        0
    ].value.index("<strong>Investigating</strong> - ")
    updates = feedparser.parse((tmp_path / "two" / "updates.atom").read_bytes())
    assert [e.title for e in updates.entries] == ["Resolved: First", "Investigating: First"]


def test_links_work_under_a_sub_path(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: First
        components: [api]
        impact: minor
        ---
        ## 2026-11-20 10:00 — Investigating
        Looking.
        """
        },
        site_yaml=SITE_YAML.replace(
            "https://status.test.example/", "https://acme.github.io/status/"
        ),
    )
    build(site, tmp_path / "out", NOW)
    page = (tmp_path / "out" / "incidents" / "a" / "index.html").read_text()
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    assert "../../components/api/" in hrefs
    assert not [h for h in hrefs if h.startswith("/")]
    not_found = (tmp_path / "out" / "404.html").read_text()
    assert 'href="/status/history/"' in not_found  # from the host's root, at any depth
    assert "https://acme.github.io" not in not_found.split("<footer")[0]


def test_default_output_is_site_folder_in_current_directory(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["build", "--source", str(site), "--now", "2026-11-21 00:00 UTC"]) == 0
    assert (work / "_site" / "index.html").is_file()
    assert not (site / "_site").exists()


def test_a_template_failing_on_one_page_fails_the_build_at_its_line(
    tmp_path: Path,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # check tries one page of each kind (the newest incident's); the override fails on another.
    site = make_site(
        {
            "a": "---\ntitle: Old\n---\n## 2026-11-19 10:00 — Resolved\nFixed.\n",
            "b": "---\ntitle: New\n---\n## 2026-11-20 10:00 — Resolved\nFixed.\n",
        }
    )
    templates = site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "incident.html").write_text(
        '{% extends "default/incident.html" %}\n'
        '{% block title %}{{ incident.title }}{% if incident.id == "a" %}{{ 1 // 0 }}'
        "{% endif %}{% endblock %}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(site)
    assert main(["check", "--now", "2026-11-21 00:00 UTC"]) == 0
    out = tmp_path / "out"
    assert main(["build", "--output", str(out), "--now", "2026-11-21 00:00 UTC"]) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "themes/default/templates/incident.html:2: error: ZeroDivisionError: "
        "integer division or modulo by zero",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
    assert not out.exists()


def test_a_theme_file_that_would_leave_the_output_is_a_problem(
    tmp_path: Path,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site()
    static = site / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "logo\\dark.svg").write_text("<svg/>", encoding="utf-8")
    monkeypatch.chdir(site)
    out = tmp_path / "out"
    assert main(["build", "--output", str(out), "--now", "2026-11-21 00:00 UTC"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "themes/default/static/logo\\dark.svg: error: refusing to write 'static/logo\\\\dark.svg': "
        "it would leave the output folder; give the file a name of letters, digits, dots, "
        "dashes and slashes",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
    assert not out.exists()


def test_two_things_writing_one_path_is_a_problem(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import build as build_module
    from generator.render.context import RenderContext

    def second_home_page(ctx: RenderContext) -> None:
        ctx.files.add("index.html", "again")

    monkeypatch.setattr(build_module, "RENDERERS", [*build_module.RENDERERS, second_home_page])
    with pytest.raises(ContentError) as info:
        build(make_site(), tmp_path / "out", NOW)
    assert [p.format() for p in info.value.problems] == [
        "the built site: error: two parts of the site both write index.html"
    ]
    assert not (tmp_path / "out").exists()
