"""``statusgen notify`` as a library function: what is new, to whom, and sending it.

The recipe: read site.yaml (the channels) → read the events of the build just deployed →
find every channel's secrets in the environment (all of them, before anything is sent) → read
the previous site's events → the new ones, not older than 24 hours → each channel's share,
by audience and components → send, every channel on its own thread, each in time order.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.config import require_site, url_problem
from generator.model import NotifyChannel, Site
from generator.notify import messages
from generator.notify.delivery import (
    BACKOFF,
    Attempted,
    HttpTransport,
    SmtpTransport,
    deliver,
    scrub,
)
from generator.notify.events import WINDOW
from generator.notify.published import (
    MARKER,
    Baseline,
    EventList,
    NotReadable,
    PublishedEvent,
    Unreadable,
    read_previous,
    read_site,
    save_previous,
)
from generator.problems import UsageError, display_path
from generator.render.notifications import PATH

EXIT_OK, EXIT_FAILED = 0, 1
HOST_NAME = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?)+$|^\[?[0-9A-Fa-f:.]+\]?$")
Print = Callable[[str], None]


@dataclass(frozen=True)
class Secrets:
    """One channel's values from the environment (never printed, never stored)."""

    url: str | None = None
    host: str | None = None
    username: str | None = None
    password: str | None = None

    def values(self) -> list[str]:
        return [v for v in (self.url, self.host, self.username, self.password) if v]


def read_secrets(
    channels: Sequence[NotifyChannel], environ: Mapping[str, str]
) -> tuple[list[Secrets], list[str]]:
    """Every channel's secrets, and every problem with them (a variable that is missing,
    empty, or holds no usable URL), each naming the variable and never its value."""
    found: list[Secrets] = []
    problems: list[str] = []

    def get(name: str, channel: NotifyChannel, strip: bool = True) -> str | None:
        value = environ.get(name)
        if value is not None and strip:
            value = value.strip()  # a pasted secret often ends with a newline
        if not value:
            state = "is empty" if name in environ else "is not set"
            problems.append(f"the environment variable {name} {state}; {channel.label} needs it")
            return None
        return value

    for channel in channels:
        if channel.smtp is not None:
            smtp = channel.smtp
            host = get(smtp.host_env, channel)
            username = get(smtp.username_env, channel) if smtp.username_env else None
            password = get(smtp.password_env, channel, strip=False) if smtp.password_env else None
            if host is not None and not HOST_NAME.match(host):
                problems.append(
                    f"the environment variable {smtp.host_env} does not hold a host name "
                    f"(such as smtp.example.com); {channel.label} needs one"
                )
            found.append(Secrets(host=host, username=username, password=password))
        else:
            assert channel.url_env is not None
            url = get(channel.url_env, channel)
            reason = url_problem(url) if url is not None else None
            if reason:
                problems.append(
                    f"the environment variable {channel.url_env} does not hold an http(s) URL: "
                    f"{reason}; {channel.label} needs the webhook's address"
                )
            found.append(Secrets(url=url))
    return found, problems


def matches(channel: NotifyChannel, event: PublishedEvent, site: Site) -> bool:
    """Whether ``channel`` gets ``event``: the same audience, and (for a channel with
    components) an affected component in common, groups expanded on both sides."""
    if event.audience != channel.audience:
        return False
    if not channel.components:
        return True
    wanted = {leaf for listed in channel.components for leaf in site.expand(listed)}
    return not wanted.isdisjoint(event.component_ids)


def new_events(current: EventList, previous: EventList, now: datetime) -> list[PublishedEvent]:
    """The events of ``current`` that ``previous`` lacks, from the last 24 hours, oldest
    first."""
    known = previous.ids
    fresh = [e for e in current.events if e.id not in known and now - WINDOW <= e.time <= now]
    return sorted(fresh, key=lambda e: (e.time, e.id))


def payload(
    channel: NotifyChannel,
    event: PublishedEvent,
    current: EventList,
    site: Site,
    now: datetime,
) -> Any:
    """What is sent to ``channel`` for ``event``."""
    if channel.type == "webhook":
        return messages.webhook(event, current, site)
    message = messages.compose(event, site, now)
    if channel.type == "slack":
        return messages.slack(message)
    if channel.type == "discord":
        return messages.discord(message)
    if channel.type == "teams":
        return messages.teams(message)
    return messages.email(message, channel, current, site, now)


