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
from generator.model import (
    AUDIENCES,
    CHANNEL_TYPES,
    SMTP_SECURITY,
    Component,
    NotifyChannel,
    Site,
    SmtpSettings,
    Upstream,
)
from generator.problems import ContentError, Problems, quoted
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
    "upstream": "the providers you depend on, each with name: and url: of its status page",
    "notify": "where `statusgen notify` pushes each update: Slack, Discord, Teams, webhooks, email",
    "subscribe": "the address of a mailing-list sign-up page, shown beside the feeds",
}
COMPONENT_KEYS = ("id", "name", "description", "since", "components")
UPSTREAM_KEYS = ("name", "url", "components")
UPSTREAM_EXAMPLE = (
    "  upstream:\n    - name: GitHub\n      url: https://www.githubstatus.com/\n"
    "      components: [Git Operations, API Requests]"
)
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


def require_site(source: Path) -> Site:
    """The site at ``source`` for a command that needs nothing else read first (the writing
    commands, notify); a site.yaml with errors is a :class:`ContentError` listing them."""
    problems = Problems()
    site = load_site(source, problems)
    if site is None:
        raise ContentError(problems.sorted())
    return site


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

    upstream = _upstream(data, path, problems)
    by_id: dict[str, Component] = {}
    top = _components(data, path, problems, by_id)
    channels = _notify(data, path, problems, by_id)
    subscribe = _subscribe(data, path, problems)
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
        upstream=tuple(upstream),
        by_id=by_id,
        path=path,
        source=source,
        notify=tuple(channels),
        subscribe=subscribe,
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
    ok = _known_keys(item, COMPONENT_KEYS, "component", line, path, problems)
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


def _known_keys(
    item: Any, keys: tuple[str, ...], what: str, line: int, path: Path, problems: Problems
) -> bool:
    """Whether every key of a mapping is one of ``keys``; an error at each one that is not."""
    ok = True
    for key in item:
        if key not in keys:
            problems.error(
                path,
                yamlfile.line_of(item, key, line),
                f"unknown {what} key {quoted(key)}; the keys are: {', '.join(keys)}",
            )
            ok = False
    return ok


def _upstream(data: Any, path: Path, problems: Problems) -> list[Upstream]:
    """The ``upstream:`` providers: each a name, the address of its status page, and optionally
    the names of its components to show."""
    raw = data.get("upstream")
    at = yamlfile.line_of(data, "upstream", 1)
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.error(path, at, f"upstream must be a list of providers, e.g.\n{UPSTREAM_EXAMPLE}")
        return []
    out: list[Upstream] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        line = _item_line(raw, index, at)
        if not isinstance(item, dict):
            problems.error(
                path,
                line,
                "each upstream provider is a mapping with name: and url:, "
                f"e.g.\n{UPSTREAM_EXAMPLE}",
            )
            continue
        ok = _known_keys(item, UPSTREAM_KEYS, "upstream", line, path, problems)
        name = item.get("name")
        name_line = yamlfile.line_of(item, "name", line)
        if (
            not isinstance(name, str | int | float)
            or isinstance(name, bool)
            or not str(name).strip()
        ):
            problems.error(path, name_line, "an upstream provider needs a name, e.g. name: GitHub")
            ok = False
        elif re.search(r"[\x00-\x1f\x7f]", str(name).strip()):
            problems.error(path, name_line, "the provider's name must not hold control characters")
            ok = False
        else:
            name = " ".join(str(name).split())
            if name in seen:
                problems.error(
                    path,
                    name_line,
                    f"the upstream provider {name!r} is listed twice (first at line "
                    f"{seen[name]}); list each provider once",
                )
                ok = False
            seen.setdefault(name, name_line)
        url = _upstream_url(item.get("url"), yamlfile.line_of(item, "url", line), path, problems)
        if url is None:
            ok = False
        components = _upstream_components(item, line, path, problems)
        if components is None:
            ok = False
        if ok and url is not None and components is not None:
            out.append(Upstream(name=str(name), url=url, components=components, line=line))
    return out


_SUMMARY_SUFFIX = "api/v2/summary.json"


