"""A live preview for writers: build in memory, serve it, rebuild on change.

Each rebuild renders again only what its inputs changed (:class:`generator.build.Memory`), and
the new site replaces the old one whole, as a build's folder does: a request is answered from
one build or the next.

The site is served at the root of ``http://127.0.0.1:PORT/`` whatever the path in ``url``. A tiny
script injected into every page long-polls the server and reloads the tab after each rebuild.
While the content has errors, every page shows them as ``file:line: error:`` lines over the last
good site (or on a page of their own if there never was one), until they are mended.
"""

from __future__ import annotations

import contextlib
import gc
import html
import mimetypes
import posixpath
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.build import Memory, build_in_memory, collector_paused
from generator.config import load_site
from generator.problems import ContentError, Problem, Problems, UsageError
from generator.upstream import UpstreamCache

DEBOUNCE_SECONDS = 0.2
POLL_SECONDS = 25.0  # how long a reload request waits before the browser asks again
WAIT_PATH = "/__statusgen__/wait"
# Events that change files; opening and reading them (which the build itself does) are not.
_CHANGES = {"created", "modified", "deleted", "moved", "closed"}

_SITE_ENTRIES = ("site.yaml", "content", "themes")
_TYPES = {
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".ics": "text/calendar",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
}

RELOAD_SCRIPT = """<script>
(function () {
  var version = %d;
  function wait() {
    fetch("%s?version=" + version, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (text) {
        if (Number(text) !== version) { location.reload(); } else { wait(); }
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>
"""


class Preview:
    """One preview: the last good site (in memory), the state of the last build, and the
    rebuild signal."""

    def __init__(
        self, source: Path, now: Callable[[], datetime] | None = None, offline: bool = False
    ) -> None:
        self.source = source
        self.offline = offline  # read no upstream provider
        self.now = now or (lambda: datetime.now(UTC))
        # The last good site, path → bytes, swapped whole after each successful build: a
        # request sees one build or the next, never half of each. None before the first.
        self.files: Mapping[str, bytes] | None = None
        self.errors: list[str] = []  # the last build's problems; empty when it succeeded
        self.version = 0  # counts builds; the reload script compares it
        self.changed = threading.Condition()
        # What each build keeps for the next: files read, facts, templates, pages; and
        # upstream answers, kept a few minutes, so saving a file does not ask every provider.
        self.memory = Memory(upstream=UpstreamCache())

    def rebuild(self) -> bool:
        """Build the site; on failure keep the last good output and remember the problems."""
        errors: list[str]
        files = None
        # The collector would scan everything the preview keeps, again and again, while a
        # build makes its many short-lived objects: it waits until the new site is served
        # (:meth:`tidy`).
        try:
            with collector_paused():
                _, files = build_in_memory(self.source, self.now(), self.memory, self.offline)
            errors = []
        except ContentError as exc:
            errors = [p.format() for p in exc.problems if p.severity == "error"]
        except UsageError as exc:
            errors = [f"error: {exc}"]
        except Exception as exc:  # a broken theme template, say: show it, keep serving
            errors = [_describe(exc)]
        with self.changed:
            if files is not None:
                self.files = files
            self.errors = errors
            self.version += 1
            self.changed.notify_all()
        return not errors

    def tidy(self) -> None:
        """Collect what the last build left (after it is served, so no one waits for it)."""
        gc.collect()

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until a build newer than ``version`` has finished (or the timeout passes)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != version, timeout)
            return self.version

    def close(self) -> None:
        self.files = None

    def file_for(self, url_path: str, prefix: str) -> tuple[str, bytes] | None:
        """The built file a request path names, (path, bytes): ``dir/`` means
        ``dir/index.html``."""
        files = self.files
        if files is None:
            return None
        try:
            # Escapes that are not UTF-8 (%ff) name no file: strict, not a replacement character.
            path = unquote(url_path, errors="strict")
        except ValueError:
            return None
        if prefix != "/" and path.startswith(prefix):  # links written with the url's path
            path = "/" + path[len(prefix) :]
        clean = posixpath.normpath("/" + path).lstrip("/")
        if clean in ("", "."):
            clean = "index.html"
        for name in (clean, clean + "/index.html"):
            if name in files:
                return name, files[name]
        return None


