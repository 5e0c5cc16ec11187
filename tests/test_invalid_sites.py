"""A folder of deliberately invalid sites (tests/invalid/), each with the exact messages that
``statusgen check`` and ``statusgen build`` must print, at their ``file:line``, in
``expected.txt``: broken content and configuration, and broken theme templates (a syntax error,
an undefined name, an include of a template that is not there).

To add a case: make a folder with site.yaml and content/, run
``statusgen check --now "2026-11-21 00:00 UTC" 2> expected.txt`` inside it, and read every line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.output import MARKER

INVALID = Path(__file__).parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").exists())


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_every_problem_at_its_line(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID / case)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main(["check", "--now", "2026-11-21 00:00 UTC"]) == 1
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().err == expected


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_build_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "site"
    shutil.copytree(INVALID / case, source)
    output = tmp_path / "out"
    output.mkdir()
    (output / "index.html").write_text("previous site", encoding="utf-8")
    (output / MARKER).write_text("", encoding="utf-8")  # a folder an earlier build wrote
    monkeypatch.chdir(source)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main(["build", "--output", str(output), "--now", "2026-11-21 00:00 UTC"]) == 1
    # The same problems as check, at the same lines.
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().err == expected.rstrip("\n") + "; nothing was written\n"
    assert sorted(p.name for p in output.iterdir()) == [MARKER, "index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "previous site"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_github_actions_annotations(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID / "site-duplicate-id")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "::error file=site.yaml,line=12::the component id 'db' is used twice (first at line "
        "10); ids must be unique across the file"
    ]
