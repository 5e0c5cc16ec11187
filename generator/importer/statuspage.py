"""Atlassian Statuspage → statusgen: components into site.yaml, one file per incident.

What carries over (SPEC section 9): components and groups (ids made from their names, unique,
and matched by name with those a site.yaml already has), and for every incident and maintenance
each update at its ``display_at`` time (to the second) with its status and its text, the
components the updates affected with the worst status they gave them, the impact, the
postmortem (as a ``Postmortem`` update at ``postmortem_published_at``) and the maintenance
window. The Statuspage id is kept as ``statuspage_id``, so importing again adds only what is new.

Statuspage bodies are plain text with line breaks (often ``\\r\\n``) and now and then Markdown or
HTML. The words are kept as they are; HTML stays text, as in every update (it is never run).
Only what would change the file's structure is touched: a line that Markdown would read as an
update heading is escaped with a backslash, and an unclosed code fence is closed.

Input is not trusted: a missing key, a null, an unknown status or a wrong type is a warning with
a sensible default that names the incident, and what cannot be imported at all is an error
naming it. Nothing is written unless every file passes (see :mod:`.writing`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from generator import textfile
from generator.config import load_site
from generator.content import UncontainedText, contain_text, incidents_dir
from generator.importer.progress import Progress
from generator.importer.sources import Export
from generator.markdown import parse_blocks
from generator.model import (
    DEGRADED,
    IMPACT_TO_STATUS,
    IMPACTS,
    INCIDENT_COMPONENT_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_COMPONENT_STATUSES,
    MAINTENANCE_STATUSES,
    UNDER_MAINTENANCE,
    UNRESOLVED,
    UPDATE,
    Site,
    severity,
)
from generator.problems import Problems
from generator.times import is_ambiguous

MAX_BODY = 100_000  # characters of one update; far above any real one, far below a hostile one
MAX_TITLE = 500
NO_TEXT = "No details were posted with this update."
POSTMORTEM_ELSEWHERE = (
    "A postmortem of this incident was published; its text was not part of the data "
    "imported from Statuspage."
)
RESOLVED_WITHOUT_TEXT = "This incident was resolved."
CHECKSUM_NOTE = "  # imported from Statuspage, checksum "
_CHECKSUM_LINE = re.compile(
    r"^(statuspage_id:[ \t]*\S+)" + re.escape(CHECKSUM_NOTE) + r"([0-9a-f]{16})[ \t]*$", re.M
)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Statuses that belong to the other kind, read as their nearest equivalent.
_AS_MAINTENANCE = {
    "investigating": "in_progress",
    "identified": "in_progress",
    "monitoring": "verifying",
    "resolved": "completed",
    "postmortem": "completed",
}
_AS_INCIDENT = {
    "scheduled": "investigating",
    "in_progress": "identified",
    "verifying": "monitoring",
    "completed": "resolved",
}
_FINISHED = ("resolved", "postmortem", "completed")


# -- the components -----------------------------------------------------------------------------


@dataclass
class SourceComponent:
    """A component or group as the page has it."""

    key: str  # its Statuspage id, or "name:<name>" when it has none
    name: str
    description: str = ""
    since: date | None = None
    group_key: str | None = None
    is_group: bool = False
    children: list[str] = field(default_factory=list)  # keys, for a group


@dataclass
class NewComponent:
    """A component (or group, with ``children``) to add to site.yaml."""

    id: str
    name: str
    description: str = ""
    since: date | None = None
    children: list[NewComponent] = field(default_factory=list)


@dataclass
class ComponentPlan:
    """How the page's components map onto the site's, and what site.yaml must gain."""

    ids: dict[str, str] = field(default_factory=dict)  # source key → our id
    names: dict[str, str] = field(default_factory=dict)  # folded name → our id
    new_top: list[NewComponent] = field(default_factory=list)
    new_children: list[tuple[str, NewComponent]] = field(default_factory=list)  # (group id, …)

    @property
    def added(self) -> list[str]:
        out = []
        for entry in self.new_top:
            out.append(entry.name)
            out.extend(child.name for child in entry.children)
        out.extend(child.name for _, child in self.new_children)
        return out

    def our_id(self, key: str | None, name: str | None) -> str | None:
        if key is not None and key in self.ids:
            return self.ids[key]
        if name:
            return self.names.get(fold(name))
        return None


def fold(name: str) -> str:
    """A name as compared: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def clean_line(text: str) -> str:
    """One line of text as written, but for line breaks and control characters (each a space)
    and the spaces around it: a name comes back from the built API as the page had it."""
    return re.sub(r"[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]", " ", text).strip()


