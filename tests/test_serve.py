"""``statusgen serve`` as a writer uses it: a real server in a subprocess, real HTTP requests,
real file changes on disk; the page follows each change within two seconds."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SITE_YAML, MakeSite

INCIDENT = """\
---
title: Elevated error rates on the API
components:
  api: partial_outage
---

## 2026-11-20 14:05 — Investigating
We are looking into <b>errors</b>.
"""

NOW = "2026-11-20 14:30 UTC"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    temp: Path  # the server's TMPDIR: its build folder lives here, and must be gone at exit

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")


def wait_until(check: Callable[[], bool], seconds: float = 2.0) -> float:
    """Poll until ``check`` holds; return how long it took, or fail after ``seconds``."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            pytest.fail(f"not seen within {seconds} s")
        time.sleep(0.05)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path], Server]]:
    started: list[Server] = []

    def start(source: Path) -> Server:
        temp = tmp_path / f"tmp{len(started)}"
        temp.mkdir()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "serve",
                "--source",
                str(source),
                "--port",
                "0",
                "--now",
                NOW,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TMPDIR": str(temp)},
        )
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(
            target=lambda: [lines.put(line) for line in process.stdout],  # type: ignore[union-attr]
            daemon=True,
        ).start()
        deadline = time.monotonic() + 30
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                process.kill()
                pytest.fail("statusgen serve did not start: " + process.stderr.read())  # type: ignore[union-attr]
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if found:
                break
        server = Server(process, found[1], temp)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_the_preview_follows_every_change(
    make_site: MakeSite, serve: Callable[[Path], Server]
) -> None:
    source = make_site({"api-errors": INCIDENT})
    incident = source / "content" / "incidents" / "api-errors.md"
    server = serve(source)

    status, page = server.get()
    assert status == 200
    assert "Test Co Status" in page and "Elevated error rates on the API" in page
    assert "/__statusgen__/wait" in page  # the tab reloads itself
    status, page = server.get("incidents/api-errors/")
    assert status == 200 and "&lt;b&gt;errors&lt;/b&gt;" in page

    # A change shows within two seconds.
    incident.write_text(
        INCIDENT.replace("Elevated error rates", "Failing requests"), encoding="utf-8"
    )
    wait_until(lambda: "Failing requests on the API" in server.get()[1])

    # A mistake shows on every page, at its line, escaped; the last good site stays underneath.
    incident.write_text(INCIDENT.replace("Investigating", "<Fixing>"), encoding="utf-8")
    error = (
        "content/incidents/api-errors.md:7: error: cannot read the update heading "
        "&#x27;2026-11-20 14:05 — &lt;Fixing&gt;&#x27;"
    )
    wait_until(lambda: error in server.get()[1])
    for path in ("", "history/", "incidents/api-errors/", "no/such/page"):
        page = server.get(path)[1]
        assert error in page, path
    assert "Failing requests on the API" in server.get()[1]

    # Mended: the errors go, the change is there.
    incident.write_text(INCIDENT.replace("Elevated error rates", "Mended"), encoding="utf-8")
    # (The new page and the cleared errors arrive together within a moment, never apart for
    # long: the tab reloads on the next version anyway.)
    wait_until(
        lambda: "Mended on the API" in (page := server.get()[1]) and "statusgen-errors" not in page
    )

    # SIGTERM ends it at once and leaves nothing behind.
    server.process.send_signal(signal.SIGTERM)
    start = time.monotonic()
    assert server.process.wait(timeout=5) == 0
    assert time.monotonic() - start < 2
    assert list(server.temp.iterdir()) == []


def test_site_yaml_and_a_theme_of_its_own_are_watched(
    make_site: MakeSite, serve: Callable[[Path], Server]
) -> None:
    source = make_site({"api-errors": INCIDENT}, site_yaml=SITE_YAML + "theme: acme\n")
    static = source / "themes" / "acme" / "static"
    static.mkdir(parents=True)
    (static / "note.txt").write_text("first\n", encoding="utf-8")
    server = serve(source)
    assert server.get("static/note.txt") == (200, "first\n")

    (static / "note.txt").write_text("second\n", encoding="utf-8")
    wait_until(lambda: server.get("static/note.txt")[1] == "second\n")

    site_yaml = source / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("Test Co", "Renamed Co"), encoding="utf-8"
    )
    wait_until(lambda: "Renamed Co Status" in server.get()[1])


