"""What a release publishes: an sdist and a wheel that twine passes, with the theme, the
catalogs and the new-site files inside, metadata PyPI shows, and a README whose links work on
PyPI (absolute, since PyPI has no docs/ folder to link to)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def test_twine_passes_the_distributions(dist: Path) -> None:
    files = sorted(dist.iterdir())
    assert [f.suffix for f in files] == [".whl", ".gz"] or [f.suffix for f in files] == [
        ".gz",
        ".whl",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_carries_everything_a_site_needs(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in [
        "generator/py.typed",
        "generator/themes/default/templates/base.html",
        "generator/locale/de/LC_MESSAGES/messages.po",
        "generator/site_template/workflows/publish.yml",
    ]:
        assert needed in names, needed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_metadata_for_pypi() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and (REPO / "LICENSE").is_file()
    assert "Topic :: System :: Monitoring" in project["classifiers"]
    assert "status page" in project["keywords"]
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(project["urls"])


def test_readme_links_work_on_pypi() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links
    assert [link for link in links if not link.startswith(("https://", "#"))] == []


def test_the_release_workflow_publishes_a_checked_build_on_a_tag() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as true
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in runs and "twine check --strict" in runs
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}  # trusted publishing, no token
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