def _upstream_url(value: Any, line: int, path: Path, problems: Problems) -> str | None:
    """The address of a provider's status page, checked and ending with "/"."""
    example = "e.g. url: https://www.githubstatus.com/"
    if value is None:
        problems.error(
            path, line, f"an upstream provider needs the url of its status page, {example}"
        )
        return None
    if not isinstance(value, str):
        problems.error(
            path,
            line,
            f"url must be an address such as https://www.githubstatus.com/, not {value!r}",
        )
        return None
    url = value.strip()
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        problems.error(
            path, line, f"url must not contain spaces or control characters: {url!r} ({example})"
        )
        return None
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        problems.error(path, line, f"url has a port that is not a number: {url!r} ({example})")
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.error(
            path,
            line,
            f"url must be an absolute http(s) address with a host, not {url!r} ({example})",
        )
        return None
    if parts.username is not None or parts.password is not None:
        problems.error(
            path,
            line,
            "url must not hold a user name or password: the page is public and the address "
            f"is shown on the site ({example})",
        )
        return None
    if parts.query or parts.fragment:
        problems.error(
            path, line, f"url is the status page's address, without ?query or #fragment ({example})"
        )
        return None
    page = url.removesuffix(_SUMMARY_SUFFIX) if url.endswith("/" + _SUMMARY_SUFFIX) else url
    return page if page.endswith("/") else page + "/"


def _upstream_components(
    item: Any, line: int, path: Path, problems: Problems
) -> tuple[str, ...] | None:
    """The names of the provider's components to show; None after an error."""
    if "components" not in item or item["components"] is None:
        return ()
    raw = item["components"]
    at = yamlfile.line_of(item, "components", line)
    if not isinstance(raw, list):
        problems.error(
            path,
            at,
            "components must be a list of the provider's component names, "
            "e.g. components: [Git Operations, API Requests]",
        )
        return None
    names: list[str] = []
    for index, entry in enumerate(raw):
        entry_line = _item_line(raw, index, at)
        if (
            isinstance(entry, bool)
            or not isinstance(entry, str | int | float)
            or not str(entry).strip()
        ):
            problems.error(
                path,
                entry_line,
                "a component is named as on the provider's page, e.g. Git Operations, "
                f"not {entry!r}",
            )
            return None
        name = " ".join(str(entry).split())
        if name in names:
            problems.error(path, entry_line, f"the component {name!r} is listed twice")
            return None
        names.append(name)
    return tuple(names)


# -- notify: and subscribe: (SPEC section 8) ---------------------------------------------------

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CHANNEL_KEYS = {
    "type": f"one of {', '.join(CHANNEL_TYPES)}",
    "url_env": "the environment variable holding the channel's secret URL, e.g. STATUS_SLACK_URL",
    "components": "only incidents and maintenance that list one of these, e.g. [api, storage]",
    "audience": "subscribers (every update) or team (reminders of promises and silence)",
    "to": "email: the address (or list of addresses) to send to",
    "from": "email: the sender, e.g. Acme Status <status@acme.example>",
    "smtp": "email: {host_env: SMTP_HOST, port: 587, security: starttls, username_env: ..., "
    "password_env: ...}",
}
SMTP_KEYS = ("host_env", "port", "security", "username_env", "password_env", "timeout")
DEFAULT_SMTP_PORTS = {"starttls": 587, "tls": 465, "none": 25}
NOTIFY_EXAMPLE = (
    "e.g.\n  notify:\n    - type: slack\n      url_env: STATUS_SLACK_URL\n"
    "    - type: email\n      to: status@lists.acme.example\n"
    "      from: Acme Status <status@acme.example>\n"
    "      smtp: {host_env: SMTP_HOST, port: 587, security: starttls}"
)


def _notify(
    data: Any, path: Path, problems: Problems, by_id: dict[str, Component]
) -> list[NotifyChannel]:
    raw = data.get("notify")
    if raw is None:
        return []
    base_line = yamlfile.line_of(data, "notify", 1)
    if not isinstance(raw, list):
        problems.error(path, base_line, f"notify must be a list of channels, {NOTIFY_EXAMPLE}")
        return []
    channels = []
    for index, item in enumerate(raw):
        line = _item_line(raw, index, base_line)
        channel = _channel(item, line, path, problems, by_id)
        if channel is not None:
            channels.append(channel)
    return channels


