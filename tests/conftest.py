"""Shared fixtures: small sites written into a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

SITE_YAML = """\
name: Test Co
url: https://status.test.example/
timezone: Europe/Berlin
components:
  - id: api
    name: API
  - id: web
    name: Website
  - id: storage
    name: Storage
    components:
      - id: blob
        name: Blob storage
      - id: db
        name: Databases
"""

MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site: ``make_site({"id": "incident text"}, site_yaml=...)`` returns its folder."""

    def make(incidents: dict[str, str] | None = None, site_yaml: str = SITE_YAML,
             folder: str = "site") -> Path:
        root = tmp_path / folder
        (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
        (root / "site.yaml").write_text(textwrap.dedent(site_yaml), encoding="utf-8")
        for incident_id, text in (incidents or {}).items():
            path = root / "content" / "incidents" / f"{incident_id}.md"
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make