def read_components(export: Export, problems: Problems) -> list[SourceComponent]:
    """The page's components in page order: top level, each group followed by its members."""
    found: dict[str, SourceComponent] = {}
    order: list[str] = []
    raw_groups: list[tuple[str, Any, bool]] = [(w, c, False) for w, c in export.components]
    raw_groups += [(w, g, True) for w, g in export.groups]
    for where, raw, from_groups in raw_groups:
        if not isinstance(raw, dict):
            problems.warning(
                where, 0, f"a component that is not an object was left out: {raw!r:.80}"
            )
            continue
        raw_id = raw.get("id")
        name = (
            clean_line(str(raw.get("name")))
            if isinstance(raw.get("name"), str | int | float)
            else ""
        )
        if not name:
            name = f"Component {raw_id}" if isinstance(raw_id, str) else "Component"
            problems.warning(where, 0, f"a component has no name; it is called {name!r}")
        key = raw_id if isinstance(raw_id, str) and raw_id else f"name:{fold(name)}"
        members = raw.get("components")
        is_group = from_groups or raw.get("group") is True or isinstance(members, list)
        if key in found:
            if is_group and isinstance(members, list):  # a group listed by both endpoints
                found[key].is_group = True
                found[key].children += [m for m in members if isinstance(m, str)]
            continue
        description = raw.get("description")
        since = None
        start = raw.get("start_date")
        if isinstance(start, str):
            try:
                since = date.fromisoformat(start[:10])
            except ValueError:
                problems.warning(
                    where, 0, f"component {name!r}: start_date {start!r} is not a date"
                )
        group_key = raw.get("group_id") if isinstance(raw.get("group_id"), str) else None
        found[key] = SourceComponent(
            key=key,
            name=name,
            description=clean_line(description) if isinstance(description, str) else "",
            since=since,
            group_key=group_key,
            is_group=is_group,
            children=[m for m in members if isinstance(m, str)]
            if isinstance(members, list)
            else [],
        )
        order.append(key)
    # Members: those that name their group, then those a group lists, in page order.
    for key in order:
        component = found[key]
        if component.group_key and not component.is_group:
            group = found.get(component.group_key)
            if group is None or not group.is_group:
                problems.warning(
                    export.origin,
                    0,
                    f"component {component.name!r} names a group that is not on the page; "
                    "it is imported on its own",
                )
                component.group_key = None
            elif key not in group.children:
                group.children.append(key)
    out: list[SourceComponent] = []
    placed: set[str] = set()
    for key in order:
        component = found[key]
        if component.is_group:
            members = [
                found[m]
                for m in dict.fromkeys(component.children)
                if m in found and not found[m].is_group
            ]
            for member in members:
                member.group_key = key
            component.children = [m.key for m in members]
    for key in order:
        component = found[key]
        if key in placed or (component.group_key and not component.is_group):
            continue
        if component.is_group:
            if not component.children:
                problems.warning(
                    export.origin,
                    0,
                    f"the group {component.name!r} has no components; it is left out",
                )
                continue
            out.append(component)
            out.extend(found[m] for m in component.children)
            placed.update([key, *component.children])
        else:
            out.append(component)
            placed.add(key)
    return out


def _placeholder(name: str) -> bool:
    """Statuspage's own words in place of a component: "No components were affected ..."."""
    return fold(name).startswith("no components were affected")


def components_from_incidents(export: Export) -> list[tuple[str, Any]]:
    """The page's components as its incidents name them, for data that lacks the page's own
    list (an incidents.json saved alone): each component once, in page order where known."""
    found: dict[str, tuple[int, int, str, dict[str, Any]]] = {}
    seen_names: set[str] = set()
    for where, raw in export.incidents:
        if not isinstance(raw, dict):
            continue
        listed = raw.get("components")
        named: list[Any] = list(listed) if isinstance(listed, list) else []
        updates = raw.get("incident_updates")
        for update in updates if isinstance(updates, list) else []:
            affected = update.get("affected_components") if isinstance(update, dict) else None
            for item in affected if isinstance(affected, list) else []:
                if isinstance(item, dict):
                    named.append({"id": item.get("code"), "name": item.get("name")})
        for item in named:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            name = item["name"]
            if _placeholder(name) or fold(name) in seen_names or not clean_line(name):
                continue
            key = item["id"] if isinstance(item.get("id"), str) else f"name:{fold(name)}"
            if key in found:
                continue
            seen_names.add(fold(name))
            position = item.get("position")
            copy = {k: item.get(k) for k in ("id", "name", "description", "start_date")}
            rank = position if isinstance(position, int) else 10**6
            found[key] = (rank, len(found), where, copy)
    return [(where, copy) for _, _, where, copy in sorted(found.values(), key=lambda v: v[:2])]


