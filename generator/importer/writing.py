"""Writing what an import made: site.yaml and the incident files, all or nothing.

Every file is first written to a folder of its own inside the site (``.statusgen-import-*``)
and checked there exactly as ``statusgen check`` reads it: site.yaml by the config reader, each
incident by the incident reader, which must give back the updates that were meant (times,
statuses, texts). Only when all of them pass are they moved into place, each with one rename;
a failure while moving puts back what was there. An import that fails leaves the site as it was.

site.yaml, when it exists, is edited by text surgery at the lines YAML reports: new components
are added at the end of their list, and every other byte (comments, order, wording) stays.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import yaml

from generator import derive
from generator.config import load_site
from generator.content import incidents_dir, load_incident
from generator.importer.progress import Progress
from generator.model import Content
from generator.problems import ContentError, Problem, Problems, UsageError, display_path

if TYPE_CHECKING:
    from generator.importer.statuspage import ComponentPlan, Draft, NewComponent


# -- site.yaml ----------------------------------------------------------------------------------


def _scalar(text: str) -> str:
    from generator.importer.statuspage import yaml_scalar

    return yaml_scalar(text)


def _entry_lines(entry: NewComponent, indent: str) -> list[str]:
    """One component (or group) as a block-style list item at ``indent``."""
    inner = indent + "  "
    lines = [f"{indent}- id: {entry.id}", f"{inner}name: {_scalar(entry.name)}"]
    if entry.description:
        lines.append(f"{inner}description: {_scalar(entry.description)}")
    if entry.since is not None:
        lines.append(f"{inner}since: {entry.since.isoformat()}")
    if entry.children:
        lines.append(f"{inner}components:")
        for child in entry.children:
            lines += _entry_lines(child, inner + "  ")
    return lines


def new_site_yaml(
    name: str, url: str, zone: ZoneInfo, links: dict[str, str], plan: ComponentPlan
) -> str:
    """site.yaml for a site made from the page: its name, address, zone and components."""
    lines = [f"name: {_scalar(name)}", f"url: {_scalar(url)}", f"timezone: {zone.key}"]
    if links:
        lines.append("links:")
        lines += [f"  {key}: {_scalar(value)}" for key, value in links.items()]
    lines.append("components:")
    for entry in plan.new_top:
        lines += _entry_lines(entry, "  ")
    return "\n".join(lines) + "\n"


def add_components(text: str, path: Path, plan: ComponentPlan) -> str:
    """site.yaml with the plan's new components added at the end of their lists."""
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise UsageError(
            f"{display_path(path)} is not valid YAML; fix it first (statusgen check)"
        ) from None
    top = _value_of(root, "components")
    if not isinstance(top, yaml.SequenceNode) or not top.value:
        raise UsageError(f"{display_path(path)} has no list of components to add to; fix it first")
    insertions: list[tuple[int, tuple[int, str]]] = []  # (kind, (offset, text))
    if plan.new_top:
        insertions.append((0, _insertion(text, top, plan.new_top, path, newline)))
    by_group: dict[str, list[NewComponent]] = {}
    for group_id, entry in plan.new_children:
        by_group.setdefault(group_id, []).append(entry)
    for group_id, entries in by_group.items():
        group = next(
            (item for item in top.value if _scalar_of(_value_of(item, "id")) == group_id), None
        )
        members = _value_of(group, "components") if group is not None else None
        if not isinstance(members, yaml.SequenceNode) or not members.value:
            raise UsageError(
                f"{display_path(path)}: cannot find the components of group {group_id!r}"
            )
        insertions.append((1, _insertion(text, members, entries, path, newline)))
    # From the end, so earlier offsets stay right; at one offset the new top-level entries go
    # in first and a group's new members before them.
    for _, (at, block) in sorted(insertions, key=lambda item: (-item[1][0], item[0])):
        text = text[:at] + block + text[at:]
    return text


