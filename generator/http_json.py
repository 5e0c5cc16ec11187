"""Reading JSON over HTTP(S) for the importer and the upstream providers, with hard limits.

Both read pages that statusgen does not control, so every read has a deadline for the whole
answer (a server that sends one byte a second cannot hold a build), a size limit, and failures
that come back as one exception with a reason a person can read, never a traceback.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from http.client import HTTPException
from typing import Any

from generator import __version__

USER_AGENT = f"statusgen/{__version__}"
CHUNK = 64 * 1024


class FetchError(Exception):
    """A read that failed: ``reason`` says why in words; ``status`` is the HTTP status, if any."""

    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        self.reason = reason
        self.status = status
        self.retry_after = retry_after  # seconds, when the server said (429, 503)
        super().__init__(reason)


def fetch_json(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """GET ``url`` and parse its body as JSON, within ``timeout`` seconds in all.

    ``headers`` may carry a secret (an API key): it is sent, never put into an error message.
    """
    request = urllib.request.Request(
        url,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
    )
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked by callers
            body = _read_within(response, deadline, timeout, max_bytes)
    except urllib.error.HTTPError as exc:
        retry_after = _seconds(exc.headers.get("Retry-After") if exc.headers else None)
        exc.close()
        raise FetchError(
            f"the server answered HTTP {exc.code} {exc.reason}", exc.code, retry_after
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(f"no answer within {timeout:g} s") from None
        raise FetchError(_describe(exc.reason)) from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s") from None
    except (OSError, HTTPException, ValueError) as exc:
        raise FetchError(_describe(exc)) from None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"the answer is not JSON ({exc})") from None


def _read_within(response: Any, deadline: float, timeout: float, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"the answer did not arrive within {timeout:g} s")
        chunk = response.read1(CHUNK)  # returns as soon as some bytes are there
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"the answer is larger than {max_bytes // (1024 * 1024)} MB")
        parts.append(chunk)


def _seconds(value: str | None) -> float | None:
    """A ``Retry-After`` given in seconds (the HTTP-date form is rare for APIs: ignored)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _describe(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, socket.gaierror):
        return "the host name cannot be resolved"
    if isinstance(reason, ssl.SSLError):
        return f"the secure connection failed ({reason.reason or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[0].lower() + reason.strerror[1:]
    return str(reason) or type(reason).__name__
