"""Upstream providers: the status of the services a site depends on (SPEC section 9).

A build reads each provider's ``<url>api/v2/summary.json`` (Atlassian Statuspage's public API,
which a statusgen site serves too), all at once and each within a short timeout. Whatever goes
wrong (no answer, an error status, a body that is not a summary) makes that provider "unknown"
with the reason kept for the build's log; it never fails the build. ``--offline`` reads nothing.

What a provider said is input to the build like the content is, but it comes from the network,
so a build with upstream providers is reproducible only given the same answers (``--offline``
builds are). The live preview keeps answers for a few minutes (:class:`UpstreamCache`) rather
than asking every provider again on each rebuild.

Upstream status is shown only in its own section: it never changes our components or uptime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from generator.http_json import FetchError, fetch_json
from generator.model import COMPONENT_STATUSES, Upstream

TIMEOUT_SECONDS = 5.0  # for the whole answer of one provider; all are read at the same time
MAX_BYTES = 5 * 1024 * 1024  # a large provider's summary is a few hundred KB
MAX_PARALLEL = 8
UNKNOWN = "unknown"
INDICATORS = ("none", "minor", "major", "critical", "maintenance")
SUMMARY_PATH = "api/v2/summary.json"


@dataclass(frozen=True)
class UpstreamComponent:
    """One of the provider's components that the site chose to show."""

    name: str  # as written in site.yaml
    status: str  # a Statuspage component status, or "unknown"


@dataclass(frozen=True)
class UpstreamStatus:
    """What one provider's page said, or why it could not be read."""

    provider: Upstream
    indicator: str  # none | minor | major | critical | maintenance | unknown
    components: tuple[UpstreamComponent, ...]
    read_at: datetime | None  # when the answer arrived; None when nothing was read
    problem: str | None = None  # why it is unknown; None when it was read
    offline: bool = False  # not read at all: the build was made with --offline

    @property
    def known(self) -> bool:
        return self.indicator != UNKNOWN


Clock = Callable[[], datetime]


def _clock() -> datetime:
    return datetime.now(UTC)


class UpstreamCache:
    """Answers kept for a while by a process that builds again and again (the live preview):
    a provider read less than ``ttl`` seconds ago (``failed_ttl`` after a failure) is not
    asked again."""

    def __init__(self, ttl: float = 300.0, failed_ttl: float = 60.0) -> None:
        self.ttl = ttl
        self.failed_ttl = failed_ttl
        self._entries: dict[str, tuple[float, Any, str | None, datetime | None]] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[Any, str | None, datetime | None] | None:
        with self._lock:
            entry = self._entries.get(url)
        if entry is None:
            return None
        stored, summary, problem, read_at = entry
        age = time.monotonic() - stored
        if age > (self.ttl if problem is None else self.failed_ttl):
            return None
        return summary, problem, read_at

    def put(self, url: str, summary: Any, problem: str | None, read_at: datetime | None) -> None:
        with self._lock:
            self._entries[url] = (time.monotonic(), summary, problem, read_at)


def summary_url(provider: Upstream) -> str:
    return provider.url + SUMMARY_PATH


def read_upstreams(
    providers: Sequence[Upstream],
    *,
    offline: bool = False,
    timeout: float = TIMEOUT_SECONDS,
    cache: UpstreamCache | None = None,
    clock: Clock = _clock,
) -> tuple[UpstreamStatus, ...]:
    """The status of every provider, in the order of site.yaml."""
    if not providers:
        return ()
    if offline:
        return tuple(_unknown(p, None, None, offline=True) for p in providers)

    def read(provider: Upstream) -> UpstreamStatus:
        url = summary_url(provider)
        cached = cache.get(url) if cache is not None else None
        if cached is None:
            try:
                summary: Any = fetch_json(url, timeout=timeout, max_bytes=MAX_BYTES)
                problem: str | None = None
            except FetchError as exc:
                summary, problem = None, exc.reason
            read_at: datetime | None = clock()
            if cache is not None:
                cache.put(url, summary, problem, read_at)
        else:
            summary, problem, read_at = cached
        if problem is not None:
            return _unknown(provider, problem, read_at)
        return interpret(provider, summary, read_at)

    # Threads, not processes: the time goes in waiting for answers. They have all ended when
    # this returns (each read is bounded by its timeout), so the build may fork afterwards.
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(providers))) as pool:
        return tuple(pool.map(read, providers))


def interpret(provider: Upstream, summary: Any, read_at: datetime | None) -> UpstreamStatus:
    """A provider's ``summary.json`` as an :class:`UpstreamStatus`; any other shape is unknown."""
    if not isinstance(summary, dict):
        return _unknown(provider, "the answer is not a Statuspage summary (not an object)", read_at)
    status = summary.get("status")
    indicator = status.get("indicator") if isinstance(status, dict) else None
    if not isinstance(indicator, str):
        return _unknown(provider, "the answer is not a Statuspage summary (no status)", read_at)
    if indicator not in INDICATORS:
        return _unknown(provider, f"the overall status {indicator!r} is not one we know", read_at)
    listed = summary.get("components")
    by_name: dict[str, str] = {}
    by_folded: dict[str, str] = {}
    for component in listed if isinstance(listed, list) else []:
        if not isinstance(component, dict) or not isinstance(component.get("name"), str):
            continue
        name = " ".join(component["name"].split())
        value = component.get("status")
        shown = value if isinstance(value, str) and value in COMPONENT_STATUSES else UNKNOWN
        # Of two components with one name (in two groups, say) the first is shown.
        by_name.setdefault(name, shown)
        by_folded.setdefault(name.casefold(), shown)
    chosen = tuple(
        UpstreamComponent(name, by_name.get(name, by_folded.get(name.casefold(), UNKNOWN)))
        for name in provider.components
    )
    return UpstreamStatus(provider, indicator, chosen, read_at)


def _unknown(
    provider: Upstream, problem: str | None, read_at: datetime | None, offline: bool = False
) -> UpstreamStatus:
    components = tuple(UpstreamComponent(name, UNKNOWN) for name in provider.components)
    return UpstreamStatus(provider, UNKNOWN, components, read_at, problem, offline)


def describe_problems(statuses: Sequence[UpstreamStatus]) -> list[str]:
    """One line per provider that could not be read, for the build's log."""
    return [
        f"upstream {s.provider.name}: shown as unknown: {summary_url(s.provider)}: {s.problem}"
        for s in statuses
        if s.problem is not None
    ]
