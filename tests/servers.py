"""A real HTTP server on 127.0.0.1 for a built site, as a host would serve it.

It sends ``Access-Control-Allow-Origin: *`` (as GitHub Pages does, and as the publishing docs
ask of other hosts) so a page on another origin may read the JSON API; ``down`` makes it answer
503 for the API while still serving ``embed.js``, as a cached script in front of a failed site.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class ServerState:
    down: bool = False
    requests: list[str] = field(default_factory=list)


class _SiteHandler(SimpleHTTPRequestHandler):
    state: ServerState

    def __init__(self, *args: object, state: ServerState, **kwargs: object) -> None:
        self.state = state
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self.state.requests.append(self.path)
        if self.state.down and self.path.startswith("/api/"):
            self.send_error(503, "status site down")
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class Served:
    url: str
    state: ServerState


@contextmanager
def serve(folder: Path, port: int = 0) -> Iterator[Served]:
    """Serve ``folder`` at ``http://127.0.0.1:PORT/`` until the block ends."""
    state = ServerState()
    handler = functools.partial(_SiteHandler, directory=str(folder), state=state)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}/", state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    """A port nothing listens on now (for a site whose ``url`` must name it before it runs)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
