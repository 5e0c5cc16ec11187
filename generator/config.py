"""Reading ``site.yaml`` into a :class:`~generator.model.Site` (SPEC section 2)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator import textfile, yamlfile
from generator.model import Component, Site
from generator.problems import Problems, quoted
from generator.textfile import unicode_name
from generator.times import FIRST_YEAR, LAST_YEAR, TimeError, iana_zone, parse_duration

# \Z, not $: "$" also matches before a trailing newline, which would let "api\n" pass.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

SITE_KEYS = {
    "name": 'the site\'s name (pages read "<name> Status")',
    "url": "the absolute public URL, e.g. https://status.acme.example/",
    "timezone": "an IANA time zone name such as Europe/Berlin (default UTC)",
    "language": "the UI language, e.g. en",
    "description": "one line about the site",
    "links": "links shown in the header and footer, e.g. home: https://acme.example",
    "mirrors": "other addresses this same site is published at",
    "max_silence": "warn when an unresolved incident has had no update for this long, e.g. 60m",
    "theme": "the name of a theme folder under themes/ (default: default)",
    "messages": "default update messages, by status, e.g. investigating: We are looking into it.",
    "components": "the list of components",
}
COMPONENT_KEYS = ("id", "name", "description", "since", "components")
MESSAGE_KEYS = (
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "postmortem",
    "update",
    "scheduled",
    "in_progress",
    "verifying",
    "completed",
)


def site_timezone(source: Path) -> ZoneInfo:
    """The site's time zone, read on its own (for ``--now``); UTC when it cannot be read.

    A site.yaml with problems is reported in full by :func:`load_site`; this never fails.
    """
    try:
        data = yamlfile.load(textfile.read_text(source / "site.yaml"))
        return iana_zone(yamlfile.as_text(data.get("timezone") or "UTC"))
    except (OSError, ValueError, AttributeError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


def load_site(source: Path, problems: Problems) -> Site | None:
    """Read ``source/site.yaml``; report every problem, and return None if there were errors."""
    path = source / "site.yaml"
    errors_before = len(problems.errors)
    try:
        text = textfile.read_text(path)
    except textfile.TextFileError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    except FileNotFoundError:
        problems.error(
            path,
            0,
            "there is no site.yaml here; run statusgen in the site's folder "
            "or name it with --source DIR",
        )
        return None
    except OSError as exc:
        problems.error(path, 0, f"cannot read this file: {exc.strerror or exc}")
        return None
    try:
        data = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    if not isinstance(data, yamlfile.Located):
        problems.error(
            path, 1, "site.yaml must be a mapping of keys such as name:, url: and components:"
        )
        return None

    def err(key: Any, message: str, line: int | None = None) -> None:
        problems.error(path, line or yamlfile.line_of(data, key, 1), message)

    for key in data:
        if key not in SITE_KEYS:
            err(key, f"unknown key {quoted(key)}; the keys are: {', '.join(SITE_KEYS)}")

    name = _text(data, "name", err, required=True)
    url = _text(data, "url", err, required=True)
    if url:
        wrong = url_problem(url)
        if wrong:
            err(
                "url",
                f"url must be an absolute http(s) address such as "
                f"https://status.acme.example/, not {quoted(url)}: {wrong}",
            )
        elif not url.endswith("/"):
            url += "/"
    zone_text = _text(data, "timezone", err) or "UTC"
    zone = ZoneInfo("UTC")
    try:
        zone = iana_zone(zone_text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        err(
            "timezone",
            f"unknown time zone {quoted(zone_text)}; use an IANA name such as "
            "Europe/Berlin, America/New_York or UTC",
        )
    language = _text(data, "language", err) or "en"
    if not re.match(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*\Z", language):
        err(
            "language",
            f"language must be a language code such as en, de or pt-BR, not {quoted(language)}",
        )
    description = _text(data, "description", err) or ""
    theme = _text(data, "theme", err) or "default"
    if not ID_PATTERN.match(theme):
        err(
            "theme",
            f"theme must be a folder name under themes/ such as 'default', not {quoted(theme)}",
        )
    elif theme != "default" and not (source / "themes" / theme).is_dir():
        err(
            "theme",
            f"there is no theme folder themes/{theme}/ in the site; create it, "
            "or remove theme: to use the built-in default theme",
        )

    links = _string_map(data, "links", err, path, problems, urls=True)
    messages = _string_map(data, "messages", err, path, problems, allowed=MESSAGE_KEYS)
    mirrors: list[str] = []
    raw_mirrors = data.get("mirrors")
    if raw_mirrors is not None:
        if not isinstance(raw_mirrors, list):
            err("mirrors", "mirrors must be a list of URLs, e.g. - https://acme-status.pages.dev/")
        else:
            for index, item in enumerate(raw_mirrors):
                line = _item_line(raw_mirrors, index, yamlfile.line_of(data, "mirrors", 1))
                wrong = url_problem(item) if isinstance(item, str) else "it is not text"
                if wrong:
                    problems.error(
                        path,
                        line,
                        f"a mirror must be an absolute http(s) URL, not {quoted(item)}: {wrong}",
                    )
                else:
                    mirrors.append(item)

    max_silence = timedelta(minutes=60)
    if "max_silence" in data:
        raw = data["max_silence"]
        try:
            if isinstance(raw, bool) or not isinstance(raw, str | int):
                raise TimeError("max_silence must be a duration such as 30m, 1h or 1h30m")
            # A bare number is minutes; it is read as text so that its size is checked too.
            max_silence = parse_duration(f"{raw}m" if isinstance(raw, int) else raw)
            if max_silence <= timedelta(0):
                raise TimeError("max_silence must be longer than zero, e.g. 60m")
        except TimeError as exc:
            err("max_silence", str(exc))

    by_id: dict[str, Component] = {}
    top = _components(data, path, problems, by_id)
    if len(problems.errors) > errors_before:
        return None
    return Site(
        name=name or "",
        url=url or "",
        timezone=zone,
        language=language.replace("_", "-"),
        description=description,
        links=tuple(links),
        mirrors=tuple(mirrors),
        max_silence=max_silence,
        theme=theme,
        messages=tuple(messages),
        components=tuple(top),
        by_id=by_id,
        path=path,
        source=source,
    )


def url_problem(url: str, mailto: bool = False) -> str | None:
    """What is wrong with an absolute URL written in site.yaml, or None.

    A URL reaches robots.txt, the sitemap, feeds and headers as written, so a newline or a
    control character in it would forge lines there: they are refused, like a URL that
    cannot be parsed (``https://[::1/``), one without a host and one with a bad port.
    """
    for char in url:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return f"it holds the character {unicode_name(char)}, which a URL cannot hold"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"it cannot be read as a URL ({exc})"
    schemes = ("http", "https", "mailto") if mailto else ("http", "https")
    if parts.scheme.lower() not in schemes:
        return f"it must start with {' or '.join(s + ':' for s in schemes)}"
    if parts.scheme.lower() == "mailto":
        return None if parts.path and "@" in parts.path else "it names no address after mailto:"
    if not parts.hostname:
        return "it names no host, as in https://status.acme.example/"
    if port == 0:
        return "its port must be between 1 and 65535"
    return None


def _item_line(items: Any, index: int, default: int) -> int:
    if isinstance(items, yamlfile.LocatedList) and index < len(items.item_lines):
        return items.item_lines[index]
    return default


def _text(data: Any, key: str, err: Any, required: bool = False) -> str | None:
    if key not in data or data[key] is None:
        if required:
            err(key, f"{key} is required: {SITE_KEYS[key]}", 1)
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        err(key, f"{key} must be text: {SITE_KEYS[key]}")
        return None
    value = yamlfile.as_text(value).strip()
    if required and not value:
        err(key, f"{key} must not be empty: {SITE_KEYS[key]}")
        return None
    return value


def _string_map(
    data: Any,
    key: str,
    err: Any,
    path: Path,
    problems: Problems,
    urls: bool = False,
    allowed: tuple[str, ...] | None = None,
) -> list[tuple[str, str]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, dict):
        err(key, f"{key} must be a mapping: {SITE_KEYS[key]}")
        return []
    out = []
    for name, value in raw.items():
        line = yamlfile.line_of(raw, name, yamlfile.line_of(data, key, 1))
        if allowed is not None and name not in allowed:
            problems.error(
                path, line, f"unknown {key} key {quoted(name)}; use one of: {', '.join(allowed)}"
            )
            continue
        if not isinstance(value, str) or not value.strip():
            problems.error(path, line, f"{key}.{name} must be text")
            continue
        wrong = url_problem(value.strip(), mailto=True) if urls else None
        if wrong:
            problems.error(
                path,
                line,
                f"{key}.{name} must be an http(s) or mailto: URL, not {quoted(value)}: {wrong}",
            )
            continue
        out.append((str(name), value.strip()))
    return out


def _components(
    data: Any, path: Path, problems: Problems, by_id: dict[str, Component]
) -> list[Component]:
    raw = data.get("components")
    if not isinstance(raw, list) or not raw:
        problems.error(
            path,
            yamlfile.line_of(data, "components", 1),
            "components is required: a list with at least one entry such as\n"
            "  components:\n    - id: api\n      name: Public API",
        )
        return []
    top: list[Component] = []
    for index, item in enumerate(raw):
        component = _component(item, _item_line(raw, index, 1), path, problems, by_id, None)
        if component:
            top.append(component)
    return top


def _component(
    item: Any,
    line: int,
    path: Path,
    problems: Problems,
    by_id: dict[str, Component],
    group: str | None,
) -> Component | None:
    if not isinstance(item, dict):
        problems.error(
            path,
            line,
            "each component is a mapping with id: and name:, e.g.\n"
            "  - id: api\n    name: Public API",
        )
        return None
    ok = True
    for key in item:
        if key not in COMPONENT_KEYS:
            problems.error(
                path,
                yamlfile.line_of(item, key, line),
                f"unknown component key {quoted(key)}; the keys are: {', '.join(COMPONENT_KEYS)}",
            )
            ok = False
    component_id = item.get("id")
    if not isinstance(component_id, str) or not ID_PATTERN.match(component_id):
        problems.error(
            path,
            yamlfile.line_of(item, "id", line),
            f"component id must be lower-case letters, digits and dashes "
            f"(like api or blob-storage), not {quoted(component_id)}",
        )
        return None
    if component_id in by_id:
        problems.error(
            path,
            yamlfile.line_of(item, "id", line),
            f"the component id {quoted(component_id)} is used twice (first at line "
            f"{by_id[component_id].line}); ids must be unique across the file",
        )
        return None
    name = item.get("name")
    if (
        not isinstance(name, str | int | float)
        or isinstance(name, bool)
        or not yamlfile.as_text(name).strip()
    ):
        problems.error(
            path,
            yamlfile.line_of(item, "name", line),
            f"component {quoted(component_id)} needs a name, e.g. name: Public API",
        )
        ok = False
    raw_description = item.get("description") or ""
    description = (
        yamlfile.as_text(raw_description)
        if isinstance(raw_description, yamlfile.Number)
        else raw_description
    )
    if not isinstance(description, str):
        problems.error(
            path, yamlfile.line_of(item, "description", line), "description must be text"
        )
        ok = False
    since = None
    if "since" in item:
        try:
            since = date.fromisoformat(str(item["since"]).strip())
            if not FIRST_YEAR <= since.year <= LAST_YEAR:
                raise ValueError(since)
        except ValueError:
            problems.error(
                path,
                yamlfile.line_of(item, "since", line),
                f"since must be a date written as 2024-01-01, not {quoted(item['since'])}",
            )
            ok = False
    children: list[str] = []
    if "components" in item:
        members = item["components"]
        if group is not None:
            problems.error(
                path,
                yamlfile.line_of(item, "components", line),
                "groups cannot be nested: a group's components cannot have "
                "components of their own (two levels at most)",
            )
            ok = False
        elif not isinstance(members, list) or not members:
            problems.error(
                path,
                yamlfile.line_of(item, "components", line),
                "a group's components must be a list with at least one component",
            )
            ok = False
        else:
            # Reserve the group's id first so members cannot reuse it.
            by_id[component_id] = Component(id=component_id, name="", line=line)
            for index, member in enumerate(members):
                child = _component(
                    member, _item_line(members, index, line), path, problems, by_id, component_id
                )
                if child:
                    children.append(child.id)
    if not ok:
        by_id.setdefault(component_id, Component(id=component_id, name="", line=line))
        return None
    component = Component(
        id=component_id,
        name=yamlfile.as_text(name).strip(),
        description=description.strip(),
        since=since,
        group_id=group,
        children=tuple(children),
        line=line,
    )
    by_id[component_id] = component
    return component
