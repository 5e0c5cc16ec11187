"""Upstream providers (SPEC section 9): read at build time from real providers' summary.json,
served by a real HTTP server on 127.0.0.1 that also answers slowly and wrongly.

A provider that cannot be read is "unknown" and never fails the build; ``--offline`` makes no
request; the live preview asks a provider at most once in a while; the section is checked in
Chromium (axe, light and dark, phone and desktop) and by the Nu HTML checker.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.build import build, check
from generator.config import load_site
from generator.model import Upstream
from generator.problems import ContentError, Problems
from generator.times import parse_now
from generator.upstream import UpstreamCache, read_upstreams
from tests.servers import free_port
from tests.tooling import CHROMIUM_ARGS, vnu_command

DATA = Path(__file__).parent / "data" / "statuspage" / "upstream"
INSTRUCTURE = Path(__file__).parent / "data" / "statuspage" / "instructure-2021-12-07"
NOW = parse_now("2026-11-20 15:30 UTC", None)
SHORT = 0.6  # seconds: the timeout the tests give, so that slow answers stay quick to test


class _Provider(BaseHTTPRequestHandler):
    """Answers ``/<name>/api/v2/summary.json`` as the provider called <name> would."""

    requests: Counter[str]

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        name = self.path.strip("/").split("/")[0]
        self.requests[name] += 1
        if not self.path.endswith("/api/v2/summary.json"):
            self._send(404, b"not found")
        elif name in ("github", "outage", "iterable"):
            files = {
                "github": "github-summary-2019-12-30.json",
                "outage": "github-summary-2020-04-02.json",
                "iterable": "iterable-summary-2017-08-22.json",
            }
            self._send(200, (DATA / files[name]).read_bytes())
        elif name == "instructure":
            self._send(200, (INSTRUCTURE / "summary.json").read_bytes())
        elif name == "slow":  # no answer until well past the timeout
            time.sleep(SHORT * 4)
            self._send(200, (DATA / "github-summary-2019-12-30.json").read_bytes())
        elif name == "drip":  # headers at once, then a byte now and then: never "timing out"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(SHORT / 6)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif name == "error":
            self._send(500, b"Internal Server Error")
        elif name == "html":
            self._send(200, b"<!doctype html><title>Maintenance</title>", "text/html")
        elif name == "shape":  # a real components.json where the summary should be
            self._send(200, (DATA / "github-components-with-problem.json").read_bytes())
        elif name == "indicator":
            self._send(200, json.dumps({"status": {"indicator": "on fire"}}).encode())
        else:
            self._send(404, b"not found")

    def _send(self, code: int, body: bytes, kind: str = "application/json") -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def providers() -> Iterator[tuple[str, Counter[str]]]:
    """The providers' server: its address and how often each provider was asked."""
    counts: Counter[str] = Counter()
    handler = type("Handler", (_Provider,), {"requests": counts})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", counts
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def provider(base: str, name: str, *components: str) -> Upstream:
    return Upstream(name=name.capitalize(), url=f"{base}{name}/", components=components)


# -- reading -------------------------------------------------------------------------------


