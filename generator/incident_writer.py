"""Writing incident files for the writer: new incidents, updates, resolutions, maintenance.

The commands ``statusgen new|update|resolve|maintenance`` are thin wrappers over this module
(SPEC section 5). An edit changes only what it must: the new update goes right under the front
matter, and front matter keys are changed by text surgery at the lines YAML reports, so the
writer's comments, order and wording stay byte for byte. Every new text is read by the same
reader as ``check`` (:func:`generator.content.parse_incident`) before it is written: one that
would not pass is never written, so the file keeps every byte it had.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import textwrap
import time as clock
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

import yaml

try:
    import fcntl
except ImportError:  # Windows: writers are not serialized there
    fcntl = None  # type: ignore[assignment]

from generator import derive, statuses, textfile
from generator.config import ID_PATTERN, require_site
from generator.content import (
    Contained,
    FrontMatter,
    FrontMatterError,
    UncontainedText,
    contain_text,
    incidents_dir,
    load_content,
    load_incident,
    normalize_status,
    parse_incident,
    split_front_matter,
)
from generator.derive import Facts, compute_facts
from generator.model import Incident, Site, Update
from generator.parallel import Workers
from generator.problems import ContentError, Problem, Problems, UsageError, display_path
from generator.render.formatting import Formatter
from generator.render.i18n import N_, translate_text
from generator.statuses import (
    FINISHED,
    IMPACT_TO_STATUS,
    IMPACTS,
    INCIDENT_COMPONENT_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_COMPONENT_STATUSES,
    MAINTENANCE_HOLDING_STATUSES,
    MAINTENANCE_STATUSES,
    UNRESOLVED,
    UPDATE,
)
from generator.times import TimeError, is_ambiguous, localize, parse_duration, parse_time

# What outage communicators advise: acknowledge and apologise, say plainly what is known and what
# is not yet, and say when the next update comes. A site replaces any of these with
# ``messages:`` in site.yaml; {components}, {title}, {next}, {start} and {end} are filled in.
# They are translated with the theme's catalogs (N_ marks them for extraction).
DEFAULT_MESSAGES = {
    "investigating": N_(
        "We are investigating problems with {components} and are sorry for the disruption. We do "
        "not know the cause yet. {next}"
    ),
    "identified": N_(
        "We have found the cause of the problems with {components} and are working on a fix. {next}"
    ),
    "monitoring": N_(
        "A fix for the problems with {components} is in place. We are watching closely to make "
        "sure the problem is solved. {next}"
    ),
    "resolved": N_(
        "This incident is resolved: the problems with {components} are fixed. We are sorry for "
        "the disruption, and will share what happened and what we are changing."
    ),
    "update": N_(
        "We are still working on the problems with {components}. There is no new finding yet. "
        "{next}"
    ),
    "scheduled": N_(
        "We will carry out maintenance on {components} from {start} to {end}. We will post here "
        "when it starts and when it is complete."
    ),
    "in_progress": N_("The maintenance on {components} has started. {next}"),
    "verifying": N_(
        "The maintenance work is done; we are checking that everything in {components} works as "
        "expected. {next}"
    ),
    "completed": N_(
        "The maintenance on {components} is complete and everything works normally. Thank you "
        "for your patience."
    ),
}
# An Update keeps the status the incident is in, so what it can truthfully say depends on that.
UPDATE_MESSAGES = {
    "investigating": DEFAULT_MESSAGES["update"],
    "identified": N_("We are still working on a fix for the problems with {components}. {next}"),
    "monitoring": N_(
        "We are still watching {components} after the fix; so far everything works normally. {next}"
    ),
    "scheduled": N_("The maintenance on {components} is still planned from {start} to {end}."),
    "in_progress": N_("The maintenance on {components} is still in progress. {next}"),
    "verifying": N_(
        "We are still checking that everything in {components} works as expected after the "
        "maintenance. {next}"
    ),
}
# A postmortem has no default: the outline the writer's editor opens with.
POSTMORTEM_OUTLINE = "### What happened\n\n### Why it happened\n\n### What we are changing\n"
NEXT_PROMISED = N_("We will post the next update by {time}.")
NEXT_UNKNOWN = N_("We will post another update as soon as we know more.")
OUR_SERVICES = N_("our services")
NEXT_FORMS = "30m, 1h, 1h30m, 14:30 or a full time such as 2026-11-20 14:30"

# Given the default message, returns the one to post (the writer's editor, say).
MessageEditor = Callable[[str], str]


@dataclass(frozen=True)
class Written:
    """What an edit wrote, and what the site will show because of it."""

    path: Path
    incident: Incident
    facts: Facts
    warnings: list[Problem]

    def summary(self) -> list[str]:
        """Lines for the writer: the file, the status line on the site, the overall status."""
        incident, site = self.incident, self.facts.content.site
        state = self.facts.of(incident)
        status = statuses.word(state.status)
        lines = [f"wrote {display_path(self.path)}", f"on the site: {incident.title} — {status}"]
        for listed, component_status in incident.components:
            name = site.by_id[listed].name if listed in site.by_id else listed
            shown = self.facts.component_status.get(listed, component_status)
            lines.append(f"  {name}: {statuses.word(shown).lower()}")
        if incident.is_maintenance and incident.maintenance_start and incident.maintenance_end:
            lines.append(
                f"window: {format_time(incident.maintenance_start, site)} to "
                f"{format_time(incident.maintenance_end, site)}"
            )
        if incident.next_update is not None and state.active:
            lines.append(f"next update promised by {format_time(incident.next_update, site)}")
        lines.append(f"overall: {self.facts.description}")
        return lines


# -- times -------------------------------------------------------------------------------------


def format_time(moment: datetime, site: Site) -> str:
    """A time as a writer types it, in the site's zone; with the offset where it is ambiguous."""
    local = moment.astimezone(site.timezone)
    text = local.strftime("%Y-%m-%d %H:%M")
    if is_ambiguous(local):
        offset = local.strftime("%z")
        text += f" {offset[:3]}:{offset[3:]}"
    return text


