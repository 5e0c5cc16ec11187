"""Whole builds: the sample against its expected output (a unified diff of the first file that
differs), the output folder, and failures of the theme or the output that reach the writer as
problems."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.problems import ContentError

from .conftest import MakeSite
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
    refresh = "if the change is intended: python tests/sample.py, then read git diff tests/expected"
    missing, extra = sorted(set(expected) - set(built)), sorted(set(built) - set(expected))
    assert not missing and not extra, f"missing {missing}, new {extra}; {refresh}"
    changed = [path for path in sorted(built) if built[path] != expected[path]]
    if changed:
        first = changed[0]
        diff = difflib.unified_diff(
            expected[first].decode("utf-8", "replace").splitlines(keepends=True),
            built[first].decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"tests/expected/sample/{first}",
            tofile=f"built/{first}",
        )
        pytest.fail(
            f"{len(changed)} files differ ({', '.join(changed)}); the first:\n"
            + "".join(diff)
            + f"\n{refresh}",
            pytrace=False,
        )


def test_output_dotfiles_are_kept_and_stale_files_removed(
    tmp_path: Path, make_site: MakeSite
) -> None:
    site = make_site()
    out = tmp_path / "out"
    build(site, out, NOW)
    (out / ".nojekyll").write_text("")
    (out / "stale.html").write_text("old")
    build(site, out, NOW)
    assert (out / ".nojekyll").exists()
    assert not (out / "stale.html").exists()


def test_refuses_to_replace_the_source(make_site: MakeSite) -> None:
    site = make_site()
    assert main(["build", "--source", str(site), "--output", str(site)]) == 2
    assert (site / "site.yaml").exists()


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