def test_real_summaries_give_the_overall_status_and_the_chosen_components(
    providers: tuple[str, Counter[str]],
) -> None:
    base, _ = providers
    read_at = datetime(2026, 11, 20, 15, 29, tzinfo=UTC)
    github, outage, instructure = read_upstreams(
        [
            provider(base, "github", "Git Operations", "API Requests", "Not on their page"),
            provider(base, "outage", "Git Operations", "GitHub Actions", "GitHub Pages"),
            provider(base, "instructure", "Canvas", "— Catalog"),
        ],
        timeout=5,
        clock=lambda: read_at,
    )
    assert github.indicator == "none" and github.problem is None
    assert github.read_at == read_at
    assert [(c.name, c.status) for c in github.components] == [
        ("Git Operations", "operational"),
        ("API Requests", "operational"),
        ("Not on their page", "unknown"),
    ]
    assert outage.indicator == "major"
    assert [c.status for c in outage.components] == [
        "major_outage",
        "partial_outage",
        "operational",
    ]
    # A group and one of its members share the name "Canvas": the first (the group) is shown.
    assert instructure.indicator == "minor"
    assert [(c.name, c.status) for c in instructure.components] == [
        ("Canvas", "degraded_performance"),
        ("— Catalog", "operational"),
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("slow", f"no answer within {SHORT:g} s"),
        ("drip", f"the answer did not arrive within {SHORT:g} s"),
        ("error", "the server answered HTTP 500"),
        ("html", "the answer is not JSON"),
        ("shape", "the answer is not a Statuspage summary (no status)"),
        ("indicator", "the overall status 'on fire' is not one we know"),
        ("missing", "the server answered HTTP 404"),
    ],
)
def test_a_provider_that_cannot_be_read_is_unknown_within_the_timeout(
    providers: tuple[str, Counter[str]], name: str, reason: str
) -> None:
    base, _ = providers
    started = time.monotonic()
    (status,) = read_upstreams([provider(base, name, "API")], timeout=SHORT)
    elapsed = time.monotonic() - started
    assert status.indicator == "unknown" and not status.known
    assert status.problem is not None and status.problem.startswith(reason), status.problem
    assert [c.status for c in status.components] == ["unknown"]
    assert status.read_at is not None  # when it was tried
    assert elapsed < SHORT * 3, f"{name} held the build for {elapsed:.1f} s"


def test_a_refused_connection_is_unknown() -> None:
    port = free_port()  # nothing listens there
    (status,) = read_upstreams([Upstream("Gone", f"http://127.0.0.1:{port}/")], timeout=SHORT)
    assert status.indicator == "unknown"
    assert status.problem == "the connection was refused"


def test_providers_are_read_at_the_same_time(providers: tuple[str, Counter[str]]) -> None:
    base, _ = providers
    started = time.monotonic()
    statuses = read_upstreams(
        [provider(base, "slow"), provider(base, "drip"), provider(base, "github")], timeout=SHORT
    )
    assert [s.indicator for s in statuses] == ["unknown", "unknown", "none"]
    assert time.monotonic() - started < SHORT * 3  # not one timeout after the other


def test_offline_asks_no_provider(providers: tuple[str, Counter[str]]) -> None:
    base, counts = providers
    before = sum(counts.values())
    (status,) = read_upstreams([provider(base, "github", "API Requests")], offline=True)
    assert sum(counts.values()) == before
    assert status.offline and status.indicator == "unknown" and status.read_at is None
    assert status.problem is None


def test_the_cache_keeps_answers_for_a_while(providers: tuple[str, Counter[str]]) -> None:
    base, counts = providers
    cache = UpstreamCache(ttl=300, failed_ttl=300)
    before = counts["iterable"], counts["error"]
    for _ in range(3):
        statuses = read_upstreams(
            [provider(base, "iterable"), provider(base, "error")], cache=cache, timeout=5
        )
        assert [s.indicator for s in statuses] == ["none", "unknown"]
    assert (counts["iterable"], counts["error"]) == (before[0] + 1, before[1] + 1)
    expired = UpstreamCache(ttl=0, failed_ttl=0)
    read_upstreams([provider(base, "iterable")], cache=expired, timeout=5)
    read_upstreams([provider(base, "iterable")], cache=expired, timeout=5)
    assert counts["iterable"] == before[0] + 3


# -- site.yaml -----------------------------------------------------------------------------

BASE_YAML = """\
name: Test Co
url: https://status.test.example/
components:
  - id: api
    name: API
"""


def test_upstream_config_is_read(make_site: Any) -> None:
    source = make_site(
        site_yaml=BASE_YAML
        + "upstream:\n"
        + "  - name: GitHub\n"
        + "    url: https://www.githubstatus.com\n"
        + "    components: [Git Operations, API Requests]\n"
        + "  - name: Iterable\n"
        + "    url: https://status.iterable.com/api/v2/summary.json\n"
    )
    site = load_site(source, Problems())
    assert site is not None
    assert site.upstream == (
        Upstream("GitHub", "https://www.githubstatus.com/", ("Git Operations", "API Requests"), 7),
        Upstream("Iterable", "https://status.iterable.com/", (), 10),
    )