def plan_components(
    components: list[SourceComponent], site: Site | None, page_name: str
) -> ComponentPlan:
    """Match the page's components with the site's by name; give the rest new, unique ids."""
    plan = ComponentPlan()
    taken: set[str] = set(site.by_id) if site else set()
    top_by_name: dict[str, str] = {}  # folded name → id, top-level components and groups
    groups_by_name: dict[str, str] = {}
    leaves_by_name: dict[str, str] = {}
    if site is not None:
        for ours in site.components:
            (groups_by_name if ours.is_group else top_by_name).setdefault(fold(ours.name), ours.id)
        for ours in site.all_components:
            plan.names.setdefault(fold(ours.name), ours.id)
            if not ours.is_group:
                leaves_by_name.setdefault(fold(ours.name), ours.id)

    def allocate(name: str, prefix: str | None = None) -> str:
        base = _slug(name, "component")
        if base in taken and prefix:
            base = f"{prefix}-{base}"
        return unique(base, taken)

    by_key = {c.key: c for c in components}
    new_groups: dict[str, NewComponent] = {}
    for component in components:
        if component.is_group:
            existing = groups_by_name.get(fold(component.name))
            if existing is not None:
                plan.ids[component.key] = existing
                continue
            entry = NewComponent(
                allocate(component.name), component.name, component.description, component.since
            )
            new_groups[component.key] = entry
            plan.ids[component.key] = entry.id
            plan.new_top.append(entry)
        elif component.group_key is not None:
            group_id = plan.ids[component.group_key]
            group = by_key[component.group_key]
            if component.group_key in new_groups:
                existing = None
            else:
                members = site.by_id[group_id].children if site else ()
                existing = next(
                    (
                        m
                        for m in members
                        if site and fold(site.by_id[m].name) == fold(component.name)
                    ),
                    None,
                ) or leaves_by_name.get(fold(component.name))
            if existing is not None:
                plan.ids[component.key] = existing
                continue
            entry = NewComponent(
                allocate(component.name, _slug(group.name, "group")),
                component.name,
                component.description,
                component.since,
            )
            plan.ids[component.key] = entry.id
            if component.group_key in new_groups:
                new_groups[component.group_key].children.append(entry)
            else:
                plan.new_children.append((group_id, entry))
        else:
            existing = top_by_name.get(fold(component.name)) or leaves_by_name.get(
                fold(component.name)
            )
            if existing is not None:
                plan.ids[component.key] = existing
                continue
            entry = NewComponent(
                allocate(component.name), component.name, component.description, component.since
            )
            plan.ids[component.key] = entry.id
            plan.new_top.append(entry)
    for component in components:
        plan.names.setdefault(fold(component.name), plan.ids[component.key])
    if site is None and not components:
        # A page without components still needs one: the service itself, named after the page.
        entry = NewComponent(allocate(page_name), page_name)
        plan.new_top.append(entry)
    return plan


def _slug(name: str, fallback: str, limit: int = 40) -> str:
    from slugify import slugify

    slug = slugify(name, max_length=limit, word_boundary=True, save_order=True)
    if slug:
        return slug
    return f"{fallback}-{hashlib.sha256(fold(name).encode('utf-8')).hexdigest()[:6]}"


# -- the incidents ------------------------------------------------------------------------------


@dataclass
class DraftUpdate:
    time: datetime  # UTC, whole seconds
    order: tuple[Any, ...]  # of two at the same time, the greater is the later
    status: str
    body: str


@dataclass
class Draft:
    """An incident or maintenance as it will be written."""

    statuspage_id: str
    title: str
    maintenance: bool
    updates: list[DraftUpdate]  # oldest first
    impact: str | None = None
    components: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    # (source key, name, status or None for the default)
    started: datetime | None = None
    window: tuple[datetime, datetime] | None = None
    open_upstream: bool = False  # unresolved, or a maintenance not completed, on Statuspage

    @property
    def first_time(self) -> datetime:
        return self.updates[0].time