def _describe(exc: Exception) -> str:
    """A theme or other failure as ``file:line: error: message`` where the exception knows."""
    filename = getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if filename:
        return Problem(str(filename), int(line or 0), "error", str(message)).format()
    return f"error: {type(exc).__name__}: {message}"


def error_panel(errors: list[str]) -> str:
    """The problems as an HTML block, escaped, to show over a page."""
    items = "\n".join(html.escape(line) for line in errors)
    return (
        '<div id="statusgen-errors" role="alert" style="all:initial;display:block;'
        "position:relative;z-index:2147483647;background:#fff0f0;color:#7a0000;"
        'border-bottom:3px solid #c00000;padding:1em;font:14px/1.5 monospace">'
        '<strong style="font:bold 16px sans-serif">The site has errors; fix them and this '
        "page reloads by itself.</strong>"
        f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{items}</pre></div>'
    )


def error_page(errors: list[str], version: int) -> bytes:
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Errors in the site</title></head><body>"
        + error_panel(errors)
        + RELOAD_SCRIPT % (version, WAIT_PATH)
        + "</body></html>\n"
    )
    return page.encode("utf-8")


def inject(page: bytes, errors: list[str], version: int) -> bytes:
    """Add the reload script before ``</body>`` and, if the build failed, the errors on top."""
    text = page.decode("utf-8", errors="replace")
    script = RELOAD_SCRIPT % (version, WAIT_PATH)
    closing = [m.start() for m in re.finditer(r"</body\s*>", text, re.IGNORECASE)]
    text = text[: closing[-1]] + script + text[closing[-1] :] if closing else text + script
    if errors:
        opening = re.search(r"<body\b[^>]*>", text, re.IGNORECASE)
        at = opening.end() if opening else 0
        text = text[:at] + error_panel(errors) + text[at:]
    return text.encode("utf-8")