@pytest.mark.parametrize(
    ("upstream", "line", "message"),
    [
        ("upstream: https://www.githubstatus.com/", 6, "upstream must be a list of providers"),
        ("upstream:\n  - GitHub", 7, "each upstream provider is a mapping with name: and url:"),
        (
            "upstream:\n  - name: GitHub\n    url: https://x.example/\n    colour: red",
            9,
            "unknown upstream key 'colour'; the keys are: name, url, components",
        ),
        ("upstream:\n  - url: https://x.example/", 7, "an upstream provider needs a name"),
        ("upstream:\n  - name: GitHub", 7, "an upstream provider needs the url of its status page"),
        (
            "upstream:\n  - name: GitHub\n    url: ftp://x.example/",
            8,
            "url must be an absolute http(s) address with a host, not 'ftp://x.example/'",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: https:///status",
            8,
            "url must be an absolute http(s) address with a host",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: githubstatus.com",
            8,
            "url must be an absolute http(s) address with a host",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: https://www.github status.com/",
            8,
            "url must not contain spaces or control characters",
        ),
        (
            'upstream:\n  - name: GitHub\n    url: "https://x.example/\\tstatus"',
            8,
            "url must not contain spaces or control characters",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: https://user:secret@x.example/",
            8,
            "url must not hold a user name or password",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: https://x.example/?utm=1",
            8,
            "url is the status page's address, without ?query or #fragment",
        ),
        (
            "upstream:\n  - name: GitHub\n    url: https://x.example:99999/",
            8,
            "url has a port that is not a number",
        ),
        ("upstream:\n  - name: GitHub\n    url: 42", 8, "url must be an address"),
        (
            "upstream:\n  - name: A\n    url: https://a.example/\n"
            "  - name: A\n    url: https://b.example/",
            9,
            "the upstream provider 'A' is listed twice (first at line 7)",
        ),
        (
            "upstream:\n  - name: A\n    url: https://a.example/\n    components: Git",
            9,
            "components must be a list of the provider's component names",
        ),
        (
            "upstream:\n  - name: A\n    url: https://a.example/\n    components:\n      - [x]",
            10,
            "a component is named as on the provider's page",
        ),
        (
            "upstream:\n  - name: A\n    url: https://a.example/\n    components: [Git, Git]",
            9,
            "the component 'Git' is listed twice",
        ),
    ],
)
def test_every_upstream_mistake_names_its_line(
    make_site: Any, upstream: str, line: int, message: str
) -> None:
    source = make_site(site_yaml=BASE_YAML + upstream + "\n")
    with pytest.raises(ContentError) as caught:
        check(source, NOW)
    found = [p for p in caught.value.problems if p.severity == "error"]
    assert len(found) == 1, [p.format() for p in found]
    assert found[0].path.endswith("site.yaml") and found[0].line == line
    assert found[0].message.startswith(message), found[0].message


# -- the build ----------------------------------------------------------------------------


@pytest.fixture
def upstream_site(make_site: Any, providers: tuple[str, Counter[str]]) -> Path:
    """A site that depends on an operational, a degraded and an unreadable provider."""
    base, _ = providers
    return make_site(
        site_yaml=BASE_YAML
        + "language: en\n"
        + "upstream:\n"
        + f"  - name: GitHub\n    url: {base}github/\n"
        + "    components: [Git Operations, API Requests]\n"
        + f"  - name: Instructure\n    url: {base}instructure/\n"
        + "    components: [Canvas, Reporting]\n"
        + f"  - name: Payments <Ltd>\n    url: {base}error/\n    components: [Card payments]\n"
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=120
    )