def _channel(
    item: Any, line: int, path: Path, problems: Problems, by_id: dict[str, Component]
) -> NotifyChannel | None:
    if not isinstance(item, dict):
        problems.error(path, line, f"each notify entry is a mapping with type:, {NOTIFY_EXAMPLE}")
        return None
    errors_before = len(problems.errors)

    def at(key: str) -> int:
        return yamlfile.line_of(item, key, line)

    for key in item:
        if key == "url":
            problems.error(
                path,
                at(key),
                "a channel's URL is a secret and never goes in site.yaml: put it in an "
                "environment variable (a CI secret) and name that here, e.g. "
                "url_env: STATUS_SLACK_URL",
            )
        elif key not in CHANNEL_KEYS:
            problems.error(
                path,
                at(key),
                f"unknown notify key {key!r}; the keys are: {', '.join(CHANNEL_KEYS)}",
            )
    kind = item.get("type")
    if kind not in CHANNEL_TYPES:
        shown = "missing" if kind is None else repr(kind)
        problems.error(
            path,
            at("type"),
            f"unknown channel type {shown}; use one of: {', '.join(CHANNEL_TYPES)}",
        )
        return None
    audience = item.get("audience", "subscribers")
    if audience not in AUDIENCES:
        problems.error(
            path,
            at("audience"),
            f"audience must be subscribers or team, not {audience!r}: "
            "subscribers get every update, team gets reminders of promises and silence",
        )
    components: list[str] = []
    if "components" in item:
        listed = item["components"]
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list) or not listed:
            problems.error(
                path,
                at("components"),
                "components must be a list of component or group ids, e.g. [api, storage]",
            )
        else:
            for value in listed:
                if not isinstance(value, str) or value not in by_id:
                    known = ", ".join(by_id) or "none yet"
                    problems.error(
                        path,
                        at("components"),
                        f"unknown component {value!r} in this channel's components; "
                        f"the ids are: {known}",
                    )
                else:
                    components.append(value)
    url_env = None
    to: list[str] = []
    sender = ""
    smtp = None
    if kind == "email":
        for key in ("url_env",):
            if key in item:
                problems.error(
                    path, at(key), "an email channel has no url_env: give to:, from: and smtp:"
                )
        to = _addresses(item, "to", at("to") if "to" in item else line, path, problems)
        sender_list = _addresses(
            item, "from", at("from") if "from" in item else line, path, problems, single=True
        )
        sender = sender_list[0] if sender_list else ""
        smtp = _smtp(item, line, path, problems)
    else:
        for key in ("to", "from", "smtp"):
            if key in item:
                problems.error(
                    path, at(key), f"{key}: is for email channels; a {kind} channel takes url_env:"
                )
        url_env = _env_name(item, "url_env", line, path, problems, required=True)
    if len(problems.errors) > errors_before:
        return None
    return NotifyChannel(
        type=kind,
        line=line,
        audience=str(audience),
        components=tuple(components),
        url_env=url_env,
        to=tuple(to),
        sender=sender,
        smtp=smtp,
    )


def _env_name(
    item: Any, key: str, line: int, path: Path, problems: Problems, required: bool = False
) -> str | None:
    if key not in item:
        if required:
            problems.error(
                path,
                line,
                f"this channel needs {key}: the name of the environment variable that "
                "holds its secret, e.g. url_env: STATUS_SLACK_URL"
                if key == "url_env"
                else f"this channel needs {key}: the name of an environment variable, "
                "e.g. host_env: SMTP_HOST",
            )
        return None
    value = item[key]
    if not isinstance(value, str) or not ENV_NAME.match(value):
        problems.error(
            path,
            yamlfile.line_of(item, key, line),
            f"{key} must be the name of an environment variable (letters, digits and _), "
            f"such as STATUS_SLACK_URL, not {value!r}",
        )
        return None
    return value