def make_handler(
    preview: Preview, prefix: str, public_url: str = ""
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "statusgen-preview"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            self._respond(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(head=True)

        def _respond(self, head: bool) -> None:
            # Every request gets an answer with a status code; none ends in a traceback on
            # the console, whatever its path (a NUL, a name too long for the file system).
            try:
                self._answer(head)
            except Exception:  # noqa: BLE001 - the preview keeps serving
                with contextlib.suppress(OSError):
                    self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", b"error\n", head)

        def _answer(self, head: bool) -> None:
            parts = urlsplit(self.path)
            if parts.path == WAIT_PATH:
                seen = parse_qs(parts.query).get("version", ["-1"])[0]
                number = int(seen) if re.fullmatch(r"-?[0-9]{1,18}", seen) else -1
                version = preview.wait_for_change(number, POLL_SECONDS)
                self._send(HTTPStatus.OK, "text/plain", str(version).encode(), head)
                return
            with preview.changed:
                errors, version = list(preview.errors), preview.version
            if errors and preview.files is None:  # there never was a good build
                self._send(HTTPStatus.OK, "text/html", error_page(errors, version), head)
                return
            found = preview.file_for(parts.path, prefix)
            status = HTTPStatus.OK
            if found is None:
                status = HTTPStatus.NOT_FOUND
                found = preview.file_for("/404.html", "/")
            if found is None:
                self._send(status, "text/plain", b"not found\n", head)
                return
            name, body = found
            kind = (
                _TYPES.get(posixpath.splitext(name)[1])
                or mimetypes.guess_type(name)[0]
                or "application/octet-stream"
            )
            if kind == "text/html":
                if public_url:  # absolute links (the 404 page's) stay in the preview
                    body = body.replace(f'="{public_url}'.encode(), b'="/')
                body = inject(body, errors, version)
            self._send(status, kind, body, head)

        def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            charset = (
                "; charset=utf-8"
                if kind.startswith("text/") or kind.endswith(("xml", "json", "javascript"))
                else ""
            )
            self.send_header("Content-Type", kind + charset)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # fails only when the tab was closed or reloaded

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # a request log drowns out the rebuild messages that matter

    return Handler


class _Rebuilder(FileSystemEventHandler):
    """Turns file events into one rebuild, after a short quiet spell."""

    def __init__(self, preview: Preview, on_build: Callable[[bool], None]) -> None:
        self.preview = preview
        self.source = Path(preview.source).resolve()
        self.on_build = on_build
        self.pending = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="statusgen-rebuild", daemon=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(str(raw)) if raw else None
            # In the site's own folder only site.yaml, content/ and themes/ matter (not _site/).
            if path is not None and (path.parent != self.source or path.name in _SITE_ENTRIES):
                self.pending.set()

    def _run(self) -> None:
        while not self.stopped.is_set():
            if not self.pending.wait(0.5):
                continue
            # Debounce: an editor's save is several events; wait until they stop.
            while True:
                self.pending.clear()
                if self.stopped.wait(DEBOUNCE_SECONDS) or not self.pending.is_set():
                    break
            if self.stopped.is_set():
                return
            self.on_build(self.preview.rebuild())
            self.preview.tidy()


def watched_folders(source: Path) -> list[tuple[Path, bool]]:
    """What to watch: the site's folder itself (site.yaml), and content/ and themes/ deeply."""
    source = source.resolve()
    out = [(source, False)]
    for name in ("content", "themes"):
        if (source / name).is_dir():
            out.append((source / name, True))
    return out


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM ends the preview as Ctrl-C does, cleanly."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    source: Path,
    port: int = 8000,
    host: str = "127.0.0.1",
    now: Callable[[], datetime] | None = None,
    offline: bool = False,
) -> None:
    """Preview the site until Ctrl-C or SIGTERM; nothing is left behind."""
    if not (source / "site.yaml").is_file():
        raise UsageError(
            f"there is no site.yaml in {source}; run statusgen serve in the "
            "site's folder or name it with --source DIR"
        )
    site = load_site(source, Problems())
    prefix = urlsplit(site.url).path if site else "/"
    preview = Preview(source, now, offline)
    observer = Observer()
    try:
        try:
            server = ThreadingHTTPServer(
                (host, port), make_handler(preview, prefix or "/", site.url if site else "")
            )
        except OSError as exc:
            raise UsageError(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}); "
                "choose another port with --port N"
            ) from None
        server.daemon_threads = True
        with server, _stop_on_sigterm():

            def announce(ok: bool) -> None:
                when = time.strftime("%H:%M:%S")
                if ok:
                    print(f"{when} rebuilt", flush=True)
                else:
                    print(
                        f"{when} the site has errors; pages show them until they are fixed:",
                        file=sys.stderr,
                        flush=True,
                    )
                    for line in preview.errors:
                        print(line, file=sys.stderr, flush=True)

            announce(preview.rebuild())
            preview.tidy()
            rebuilder = _Rebuilder(preview, announce)
            for folder, recursive in watched_folders(source):
                observer.schedule(rebuilder, str(folder), recursive=recursive)
            observer.start()
            rebuilder.thread.start()
            actual = server.server_address[1]
            print(
                f"serving {source.resolve()} at http://{host}:{actual}/ (Ctrl-C to stop)",
                flush=True,
            )
            try:
                server.serve_forever(poll_interval=0.2)
            except KeyboardInterrupt:
                print("stopped", flush=True)
            finally:
                rebuilder.stopped.set()
    finally:
        if observer.is_alive():
            observer.stop()
            observer.join(timeout=2)
        preview.close()