def test_the_open_tab_is_told_to_reload(
    make_site: MakeSite, serve: Callable[[Path], Server]
) -> None:
    source = make_site({"api-errors": INCIDENT})
    server = serve(source)
    version = re.search(r"var version = (\d+);", server.get()[1])
    assert version is not None
    answers: list[str] = []

    def poll() -> None:  # what the injected script does: wait for the next build
        answers.append(server.get(f"__statusgen__/wait?version={version[1]}")[1])

    waiter = threading.Thread(target=poll)
    waiter.start()
    time.sleep(0.3)
    assert not answers  # it waits while nothing changes
    (source / "content" / "incidents" / "api-errors.md").write_text(
        INCIDENT.replace("Elevated", "Raised"), encoding="utf-8"
    )
    waiter.join(timeout=2)
    assert answers == [str(int(version[1]) + 1)]


def test_a_site_broken_from_the_start_shows_its_errors_then_recovers(
    make_site: MakeSite, serve: Callable[[Path], Server]
) -> None:
    source = make_site(
        {"api-errors": INCIDENT.replace("api: partial_outage", "api: down")},
        site_yaml=SITE_YAML.replace("https://status.test.example/", "https://acme.example/status/"),
    )
    server = serve(source)
    status, page = server.get("anything/at/all")
    assert status == 200
    assert (
        "content/incidents/api-errors.md:4: error: unknown status &#x27;down&#x27; for "
        "&#x27;api&#x27;"
    ) in page
    (source / "content" / "incidents" / "api-errors.md").write_text(INCIDENT, encoding="utf-8")
    wait_until(lambda: "Elevated error rates" in server.get()[1])
    # Served at the root whatever the path in url; links written with the path work too.
    assert "Elevated error rates" in server.get("status/incidents/api-errors/")[1]
    assert server.get("no/such/page")[0] == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/%00", 404),
        ("/" + "a" * 300, 404),
        ("/incidents/" + "b" * 300 + "/", 404),
        ("/%ff%fe/", 404),
        ("/%c0%af..%c0%af/", 404),
        ("/__statusgen__/wait?version=%C2%B2", 200),
        ("/__statusgen__/wait?version=--5", 200),
        ("/__statusgen__/wait?version=" + "9" * 400, 200),
        ("/", 200),
    ],
)
def test_the_preview_answers_every_request_with_a_status_code(
    path: str,
    expected: int,
    make_site: MakeSite,
    serve: Callable[[Path], Server],
) -> None:
    server = serve(make_site({"api-errors": INCIDENT}))
    host, port = server.url.removeprefix("http://").strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    assert connection.getresponse().status == expected
    connection.close()
    assert server.get()[0] == 200  # still serving
    server.process.send_signal(signal.SIGTERM)
    _, stderr = server.process.communicate(timeout=10)
    assert "Traceback" not in stderr
    assert "Exception" not in stderr


def test_the_preview_serves_the_shared_assets(
    make_site: MakeSite, serve: Callable[[Path], Server]
) -> None:
    """Every page but the home page links the stylesheet, script and icons by their hashed
    names; the preview serves those files, with their types."""
    server = serve(make_site({"api-errors": INCIDENT}))
    status, page = server.get("incidents/api-errors/")
    assert status == 200
    linked = re.findall(r'"\.\./\.\./(assets/[a-z-]+\.[0-9a-f]{10}\.(css|js|svg))[#"]', page)
    kinds = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}
    assert {suffix for _, suffix in linked} == set(kinds)
    for path, suffix in sorted(set(linked)):
        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith(kinds[suffix]), path
            assert response.read()


def test_a_busy_port_is_wrong_usage(make_site: MakeSite, serve: Callable[[Path], Server]) -> None:
    source = make_site({"api-errors": INCIDENT})
    server = serve(source)
    port = server.url.rsplit(":", 1)[1].strip("/")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--source", str(source), "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_the_open_tab_reloads_itself_in_a_browser(
    make_site: MakeSite, serve: Callable[[Path], Server], browser: object
) -> None:
    """In real Chromium: the writer saves a file and the open tab shows it, with no click;
    a mistake appears on the page, and mending it brings the site back."""
    source = make_site({"api-errors": INCIDENT})
    incident = source / "content" / "incidents" / "api-errors.md"
    server = serve(source)
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(server.url)
        assert "Elevated error rates on the API" in page.inner_text("main")
        incident.write_text(
            INCIDENT.replace("Elevated error rates", "Failing requests"), encoding="utf-8"
        )
        page.wait_for_function(
            "document.body.innerText.includes('Failing requests on the API')", timeout=5000
        )
        incident.write_text(INCIDENT.replace("Investigating", "Fixing"), encoding="utf-8")
        page.wait_for_function(
            "document.body.innerText.includes('content/incidents/api-errors.md:7: error:')",
            timeout=5000,
        )
        incident.write_text(INCIDENT, encoding="utf-8")
        page.wait_for_function(
            "!document.body.innerText.includes('error:') && "
            "document.body.innerText.includes('Elevated error rates on the API')",
            timeout=5000,
        )
    finally:
        context.close()
