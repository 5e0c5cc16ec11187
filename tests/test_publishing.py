"""What a build does for publishing on more than one host.

Readers learn from every page where else the site is published (``mirrors``) and when it was
built, so a stale copy shows its age; and a second host gets the CORS header GitHub Pages sends.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from generator.build import build
from tests.conftest import SITE_YAML, MakeSite

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
MIRRORS = ["https://test-status.pages.dev/", "https://status-test.example.net/"]

INCIDENT = """\
---
title: Slow API
components:
  api: degraded_performance
---

## 2026-11-20 13:05 — Resolved
All good again.

## 2026-11-20 12:05 — Investigating
We are looking into it.
"""


def footer(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    match = re.search(r"<footer\b.*?</footer>", html, re.S)
    assert match, f"{page} has no footer"
    return match.group()


def built(make_site: MakeSite, tmp_path: Path, site_yaml: str) -> Path:
    source = make_site({"2026-11-20-slow-api": INCIDENT}, site_yaml=site_yaml)
    output = tmp_path / "out"
    build(source, output, NOW)
    return output


def test_every_page_names_the_mirrors_and_when_it_was_built(
    make_site: MakeSite, tmp_path: Path
) -> None:
    mirrors = "mirrors:\n" + "".join(f"  - {url}\n" for url in MIRRORS)
    output = built(make_site, tmp_path, SITE_YAML + mirrors)
    for page in (
        "index.html",
        "incidents/2026-11-20-slow-api/index.html",
        "history/index.html",
        "components/api/index.html",
        "404.html",
    ):
        text = footer(output / page)
        # 14:30 UTC in the site's zone (Europe/Berlin), machine-readable for the reader's zone.
        assert re.search(r'Last updated <time datetime="2026-11-20T15:30:00\+01:00">', text), page
        assert "This page is also published at" in text, page
        for url in MIRRORS:
            assert f'<a href="{url}">{url}</a>' in text, page


def test_without_mirrors_the_footer_says_only_when_it_was_built(
    make_site: MakeSite, tmp_path: Path
) -> None:
    text = footer(built(make_site, tmp_path, SITE_YAML) / "index.html")
    assert "Last updated" in text
    assert "also published" not in text


def test_a_second_host_is_told_to_allow_other_origins(make_site: MakeSite, tmp_path: Path) -> None:
    """The main site's embed.js reads the API from another origin: Cloudflare Pages needs
    _headers for that, which it reads and does not serve."""
    headers = (built(make_site, tmp_path, SITE_YAML) / "_headers").read_text(encoding="utf-8")
    rules: dict[str, list[str]] = {}
    current = ""
    for line in headers.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            rules[current].append(line.strip())
        else:
            current = line.strip()
            rules[current] = []
    assert "Access-Control-Allow-Origin: *" in rules["/*"]