def test_the_home_page_shows_what_each_provider_said(upstream_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    result = run_cli(
        "build", "--source", str(upstream_site), "--output", str(output), "--strict",
        "--now", "2026-11-20 15:30 UTC",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "upstream Payments <Ltd>: shown as unknown:" in result.stderr
    assert "error/api/v2/summary.json: the server answered HTTP 500" in result.stderr
    page = (output / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="upstream"') :]
    section = section[: section.index("</section>")]
    assert "Upstream providers" in section
    assert section.count("All Systems Operational") == 1  # GitHub
    assert "Minor Service Outage" in section  # Instructure
    assert "Degraded performance" in section  # its Canvas
    assert section.count("Status unknown") == 2  # the provider that failed, and its component
    assert "Payments &lt;Ltd&gt;" in section and "<Ltd>" not in section
    assert section.count("Read at <time") == 2 and "Could not be read at <time" in section
    assert f'href="{upstream_site.name}' not in section  # provider links are absolute
    # Upstream status never changes our own components.
    summary = json.loads((output / "api/v2/summary.json").read_text(encoding="utf-8"))
    assert summary["status"]["indicator"] == "none"


def test_offline_builds_read_nothing_and_are_reproducible(
    upstream_site: Path, tmp_path: Path, providers: tuple[str, Counter[str]]
) -> None:
    _, counts = providers
    before = sum(counts.values())
    first, second = tmp_path / "first", tmp_path / "second"
    for output in (first, second):
        build(upstream_site, output, NOW, offline=True)
    assert sum(counts.values()) == before
    page = (first / "index.html").read_text(encoding="utf-8")
    assert page.count("Not read: this page was built offline.") == 3
    for path in sorted(first.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path


def test_a_site_without_upstream_has_no_section(make_site: Any, tmp_path: Path) -> None:
    build(make_site(site_yaml=BASE_YAML), tmp_path / "out", NOW)
    assert 'class="upstream"' not in (tmp_path / "out" / "index.html").read_text("utf-8")


def test_the_preview_does_not_ask_providers_on_every_rebuild(
    upstream_site: Path, providers: tuple[str, Counter[str]]
) -> None:
    from generator.preview import Preview

    _, counts = providers
    before = counts["github"]
    preview = Preview(upstream_site, now=lambda: NOW)
    try:
        for _ in range(3):
            assert preview.rebuild(), preview.errors
    finally:
        preview.close()
    assert counts["github"] == before + 1


def test_the_section_is_valid_html(upstream_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(upstream_site, output, NOW)
    result = subprocess.run(
        [*vnu_command(), "--format", "json", str(output / "index.html")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m["message"] for m in messages if m["type"] in ("error", "non-document-error")]
    assert errors == []


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_section_in_chromium(
    browser: Any, upstream_site: Path, tmp_path: Path, scheme: str, width: int
) -> None:
    from tests.servers import serve
    from tests.test_browser import SCREENSHOTS, WCAG_TAGS, describe_violations
    from tests.tooling import axe_script

    output = tmp_path / "out"
    build(upstream_site, output, NOW)
    assert CHROMIUM_ARGS  # the browser fixture launched Chromium with the project's flags
    with serve(output) as served:
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        try:
            page = context.new_page()
            outside: list[str] = []
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith(served.url) else None,
            )
            response = page.goto(served.url)
            assert response is not None and response.ok
            section = page.locator("section.upstream")
            section.scroll_into_view_if_needed()
            assert section.is_visible()
            assert page.locator("section.upstream .badge").count() == 8
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SCREENSHOTS / f"upstream-{scheme}-{width}.png"), full_page=True
            )
            page.add_script_tag(content=axe_script())
            results = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
        finally:
            context.close()
    assert outside == []  # links to the providers are links, not requests
    assert not results["violations"], describe_violations(results["violations"])


def test_a_theme_without_the_include_still_builds(upstream_site: Path, tmp_path: Path) -> None:
    """A site's own theme that overrides index.html simply does not show the section."""
    theme = upstream_site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "themes/default/templates/index.html", theme)
    text = (theme / "index.html").read_text(encoding="utf-8")
    (theme / "index.html").write_text(
        text.replace('{% include "upstream.html" ignore missing %}\n', ""), encoding="utf-8"
    )
    build(upstream_site, tmp_path / "out", NOW, offline=True)
    assert 'class="upstream"' not in (tmp_path / "out" / "index.html").read_text("utf-8")
