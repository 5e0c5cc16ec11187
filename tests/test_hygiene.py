"""The code stays as STYLE asks (ruff lint and format, mypy), every command is documented, and
every module is on the map of docs/development.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import make_parser

REPO = Path(__file__).resolve().parent.parent
CODE = ["generator", "tests", "bench"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", *CODE],
        [sys.executable, "-m", "ruff", "format", "--check", *CODE],
        [sys.executable, "-m", "mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_is_clean(command: list[str]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def commands() -> list[str]:
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert set(commands()) >= {
        "build",
        "check",
        "serve",
        "new",
        "update",
        "resolve",
        "maintenance",
        "init",
    }
    for name in commands():
        assert f"statusgen {name}" in readme, f"README.md does not show `statusgen {name}`"


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        make_parser().parse_args([name, "--help"])
    assert exit_info.value.code == 0
    assert "--source" in capsys.readouterr().out or name == "init"


def test_every_module_is_on_the_map() -> None:
    """docs/development.md maps every module of the package, so a new one gets its line."""
    development = (REPO / "docs" / "development.md").read_text(encoding="utf-8")
    modules = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "generator").rglob("*.py"))
    missing = [m for m in modules if f"`{m}`" not in development]
    assert not missing, f"docs/development.md does not map {missing}"
