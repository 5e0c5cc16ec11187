"""The typed model of a status site, built once by :mod:`generator.config` and
:mod:`generator.content`. Derived facts (status now, uptime, overdue promises) are functions of
this model and "now" in :mod:`generator.derive`; nothing here changes after it is read.

All datetimes are timezone-aware and held in UTC; pages show them in the site's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# The status vocabulary lives in generator/statuses.py, with each status's word, icon and
# colour; these names stay importable from the model, whose fields hold them.
from generator.statuses import (  # noqa: F401
    COMPONENT_STATUSES,
    DEGRADED,
    IMPACT_TO_STATUS,
    IMPACTS,
    INCIDENT_COMPONENT_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_COMPONENT_STATUSES,
    MAINTENANCE_STATUSES,
    MAJOR,
    OPERATIONAL,
    PARTIAL,
    STATUS_TO_IMPACT,
    UNDER_MAINTENANCE,
    UNRESOLVED,
    UPDATE,
    severity,
)


@dataclass(frozen=True)
class Component:
    """A component of the service, or a group of components (``children`` not empty)."""

    id: str
    name: str
    description: str = ""
    since: date | None = None  # first day counted in uptime
    group_id: str | None = None  # the group this component belongs to
    children: tuple[str, ...] = ()  # for a group: its components' ids, in order
    line: int = 0  # where it is defined in site.yaml

    @property
    def is_group(self) -> bool:
        return bool(self.children)


@dataclass(frozen=True)
class Upstream:
    """A provider the service depends on, with a Statuspage-compatible page (``upstream:``).

    It is only shown on the home page; it never changes our own components' status or uptime.
    """

    name: str
    url: str  # the page's address, absolute, ends with "/"
    components: tuple[str, ...] = ()  # names of the provider's components to show, in order
    line: int = 0  # where it is defined in site.yaml


@dataclass(frozen=True)
class Site:
    """What site.yaml says."""

    name: str
    url: str  # absolute, ends with "/"
    timezone: ZoneInfo
    language: str = "en"
    description: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label key, URL), in the order written
    mirrors: tuple[str, ...] = ()
    max_silence: timedelta = timedelta(minutes=60)
    theme: str = "default"
    messages: tuple[tuple[str, str], ...] = ()  # default update messages a site overrides
    components: tuple[Component, ...] = ()  # top level, in order: components and groups
    upstream: tuple[Upstream, ...] = ()  # providers shown in "Upstream providers"
    by_id: dict[str, Component] = field(default_factory=dict, compare=False, hash=False)
    path: Path = Path("site.yaml")
    source: Path = Path(".")
    notify: tuple[NotifyChannel, ...] = ()  # where `statusgen notify` sends (SPEC section 8)
    subscribe: str = ""  # a mailing-list sign-up page, shown beside the feeds

    @property
    def title(self) -> str:
        return f"{self.name} Status"

    @property
    def leaves(self) -> tuple[Component, ...]:
        """Every component that is not a group, in page order."""
        out: list[Component] = []
        for component in self.components:
            if component.is_group:
                out.extend(self.by_id[child] for child in component.children)
            else:
                out.append(component)
        return tuple(out)

    @property
    def all_components(self) -> tuple[Component, ...]:
        """Groups and components in page order, each group before its members."""
        out: list[Component] = []
        for component in self.components:
            out.append(component)
            out.extend(self.by_id[child] for child in component.children)
        return tuple(out)

    def expand(self, component_id: str) -> tuple[str, ...]:
        """The leaf components an id stands for: a group's members, or the component itself."""
        component = self.by_id.get(component_id)
        if component is None:
            return ()
        return component.children if component.is_group else (component.id,)


@dataclass(frozen=True)
class Update:
    """One update of an incident or maintenance: a heading and the Markdown under it."""

    time: datetime
    status: str  # one of INCIDENT_STATUSES / MAINTENANCE_STATUSES, or UPDATE
    body: str  # Markdown, as written
    line: int  # the line of its heading
    position: int  # 0 for the update highest in the file
    html: str = ""  # ``body`` as safe HTML (raw HTML escaped, unsafe links dropped), as read
    # ``body`` as plain text (markdown.plain_text), as read: for a maintenance's calendar event;
    # None for an incident's update, which no calendar shows.
    plain: str | None = None


@dataclass(frozen=True)
class Incident:
    """An incident or, with ``maintenance_start`` set, a scheduled maintenance."""

    id: str
    path: Path
    title: str
    updates: tuple[Update, ...]  # oldest first; of two at the same time, lower in the file first
    components: tuple[tuple[str, str], ...] = ()  # (id as listed, status while affected)
    impact: str | None = None  # as written; see derive.incident_impact for the default
    started: datetime | None = None
    next_update: datetime | None = None
    maintenance_start: datetime | None = None
    maintenance_end: datetime | None = None
    lines: tuple[tuple[str, int], ...] = ()  # front matter key -> line in the file
    statuspage_id: str | None = None  # the id of an incident imported from Atlassian Statuspage

    @property
    def is_maintenance(self) -> bool:
        return self.maintenance_start is not None

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, 1)

    @property
    def first_update(self) -> Update:
        return self.updates[0]

    @property
    def latest_update(self) -> Update:
        return self.updates[-1]

    @property
    def updates_newest_first(self) -> tuple[Update, ...]:
        return tuple(reversed(self.updates))

    @property
    def listed_ids(self) -> tuple[str, ...]:
        return tuple(component_id for component_id, _ in self.components)


@dataclass(frozen=True)
class Content:
    """Everything a build reads: the site and its incidents (maintenance included)."""

    site: Site
    incidents: tuple[Incident, ...]  # newest first by creation, then by id


# -- notification channels (SPEC section 8) ----------------------------------------------------

CHANNEL_TYPES = ("slack", "discord", "teams", "webhook", "email")
AUDIENCES = ("subscribers", "team")
SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """How an email channel reaches its relay; secrets are named by environment variable."""

    host_env: str
    port: int
    security: str  # one of SMTP_SECURITY
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class NotifyChannel:
    """One entry of ``notify:`` in site.yaml. Only names of environment variables are kept
    here: the secrets themselves are read when ``notify`` runs, and never stored."""

    type: str  # one of CHANNEL_TYPES
    line: int  # where it is defined in site.yaml
    audience: str = "subscribers"  # one of AUDIENCES
    components: tuple[str, ...] = ()  # as written; empty: every incident and maintenance
    url_env: str | None = None  # slack, discord, teams, webhook
    to: tuple[str, ...] = ()  # email
    sender: str = ""  # email: the From: header
    smtp: SmtpSettings | None = None  # email

    @property
    def label(self) -> str:
        """How output names the channel: never its secret, only where it is configured."""
        where = f"site.yaml:{self.line}"
        if self.type == "email":
            return f"email to {', '.join(self.to)} ({where})"
        return f"{self.type} {self.url_env} ({where})"

    def environment(self) -> tuple[str, ...]:
        """The environment variables this channel needs."""
        if self.smtp is not None:
            names = [self.smtp.host_env, self.smtp.username_env, self.smtp.password_env]
            return tuple(n for n in names if n)
        return (self.url_env,) if self.url_env else ()