def read_time(value: Any) -> datetime | None:
    """A Statuspage timestamp (ISO 8601 with an offset) in UTC, without fractions of a second."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"\s*UTC$", "+00:00", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def read_incidents(export: Export, problems: Problems) -> list[Draft]:
    """Every incident and maintenance of the export, each once (the newest copy of it)."""
    drafts: dict[str, tuple[Draft, Any]] = {}
    for index, (where, raw) in enumerate(export.incidents):
        draft = read_incident(where, raw, index, problems)
        if draft is None:
            continue
        seen = drafts.get(draft.statuspage_id)
        # summary.json and incidents.json both list an open incident: keep the fuller copy.
        if seen is None or (len(draft.updates), _updated(raw)) > (
            len(seen[0].updates),
            _updated(seen[1]),
        ):
            drafts[draft.statuspage_id] = (draft, raw)
    return sorted((d for d, _ in drafts.values()), key=lambda d: (d.first_time, d.statuspage_id))


def _updated(raw: Any) -> str:
    value = raw.get("updated_at") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else ""


def read_incident(where: str, raw: Any, index: int, problems: Problems) -> Draft | None:
    """One incident or maintenance; problems name it by its title and Statuspage id."""
    if not isinstance(raw, dict):
        problems.error(
            where, 0, f"incident #{index + 1} is not a JSON object but {type(raw).__name__}"
        )
        return None
    raw_name = raw.get("name")
    title = (
        clean_line(str(raw_name))
        if isinstance(raw_name, str | int | float) and not isinstance(raw_name, bool)
        else ""
    )
    raw_id = raw.get("id")
    label = f"incident {title[:80]!r}" if title else f"incident #{index + 1}"
    if isinstance(raw_id, str) and _ID.match(raw_id):
        statuspage_id = raw_id
        label += f" (statuspage id {raw_id})"
    else:
        seed = json.dumps([raw_id, raw_name, raw.get("created_at")], sort_keys=True, default=str)
        statuspage_id = "x" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:15]
        problems.warning(
            where,
            0,
            f"{label} has no usable id ({raw_id!r:.40}); it is kept as statuspage_id "
            f"{statuspage_id}, which importing the same data again finds",
        )

    def warn(message: str) -> None:
        problems.warning(where, 0, f"{label}: {message}")

    raw_status = raw.get("status") if isinstance(raw.get("status"), str) else None
    raw_updates = raw.get("incident_updates")
    if raw_updates is not None and not isinstance(raw_updates, list):
        warn(f"incident_updates is {type(raw_updates).__name__}, not a list; it is read as empty")
        raw_updates = None
    statuses = {u.get("status") for u in raw_updates or [] if isinstance(u, dict)}
    # A maintenance has a window; else it is told by its statuses (or its impact) alone.
    maintenance = bool(raw.get("scheduled_for")) or (
        bool(
            (statuses | {raw_status}) & set(MAINTENANCE_STATUSES)
            or raw.get("impact") == "maintenance"
        )
        and not statuses & set(INCIDENT_STATUSES)
    )
    allowed = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
    other = _AS_MAINTENANCE if maintenance else _AS_INCIDENT

    def status_of(value: Any, what: str) -> str:
        if isinstance(value, str) and value in allowed:
            return value
        if isinstance(value, str) and value in other:
            kind = "an incident" if maintenance else "a maintenance"
            warn(f"{what} status {value!r} belongs to {kind}; it is read as {other[value]!r}")
            return other[value]
        warn(
            f"{what} has the unknown status {value!r}; it is imported as an Update "
            "(the status stays as it was)"
        )
        return UPDATE

    updates: list[DraftUpdate] = []
    for position, update in enumerate(raw_updates or []):
        if not isinstance(update, dict):
            warn(f"update #{position + 1} is not a JSON object; it is left out")
            continue
        moment = read_time(update.get("display_at")) or read_time(update.get("created_at"))
        if moment is None:
            warn(
                f"update #{position + 1} has no time (display_at "
                f"{update.get('display_at')!r:.40}); it is left out"
            )
            continue
        created = read_time(update.get("created_at")) or moment
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
        status = status_of(update.get("status"), f"the update of {stamp}")
        body = update.get("body")
        if body is None or (isinstance(body, str) and not body.strip()):
            text = NO_TEXT
            warn(f"the update of {stamp} has no text; it reads {NO_TEXT!r}")
        else:
            if not isinstance(body, str):
                warn(
                    f"the update of {stamp} has a {type(body).__name__} for its text; "
                    "it is written as text"
                )
                body = json.dumps(body) if isinstance(body, dict | list) else str(body)
            text = clean_body(body, lambda m, s=stamp: warn(f"the update of {s}: {m}"))
        # The API lists updates newest first: of two posted at one moment, the later stands first.
        updates.append(DraftUpdate(moment, (created, -position), status, text))

    created_at = read_time(raw.get("created_at"))
    if not updates:
        if created_at is None:
            problems.error(
                where,
                0,
                f"{label} has no update with a time and no created_at, so it cannot be placed "
                "in time; add an update to it on Statuspage, or leave it out of the saved JSON",
            )
            return None
        first = raw_status if raw_status is not None and raw_status in allowed else allowed[0]
        warn(f"it has no updates; it gets one at its created_at time saying {NO_TEXT!r}")
        updates.append(DraftUpdate(created_at, (created_at, 0), first, NO_TEXT))
    updates.sort(key=lambda u: (u.time, u.order))

    if not title:
        title = f"Incident on {updates[0].time:%Y-%m-%d %H:%M} UTC"
        warn(f"it has no name; it is called {title!r}")
    elif len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + " …"
        warn(f"its name is longer than {MAX_TITLE} characters; it is cut there")

    draft = Draft(statuspage_id, title, maintenance, updates)
    impact = raw.get("impact")
    if impact in IMPACTS:
        draft.impact = str(impact)
    elif not (maintenance and impact == "maintenance") and impact is not None:
        warn(f"unknown impact {impact!r}; the impact follows from the components' statuses")
    elif impact is None and not maintenance:
        warn("it has no impact; the impact follows from the components' statuses")

    _read_affected(raw, raw_updates or [], draft, warn)
    if maintenance:
        draft.window = _window(raw, updates, warn)
    else:
        started = read_time(raw.get("started_at"))
        if started is not None and started != updates[0].time:
            draft.started = started
        _read_postmortem(raw, draft, warn)
        _close_if_resolved(raw, draft, warn)
    draft.open_upstream = not maintenance and _effective(draft) in UNRESOLVED
    return draft


def _effective(draft: Draft) -> str:
    status = "investigating"
    for update in draft.updates:
        if update.status != UPDATE:
            status = update.status
    return status


def _read_affected(raw: dict[str, Any], raw_updates: list[Any], draft: Draft, warn: Any) -> None:
    """The components the updates affected, each with the worst status they gave it."""
    allowed = MAINTENANCE_COMPONENT_STATUSES if draft.maintenance else INCIDENT_COMPONENT_STATUSES
    worst: dict[str, tuple[str | None, str | None, str | None]] = {}
    unknown: set[str] = set()
    for update in raw_updates:
        affected = update.get("affected_components") if isinstance(update, dict) else None
        for item in affected if isinstance(affected, list) else []:
            if not isinstance(item, dict):
                continue
            code = item.get("code") if isinstance(item.get("code"), str) else None
            name = item.get("name") if isinstance(item.get("name"), str) else None
            if code is None and (name is None or _placeholder(name)):
                continue
            key = code or f"name:{fold(name or '')}"
            status = item.get("new_status")
            if isinstance(status, str) and status in allowed:
                pass
            elif status in ("operational", None) or (status in MAINTENANCE_COMPONENT_STATUSES):
                status = None  # operational, or under maintenance in an incident: the default
            else:
                unknown.add(str(status))
                status = None
            current = worst.get(key)
            if current is None:
                worst[key] = (code, name, status)
            elif status is not None and (
                current[2] is None or severity(status) > severity(current[2])
            ):
                worst[key] = (code, name or current[1], status)
    listed = raw.get("components")
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            key = item["id"]
            if key not in worst:
                name = item.get("name") if isinstance(item.get("name"), str) else None
                worst[key] = (key, name, None)
    for value in sorted(unknown):
        warn(f"unknown component status {value!r}; the component gets the incident's default")
    draft.components = list(worst.values())


def _window(
    raw: dict[str, Any], updates: list[DraftUpdate], warn: Any
) -> tuple[datetime, datetime]:
    start = read_time(raw.get("scheduled_for"))
    end = read_time(raw.get("scheduled_until"))
    if start is None:
        begun = [u.time for u in updates if u.status == "in_progress"]
        start = begun[0] if begun else updates[0].time
        warn(f"it has no scheduled_for; its window starts at {start:%Y-%m-%d %H:%M:%S} UTC")
    if end is None or end <= start:
        done = [u.time for u in updates if u.status == "completed" and u.time > start]
        chosen = done[0] if done else start + timedelta(hours=1)
        why = "no scheduled_until" if end is None else "a scheduled_until before its start"
        warn(f"it has {why}; its window ends at {chosen:%Y-%m-%d %H:%M:%S} UTC")
        end = chosen
    return start, end


def _read_postmortem(raw: dict[str, Any], draft: Draft, warn: Any) -> None:
    """The postmortem as a ``Postmortem`` update; the public API has only its status."""
    body = raw.get("postmortem_body")
    published = read_time(raw.get("postmortem_published_at"))
    latest = draft.updates[-1].time
    if isinstance(body, str) and body.strip() and published is not None:
        text = clean_body(body, lambda m: warn(f"the postmortem: {m}"), demote=True)
    elif raw.get("status") == "postmortem":
        text = POSTMORTEM_ELSEWHERE
        published = published or read_time(raw.get("updated_at"))
        warn(
            "its postmortem's text is not in this data (the public API leaves it out); it is "
            "imported as a Postmortem update that says so: import with --page-id and an API key "
            "to bring the text, or paste it into the file"
        )
    else:
        return
    moment = max(published or latest, latest)
    draft.updates.append(DraftUpdate(moment, (moment, float("inf")), "postmortem", text))


def _close_if_resolved(raw: dict[str, Any], draft: Draft, warn: Any) -> None:
    """An incident resolved on Statuspage without a Resolved update is resolved here too, so
    it does not show as active forever."""
    if raw.get("status") not in ("resolved", "postmortem") or _effective(draft) not in UNRESOLVED:
        return
    latest = draft.updates[-1].time
    moment = max(read_time(raw.get("resolved_at")) or latest, latest)
    warn(
        f"it is resolved on Statuspage but no update says so; a Resolved update is added at "
        f"{moment:%Y-%m-%d %H:%M:%S} UTC"
    )
    draft.updates.append(
        DraftUpdate(moment, (moment, float("inf")), "resolved", RESOLVED_WITHOUT_TEXT)
    )
    draft.updates.sort(key=lambda u: (u.time, u.order))


def clean_body(text: str, warn: Any, demote: bool = False) -> str:
    """An update's text as Markdown that keeps the file's structure, with its words unchanged.

    Line breaks become ``\\n``; characters that no page or feed can hold are dropped; a line
    that would read as an update heading (``#``/``##``, or text underlined with ``===`` or
    ``---``) is escaped; a code fence left open is closed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = textfile.FORBIDDEN.sub("", re.sub(r"[\ud800-\udfff]", "\ufffd", text))
    if cleaned != text:
        warn("control characters that no page can show were left out of its text")
    text = cleaned.strip("\n").rstrip()
    if len(text) > MAX_BODY:
        cut = text.rfind("\n", 0, MAX_BODY)
        cut = cut if cut > MAX_BODY // 2 else MAX_BODY
        left = len(text) - cut
        text = text[:cut].rstrip() + f"\n\n[…] ({left:,} more characters were left out on import.)"
        warn(f"its text is {len(cleaned):,} characters long; only the first {cut:,} are kept")
    if demote:  # a postmortem's own headings stay headings, below the update's
        text = _demote_headings(text)
    try:
        contained = contain_text(text)
    except UncontainedText:  # as code indented by four spaces, which ends where the text does
        warn("its text could not be kept apart from the next update's, so it is shown as code")
        contained = contain_text("\n".join("    " + line for line in text.split("\n")))
    for message in dict.fromkeys(change for _, change in contained.changes):
        warn(message)
    return contained.text