def parse_next(text: str, now: datetime, site: Site) -> datetime:
    """``--next``: a duration from now (30m, 1h), the next such wall time (14:30), or a time."""
    text = text.strip()
    try:
        return now + parse_duration(text)
    except TimeError:
        pass
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
        if hour > 23 or minute > 59:
            raise UsageError(f"--next: {text!r} is not a time of day; write it as {NEXT_FORMS}")
        day = now.astimezone(site.timezone).date()
        for offset in range(3):
            naive = datetime.combine(day + timedelta(days=offset), time(hour, minute))
            try:
                candidate = localize(naive, site.timezone)
            except TimeError:
                continue  # that wall time does not exist today (clocks going forward)
            if candidate > now:
                return candidate.astimezone(UTC)
    try:
        moment = parse_time(text, site.timezone).astimezone(UTC)
    except TimeError:
        raise UsageError(f"--next: cannot read {text!r}; write it as {NEXT_FORMS}") from None
    if moment <= now:
        raise UsageError(
            f"--next: {text} has already passed; give a time after {format_time(now, site)}"
        )
    return moment


def parse_window_time(option: str, text: str, site: Site) -> datetime:
    try:
        return parse_time(text, site.timezone).astimezone(UTC)
    except TimeError as exc:
        raise UsageError(f"{option}: {exc}") from None


# -- messages ----------------------------------------------------------------------------------


class NeedsText(UsageError):
    """No default message could truthfully be posted: the writer must say it."""


