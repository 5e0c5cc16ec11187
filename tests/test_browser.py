"""Every kind of page of the built sample, opened in headless Chromium.

A status page is read on every device and in the worst moments, so each kind of page must be
accessible (axe-core: WCAG 2.1 A and AA) in light and dark colour schemes, on a phone and on a
desktop; must fetch nothing from outside the status site; and must be complete with JavaScript
off. A full-page screenshot of each is kept under test-artifacts/screenshots/ for a human eye.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sample import REPO, SAMPLE_NOW
from tests.tooling import axe_script

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ["light", "dark"]
WIDTHS = [375, 1280]

# One page of each kind in the sample site (the id of each is chosen for what it shows).
PAGES = {
    "home": "",
    "incident": "incidents/2026-11-20-api-errors/",  # unresolved, with a promised next update
    "maintenance": "incidents/2026-11-20-blob-firmware/",
    "history": "history/",
    "component": "components/api/",
    "group": "components/storage/",
    "404": "404.html",
}


@pytest.fixture(scope="session")
def axe() -> str:
    return axe_script()


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """axe's findings as lines a theme author can act on: rule, impact, where, why."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", PAGES)
def test_page_has_no_accessibility_violation(
    browser: Any, axe: str, sample_url: str, kind: str, scheme: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        response = page.goto(sample_url + PAGES[kind])
        assert response is not None and response.ok
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = page.screenshot(
            path=str(SCREENSHOTS / f"{kind}-{scheme}-{width}.png"), full_page=True
        )
        assert shot.startswith(b"\x89PNG")
        page.add_script_tag(content=axe)
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
    finally:
        context.close()
    assert results["passes"], "axe ran no rule at all: is the page empty?"
    assert not results["violations"], describe_violations(results["violations"])


@pytest.mark.parametrize("kind", PAGES)
def test_page_fetches_nothing_from_outside_the_site(
    browser: Any, sample_url: str, sample_output: Path, sample_facts: Any, kind: str
) -> None:
    """Readers come while the company's other services are down: the page needs none of them.

    A request to the site's public URL is the site itself: it is answered from the built files,
    as the real host would.
    """
    public = sample_facts.content.site.url
    requested: list[str] = []
    failed: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()

        def route(route: Any) -> None:
            # Record everything; let only the status site through, so a test never goes online.
            url = route.request.url
            requested.append(url)
            if url.startswith(sample_url):
                route.continue_()
            elif url.startswith(public):
                built = sample_output / url.removeprefix(public).split("?")[0].split("#")[0]
                if built.is_file():
                    route.fulfill(path=built)
                else:
                    failed.append(url)
                    route.fulfill(status=404)
            else:
                route.abort()

        page.route("**/*", route)
        page.on(
            "requestfinished",
            lambda r: r.response() and r.response().status >= 400 and failed.append(r.url),
        )
        response = page.goto(sample_url + PAGES[kind], wait_until="networkidle")
        assert response is not None and response.ok
    finally:
        context.close()
    site = (sample_url, public, "data:")
    outside = [url for url in requested if not url.startswith(site)]
    assert outside == [], f"requests leaving the site: {outside}"
    assert failed == [], f"requests the site could not answer: {sorted(set(failed))}"


@pytest.fixture(scope="module")
def sample_facts() -> Any:
    from generator.build import check
    from generator.times import parse_now

    return check(REPO, parse_now(SAMPLE_NOW, None))


def main_text(browser: Any, url: str, zone: str, javascript: bool) -> tuple[str, str, int]:
    """The visible text of the main content and of the whole page, and how many updates show.

    The reader sits in the site's own time zone, where the script has no local time to add.
    """
    context = browser.new_context(java_script_enabled=javascript, timezone_id=zone)
    try:
        page = context.new_page()
        page.goto(url)
        return page.inner_text("main"), page.inner_text("body"), page.locator(".update").count()
    finally:
        context.close()


@pytest.mark.parametrize("kind", PAGES)
def test_page_is_complete_without_javascript(
    browser: Any, sample_url: str, sample_facts: Any, kind: str
) -> None:
    """Script may only enhance: without it a reader sees the same content, nothing missing."""
    zone = sample_facts.content.site.timezone.key
    url = sample_url + PAGES[kind]
    without_main, without_body, updates = main_text(browser, url, zone, javascript=False)
    with_main, _, _ = main_text(browser, url, zone, javascript=True)
    assert without_main.strip(), "the main content is empty without JavaScript"
    assert without_main == with_main
    content, facts = sample_facts.content, sample_facts.facts
    site = content.site
    assert site.title in without_body
    by_id = {incident.id: incident for incident in content.incidents}
    expected: list[str] = []
    if kind == "home":
        expected = [facts.description, *(component.name for component in site.components)]
    elif kind in ("incident", "maintenance"):
        incident = by_id[PAGES[kind].split("/")[1]]
        expected = [incident.title]
        assert updates == len(incident.updates), "not every update shows without JavaScript"
    elif kind == "history":
        expected = [incident.title for incident in content.incidents]
    elif kind in ("component", "group"):
        component = site.by_id[PAGES[kind].split("/")[1]]
        expected = [component.name, *(site.by_id[child].name for child in component.children)]
    missing_text = [text for text in expected if text not in without_main]
    assert missing_text == [], f"missing without JavaScript: {missing_text}"