def notify(
    source: Path,
    site_dir: Path,
    previous: Sequence[str],
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    environ: Mapping[str, str] | None = None,
    out: Print = print,
    err: Print = print,
    sleep: Callable[[float], None] = time.sleep,
    backoff: float = BACKOFF,
) -> int:
    """Send what ``site_dir`` has and ``previous`` lacks; the exit status (0 or 1).

    Wrong usage (a missing environment variable, a site folder with no event list) raises
    :class:`UsageError`; problems in site.yaml raise :class:`ContentError`.
    """
    environ = os.environ if environ is None else environ
    site = require_site(source)
    try:
        current = read_site(site_dir)
    except NotReadable as exc:
        err(f"statusgen: error: {display_path(site_dir / PATH)} is not readable: {exc}")
        return EXIT_FAILED
    except OSError as exc:
        err(f"statusgen: error: cannot read {display_path(site_dir / PATH)}: {exc}")
        return EXIT_FAILED
    if current is None:
        raise UsageError(
            f"{display_path(site_dir)} has no {PATH}: give the folder of the build just "
            "deployed with --site (statusgen build writes the file)"
        )
    now = now or current.generated_at
    channels = site.notify
    if not channels:
        out("site.yaml has no notify: channels; nothing to send")
        return EXIT_OK
    secrets, missing = read_secrets(channels, environ)
    if missing and not dry_run:
        raise UsageError("; ".join(missing) + " (nothing was sent)")

    before = read_previous(previous, sleep=sleep, fresh=str(int(now.timestamp())))
    shown = ", ".join(previous)
    if isinstance(before, Unreadable):
        err(
            f"statusgen: error: the previous site {before.where or shown} cannot be read: "
            f"{before.reason}; nothing was sent (run notify again once it can be read)"
        )
        return EXIT_FAILED
    if isinstance(before, Baseline):
        out(
            f"the previous site ({before.where}) has no event list: this publish sets the "
            f"baseline, and nothing was sent ({len(current.events)} events listed now)"
        )
        return EXIT_OK

    fresh = new_events(current, before, now)
    stale = sum(1 for e in current.events if e.id not in before.ids and e.time < now - WINDOW)
    plan = [[e for e in fresh if matches(channel, e, site)] for channel in channels]
    out(
        f"{len(fresh)} new event{'s' if len(fresh) != 1 else ''} since the previous site"
        + (f" ({stale} older than 24 hours, not sent)" if stale else "")
    )
    if dry_run:
        for channel, chosen in zip(channels, plan, strict=True):
            _print_plan(channel, chosen, site, out)
        for problem in missing:
            out(f"note: {problem} (a real run would stop here with exit status 2)")
        return EXIT_OK

    def send_to(index: int) -> Attempted:
        channel, chosen = channels[index], plan[index]
        values = secrets[index]
        transport: Any
        if channel.smtp is not None:
            assert values.host is not None
            transport = SmtpTransport(channel.smtp, values.host, values.username, values.password)
        else:
            assert values.url is not None
            transport = HttpTransport(values.url)
        try:
            batch = [(e.id, payload(channel, e, current, site, now)) for e in chosen]
        except Exception as exc:  # noqa: BLE001 - named, never a traceback
            return Attempted(
                channel.label,
                missed=[e.id for e in chosen],
                reason=f"the message could not be made ({type(exc).__name__})",
            )
        return deliver(
            channel.label, transport.send, batch, values.values(), sleep=sleep, backoff=backoff
        )

    busy = [i for i, chosen in enumerate(plan) if chosen]
    with ThreadPoolExecutor(max_workers=max(len(busy), 1)) as pool:
        results = dict(zip(busy, pool.map(send_to, busy), strict=True))
    every_secret = [value for s in secrets for value in s.values()]
    failed = False
    for index, channel in enumerate(channels):
        result = results.get(index)
        if result is None:
            out(f"nothing for {channel.label}")
            continue
        if result.sent:
            count = len(result.sent)
            out(f"sent {count} message{'s' if count != 1 else ''} to {channel.label}")
        if not result.ok:
            failed = True
            line = scrub(
                f"could not deliver to {channel.label}: {result.reason}; "
                f"missed {len(result.missed)}: {', '.join(result.missed)}",
                every_secret,
            )
            err(f"statusgen: error: {line}")
            if environ.get("GITHUB_ACTIONS") == "true":
                out(f"::error title=Notification not delivered::{line}")
    return EXIT_FAILED if failed else EXIT_OK


def _print_plan(
    channel: NotifyChannel, chosen: Sequence[PublishedEvent], site: Site, out: Print
) -> None:
    if not chosen:
        out(f"would send nothing to {channel.label}")
        return
    out(f"would send {len(chosen)} to {channel.label}:")
    zone = site.timezone
    for event in chosen:
        when = event.time.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        title = " ".join(str(event.incident.get("title", "")).split())
        out(f"  {when}  {event.type:<19} {title} ({event.status})  [{event.id}]")


def save(
    source: Path,
    folder: Path,
    previous: Sequence[str],
    *,
    out: Print = print,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Keep the published event list in ``folder`` before a deploy replaces it: from each of
    ``previous`` in turn, by default the site's url and then its mirrors. Always exit 0, so
    that a fetch never holds up a deploy; a list that cannot be read is recorded, and the
    later ``notify --previous folder`` stops on it."""
    environ = os.environ if environ is None else environ
    sources = list(previous)
    site = require_site(source)
    where = display_path(folder)
    try:
        if not site.notify:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / MARKER).write_text('{"outcome": "no channels"}\n', encoding="utf-8")
            out("site.yaml has no notify: channels, so there is nothing to keep")
            return EXIT_OK
        sources = sources or [site.url, *site.mirrors]
        outcome = save_previous(sources, folder, sleep=sleep, fresh=str(int(time.time())))
    except OSError as exc:  # a fault of the machine: a full disk, a read-only folder
        out(f"statusgen: error: cannot write {where}: {exc.strerror or exc}")
        return EXIT_FAILED
    if isinstance(outcome, EventList):
        out(f"kept the published event list ({len(outcome.events)} events) in {where}")
    elif isinstance(outcome, Baseline):
        out(
            f"the published site ({outcome.where}) has no event list yet: notify will set "
            "the baseline"
        )
    else:
        line = (
            f"the published site cannot be read ({outcome.where}: {outcome.reason}); notify "
            "will send nothing and fail, so that nothing is sent twice or lost unseen"
        )
        out(f"warning: {line}")
        if environ.get("GITHUB_ACTIONS") == "true":
            out(f"::warning title=Published site not read::{line}")
    return EXIT_OK
