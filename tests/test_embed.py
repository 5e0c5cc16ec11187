"""embed.js in headless Chromium: a page on another origin includes the script from the status
site, as a company's main site does (SPEC section 7)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.times import parse_now
from tests.conftest import MakeSite
from tests.servers import Served, serve

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Acme</title><link rel="icon" href="data:,">
<style>h1 { color: rgb(1, 2, 3); }</style></head>
<body><h1>Acme, the company</h1><p>Our products.</p>
<script src="{status}embed.js" async></script>
</body></html>
"""
BANNER = "[data-statusgen-banner]"
RESOLVED = """\
---
title: Slow sign-in
components: {api: degraded_performance}
---

## 2026-06-01 10:30 — Resolved
Back to normal.

## 2026-06-01 10:00 — Investigating
Sign-in is slow.
"""


class HostVisit:
    """The company's page, opened in a fresh browser context, with what the console said."""

    def __init__(self, browser: Any, host: Served, status: Served):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.status = status
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        self.page.on("console", self._console)
        self.host = host

    def _console(self, message: Any) -> None:
        # Chromium itself notes a failed request ("Failed to load resource") for any fetch that
        # fails, and no script can stop it; anything else at warning or error is the script's.
        own_network_note = message.text.startswith(
            "Failed to load resource"
        ) and message.location.get("url", "").startswith(self.status.url)
        if message.type in ("error", "warning") and not own_network_note:
            self.problems.append(f"console {message.type}: {message.text}")

    def open(self, settle: str = "networkidle") -> Any:
        self.page.goto(self.host.url)
        self.page.wait_for_load_state(settle)  # type: ignore[arg-type]
        return self.page


@pytest.fixture
def host_for(tmp_path: Path) -> Iterator[Any]:
    """``host_for(status)``: the company's site, on another origin, including the script."""
    opened: list[Any] = []

    def start(status: Served) -> Served:
        folder = tmp_path / f"host-{len(opened)}"
        folder.mkdir()
        (folder / "index.html").write_text(HOST_PAGE.replace("{status}", status.url), "utf-8")
        context = serve(folder)
        opened.append(context)
        return context.__enter__()

    yield start
    for context in opened:
        context.__exit__(None, None, None)


def test_banner_shows_active_incidents_and_can_be_dismissed(
    browser: Any, host_for: Any, sample_output: Path
) -> None:
    with serve(sample_output) as status:
        host = host_for(status)
        assert host.url != status.url  # another origin: the JSON is read across origins
        visit = HostVisit(browser, host, status)
        page = visit.open()
        banner = page.get_by_role("region", name="Service status")
        banner.wait_for()
        links = banner.get_by_role("link")
        assert links.all_inner_texts() == [
            "Elevated error rates on the API",
            "Dashboard loads slowly",
            "Blob storage firmware upgrade",
        ]
        assert links.first.get_attribute("href") == (
            status.url + "incidents/2026-11-20-api-errors/"
        )
        assert "Identified" in banner.inner_text()
        # It touches nothing else: no stylesheet added to the page, the page's styles intact.
        assert page.evaluate("document.styleSheets.length") == 1
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == (
            "rgb(1, 2, 3)"
        )
        assert page.evaluate("document.body.children.length") == 4  # h1, p, script, banner
        banner.get_by_role("button", name="Dismiss").click()
        assert page.locator(BANNER).count() == 0
        page.reload()
        page.wait_for_load_state("networkidle")
        assert page.locator(BANNER).count() == 0  # remembered for these incidents
        assert visit.problems == []
        visit.context.close()


def test_no_banner_when_all_is_well(
    browser: Any, host_for: Any, make_site: MakeSite, tmp_path: Path
) -> None:
    output = tmp_path / "quiet"
    build(make_site({"slow-sign-in": RESOLVED}), output, parse_now("2026-06-02 00:00 UTC", None))
    with serve(output) as status:
        visit = HostVisit(browser, host_for(status), status)
        page = visit.open()
        assert "/api/v2/summary.json" in status.state.requests
        assert page.locator(BANNER).count() == 0
        assert visit.problems == []
        visit.context.close()


def test_nothing_shows_when_the_status_site_is_down(
    browser: Any, host_for: Any, sample_output: Path
) -> None:
    with serve(sample_output) as status:
        status.state.down = True  # embed.js still cached in front; the API answers 503
        visit = HostVisit(browser, host_for(status), status)
        page = visit.open()
        assert "/api/v2/summary.json" in status.state.requests
        assert page.locator(BANNER).count() == 0
        assert visit.problems == []
        visit.context.close()
    # Now wholly unreachable: the script cannot even load, and the page is as it was.
    visit = HostVisit(browser, host_for(status), status)
    page = visit.open(settle="load")  # the load event waits for the script to fail
    page.wait_for_timeout(300)
    assert page.locator(BANNER).count() == 0
    assert page.locator("h1").inner_text() == "Acme, the company"
    assert visit.problems == []
    visit.context.close()