def _demote_headings(text: str) -> str:
    """``#`` and ``##`` headings (ATX, outside code) two levels down: ``###`` and ``####``."""
    tokens, _ = parse_blocks(text)
    lines = text.split("\n")
    for token in tokens:
        if (
            token.type == "heading_open"
            and token.level == 0
            and token.tag in ("h1", "h2")
            and token.markup.startswith("#")
            and token.map is not None
        ):
            at = token.map[0]
            lines[at] = lines[at].replace(token.markup, token.markup + "##", 1)
    return "\n".join(lines)


# -- writing the files ----------------------------------------------------------------------


def written_time(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the files have it, to the second, in the site's zone (with the offset where
    the wall time occurs twice)."""
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if is_ambiguous(local):
        offset = local.strftime("%z")
        text += f" {offset[:3]}:{offset[3:]}"
    return text


def yaml_scalar(text: str) -> str:
    """One YAML scalar, quoted where YAML needs it."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_style=None)
    return dumped.removesuffix("...\n").strip()


def heading_word(status: str) -> str:
    return status.replace("_", " ").capitalize()


def incident_text(
    draft: Draft, plan: ComponentPlan, zone: ZoneInfo, missing: Callable[[str], None]
) -> str:
    """The incident file, checksum included."""
    allowed = MAINTENANCE_COMPONENT_STATUSES if draft.maintenance else INCIDENT_COMPONENT_STATUSES
    default = (
        UNDER_MAINTENANCE
        if draft.maintenance
        else IMPACT_TO_STATUS.get(draft.impact or "", DEGRADED)
    )
    chosen: dict[str, str] = {}
    for key, name, status in draft.components:
        our = plan.our_id(key, name)
        if our is None:
            missing(name or key or "")
            continue
        value = status if status is not None and status in allowed else default
        if our not in chosen or severity(value) > severity(chosen[our]):
            chosen[our] = value
    lines = ["---", f"title: {yaml_scalar(draft.title)}"]
    if chosen:
        lines.append("components:")
        lines += [f"  {cid}: {status}" for cid, status in chosen.items()]
    else:
        lines.append("components: {}")
    if draft.impact is not None:
        lines.append(f"impact: {draft.impact}")
    if draft.started is not None:
        lines.append(f"started: {written_time(draft.started, zone)}")
    if draft.window is not None:
        lines += [
            "maintenance:",
            f"  start: {written_time(draft.window[0], zone)}",
            f"  end: {written_time(draft.window[1], zone)}",
        ]
    lines += [f"statuspage_id: {draft.statuspage_id}", "---"]
    for update in reversed(draft.updates):  # newest first, as the writing commands add them
        lines += [
            "",
            f"## {written_time(update.time, zone)} — {heading_word(update.status)}",
            update.body,
        ]
    return with_checksum("\n".join(lines) + "\n")


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def with_checksum(text: str) -> str:
    """Note on the ``statuspage_id`` line a checksum of the file, so that importing again can
    tell a file nobody has edited since (which it may bring up to date) from one a writer has
    edited (which it never touches)."""
    return re.sub(
        r"^(statuspage_id:[ \t]*\S+)[ \t]*$",
        lambda m: m.group(1) + CHECKSUM_NOTE + _checksum(text),
        text,
        count=1,
        flags=re.M,
    )


