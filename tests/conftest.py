"""Shared fixtures: small sites written into a temporary folder."""

from __future__ import annotations

import functools
import textwrap
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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

    def make(
        incidents: dict[str, str] | None = None, site_yaml: str = SITE_YAML, folder: str = "site"
    ) -> Path:
        root = tmp_path / folder
        (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
        (root / "site.yaml").write_text(textwrap.dedent(site_yaml), encoding="utf-8")
        for incident_id, text in (incidents or {}).items():
            path = root / "content" / "incidents" / f"{incident_id}.md"
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


# The built sample site, shared by the browser, validity and budget tests: built once per
# session, because every one of those tests reads the same output.


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built at SAMPLE_NOW into a session-wide temporary folder."""
    from tests.sample import build_sample

    output = tmp_path_factory.mktemp("sample") / "site"
    build_sample(output)
    return output


@pytest.fixture(scope="session")
def sample_url(sample_output: Path) -> Iterator[str]:
    """The built sample served over HTTP on 127.0.0.1, as a reader's browser would fetch it."""
    handler = functools.partial(_QuietHandler, directory=str(sample_output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request cluttering the test output."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session, shared by every browser test (Playwright's
    sync API runs one instance per process); each test opens its own context."""
    from tests.tooling import CHROMIUM_ARGS, chromium_path, missing

    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        missing("Playwright not found: pip install '.[test]'")
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