def default_message(
    site: Site,
    status: str,
    components: Sequence[str],
    title: str = "",
    next_update: datetime | None = None,
    window: tuple[datetime, datetime] | None = None,
    state: str | None = None,
) -> str:
    """The message posted when the writer gives none: the site's own, else the built-in one, in
    the site's language. ``state`` is the incident's status before this update, which decides
    what an ``Update`` can say. Raises :class:`NeedsText` where nothing canned would be true:
    a postmortem, or news on a resolved incident or a completed maintenance."""
    if status == "postmortem":
        raise NeedsText(
            "a postmortem needs its text: what happened, why, and what you are changing; "
            "give it with --message (or write it in your editor)"
        )
    own = dict(site.messages).get(status)
    if status == UPDATE:
        if state not in UPDATE_MESSAGES:
            raise NeedsText(
                f"there is no default text for news on a {(state or 'finished').replace('_', ' ')}"
                " incident: say what is new with --message"
            )
        builtin = UPDATE_MESSAGES[state]
        own = own if state == "investigating" else None  # the site's own says "still working"
    else:
        builtin = DEFAULT_MESSAGES[status]
    template = own or translate_text(site.language, builtin)
    fmt = Formatter(site.timezone, site.language)
    promise = ""
    if status in UNRESOLVED or status == UPDATE or status in MAINTENANCE_HOLDING_STATUSES:
        if next_update is not None:
            promise = translate_text(site.language, NEXT_PROMISED).replace(
                "{time}", _unbroken(fmt.clock_text(next_update))
            )
        else:
            promise = translate_text(site.language, NEXT_UNKNOWN)
    if next_update is not None and "{next}" not in template:
        template = template.rstrip() + " {next}"
    names = [site.by_id[c].name if c in site.by_id else c for c in components]
    values = {
        "components": fmt.list_text(names)
        if names
        else translate_text(site.language, OUR_SERVICES),
        "title": title,
        "next": promise,
        "start": _unbroken(fmt.datetime_text(window[0])) if window else "",
        "end": _unbroken(fmt.clock_text(window[1])) if window else "",
    }
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    # Wrapped like the rest of the file, so the writer can read and amend it in an editor; a
    # time ("4:30 PM CET") stays on one line, and is written with plain spaces.
    wrapped = textwrap.fill(
        re.sub(r"[ \t]+", " ", template).strip(),
        width=96,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped.replace("\u202f", " ")


def _unbroken(moment: str) -> str:
    """A time that line wrapping keeps whole (its spaces become narrow no-break ones, which
    :func:`default_message` writes back as plain spaces)."""
    return moment.replace(" ", "\u202f")


def _message_for(
    message: str | None,
    edit_message: MessageEditor | None,
    make_default: Callable[[], str],
    outline: str = "",
) -> str:
    """The writer's message; else the default, through the editor or a confirmation when the
    writer is at a terminal. Where no default is true (:class:`NeedsText`), an editor (one whose
    ``writes_text`` is true) opens on ``outline``, and a draft left as it was is refused."""
    if message is not None:
        return message
    try:
        default = make_default()
    except NeedsText:
        if edit_message is None or not getattr(edit_message, "writes_text", False):
            raise
        text = edit_message(outline)
        if not text.strip() or text.strip() == outline.strip():
            raise
        return text
    return edit_message(default) if edit_message is not None else default


# -- reading what the writer typed -------------------------------------------------------------


def parse_components(
    specs: Sequence[str], site: Site, impact: str | None, maintenance: bool
) -> list[tuple[str, str | None]]:
    """``api=partial_outage`` or ``api`` into (id, status or None); unknown ids are usage errors."""
    allowed = MAINTENANCE_COMPONENT_STATUSES if maintenance else INCIDENT_COMPONENT_STATUSES
    out: list[tuple[str, str | None]] = []
    for spec in specs:
        component_id, _, status = spec.replace(":", "=").partition("=")
        component_id, status = component_id.strip(), status.strip()
        if component_id not in site.by_id:
            raise UsageError(
                f"--component: unknown component {component_id!r}; the components "
                f"in site.yaml are: {', '.join(sorted(site.by_id))}"
            )
        if any(component_id == seen for seen, _ in out):
            raise UsageError(f"--component: {component_id!r} is given twice")
        if status:
            status = normalize_status(status)
            if status not in allowed:
                raise UsageError(
                    f"--component: unknown status {status!r} for {component_id!r};"
                    f" use one of: {', '.join(allowed)}"
                )
        elif not maintenance and impact not in IMPACT_TO_STATUS:
            raise UsageError(
                f"--component: give {component_id!r} a status, e.g. "
                f"--component {component_id}=partial_outage "
                f"({', '.join(allowed)}), or give --impact minor|major|critical"
            )
        out.append((component_id, status or None))
    return out


def parse_status(text: str, maintenance: bool) -> str:
    statuses = (MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES) + (UPDATE,)
    status = normalize_status(text)
    if status not in statuses:
        kind = "a maintenance" if maintenance else "an incident"
        shown = ", ".join(heading_status(s).lower() for s in statuses)
        raise UsageError(f"--status: unknown status {text!r} for {kind}; use one of: {shown}")
    return status


def heading_status(status: str) -> str:
    """How a status is written in an update heading: ``In progress``."""
    return statuses.word(status)


def slugify(title: str, limit: int = 50) -> str:
    """A URL-safe slug of a title: lower-case ASCII letters and digits joined by dashes.

    Titles in any script keep their meaning: python-slugify transliterates them (``Ошибка API``
    is ``oshibka-api``, ``数据库延迟`` is ``shu-ju-ku-yan-chi``). A title with nothing to
    transliterate (only emoji or punctuation) gets a short hash of itself, so the same title
    always gives the same id.
    """
    from slugify import slugify as transliterate

    slug = transliterate(title, max_length=limit, word_boundary=True, save_order=True)
    if slug:
        return slug
    digest = hashlib.sha256(" ".join(title.split()).encode("utf-8")).hexdigest()[:8]
    return f"incident-{digest}"


def new_id(source: Path, day: date, title: str) -> str:
    """``<date>-<slug>``, with -2, -3 ... when that file exists already."""
    base = f"{day.isoformat()}-{slugify(title)}"
    folder = incidents_dir(source)
    candidate, number = base, 1
    while (folder / f"{candidate}.md").exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def find_incident(source: Path, incident_id: str) -> Path:
    """The file of an incident id; an unknown id is wrong usage and names the nearest ones."""
    folder = incidents_dir(source)
    path = folder / f"{incident_id}.md"
    if ID_PATTERN.match(incident_id) and path.is_file():
        return path
    known = sorted((p.stem for p in folder.glob("*.md")), reverse=True) if folder.is_dir() else []
    import difflib

    near = difflib.get_close_matches(incident_id, known, n=3, cutoff=0.4) or known[:3]
    hint = f"; did you mean {', '.join(near)}?" if near else "; there are no incidents yet"
    raise UsageError(f"there is no incident {incident_id!r} in {display_path(folder)}{hint}")


def _yaml_scalar(text: str) -> str:
    """One YAML scalar, quoted where YAML needs it (a title with ': ', say)."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_style=None)
    return dumped.removesuffix("...\n").strip()


def prepare_message(message: str) -> Contained:
    """The writer's text as an update's text: its line ends made ``\n``; refused if empty or if
    it holds a character that cannot be published; and unable to end its own update or to
    change the ones below it (:func:`generator.content.contain_text`): an unclosed code fence
    is closed, a line that reads as an update heading is escaped, and another level-1 or
    level-2 heading becomes a level-3 one."""
    text = re.sub(r"\r\n?", "\n", message).strip("\n").rstrip()
    if not text.strip():
        raise UsageError(
            "the message is empty: say what is known, e.g. --message "
            "'We are investigating reports of errors.'"
        )
    found = textfile.find_forbidden(text)
    if found:
        raise UsageError(f"the message: line {found[0]}: {found[1]}; nothing was written")
    try:
        return contain_text(text, demote=True)
    except UncontainedText as exc:
        raise UsageError(f"the message: {exc}; nothing was written") from None


# -- text surgery ------------------------------------------------------------------------------


def _split(text: str, path: Path) -> FrontMatter:
    try:
        return split_front_matter(text)
    except FrontMatterError as exc:
        raise ContentError([Problem(display_path(path), exc.line, "error", exc.message)]) from None


def set_front_matter_key(text: str, path: Path, key: str, value: str | None) -> str:
    """Set (or with None remove) one top-level front matter key, leaving every other byte."""
    parts = _split(text, path)
    front = text[parts.yaml_start : parts.yaml_end]
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise ContentError(
            [
                Problem(
                    display_path(path),
                    2,
                    "error",
                    "the front matter is not valid YAML; fix it first (statusgen check)",
                )
            ]
        ) from None
    pairs = node.value if isinstance(node, yaml.MappingNode) else []
    if node is not None and (not isinstance(node, yaml.MappingNode) or node.flow_style):
        raise UsageError(
            f"{display_path(path)}: write the front matter as one key per line "
            "to let statusgen change it"
        )
    for key_node, value_node in pairs:
        if key_node.value != key:
            continue
        if value is None:  # remove the key's whole lines, trailing comment included
            key_at = key_node.start_mark.index
            start = max(front.rfind("\n", 0, key_at), front.rfind("\r", 0, key_at)) + 1
            end_index = value_node.end_mark.index
            if value_node.end_mark.column == 0 and end_index > key_node.end_mark.index:
                end = end_index
            else:
                line_end = _LINE_END.search(front, end_index)
                end = len(front) if line_end is None else line_end.end()
            front = front[:start] + front[end:]
        else:
            begin, end = value_node.start_mark.index, value_node.end_mark.index
            if (
                isinstance(value_node, yaml.ScalarNode)
                and value_node.value == ""
                and not value_node.style
            ):
                begin = end = key_node.end_mark.index + front[key_node.end_mark.index :].index(":")
                begin = end = begin + 1
                value = " " + value
            front = front[:begin] + value + front[end:]
        return text[: parts.yaml_start] + front + text[parts.yaml_end :]
    if value is None:
        return text
    if front and not front.endswith(("\n", "\r")):
        front += parts.newline
    front += f"{key}: {value}{parts.newline}"
    return text[: parts.yaml_start] + front + text[parts.yaml_end :]


_LINE_END = re.compile(r"\r\n|\r|\n")


class Span(NamedTuple):
    """Where the writer's message lies in a text about to be written."""

    message_line: int  # the message's first line (1-based)
    message_lines: int  # its number of lines
    shift: int  # how many lines the text below it moved down


def insert_update(text: str, path: Path, heading: str, message: str) -> tuple[str, Span]:
    """Put a new update right under the front matter, above the first existing one, with the
    file's own line ending."""
    parts = _split(text, path)
    nl = parts.newline
    head = text[: parts.body_start]
    if not head.endswith(("\n", "\r")):
        head += nl
    rest = text[parts.body_start :]
    block = nl + heading + nl + message.replace("\n", nl) + nl
    if rest.strip() and not rest.startswith(("\n", "\r")):
        block += nl
    span = Span(
        message_line=parts.closing_line + 4,  # after the fence, a blank line and the heading
        message_lines=message.count("\n") + 1,
        shift=len(textfile.split_lines(block)),
    )
    return head + block + rest, span


# -- the edits ---------------------------------------------------------------------------------


LOCK_WAIT = 30.0  # seconds a writing command waits for another one to finish


@contextlib.contextmanager
def _writing(source: Path) -> Iterator[None]:
    """Hold the site's incidents folder for one edit, from reading to writing: two commands at
    once (two writers in an outage, a script and a person) take turns, so neither loses the
    other's update, and two ``new`` with one title get two files. A lock (flock) on the folder
    itself: the system releases it when its holder dies, and nothing is left behind."""
    folder = incidents_dir(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise UsageError(
            f"cannot open {display_path(folder)}: {exc.strerror or exc}; nothing was written"
        ) from None
    try:
        if fcntl is not None:
            deadline = clock.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if clock.monotonic() > deadline:
                        raise UsageError(
                            f"another statusgen command has been writing in "
                            f"{display_path(folder)} for {LOCK_WAIT:.0f} s; nothing was "
                            "written: run this one again when it is done"
                        ) from None
                    clock.sleep(0.05)
        yield
    finally:
        os.close(handle)  # releases the lock


def _writable(path: Path) -> Path:
    """The file an edit of ``path`` writes: a link's target (the link stays a link), refused
    when it is read-only."""
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except OSError as exc:
        raise UsageError(f"cannot read {display_path(path)}: {exc.strerror or exc}") from None
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise UsageError(
            f"{display_path(path)} is read-only; nothing was written: make it writable "
            f"(chmod u+w {display_path(target)}) to post an update"
        )
    return target


def _write(path: Path, data: bytes, before: bytes | None) -> None:
    """Replace a file's bytes at once, so a reader never sees half a file. ``before`` is what
    the edit read (None: a new file): a file that changed since (an editor saved it), or a new
    one that appeared, is left as it is and the edit refused."""
    target = path if before is None else _writable(path)
    try:
        # A short name of its own: a long id's name with a suffix could pass the system's limit.
        handle, temporary = tempfile.mkstemp(prefix=".statusgen-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(
            f"cannot write in {display_path(target.parent)}: {exc.strerror or exc}; "
            "nothing was written"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if before is None:
            os.chmod(temporary, 0o644)
            try:
                os.link(temporary, target)  # fails if the file exists: never overwrite one
            except FileExistsError:
                raise UsageError(
                    f"{display_path(path)} appeared while this command ran; nothing was "
                    "written: run it again"
                ) from None
            os.unlink(temporary)
            return
        os.chmod(temporary, target.stat().st_mode & 0o7777)
        if target.read_bytes() != before:
            raise UsageError(
                f"{display_path(path)} changed while this command ran (saved in an editor?); "
                "nothing was written: run the command again"
            )
        os.replace(temporary, target)
    except OSError as exc:
        raise UsageError(
            f"cannot write {display_path(path)}: {exc.strerror or exc}; nothing was written"
        ) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _commit(
    site: Site,
    path: Path,
    after: str,
    now: datetime,
    span: Span,
    before: bytes | None = None,
    kept: Incident | None = None,
    changes: Sequence[tuple[int, str]] = (),
) -> Written:
    """Check the new text as ``check`` would, then write it: a text that would not pass is
    never written, and the file keeps every byte it had. ``kept`` is the incident as it was:
    its updates must all be there still, unchanged and in order, under the new one."""
    problems = Problems()
    data = after.encode("utf-8")
    incident = None
    try:
        if len(data) > textfile.MAX_FILE_BYTES:
            raise textfile.TextFileError(
                0, "the file would be larger than 1 MB; shorten the message"
            )
        textfile.decode_text(data)
    except textfile.TextFileError as exc:
        problems.error(path, exc.line, str(exc))
    else:
        incident, found = parse_incident(after, path.stem, site)
        problems.items.extend(found)
    if problems.errors or incident is None:
        raise ContentError([_cite(p, path, span, before is not None) for p in problems.sorted()])
    if kept is not None and _history(incident)[1:] != _history(kept):
        raise UsageError(
            f"the message would change the updates already in {display_path(path)}; nothing "
            "was written"
        )
    _write(path, data, before)
    others = Problems()  # other files' problems are theirs to fix; this edit stands
    content = load_content(site, others, workers=Workers.available())
    if not any(i.id == incident.id for i in content.incidents):
        content = type(content)(site, (incident, *content.incidents))
    facts = compute_facts(content, now)
    derive.check_promises(facts, problems)
    for line, change in changes:
        problems.warning(path, span.message_line + line - 1, f"in the message: {change}")
    mine = display_path(path)
    warnings = [p for p in problems.sorted() if p.path == mine]
    return Written(path, incident, facts, warnings)


def _history(incident: Incident) -> list[tuple[datetime, str, str]]:
    ordered: list[Update] = sorted(incident.updates, key=lambda u: u.position)
    return [(u.time, u.status, u.body) for u in ordered]


def _cite(problem: Problem, path: Path, span: Span, existed: bool) -> Problem:
    """A problem of a text that was not written, told of what the writer knows: a line of the
    message, or a line of the file as it is (never a line of a text that does not exist)."""
    first, count = span.message_line, span.message_lines
    where = display_path(path)
    if first <= problem.line < first + count:
        message = f"line {problem.line - first + 1} of the message: {problem.message}"
        return Problem(where, 0, problem.severity, message + "; nothing was written")
    if existed and problem.line >= first + count:
        return Problem(where, problem.line - span.shift, problem.severity, problem.message)
    if existed:
        return problem
    return Problem(
        where + " (not written)", 0, problem.severity, f"{problem.message}; nothing was written"
    )


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _title(title: str, example: str) -> str:
    """A title on one line, its runs of spaces made one; an empty one is wrong usage."""
    title = " ".join(title.split())
    if not title:
        raise UsageError(f"the title is empty: give one, e.g. {example}")
    return title


def new_incident(
    source: Path,
    title: str,
    components: Sequence[str],
    now: datetime,
    message: str | None = None,
    impact: str | None = None,
    status: str = "investigating",
    next_update: str | None = None,
    edit_message: MessageEditor | None = None,
) -> Written:
    """Start an incident: a new file with its first update."""
    site = require_site(source)
    title = _title(
        title, "statusgen new 'Elevated error rates on the API' --component api=partial_outage"
    )
    if impact is not None and impact not in IMPACTS:
        raise UsageError(f"--impact: unknown impact {impact!r}; use one of: {', '.join(IMPACTS)}")
    status = parse_status(status, maintenance=False)
    if status == UPDATE:
        raise UsageError(
            "--status: a new incident starts as investigating, identified, monitoring or resolved"
        )
    listed = parse_components(components, site, impact, maintenance=False)
    when = _minute(now)
    promise = parse_next(next_update, now, site) if next_update else None
    text = _message_for(
        message,
        edit_message,
        lambda: default_message(site, status, [c for c, _ in listed], title, promise),
    )
    prepared = prepare_message(text)
    lines = ["---", f"title: {_yaml_scalar(title)}"]
    if listed:
        lines.append("components:")
        for component_id, component_status in listed:
            lines.append(f"  {component_id}: {component_status or IMPACT_TO_STATUS[impact or '']}")
    else:
        lines.append("components: {}")
    if impact is not None:
        lines.append(f"impact: {impact}")
    if promise is not None and status not in FINISHED:
        lines.append(f"next_update: {format_time(promise, site)}")
    lines += ["---", "", f"## {format_time(when, site)} — {heading_status(status)}"]
    day = when.astimezone(site.timezone).date()
    return _create(source, site, day, title, lines, prepared, now)


def _create(
    source: Path,
    site: Site,
    day: date,
    title: str,
    head: list[str],
    message: Contained,
    now: datetime,
) -> Written:
    """Write a new incident file: ``head`` (its front matter and first heading), then the
    message. Its id is chosen with the folder held, so that two at once get two files."""
    span = Span(len(head) + 1, message.text.count("\n") + 1, 0)
    text = "\n".join([*head, message.text, ""])
    with _writing(source):
        path = incidents_dir(source) / f"{new_id(source, day, title)}.md"
        return _commit(site, path, text, now, span, changes=message.changes)


def post_update(
    source: Path,
    incident_id: str,
    status: str,
    now: datetime,
    message: str | None = None,
    next_update: str | None = None,
    edit_message: MessageEditor | None = None,
) -> Written:
    """Add an update at the top of an incident; set ``next_update``, or remove a stale one."""
    site = require_site(source)
    path = find_incident(source, incident_id)
    current = _load_existing(path, site)
    status = parse_status(status, current.is_maintenance)
    return _post(site, path, current, status, now, message, next_update, edit_message)


def _post(
    site: Site,
    path: Path,
    current: Incident,
    status: str,
    now: datetime,
    message: str | None,
    next_update: str | None,
    edit_message: MessageEditor | None,
) -> Written:
    if next_update and status in FINISHED:
        raise UsageError(f"--next: a {status} update promises no next update; leave --next out")
    promise = parse_next(next_update, now, site) if next_update else None
    window = (
        (current.maintenance_start, current.maintenance_end)
        if current.maintenance_start and current.maintenance_end
        else None
    )
    state = derive.incident_facts(current, site, now).status
    # The text is asked for first: an editor may stay open for minutes, and holds nothing.
    prepared = prepare_message(
        _message_for(
            message,
            edit_message,
            lambda: default_message(
                site, status, current.listed_ids, current.title, promise, window, state
            ),
            POSTMORTEM_OUTLINE if status == "postmortem" else "",
        )
    )
    heading = f"## {format_time(_minute(now), site)} — {heading_status(status)}"
    with _writing(site.source):
        before = path.read_bytes()
        current = _load_existing(path, site)  # as it is now: another command may have written
        text = set_front_matter_key(
            before.decode("utf-8"),
            path,
            "next_update",
            format_time(promise, site) if promise else None,
        )
        text, span = insert_update(text, path, heading, prepared.text)
        return _commit(site, path, text, now, span, before, current, changes=prepared.changes)


def resolve_incident(
    source: Path,
    incident_id: str,
    now: datetime,
    message: str | None = None,
    edit_message: MessageEditor | None = None,
) -> Written:
    """Resolve an incident (``Completed`` for a maintenance) and drop its ``next_update``."""
    site = require_site(source)
    path = find_incident(source, incident_id)
    current = _load_existing(path, site)
    if not current.is_maintenance and derive.incident_status(current) in FINISHED:
        raise UsageError(
            f"{incident_id} is already resolved; to add news, use statusgen update "
            f"{incident_id} --status update (or --status postmortem)"
        )
    if current.is_maintenance and any(u.status == "completed" for u in current.updates):
        raise UsageError(
            f"{incident_id} is already completed; to add news, use statusgen "
            f"update {incident_id} --status update"
        )
    status = "completed" if current.is_maintenance else "resolved"
    return _post(site, path, current, status, now, message, None, edit_message)


def new_maintenance(
    source: Path,
    title: str,
    start: str,
    end: str,
    components: Sequence[str],
    now: datetime,
    message: str | None = None,
    edit_message: MessageEditor | None = None,
) -> Written:
    """Announce a maintenance window: a new file with a ``Scheduled`` update."""
    site = require_site(source)
    title = _title(
        title,
        "statusgen maintenance 'Database upgrade' --start '2026-11-25 02:00' "
        "--end '2026-11-25 04:00'",
    )
    begins = parse_window_time("--start", start, site)
    ends = parse_window_time("--end", end, site)
    if ends <= begins:
        raise UsageError("--end: the maintenance must end after it starts")
    listed = parse_components(components, site, None, maintenance=True)
    when = _minute(now)
    text = _message_for(
        message,
        edit_message,
        lambda: default_message(
            site, "scheduled", [c for c, _ in listed], title, window=(begins, ends)
        ),
    )
    prepared = prepare_message(text)
    lines = ["---", f"title: {_yaml_scalar(title)}"]
    if any(status for _, status in listed):
        lines.append("components:")
        lines += [f"  {c}: {s or 'under_maintenance'}" for c, s in listed]
    else:
        lines.append(f"components: [{', '.join(c for c, _ in listed)}]")
    lines += [
        "maintenance:",
        f"  start: {format_time(begins, site)}",
        f"  end: {format_time(ends, site)}",
        "---",
        "",
        f"## {format_time(when, site)} — Scheduled",
    ]
    day = begins.astimezone(site.timezone).date()
    return _create(source, site, day, title, lines, prepared, now)


def _load_existing(path: Path, site: Site) -> Incident:
    """The incident as it is now; a file with errors must be mended before it is edited."""
    problems = Problems()
    incident = load_incident(path, site, problems)
    if incident is None:
        raise ContentError(problems.sorted())
    return incident
