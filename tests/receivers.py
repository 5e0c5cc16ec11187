"""Real receivers on 127.0.0.1 for ``statusgen notify``: an HTTP server that records every
request and answers as scripted (429 with Retry-After, 500, ...), and an SMTP server
(aiosmtpd) with STARTTLS, implicit TLS or neither, and AUTH, using a throwaway certificate
authority (trustme) that only the test trusts.
"""

from __future__ import annotations

import json
import ssl
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.servers import free_port

# aiosmtpd warns, per connection, when a test relay takes AUTH without TLS: that is the point.
warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    """What the HTTP receiver got, and how it answers: ``script[path_prefix]`` is a list of
    answers used up one per request (a status, or (status, {header: value})); once it is
    empty, ``ok`` (200, or 204 for paths starting with /discord)."""

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    script: dict[str, list[Any]] = field(default_factory=dict)
    always: dict[str, int] = field(default_factory=dict)  # path prefix -> status, forever
    get_status: int = 404  # how GET requests are answered (a "previous site" that is not there)
    get_body: bytes = b""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str) -> tuple[int, dict[str, str]]:
        with self.lock:
            for prefix, status in self.always.items():
                if path.startswith(prefix):
                    return status, {}
            for prefix, answers in self.script.items():
                if path.startswith(prefix) and answers:
                    item = answers.pop(0)
                    return (item, {}) if isinstance(item, int) else item
        return (204 if path.startswith("/discord") else 200), {}

    def to(self, prefix: str) -> list[Request]:
        """Requests that got through (2xx) to paths starting with ``prefix``, in order."""
        return [r for r in self.delivered if r.path.startswith(prefix)]

    @property
    def delivered(self) -> list[Request]:
        return [r for r in self.requests if r.headers.get("x-answered", "").startswith("2")]


class _Handler(BaseHTTPRequestHandler):
    recorder: Recorder

    def do_GET(self) -> None:
        status, body = self.recorder.get_status, self.recorder.get_body
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, headers = self.recorder.answer(self.path)
        request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        request.headers["x-answered"] = str(status)
        with self.recorder.lock:
            self.recorder.requests.append(request)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        reply = b"ok" if status == 200 else b""
        if status == 429:
            reply = b'{"message": "You are being rate limited.", "retry_after": 0.1}'
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        if status != 204:
            self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def http_receiver() -> Iterator[Recorder]:
    recorder = Recorder()
    handler = type("Handler", (_Handler,), {"recorder": recorder})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- SMTP ----------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP receiver accepted."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    tls_sessions: list[bool] = field(default_factory=list)  # per message: was it over TLS?


@dataclass
class Certificates:
    """A throwaway CA and a certificate for 127.0.0.1 and localhost."""

    ca_file: Path
    server_context: ssl.SSLContext


def make_certificates(folder: Path) -> Certificates:
    from tests.tooling import missing

    try:
        import trustme
    except ModuleNotFoundError:
        missing("trustme not found: pip install '.[test]'")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file, context)


@contextmanager
def smtp_receiver(
    security: str,
    certificates: Certificates | None = None,
    credentials: tuple[str, str] | None = None,
    refuse: int = 0,
) -> Iterator[Mailbox]:
    """An aiosmtpd server: ``security`` starttls (STARTTLS required), tls (implicit TLS) or
    none; with ``credentials`` AUTH is required; ``refuse`` answers the first N messages
    with 451 (a transient failure)."""
    from tests.tooling import missing

    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
    except ModuleNotFoundError:
        missing("aiosmtpd not found: pip install '.[test]'")

    box = Mailbox(port=free_port())
    refusals = [refuse]

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002 - aiosmtpd's handler signature
            if refusals[0] > 0:
                refusals[0] -= 1
                return "451 4.3.0 try again later"
            data = envelope.original_content or envelope.content
            box.messages.append(message_from_bytes(data, policy=policy.default))  # type: ignore[arg-type]
            box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            over_tls = server.transport.get_extra_info("ssl_object") is not None
            box.tls_sessions.append(over_tls)
            return "250 OK"

    def authenticator(*args: Any) -> Any:  # aiosmtpd: (server, session, envelope, mechanism, data)
        auth_data = args[-1]
        if not isinstance(auth_data, LoginPassword) or credentials is None:
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        box.logins.append((login, password))
        return AuthResult(success=(login, password) == credentials, handled=False)

    options: dict[str, Any] = {}
    if credentials is not None:
        options.update(authenticator=authenticator, auth_required=True)
    if security == "starttls":
        assert certificates is not None
        options.update(tls_context=certificates.server_context, require_starttls=True)
    elif security == "tls":
        assert certificates is not None
        # The whole session is TLS; aiosmtpd only counts STARTTLS as TLS for AUTH.
        options.update(ssl_context=certificates.server_context, auth_require_tls=False)
    else:
        options.update(auth_require_tls=False)
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=box.port, server_hostname="localhost", **options
    )
    with warnings.catch_warnings():
        # aiosmtpd's own use of its deprecated login_data, inside the server
        warnings.simplefilter("ignore", DeprecationWarning)
        controller.start()
    try:
        yield box
    finally:
        controller.stop()
