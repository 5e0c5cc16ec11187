"""Reading incident files, ``content/incidents/<id>.md`` (SPEC section 3).

A file is YAML front matter between ``---`` lines, then updates: each a level-2 heading
``## <time> <separator> <Status>`` and the Markdown under it. Every problem is reported at its
line in the file; a file with errors is left out and the build fails.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from markdown_it.token import Token

from generator import statuses, textfile, yamlfile
from generator.config import ID_PATTERN
from generator.markdown import parse_blocks, plain_text_of, render_tokens
from generator.model import Content, Incident, Site, Update
from generator.parallel import IN_PROCESS, MIN_HEAVY_ITEMS, Workers
from generator.problems import Problem, Problems, display_path, quoted
from generator.statuses import (
    FINISHED,
    IMPACT_TO_STATUS,
    IMPACTS,
    INCIDENT_COMPONENT_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_COMPONENT_STATUSES,
    MAINTENANCE_STATUSES,
    UNDER_MAINTENANCE,
    UPDATE,
)
from generator.times import UTC, TimeError, parse_time

FRONT_MATTER_KEYS = (
    "title",
    "components",
    "impact",
    "started",
    "next_update",
    "maintenance",
    "statuspage_id",
)
SEPARATORS = ("—", "–", "-", "|", "·")
# An update heading's text: ``<time> <separator> <Status>``.
HEADING_PATTERN = re.compile(
    r"^(?P<time>.+?)\s+(?:"
    + "|".join(re.escape(s) for s in SEPARATORS)
    + r")\s+(?P<status>[A-Za-z][A-Za-z _-]*?)\s*$"
)
HEADING_EXAMPLE = "## 2026-11-20 14:05 — Investigating"


def incidents_dir(source: Path) -> Path:
    return source / "content" / "incidents"


class Parsed(NamedTuple):
    """What an incident's text reads as: the incident (None when it has errors) and the
    problems found, errors and warnings."""

    incident: Incident | None
    problems: list[Problem]


class IncidentCache:
    """What each incident file read as, for a process that builds again and again (the
    preview): a file whose bytes are unchanged, read for the same site zone and components, is
    not parsed again. The key is a hash of the bytes read, so no edit is ever missed, however
    small or quick (a same-size edit within the file system's time granularity, say)."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[object, ...], Parsed]] = {}

    @staticmethod
    def key(data: bytes, site: Site) -> tuple[object, ...]:
        digest = hashlib.blake2b(data, digest_size=16).digest()
        return (digest, site.timezone.key, tuple(sorted(site.by_id)))

    def get(self, path: Path, data: bytes, site: Site) -> Parsed | None:
        entry = self._entries.get(path)
        if entry is None or entry[0] != self.key(data, site):
            return None
        return entry[1]

    def put(self, path: Path, data: bytes, site: Site, parsed: Parsed) -> None:
        self.learn(path, self.key(data, site), parsed)

    def learn(self, path: Path, key: tuple[object, ...], parsed: Parsed) -> None:
        self._entries[path] = (key, parsed)

    def key_of(self, path: Path) -> tuple[object, ...] | None:
        """The key of what the cache holds for ``path``, if anything."""
        entry = self._entries.get(path)
        return entry[0] if entry is not None else None

    def keep_only(self, paths: list[Path]) -> None:
        for gone in set(self._entries) - set(paths):
            del self._entries[gone]


class Alongside(Protocol):
    """Work done on each incident by the worker that read it (see :func:`load_content`)."""

    def work(self, incident: Incident, site: Site) -> Any: ...

    def take(self, incident: Incident, site: Site, result: Any) -> None: ...


def load_content(
    site: Site,
    problems: Problems,
    cache: IncidentCache | None = None,
    workers: Workers = IN_PROCESS,
    meanwhile: Callable[[], object] | None = None,
    alongside: Alongside | None = None,
) -> Content:
    """Read every incident file of the site; problems go to ``problems``. ``workers`` read
    the files, while this process runs ``meanwhile()``; ``cache`` learns what they read.
    Each incident read is handed to ``alongside.work`` by the worker that read it, and what
    that gave to ``alongside.take`` here (the facts that last: generator.derive.FactsCache)."""
    folder = incidents_dir(site.source)
    paths = []
    if folder.is_dir():
        with os.scandir(folder) as listing:  # by name, as sorted Paths, without their cost
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith("~"):
                continue  # editors' and git's own files (.x.md.swp, x.md~)
            path = folder / entry.name
            if entry.name.endswith(".md") and entry.name != ".md" and not entry.is_dir():
                paths.append(path)
            else:
                _not_an_incident_file(path, problems)

    def read(start: int, stop: int) -> list[tuple[Parsed, tuple[object, ...] | None, Any]]:
        out = []
        for path in paths[start:stop]:
            parsed = read_incident(path, site, cache)
            beside = None
            if alongside is not None and parsed.incident is not None:
                beside = alongside.work(parsed.incident, site)
            out.append((parsed, cache.key_of(path) if cache is not None else None, beside))
        return out

    incidents = []
    # A worker's cache is its own copy: what it learned comes back, and is learned here.
    results = workers.map(read, len(paths), meanwhile, least=MIN_HEAVY_ITEMS)
    for path, ((incident, found), learned, beside) in zip(paths, results, strict=True):
        if incident is not None:
            incidents.append(incident)
            if alongside is not None:
                alongside.take(incident, site, beside)
        problems.items.extend(found)
        if cache is not None and learned is not None and cache.key_of(path) != learned:
            cache.learn(path, learned, Parsed(incident, found))
    if cache is not None:
        cache.keep_only(paths)
    incidents.sort(key=lambda i: (i.first_update.time, i.id), reverse=True)
    return Content(site=site, incidents=tuple(incidents))


# A line meant as the '---' fence: dashes, en or em dashes, or underscores, spaced or not.
_MISTYPED_FENCE = re.compile(r"^\s*(?:[-–—_]\s*){1,6}$")


def _not_an_incident_file(entry: Path, problems: Problems) -> None:
    """Something in content/incidents/ that would be silently ignored: a file saved without
    ``.md`` (the GitHub web editor adds none), with another extension, or a folder."""
    if entry.is_dir():
        problems.error(
            entry,
            0,
            "a folder in content/incidents/ is not read: incidents are files directly in "
            f"content/incidents/; move its .md files up (git mv {display_path(entry)}/*.md "
            f"{display_path(entry.parent)}/)",
        )
        return
    markdown = entry.suffix.lower() in _MARKDOWN_SUFFIXES
    renamed = entry.with_name((entry.stem if markdown else entry.name) + ".md")
    problems.error(
        entry,
        0,
        "this file is not read: the name of an incident file ends in .md; rename it "
        f"(git mv {display_path(entry)} {display_path(renamed)})",
    )


_MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkd", ".txt", ".md")


def normalize_status(word: str) -> str:
    return re.sub(r"[\s_-]+", "_", word.strip().lower())


def read_incident(path: Path, site: Site, cache: IncidentCache | None = None) -> Parsed:
    """Read one incident file (from ``cache`` when its bytes are the same as last time)."""
    problems = Problems()
    try:
        data = textfile.read_bytes(path)
        cached = cache.get(path, data, site) if cache is not None else None
        if cached is not None:
            return cached
        text = textfile.decode_text(data)
    except textfile.TextFileError as exc:
        _check_id(path, problems)
        problems.error(path, exc.line, str(exc))
        return Parsed(None, problems.items)
    except OSError as exc:
        _check_id(path, problems)
        problems.error(path, 0, f"cannot read this file: {exc.strerror or exc}")
        return Parsed(None, problems.items)
    parsed = parse_incident(text, path.stem, site)
    if cache is not None:
        cache.put(path, data, site, parsed)
    return parsed


def load_incident(path: Path, site: Site, problems: Problems) -> Incident | None:
    """Read one incident file; report its problems and return None if it has errors."""
    incident, found = read_incident(path, site)
    problems.items.extend(found)
    return incident


def _check_id(path: Path, problems: Problems) -> None:
    if not ID_PATTERN.match(path.stem):
        problems.error(
            path,
            0,
            f"the file name {quoted(path.name)} cannot be an incident id: use "
            "lower-case letters, digits and dashes, e.g. 2026-11-20-api-errors.md",
        )


@dataclass(frozen=True)
class FrontMatter:
    """Where an incident's text is cut: offsets into the text, and the closing fence's line."""

    newline: str  # the text's line ending, "\n", "\r\n" or "\r" (as its first line ends)
    yaml_start: int  # the first character of the YAML between the fences
    yaml_end: int  # the first character of the closing fence line
    body_start: int  # the first character after the closing fence line
    closing_line: int  # the closing fence's line, counted from 0


class FrontMatterError(ValueError):
    """The text has no front matter, or it is not closed."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _line_end(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\r" if line.endswith("\r") else "\n"


def split_front_matter(text: str) -> FrontMatter:
    """Find the front matter of an incident's text: ``---`` lines around YAML, first thing."""
    lines = textfile.split_lines(text, keepends=True)
    newline = _line_end(lines[0]) if lines else "\n"
    first = lines[0].strip().lstrip("\ufeff") if lines else ""
    if first != "---" and _MISTYPED_FENCE.match(first):
        raise FrontMatterError(1, f"front matter starts with '---' (three dashes), not {first!r}")
    if not lines or first != "---":
        raise FrontMatterError(
            1,
            "an incident file starts with front matter between '---' lines:\n"
            "---\ntitle: Elevated error rates on the API\ncomponents:\n"
            "  api: partial_outage\n---",
        )
    offset = len(lines[0])
    for number, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return FrontMatter(newline, len(lines[0]), offset, offset + len(line), number)
        offset += len(line)
    for number, line in enumerate(lines[1:], 1):
        if _MISTYPED_FENCE.match(line):
            raise FrontMatterError(
                number + 1,
                f"front matter ends with a line '---' (three dashes), not {line.strip()!r}",
            )
    raise FrontMatterError(1, "the front matter is not closed: add a line '---' after it")


def parse_incident(text: str, incident_id: str, site: Site) -> Parsed:
    """Read the text of the incident ``incident_id`` of ``site``: the one reader of an incident,
    for files, the preview's cache and the writing commands alike. Problems name the file
    ``content/incidents/<id>.md`` of the site and the line."""
    path = incidents_dir(site.source) / f"{incident_id}.md"
    problems = Problems()
    _check_id(path, problems)
    text = text.lstrip("\ufeff")
    lines = textfile.split_lines(text)
    try:
        end = split_front_matter(text).closing_line
    except FrontMatterError as exc:
        problems.error(path, exc.line, exc.message)
        return Parsed(None, problems.items)
    zone = site.timezone
    try:
        meta = yamlfile.load("\n".join(lines[1:end])) or yamlfile.Located()
    except yamlfile.YamlError as exc:
        problems.error(path, exc.line + 1, str(exc))
        return Parsed(None, problems.items)
    if not isinstance(meta, dict):
        problems.error(path, 2, "the front matter must be keys such as title: and components:")
        return Parsed(None, problems.items)

    def line(key: str) -> int:
        return yamlfile.line_of(meta, key, 1) + 1 if key in meta else 1

    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            problems.error(
                path,
                line(key),
                f"unknown key {quoted(key)}; the keys are: {', '.join(FRONT_MATTER_KEYS)}",
            )

    title = meta.get("title")
    if (
        title is None
        or isinstance(title, bool | dict | list)
        or not yamlfile.as_text(title).strip()
    ):
        problems.error(
            path,
            line("title") if "title" in meta else 2,
            "title is required and must not be empty, e.g. title: Elevated error rates on the API",
        )
        title = ""

    def read_time(key: str, value: Any, at: int) -> datetime | None:
        if value is None or isinstance(value, bool | dict | list):
            problems.error(path, at, f"{key} must be a time such as 2026-11-20 14:05")
            return None
        try:
            return parse_time(str(value), zone).astimezone(UTC)
        except TimeError as exc:
            problems.error(path, at, f"{key}: {exc}")
            return None

    maintenance_start = maintenance_end = None
    is_maintenance = "maintenance" in meta
    if is_maintenance:
        window = meta["maintenance"]
        if not isinstance(window, dict) or set(window) != {"start", "end"}:
            problems.error(
                path,
                line("maintenance"),
                "maintenance needs a start and an end, "
                "e.g. maintenance: {start: 2026-11-25 02:00, end: 2026-11-25 04:00}",
            )
        else:
            at_start = (
                yamlfile.line_of(window, "start", 0) + 1
                if isinstance(window, yamlfile.Located)
                else line("maintenance")
            )
            at_end = (
                yamlfile.line_of(window, "end", 0) + 1
                if isinstance(window, yamlfile.Located)
                else line("maintenance")
            )
            maintenance_start = read_time("maintenance start", window["start"], at_start)
            maintenance_end = read_time("maintenance end", window["end"], at_end)
            if maintenance_start and maintenance_end and maintenance_end <= maintenance_start:
                problems.error(path, at_end, "the maintenance must end after it starts")

    impact = meta.get("impact")
    if impact is not None and impact not in IMPACTS:
        problems.error(
            path,
            line("impact"),
            f"unknown impact {quoted(impact)}; use one of: {', '.join(IMPACTS)}",
        )
        impact = None

    unknown: list[tuple[int, str]] = []  # components not (or no longer) in site.yaml
    components = _read_components(
        meta, line("components"), path, site, problems, impact, is_maintenance, unknown
    )
    started = read_time("started", meta["started"], line("started")) if "started" in meta else None
    next_update = (
        read_time("next_update", meta["next_update"], line("next_update"))
        if "next_update" in meta and meta["next_update"] is not None
        else None
    )

    statuspage_id = None
    if "statuspage_id" in meta:
        raw_id = meta["statuspage_id"]
        text_id = "" if isinstance(raw_id, bool | dict | list) or raw_id is None else str(raw_id)
        if not re.fullmatch(r"[A-Za-z0-9_-]+", text_id):
            problems.error(
                path,
                line("statuspage_id"),
                "statuspage_id is the id of the incident on Atlassian Statuspage, written by "
                f"statusgen import (letters and digits, e.g. statuspage_id: p9xh4mjk2l0z), "
                f"not {raw_id!r}",
            )
        else:
            statuspage_id = text_id

    updates = _read_updates(lines, end + 1, path, zone, problems, is_maintenance)
    if not updates and not problems.errors:
        problems.error(
            path,
            end + 1,
            "there are no updates: add one under the front matter, "
            f"e.g.\n{HEADING_EXAMPLE}\nWe are investigating reports of errors.",
        )
    finished = updates and max(updates, key=lambda u: (u.time, -u.position)).status in FINISHED
    for at, message in unknown:
        # A finished incident keeps its history when a component is retired from site.yaml.
        if finished:
            problems.warning(path, at, message + "; it is left out of this past incident")
        else:
            problems.error(path, at, message)
    if problems.errors:
        return Parsed(None, problems.items)
    key_lines = tuple((str(key), line(str(key))) for key in meta)
    incident = Incident(
        id=incident_id,
        path=path,
        title=yamlfile.as_text(title).strip(),
        updates=tuple(sorted(updates, key=lambda u: (u.time, -u.position))),
        components=tuple(components),
        impact=impact,
        started=started,
        next_update=next_update,
        maintenance_start=maintenance_start,
        maintenance_end=maintenance_end,
        lines=key_lines,
        statuspage_id=statuspage_id,
    )
    return Parsed(incident, problems.items)


def _read_components(
    meta: Any,
    at: int,
    path: Path,
    site: Site,
    problems: Problems,
    impact: str | None,
    is_maintenance: bool,
    unknown: list[tuple[int, str]],
) -> list[tuple[str, str]]:
    raw = meta.get("components")
    if raw is None:
        return []
    allowed = MAINTENANCE_COMPONENT_STATUSES if is_maintenance else INCIDENT_COMPONENT_STATUSES
    known = ", ".join(sorted(site.by_id)) or "(none)"
    out: list[tuple[str, str]] = []
    if isinstance(raw, list):
        entries: list[tuple[Any, Any, int]] = [
            (item, None, (raw.item_lines[i] + 1) if isinstance(raw, yamlfile.LocatedList) else at)
            for i, item in enumerate(raw)
        ]
    elif isinstance(raw, dict):
        entries = [
            (key, value, yamlfile.line_of(raw, key, at - 1) + 1) for key, value in raw.items()
        ]
    else:
        problems.error(
            path,
            at,
            "components must be a map such as\n  api: partial_outage\nor a list such as [api, db]",
        )
        return []
    for component_id, status, item_line in entries:
        if not isinstance(component_id, str) or component_id not in site.by_id:
            unknown.append(
                (
                    item_line,
                    f"unknown component {quoted(component_id)}; "
                    f"the components in site.yaml are: {known}",
                )
            )
            continue
        if status is None:
            if is_maintenance:
                status = UNDER_MAINTENANCE
            elif impact in IMPACT_TO_STATUS:
                status = IMPACT_TO_STATUS[impact]
            else:
                problems.error(
                    path,
                    item_line if isinstance(raw, dict) else at,
                    f"component {quoted(component_id)} has no status: give one "
                    f"({component_id}: partial_outage) or set impact: minor, "
                    "major or critical",
                )
                continue
        elif status not in allowed:
            problems.error(
                path,
                item_line,
                f"unknown status {quoted(status)} for {quoted(component_id)}; "
                f"use one of: {', '.join(allowed)}",
            )
            continue
        out.append((component_id, str(status)))
    return out


def _read_updates(
    lines: list[str],
    body_start: int,
    path: Path,
    zone: ZoneInfo,
    problems: Problems,
    is_maintenance: bool,
) -> list[Update]:
    body = "\n".join(lines[body_start:])
    # One parse of the whole body finds the update headings (a "## " line inside a code block
    # is not one) and gives each update's HTML, rendered from its own run of tokens.
    tokens, env = parse_blocks(body)
    allowed = (MAINTENANCE_STATUSES if is_maintenance else INCIDENT_STATUSES) + (UPDATE,)
    shown = ", ".join(statuses.word(s) for s in allowed)
    headings: list[tuple[int, str, int]] = []  # (0-based line in body, heading text, token)
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None or token.level != 0:
            continue
        start = token.map[0]
        file_line = body_start + start + 1
        if token.tag == "h2" and token.markup == "##":
            headings.append((start, tokens[index + 1].content, index))
        elif token.tag == "h2":
            problems.error(
                path,
                file_line + 1,
                "a line of dashes under text makes it a "
                "heading; leave a blank line above it for a rule, or write the "
                f"update heading as {HEADING_EXAMPLE}",
            )
        elif token.tag == "h1":
            problems.error(
                path,
                file_line,
                "a level-1 heading cannot stand in an incident: "
                f"updates start with '## ' ({HEADING_EXAMPLE}), and headings inside "
                "an update start at '###'",
            )
    body_lines = lines[body_start:]
    _warn_swallowed(tokens, body_lines, body_start, path, problems)
    first = headings[0][0] if headings else len(body_lines)
    for offset, text in enumerate(body_lines[:first]):
        if text.strip():
            problems.error(
                path,
                body_start + offset + 1,
                "text before the first update: "
                f"every update starts with a heading such as {HEADING_EXAMPLE}",
            )
            break
    updates = []
    for position, (start, heading, token_index) in enumerate(headings):
        file_line = body_start + start + 1
        stop = headings[position + 1][0] if position + 1 < len(headings) else len(body_lines)
        text = "\n".join(body_lines[start + 1 : stop]).strip("\n")
        match = HEADING_PATTERN.match(heading.strip())
        if not match:
            problems.error(
                path,
                file_line,
                f"cannot read the update heading {quoted(heading)}; "
                f"write it as {HEADING_EXAMPLE} (a time, a dash, a status)",
            )
            continue
        try:
            when = parse_time(match["time"], zone).astimezone(UTC)
        except TimeError as exc:
            problems.error(path, file_line, str(exc))
            continue
        status = normalize_status(match["status"])
        if status not in allowed:
            kind = "a maintenance" if is_maintenance else "an incident"
            problems.error(
                path,
                file_line,
                f"unknown status {quoted(match['status'])} for {kind}; use one of: {shown}",
            )
            continue
        if not text.strip():
            problems.error(
                path, file_line, "this update has no text: write what is known under the heading"
            )
            continue
        token_end = headings[position + 1][2] if position + 1 < len(headings) else len(tokens)
        own = tokens[token_index + 3 : token_end]
        html = render_tokens(own, env)
        updates.append(
            Update(
                time=when,
                status=status,
                body=_dedent_block(text),
                line=file_line,
                position=position,
                html=html,
                plain=plain_text_of(own) if is_maintenance else None,
            )
        )
    return updates


_HEADING_IN_CODE = re.compile(r" {0,3}## +(.*)")


def _warn_swallowed(
    tokens: list[Token], lines: list[str], body_start: int, path: Path, problems: Problems
) -> None:
    """Warn of an update heading read as code: a code block left open (by a message pasted from
    a log, say) runs to the end of the file, over the updates below it, which then vanish from
    the site. A closed code block may quote a heading: that is the writer's choice."""
    for token in tokens:
        if token.type != "fence" or token.level != 0 or token.map is None:
            continue
        if _fence_closed(token, lines):
            continue
        for offset, text in enumerate(token.content.split("\n")):
            found = _HEADING_IN_CODE.fullmatch(text)
            if found and reads_as_update_heading(found[1]):
                opened = body_start + token.map[0] + 1
                problems.warning(
                    path,
                    opened,
                    f"the code block opened here is never closed, so it runs over the update "
                    f"heading at line {opened + 1 + offset}, which is read as code and not as "
                    f"an update: close the code block (a line {token.markup}) where the code ends",
                )
                break


def reads_as_update_heading(text: str) -> bool:
    """``2026-11-20 14:05 — Resolved``: a time (some digits), a separator and a word."""
    match = HEADING_PATTERN.match(text.strip())
    return match is not None and re.search(r"\d", match["time"]) is not None


def _fence_closed(token: Token, lines: list[str]) -> bool:
    """Whether the code fence ``token`` of the text of ``lines`` is closed by a line of its
    own (an open one runs to the end of the text)."""
    assert token.map is not None
    start, stop = token.map
    char, length = token.markup[0], len(token.markup)
    closing = re.compile(f" {{0,3}}{re.escape(char)}{{{length},}}[ \t]*")
    return stop - start >= 2 and closing.fullmatch(lines[stop - 1]) is not None


class Contained(NamedTuple):
    """A text made safe to stand as one update's text, and what was changed to make it so."""

    text: str
    changes: list[tuple[int, str]]  # (1-based line of the text, what was done there)


class UncontainedText(ValueError):
    """A text that would still run over the update below it."""


_PROBE = "## 2000-01-01 00:00 — Update"


def contain_text(text: str, demote: bool = False) -> Contained:
    """``text`` (with ``\n`` line ends) changed only as far as it must be to stay inside its
    update in an incident file, with the writer's words kept: a line that would read as an
    update heading (``#``/``##``, or text over a line of ``=`` or ``-``) is escaped with a
    backslash, or with ``demote`` made a level-3 heading when it is not shaped like an update
    heading; a code fence left open (which would turn every update below into code) is closed.
    Raises :class:`UncontainedText` if it would still swallow a heading below it."""
    lines = text.split("\n")
    changes: list[tuple[int, str]] = []
    for _ in range(len(lines) + 1):  # escaping a line can make the next a heading's underline
        changed = False
        tokens, _ = parse_blocks("\n".join(lines))
        for index, token in enumerate(tokens):
            if token.type != "heading_open" or token.level != 0 or token.map is None:
                continue
            if token.tag not in ("h1", "h2"):
                continue
            start, stop = token.map
            if not token.markup.startswith("#"):  # text over a line of = or -
                at = stop - 1
                change = "a line of dashes under text would make a heading; it is kept as text"
            elif demote and not reads_as_update_heading(tokens[index + 1].content):
                line = lines[start]
                hashes = line.index("#")
                lines[start] = line[:hashes] + "###" + line[hashes:].lstrip("#")
                changes.append((start + 1, "headings inside an update start at ###"))
                changed = True
                continue
            else:
                at = start
                change = "it would read as an update heading, so it is kept as text"
            line = lines[at]
            indent = len(line) - len(line.lstrip(" "))
            lines[at] = line[:indent] + "\\" + line[indent:]
            changes.append((at + 1, change))
            changed = True
        if not changed:
            break
    contained = "\n".join(lines)
    if _swallows(contained):
        fences = [t for t in parse_blocks(contained)[0] if t.type == "fence" and t.level == 0]
        contained += "\n" + (fences[-1].markup if fences else "```")
        changes.append((len(lines) + 1, "the code block was not closed, so it is closed here"))
        if _swallows(contained):
            raise UncontainedText(
                "the text would run over the updates below it; close its code blocks and lists"
            )
    return Contained(contained, changes)


def _swallows(text: str) -> bool:
    """Whether an update heading right below ``text`` would not be read as one."""
    tokens, _ = parse_blocks(text + "\n\n" + _PROBE + "\nx\n")
    return not any(
        t.type == "inline" and t.content == _PROBE[3:] and tokens[i - 1].level == 0
        for i, t in enumerate(tokens)
        if i and tokens[i - 1].type == "heading_open"
    )


def _dedent_block(text: str) -> str:
    return text.strip("\n").rstrip()
