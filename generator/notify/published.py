"""Reading a site's ``api/notifications.json``: from the build just made, or from the site as
published before (its URL, or a folder), and keeping the published one before a deploy.

The previous site decides what is new. Three outcomes, never a guess: its event list
(:class:`EventList`); no list at all, the first publish (:class:`Baseline`: nothing is sent);
or a list that cannot be read (:class:`Unreadable`: nothing is sent, exit status 1).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import __version__
from generator.render.notifications import FORMAT, PATH

MARKER = "notify-previous.json"  # written by save_previous(): what the fetch found
FETCH_TIMEOUT = 20.0
FETCH_ATTEMPTS = 3
USER_AGENT = f"statusgen/{__version__} (+notify)"


class NotReadable(ValueError):
    """An event list that is not one (it does not parse, or has not the expected shape)."""


@dataclass(frozen=True)
class PublishedEvent:
    """One event as a build wrote it: everything a message needs."""

    id: str
    type: str
    audience: str
    time: datetime
    status: str
    incident: dict[str, Any]  # id, title, url, maintenance, scheduled_for/until, next_update
    components: tuple[dict[str, str], ...]  # {id, name, status}, leaves only
    update: dict[str, Any] | None  # id, status, time, body (Markdown)
    promised: datetime | None

    @property
    def component_ids(self) -> frozenset[str]:
        return frozenset(c["id"] for c in self.components)


@dataclass(frozen=True)
class EventList:
    """A parsed ``api/notifications.json``."""

    generated_at: datetime
    page: dict[str, Any]
    events: tuple[PublishedEvent, ...]
    incidents: dict[str, dict[str, Any]]  # Statuspage incident objects, by incident id
    raw: bytes = field(default=b"", repr=False)  # the file as read, to keep it byte for byte

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.events)


@dataclass(frozen=True)
class Baseline:
    """The previous site has no event list: this publish starts one."""

    where: str


@dataclass(frozen=True)
class Unreadable:
    """The previous site's event list could not be read; ``reason`` names no secret."""

    where: str
    reason: str


Previous = EventList | Baseline | Unreadable


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise NotReadable(f"a time is {value!r}, not text")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NotReadable(f"{value!r} is not a time") from None
    if moment.tzinfo is None:
        raise NotReadable(f"the time {value!r} has no zone")
    return moment


def parse_event_list(data: bytes | str) -> EventList:
    """An event list from the bytes of ``api/notifications.json``; :class:`NotReadable`
    says why it is not one."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotReadable(f"it is not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise NotReadable("it is not a statusgen event list (no events)")
    if document.get("format") != FORMAT:
        raise NotReadable(
            f"it has format {document.get('format')!r}; this statusgen reads format {FORMAT} "
            "(upgrade statusgen where the site is built and where notify runs alike)"
        )
    events = []
    try:
        for item in document["events"]:
            events.append(
                PublishedEvent(
                    id=str(item["id"]),
                    type=str(item["type"]),
                    audience=str(item["audience"]),
                    time=_time(item["time"]),
                    status=str(item["status"]),
                    incident=dict(item["incident"]),
                    components=tuple(dict(c) for c in item["components"]),
                    update=None if item["update"] is None else dict(item["update"]),
                    promised=None if item.get("promised") is None else _time(item["promised"]),
                )
            )
        incidents = document.get("incidents") or {}
        if not isinstance(incidents, dict):
            raise NotReadable("its incidents are not a mapping")
        return EventList(
            generated_at=_time(document["generated_at"]),
            page=dict(document["page"]),
            events=tuple(events),
            incidents=incidents,
            raw=data.encode("utf-8") if isinstance(data, str) else data,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise NotReadable(f"an event lacks a field or has the wrong type ({exc!r})") from None


def read_site(folder: Path) -> EventList | None:
    """The event list of a built site; None if the folder has none."""
    path = folder / PATH
    if not path.is_file():
        return None
    return parse_event_list(path.read_bytes())


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def read_previous(
    sources: Sequence[str], *, sleep: Callable[[float], None] = time.sleep, fresh: str = ""
) -> Previous:
    """The previous site's event list from the first of ``sources`` (URLs or folders) that
    gives a definite answer; a source that cannot be read gives way to the next."""
    outcome: Previous = Unreadable("", "no --previous given")
    for source in sources:
        outcome = (
            _fetch(source, sleep=sleep, fresh=fresh) if is_url(source) else _folder(Path(source))
        )
        if not isinstance(outcome, Unreadable):
            return outcome
    return outcome


def _folder(folder: Path) -> Previous:
    where = str(folder)
    marker = folder / MARKER
    try:
        if marker.is_file():
            saved = json.loads(marker.read_text(encoding="utf-8"))
            if saved.get("outcome") == "unreadable":
                return Unreadable(
                    str(saved.get("source", where)),
                    f"{saved.get('reason', 'it could not be read')} (when it was fetched before "
                    "the deploy)",
                )
        if not folder.is_dir():
            return Unreadable(where, "there is no such folder")
        path = folder / PATH
        if not path.is_file():
            return Baseline(where)
        return parse_event_list(path.read_bytes())
    except NotReadable as exc:
        return Unreadable(where, f"{PATH} is not readable: {exc}")
    except (OSError, ValueError, AttributeError) as exc:
        return Unreadable(where, f"cannot read it: {exc}")


def events_url(site_url: str, fresh: str = "") -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    # A query string of this run's own makes caches in front of the host fetch it anew.
    return base + PATH + (f"?fresh={fresh}" if fresh else "")


def fetch_bytes(url: str) -> tuple[int, bytes]:
    """GET ``url``: the status code and body (errors as statuses, not exceptions)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Cache-Control": "no-cache"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""


def _fetch(site_url: str, *, sleep: Callable[[float], None], fresh: str) -> Previous:
    url = events_url(site_url, fresh)
    reason = ""
    for attempt in range(1, FETCH_ATTEMPTS + 1):
        try:
            status, body = fetch_bytes(url)
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
            cause = getattr(exc, "reason", exc)
            reason = f"no answer ({cause})"
        else:
            if status in (404, 410):
                return Baseline(site_url)
            if status == 200:
                try:
                    return parse_event_list(body)
                except NotReadable as exc:
                    return Unreadable(site_url, f"{PATH} is not readable: {exc}")
            reason = f"it answered HTTP {status}"
            if status < 500 and status != 429:
                break
        if attempt < FETCH_ATTEMPTS:
            sleep(2.0 * attempt)
    return Unreadable(site_url, reason)


def save_previous(
    sources: Sequence[str],
    folder: Path,
    *,
    sleep: Callable[[float], None] = time.sleep,
    fresh: str = "",
) -> Previous:
    """Fetch the published event list (before a deploy replaces it) into ``folder``, for a
    later ``notify --previous folder``. What was found is written too, so that a list that
    could not be read stops that later run instead of passing for a first publish."""
    outcome = read_previous(sources, sleep=sleep, fresh=fresh)
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any]
    if isinstance(outcome, EventList):
        target = folder / PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(outcome.raw)  # as published, byte for byte
        record = {"outcome": "found"}
    elif isinstance(outcome, Baseline):
        record = {"outcome": "none", "source": outcome.where}
    else:
        record = {"outcome": "unreadable", "source": outcome.where, "reason": outcome.reason}
    (folder / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return outcome