def unedited(text: str) -> bool:
    """Whether a file is exactly as the importer wrote it."""
    match = _CHECKSUM_LINE.search(text)
    if match is None:
        return False
    bare = text[: match.start()] + match.group(1) + text[match.end() :]
    return _checksum(bare) == match.group(2)


def new_incident_id(draft: Draft, zone: ZoneInfo, taken: set[str]) -> str:
    """``<date>-<slug of the title>`` as ``statusgen new`` makes it, unique in the folder."""
    from generator.incident_writer import slugify

    day = (draft.window[0] if draft.window else draft.first_time).astimezone(zone).date()
    return unique(f"{day.isoformat()}-{slugify(draft.title)}", taken)


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` ... the first not taken; it is taken from then on."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


_FRONT_ID = re.compile(r"^statuspage_id:[ \t]*['\"]?([A-Za-z0-9_-]+)['\"]?[ \t]*(?:#.*)?$", re.M)


def imported_files(folder: Path) -> dict[str, Path]:
    """The files that already hold an imported incident, by Statuspage id."""
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        front = text.split("\n---", 1)[0] if text.startswith("---") else ""
        match = _FRONT_ID.search(front)
        if match:
            out.setdefault(match.group(1), path)
    return out


# -- the whole import ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, for the summary printed to the writer."""

    site_yaml: str  # "written", "added", "unchanged"
    components_added: list[str]
    written: list[Path]  # new incident files
    refreshed: list[Path]  # files brought up to date (--refresh)
    unchanged: list[Path]  # already imported, nothing new
    newer_upstream: list[Path]  # already imported, unedited, with news upstream (no --refresh)
    edited: list[Path]  # already imported and edited here since: never touched
    open_upstream: list[tuple[Path, str]]  # (file, status) still open on Statuspage
    warnings: list[Any]
    incidents: int = 0
    maintenance: int = 0

    def summary(self, site_path: Path) -> list[str]:
        from generator.problems import display_path

        lines = []
        if self.site_yaml == "written":
            lines.append(
                f"wrote {display_path(site_path)} ({len(self.components_added)} components)"
            )
        elif self.site_yaml == "added":
            lines.append(f"added to {display_path(site_path)}: {', '.join(self.components_added)}")
        lines.append(
            f"imported {self.incidents} incident{'s' if self.incidents != 1 else ''} and "
            f"{self.maintenance} maintenance{'s' if self.maintenance != 1 else ''}"
            + (f" into {display_path(self.written[0].parent)}" if self.written else "")
        )
        if self.refreshed:
            lines.append(f"brought {len(self.refreshed)} imported files up to date")
        if self.unchanged:
            lines.append(f"{len(self.unchanged)} already imported, with nothing new")
        if self.newer_upstream:
            lines.append(
                f"{len(self.newer_upstream)} already imported have news on Statuspage; they are "
                "kept as they are (import again with --refresh to bring them up to date):"
            )
            lines += [f"  {display_path(p)}" for p in self.newer_upstream]
        if self.edited:
            lines.append(
                f"{len(self.edited)} already imported were edited here since; kept as they are"
            )
        for path, status in self.open_upstream:
            lines.append(
                f"still {status.replace('_', ' ')} on Statuspage: {display_path(path)} "
                f"(post its next update here: statusgen update {path.stem} ...)"
            )
        return lines


def import_statuspage(
    source: Path,
    export: Export,
    problems: Problems,
    progress: Progress | None = None,
    refresh: bool = False,
) -> ImportResult:
    """Import ``export`` into the site at ``source``; nothing is written unless all of it passes."""
    from generator.importer import writing

    progress = progress or Progress()
    site = None
    if (source / "site.yaml").exists():
        site = load_site(source, problems)
        if site is None:
            from generator.problems import ContentError

            raise ContentError(problems.sorted())
    if not export.components and not export.groups:
        export.components = components_from_incidents(export)
        if export.components:
            problems.warning(
                export.origin,
                0,
                "the data has no list of the page's components (its summary.json or "
                "components.json); they are taken from the incidents that name them",
            )
    components = read_components(export, problems)
    drafts = read_incidents(export, problems)
    page_name = _page_name(export, problems)
    plan = plan_components(components, site, page_name)
    zone = site.timezone if site else _page_zone(export, problems)

    if site is None:
        site_text: str | None = writing.new_site_yaml(
            page_name, _page_url(export, problems), zone, export.links, plan
        )
        state = "written"
    elif plan.new_top or plan.new_children:
        site_text = writing.add_components(
            (source / "site.yaml").read_text(encoding="utf-8"), source / "site.yaml", plan
        )
        state = "added"
    else:
        site_text, state = None, "unchanged"

    folder = incidents_dir(source)
    existing = imported_files(folder)
    taken = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    files: dict[Path, tuple[str, Draft]] = {}
    result = ImportResult(state, plan.added, [], [], [], [], [], [], [])
    retired: dict[str, int] = {}  # components that incidents name but the page no longer has

    def missing(name: str) -> None:
        retired[name] = retired.get(name, 0) + 1

    for number, draft in enumerate(drafts, 1):
        if number % 50 == 0 or number == len(drafts):
            progress.show(f"preparing {number}/{len(drafts)} incidents")
        path = existing.get(draft.statuspage_id)
        if path is not None:
            current = path.read_text(encoding="utf-8")
            wanted = incident_text(draft, plan, zone, lambda _name: None)
            if wanted == current:
                result.unchanged.append(path)
            elif not unedited(current):
                result.edited.append(path)
            elif refresh:
                files[path] = (wanted, draft)
                result.refreshed.append(path)
            else:
                result.newer_upstream.append(path)
            continue
        path = folder / f"{new_incident_id(draft, zone, taken)}.md"
        files[path] = (incident_text(draft, plan, zone, missing), draft)
        result.written.append(path)
        if draft.maintenance:
            result.maintenance += 1
        else:
            result.incidents += 1
        if draft.open_upstream:
            result.open_upstream.append((path, _effective(draft)))
    progress.done()
    for name, count in sorted(retired.items()):
        problems.warning(
            export.origin,
            0,
            f"component {name!r} is named by {count} incident{'s' if count != 1 else ''} but is "
            "not on the page (any more); it is left out of them",
        )
    if problems.errors:
        from generator.problems import ContentError

        raise ContentError(problems.sorted())
    writing.commit(source, site_text, files, problems, progress)
    result.warnings = problems.sorted()
    return result


def _page_name(export: Export, problems: Problems) -> str:
    name = export.page.get("name")
    if isinstance(name, str) and clean_line(name):
        return clean_line(name)
    problems.warning(export.origin, 0, "the page has no name; the site is called 'Status'")
    return "Status"


def _page_url(export: Export, problems: Problems) -> str:
    url = export.page.get("url")
    if isinstance(url, str) and re.match(r"^https?://[^\s/]+", url.strip()):
        return url.strip().rstrip("/") + "/"
    from generator.problems import ContentError

    problems.error(
        export.origin,
        0,
        "the data does not say the page's address, which site.yaml needs: write a site.yaml "
        "with name: and url: (the address the site will be published at) and import again",
    )
    raise ContentError(problems.sorted())


def _page_zone(export: Export, problems: Problems) -> ZoneInfo:
    value = export.page.get("time_zone")
    if isinstance(value, str) and value in available_timezones():
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if value is not None:
        problems.warning(
            export.origin,
            0,
            f"the page's time zone {value!r} is not an IANA name; the site uses UTC",
        )
    return ZoneInfo("UTC")