def _addresses(
    item: Any, key: str, line: int, path: Path, problems: Problems, single: bool = False
) -> list[str]:
    from email.utils import parseaddr

    example = "Acme Status <status@acme.example>" if key == "from" else "status@lists.acme.example"
    if key not in item:
        problems.error(path, line, f"an email channel needs {key}:, e.g. {key}: {example}")
        return []
    raw = item[key]
    values = raw if isinstance(raw, list) and not single else [raw]
    out = []
    for value in values:
        ok = isinstance(value, str) and not any(ord(ch) < 32 for ch in value)
        address = parseaddr(value)[1] if ok else ""
        local, _, domain = address.rpartition("@")
        if not ok or not local or "." not in domain or " " in address:
            problems.error(
                path,
                line,
                f"{key} must be an email address such as {example}, not {value!r}",
            )
            continue
        out.append(value.strip())
    if not values:
        problems.error(path, line, f"{key} must name at least one address, e.g. {example}")
    return out


def _smtp(item: Any, line: int, path: Path, problems: Problems) -> SmtpSettings | None:
    if "smtp" not in item:
        problems.error(
            path,
            line,
            "an email channel needs smtp:, e.g. smtp: {host_env: SMTP_HOST, port: 587, "
            "security: starttls, username_env: SMTP_USER, password_env: SMTP_PASSWORD}",
        )
        return None
    raw = item["smtp"]
    smtp_line = yamlfile.line_of(item, "smtp", line)
    if not isinstance(raw, dict):
        problems.error(
            path,
            smtp_line,
            "smtp must be a mapping, e.g. {host_env: SMTP_HOST, port: 587, security: starttls}",
        )
        return None
    errors_before = len(problems.errors)
    for key in raw:
        if key == "host" or key == "password" or key == "username":
            problems.error(
                path,
                yamlfile.line_of(raw, key, smtp_line),
                f"smtp.{key} is read from the environment: name the variable with "
                f"{key}_env, e.g. {key}_env: SMTP_{key.upper()}",
            )
        elif key not in SMTP_KEYS:
            problems.error(
                path,
                yamlfile.line_of(raw, key, smtp_line),
                f"unknown smtp key {key!r}; the keys are: {', '.join(SMTP_KEYS)}",
            )
    host_env = _env_name(raw, "host_env", smtp_line, path, problems, required=True)
    security = raw.get("security", "starttls")
    if security not in SMTP_SECURITY:
        problems.error(
            path,
            yamlfile.line_of(raw, "security", smtp_line),
            f"smtp.security must be one of {', '.join(SMTP_SECURITY)}, not {security!r}",
        )
        security = "starttls"
    port = raw.get("port", DEFAULT_SMTP_PORTS[str(security)])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        problems.error(
            path,
            yamlfile.line_of(raw, "port", smtp_line),
            f"smtp.port must be a port number such as 587 (starttls), 465 (tls) or 25, "
            f"not {port!r}",
        )
    timeout = raw.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        problems.error(
            path,
            yamlfile.line_of(raw, "timeout", smtp_line),
            f"smtp.timeout must be a number of seconds such as 30, not {timeout!r}",
        )
    username_env = _env_name(raw, "username_env", smtp_line, path, problems)
    password_env = _env_name(raw, "password_env", smtp_line, path, problems)
    if (username_env is None) != (password_env is None) and len(problems.errors) == errors_before:
        problems.error(
            path,
            smtp_line,
            "give both smtp.username_env and smtp.password_env for AUTH, or neither",
        )
    if len(problems.errors) > errors_before or host_env is None:
        return None
    return SmtpSettings(
        host_env=host_env,
        port=int(port),
        security=str(security),
        username_env=username_env,
        password_env=password_env,
        timeout=float(timeout),
    )


def _subscribe(data: Any, path: Path, problems: Problems) -> str:
    if data.get("subscribe") is None:
        return ""
    value = data["subscribe"]
    line = yamlfile.line_of(data, "subscribe", 1)
    reason = url_problem(value) if isinstance(value, str) else "it is not text"
    clean = isinstance(value, str) and not any(ch.isspace() or ord(ch) < 32 for ch in value)
    if clean and value.startswith("mailto:") and "@" in value:
        return str(value)
    if reason:
        problems.error(
            path,
            line,
            f"subscribe must be the address of a mailing-list sign-up page, such as "
            f"https://lists.acme.example/subscribe (or a mailto: address), not {value!r}: "
            f"{reason}",
        )
        return ""
    return str(value)