def _value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _scalar_of(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _insertion(
    text: str, sequence: yaml.SequenceNode, entries: list[NewComponent], path: Path, newline: str
) -> tuple[int, str]:
    """Where and what to insert to add ``entries`` after the last item of ``sequence``."""
    if sequence.flow_style:
        raise UsageError(
            f"{display_path(path)}: write the components one per line (a block list) to let "
            "statusgen import add to them"
        )
    first = sequence.value[0]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    prefix = text[line_start : first.start_mark.index]
    if prefix.strip() != "-":
        raise UsageError(f"{display_path(path)}: cannot tell how the components list is indented")
    indent = prefix[: len(prefix) - len(prefix.lstrip())]
    last = sequence.value[-1]
    at = last.end_mark.index
    if last.end_mark.column != 0:  # the file ends on the item's last line
        newline_at = text.find("\n", at)
        at = len(text) if newline_at < 0 else newline_at + 1
    # Blank lines and comments that close the list stay after what is added.
    while at > last.start_mark.index:
        start = text.rfind("\n", 0, at - 1) + 1
        line = text[start:at].strip()
        if (
            start >= at
            or not (line == "" or line.startswith("#"))
            or start <= last.start_mark.index
        ):
            break
        at = start
    lines: list[str] = []
    for entry in entries:
        lines += _entry_lines(entry, indent)
    block = newline.join(lines) + newline
    if at > 0 and not text[:at].endswith("\n"):
        block = newline + block
    return at, block


# -- checking and moving into place ------------------------------------------------------------


def commit(
    source: Path,
    site_text: str | None,
    files: dict[Path, tuple[str, Draft]],
    problems: Problems,
    progress: Progress,
) -> None:
    """Check every file in a staging folder, then move them all into place, or none."""
    if site_text is None and not files:
        return
    staging = Path(tempfile.mkdtemp(prefix=".statusgen-import-", dir=source))
    try:
        staged_site = staging / "site.yaml"
        if site_text is not None:
            staged_site.write_text(site_text, encoding="utf-8", newline="")
        else:
            shutil.copyfile(source / "site.yaml", staged_site)
        staged_folder = incidents_dir(staging)
        staged_folder.mkdir(parents=True)
        staged: dict[Path, Path] = {}
        for final, (text, _) in files.items():
            path = staged_folder / final.name
            path.write_text(text, encoding="utf-8", newline="")
            staged[final] = path
        _validate(source, staging, staged, files, problems, progress)
        _move_into_place(source, staged_site if site_text is not None else None, staged, progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _validate(
    source: Path,
    staging: Path,
    staged: dict[Path, Path],
    files: dict[Path, tuple[str, Draft]],
    problems: Problems,
    progress: Progress,
) -> None:
    found = Problems()
    site = load_site(staging, found)
    incidents = []
    if site is not None:
        for number, (final, path) in enumerate(staged.items(), 1):
            if number % 50 == 0 or number == len(staged):
                progress.show(f"checking {number}/{len(staged)} files")
            incident = load_incident(path, site, found)
            if incident is None:
                continue
            incidents.append(incident)
            draft = files[final][1]
            wanted = [(u.time, u.status, u.body) for u in draft.updates]
            read = [(u.time, u.status, u.body) for u in incident.updates]
            if read != wanted or incident.title != draft.title:
                found.error(
                    path,
                    0,
                    "this file does not read back as the incident it was made from "
                    f"(statuspage id {draft.statuspage_id}); please report it as a bug",
                )
        content = Content(site, tuple(incidents))
        derive.check_promises(derive.compute_facts(content, datetime.now(UTC)), found)
    progress.done()
    shown_staging, shown_source = display_path(staging), display_path(source)
    for problem in found.items:
        where = problem.path.replace(shown_staging, shown_source, 1)
        message = problem.message
        if problem.severity == "error":
            message = f"statusgen import would write this file wrongly: {message}"
        problems.items.append(Problem(where, problem.line, problem.severity, message))
    if problems.errors:
        raise ContentError(problems.sorted())


def _move_into_place(
    source: Path, staged_site: Path | None, staged: dict[Path, Path], progress: Progress
) -> None:
    placed: list[tuple[Path, bytes | None]] = []  # what to put back if a move fails
    site_path = source / "site.yaml"
    old_site = site_path.read_bytes() if staged_site is not None and site_path.exists() else None
    try:
        incidents_dir(source).mkdir(parents=True, exist_ok=True)
        for final, path in staged.items():
            before = final.read_bytes() if final.exists() else None
            os.chmod(path, final.stat().st_mode & 0o7777 if before is not None else 0o644)
            os.replace(path, final)
            placed.append((final, before))
        if staged_site is not None:
            os.chmod(
                staged_site, site_path.stat().st_mode & 0o7777 if old_site is not None else 0o644
            )
            os.replace(staged_site, site_path)
    except OSError as exc:
        for final, before in reversed(placed):
            if before is None:
                final.unlink(missing_ok=True)
            else:
                final.write_bytes(before)
        if old_site is not None:
            site_path.write_bytes(old_site)
        problems = Problems()
        problems.error(
            Path(exc.filename) if exc.filename else source,
            0,
            f"cannot write it ({exc.strerror or exc}); nothing was imported",
        )
        raise ContentError(problems.sorted()) from None
    progress.done()
