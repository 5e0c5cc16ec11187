"""The output guard: a build replaces its whole output folder, so it may only replace a folder
that statusgen wrote, an empty one, or none; never the writer's own files."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.output import MARKER

from .conftest import MakeSite

NOW = "2026-11-21 00:00 UTC"
INCIDENT = """
---
title: Fine
---
## 2026-11-20 10:00 — Resolved
Fixed.
"""


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder``: a file's bytes, a link's target, or "dir"."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[key] = "link -> " + os.readlink(path)
        elif path.is_dir():
            out[key] = "dir"
        else:
            out[key] = path.read_bytes()
    return out


def build(site: Path, output: Path | str) -> int:
    return main(["build", "--source", str(site), "--output", str(output), "--now", NOW])


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({"a": INCIDENT})


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("content", "it holds the site's own content"),
        ("content/incidents", "it lies inside the site's content/ folder"),
        ("themes", "it holds the site's own themes"),
        ("themes/default", "it lies inside the site's themes/ folder"),
        (".", "it holds the site's own site.yaml"),
        ("..", "it holds the site's own site.yaml"),
        ("docs", "it holds files that statusgen did not write (guide.md, img)"),
        ("notes.txt", "it is a file, and a build writes a folder"),
    ],
)
def test_refuses_the_writers_files(
    site: Path, target: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "themes" / "default").mkdir(parents=True)
    (site / "themes" / "default" / "style.css").write_text("body{}")
    (site / "docs" / "img").mkdir(parents=True)
    (site / "docs" / "guide.md").write_text("# How we run incidents\n")
    (site / "notes.txt").write_text("call the on-call first\n")
    before = snapshot(site.parent)
    assert build(site, site / target) == 2
    err = capsys.readouterr().err
    assert says in err
    assert "--output _site" in err  # says how to fix it
    assert str((site / target).resolve().name) in err
    assert snapshot(site.parent) == before  # nothing touched, no .old-/.new- leftovers


def test_refuses_a_link_into_the_content(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "out").symlink_to(site / "content")
    before = snapshot(site.parent)
    assert build(site, site / "out") == 2
    assert "holds the site's own content" in capsys.readouterr().err
    assert snapshot(site.parent) == before


def test_refuses_a_folder_inside_the_content_given_from_another_source(
    make_site: MakeSite,
) -> None:
    other = make_site({"a": INCIDENT}, folder="other")
    before = snapshot(other)
    assert build(other, other / "content" / "site") == 2
    assert snapshot(other) == before


def test_replaces_its_own_output_again_and_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(site, out) == 0
    assert (out / MARKER).is_file()
    (out / "stale.html").write_text("from an older build")
    (out / ".nojekyll").write_text("")
    assert build(site, out) == 0
    assert not (out / "stale.html").exists()
    assert (out / ".nojekyll").exists()  # an operator's dotfile is kept
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("dotfiles", [[], [".nojekyll"], [".git/HEAD"]])
def test_builds_into_an_empty_folder(site: Path, tmp_path: Path, dotfiles: list[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in dotfiles:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("kept")
    assert build(site, out) == 0
    assert (out / "index.html").is_file()
    for name in dotfiles:
        assert (out / name).read_text() == "kept"


def test_replaces_an_unmarked_output_of_an_earlier_version(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(site, out) == 0
    (out / MARKER).unlink()  # statusgen 0.1 wrote no marker
    assert build(site, out) == 0
    assert (out / MARKER).is_file()


def test_an_output_below_a_file_is_a_problem_not_a_traceback(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "afile").write_text("mine")
    assert build(site, tmp_path / "afile" / "sub") == 1
    err = capsys.readouterr().err
    assert "cannot write the site here" in err and "Traceback" not in err
    assert (tmp_path / "afile").read_text() == "mine"


@pytest.mark.parametrize("failing_call", [1, 2])
def test_a_fault_during_the_swap_keeps_the_previous_site(
    site: Path,
    tmp_path: Path,
    failing_call: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A read-only or full file system failing the first rename (the old site out) or the
    second (the new one in): the previous site stays, nothing is left beside it."""
    out = tmp_path / "out"
    assert build(site, out) == 0
    before = snapshot(tmp_path)
    real_replace, calls = os.replace, []

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(src)
        if len(calls) == failing_call:
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert build(site, out) == 1
    assert "Read-only file system" in capsys.readouterr().err
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
