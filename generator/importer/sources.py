"""Reading an Atlassian Statuspage page: what the importer works from (SPEC section 9).

Three ways in, one result (:class:`Export`):

- a page's address: its public API, ``api/v2/summary.json``, ``incidents.json`` and
  ``scheduled-maintenances.json`` (the latest 50 incidents and 50 maintenances);
- a folder holding those files as saved (``components.json`` too, if it is there); a missing
  file is a warning;
- ``--page-id`` with an API key: the management API (``api.statuspage.io/v1``), every incident
  and maintenance of the page's history, page by page.

Nothing is interpreted here beyond the shape of the documents: :mod:`.statuspage` reads the
incidents themselves, and reports problems by incident.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from generator.http_json import FetchError, fetch_json
from generator.importer.progress import Progress
from generator.problems import ContentError, Problems, UsageError, display_path

PUBLIC_FILES = ("summary.json", "incidents.json", "scheduled-maintenances.json")
EXTRA_FILES = ("components.json",)
MAX_BYTES = 64 * 1024 * 1024  # a public incidents.json is well under 1 MB
TIMEOUT_SECONDS = 30.0
MANAGEMENT_API = "https://api.statuspage.io/v1/"
PAGE_SIZE = 100  # the most the management API gives per page
MAX_PAGES = 10_000
ATTEMPTS = 5  # for an answer of 420/429 (the API's rate limit), 5xx or no answer
MAX_WAIT_SECONDS = 60.0

JSON = dict[str, Any]
Sleep = Callable[[float], None]


@dataclass
class Export:
    """What a page publishes, as read: ``where`` labels say which file or address each came
    from, for messages."""

    origin: str  # the address or folder, as the user gave it
    page: JSON = field(default_factory=dict)  # name, url, time_zone (as far as known)
    components: list[tuple[str, Any]] = field(default_factory=list)  # groups included
    groups: list[tuple[str, Any]] = field(default_factory=list)  # management API groups
    incidents: list[tuple[str, Any]] = field(default_factory=list)  # maintenance included
    links: dict[str, str] = field(default_factory=dict)  # home / support, when the page says


# -- a page's public API, or the same files saved in a folder -----------------------------------


def page_address(url: str) -> str:
    """The page's address from what a user may paste: the page, its API, or one endpoint."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise UsageError(
            f"{text!r} is neither a folder nor a page's address such as "
            "https://status.acme.example/"
        )
    path = re.sub(r"(?:api/v2/?(?:[a-z/-]+\.json)?)?$", "", parts.path)
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}/"


def read_public(url: str, problems: Problems, progress: Progress) -> Export:
    """The public API of the page at ``url``."""
    base = page_address(url)
    documents: dict[str, tuple[str, Any]] = {}
    for name in PUBLIC_FILES:
        address = f"{base}api/v2/{name}"
        progress.show(f"reading {address}")
        try:
            documents[name] = (
                address,
                fetch_json(address, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES),
            )
        except FetchError as exc:
            if exc.status in (404, 410):
                problems.warning(address, 0, f"not found ({exc.reason}); importing without it")
            else:
                problems.error(address, 0, f"cannot read it: {exc.reason}")
    progress.done()
    if problems.errors:
        raise ContentError(problems.sorted())
    return _assemble(base, documents, problems)


def read_folder(folder: Path, problems: Problems) -> Export:
    """Saved public API files: side by side in ``folder`` (or under its ``api/v2/``)."""
    documents: dict[str, tuple[str, Any]] = {}
    for name in PUBLIC_FILES + EXTRA_FILES:
        candidates = [folder / name, folder / "api" / "v2" / name]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            if name in PUBLIC_FILES:
                problems.warning(folder / name, 0, "there is no such file; importing without it")
            continue
        loaded = _load_file(path, problems)
        if loaded is not None:
            documents[name] = (display_path(path), loaded)
    if problems.errors:
        raise ContentError(problems.sorted())
    if not documents:
        problems.error(
            folder,
            0,
            "nothing to import here: save the page's api/v2/summary.json, incidents.json and "
            "scheduled-maintenances.json in this folder",
        )
        raise ContentError(problems.sorted())
    return _assemble(display_path(folder), documents, problems)


def _load_file(path: Path, problems: Problems) -> Any:
    try:
        if path.stat().st_size > MAX_BYTES:
            problems.error(path, 0, f"this file is larger than {MAX_BYTES // 2**20} MB")
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(path, 0, f"cannot read this file as UTF-8 text: {exc}")
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, f"this is not valid JSON: {exc.msg} (column {exc.colno})")
        return None
    except RecursionError:
        problems.error(path, 0, "this JSON is nested too deeply to be a Statuspage export")
        return None


def _assemble(origin: str, documents: dict[str, tuple[str, Any]], problems: Problems) -> Export:
    """One :class:`Export` from the documents read; a wrong shape is an error naming the file."""
    export = Export(origin=origin)
    for name, (where, document) in documents.items():
        if not isinstance(document, dict):
            problems.error(where, 0, f"{name} must be a JSON object with page and its lists")
            continue
        if isinstance(document.get("page"), dict) and not export.page:
            export.page = document["page"]
        keys = {
            "summary.json": ("components", "incidents", "scheduled_maintenances"),
            "incidents.json": ("incidents",),
            "scheduled-maintenances.json": ("scheduled_maintenances",),
            "components.json": ("components",),
        }[name]
        for key in keys:
            items = document.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                problems.error(
                    where, 0, f"{key} in {name} must be a list, not {type(items).__name__}"
                )
                continue
            target = export.components if key == "components" else export.incidents
            if key == "components" and export.components:
                continue  # summary.json and components.json list the same components
            target.extend((where, item) for item in items)
    if problems.errors:
        raise ContentError(problems.sorted())
    return export


# -- the management API -----------------------------------------------------------------------


def read_management(
    page_id: str,
    api_key: str,
    key_variable: str,
    progress: Progress,
    base: str = MANAGEMENT_API,
    sleep: Sleep = time.sleep,
) -> Export:
    """A page's whole history from the management API, authorised by ``api_key``.

    The key is sent in the ``Authorization`` header only; messages name ``key_variable``, the
    environment variable it came from, never the key.
    """
    if not re.fullmatch(r"[A-Za-z0-9]+", page_id):
        raise UsageError(
            f"--page-id: {page_id!r} is not a Statuspage page id (letters and digits, e.g. "
            "kctbh9vrtdwd: the id in your page's API settings)"
        )
    base = base if base.endswith("/") else base + "/"
    client = _ManagementClient(base, api_key, key_variable, sleep)
    root = f"pages/{quote(page_id)}"
    profile = client.get(root)
    if not isinstance(profile, dict):
        raise _failure(client.url(root), "the answer is not a page")
    export = Export(origin=client.url(root))
    export.page = _page_from_profile(profile)
    for key, label in (("url", "home"), ("support_url", "support")):
        value = profile.get(key)
        if isinstance(value, str) and urlsplit(value).scheme in ("http", "https"):
            export.links[label] = value
    where = client.url(f"{root}/components")
    export.components = [
        (where, c) for c in client.paged(f"{root}/components", progress, "components")
    ]
    where = client.url(f"{root}/component-groups")
    export.groups = [
        (where, g)
        for g in client.paged(
            f"{root}/component-groups", progress, "component groups", optional=True
        )
    ]
    where = client.url(f"{root}/incidents")
    export.incidents = [
        (where, i) for i in client.paged(f"{root}/incidents", progress, "incidents and maintenance")
    ]
    progress.done()
    return export


def _page_from_profile(profile: JSON) -> JSON:
    """The page as the public API names it: the address readers use is its own domain, else
    its statuspage.io subdomain (the profile's ``url`` is the company's site)."""
    domain, subdomain = profile.get("domain"), profile.get("subdomain")
    if isinstance(domain, str) and domain.strip():
        url: Any = f"https://{domain.strip()}"
    elif isinstance(subdomain, str) and subdomain.strip():
        url = f"https://{subdomain.strip()}.statuspage.io"
    else:
        url = None
    return {
        "id": profile.get("id"),
        "name": profile.get("name"),
        "url": url,
        "time_zone": profile.get("time_zone"),
    }


def _failure(where: str, reason: str) -> ContentError:
    problems = Problems()
    problems.error(where, 0, reason)
    return ContentError(problems.sorted())


class _ManagementClient:
    def __init__(self, base: str, api_key: str, key_variable: str, sleep: Sleep) -> None:
        self.base = base
        self.headers = {"Authorization": f"OAuth {api_key}"}
        self.key_variable = key_variable
        self.sleep = sleep

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, optional: bool = False) -> Any:
        address = self.url(path)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fetch_json(
                    address, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES, headers=self.headers
                )
            except FetchError as exc:
                if exc.status in (401, 403):
                    raise _failure(
                        address,
                        f"the management API refused the key in ${self.key_variable} "
                        f"({exc.reason}): give a valid API key of a user who can see this page",
                    ) from None
                if exc.status == 404:
                    if optional:
                        return None
                    raise _failure(
                        address,
                        f"not found ({exc.reason}): check --page-id (your page's id is in its "
                        "API settings)",
                    ) from None
                retry = exc.status in (420, 429) or exc.status is None or exc.status >= 500
                if not retry or attempt == ATTEMPTS:
                    raise _failure(address, f"cannot read it: {exc.reason}") from None
                wait = exc.retry_after if exc.retry_after is not None else 2.0 ** (attempt - 1)
                self.sleep(min(wait, MAX_WAIT_SECONDS))
        raise AssertionError("unreachable")

    def paged(self, path: str, progress: Progress, what: str, optional: bool = False) -> list[Any]:
        """Every item of a list endpoint, ``PAGE_SIZE`` a page, until a page comes back short."""
        out: list[Any] = []
        seen: set[str] = set()
        for number in range(1, MAX_PAGES + 1):
            batch = self.get(
                f"{path}?page={number}&per_page={PAGE_SIZE}&limit={PAGE_SIZE}", optional
            )
            if batch is None:
                return out
            if not isinstance(batch, list):
                raise _failure(
                    self.url(path), f"the answer for page {number} is not a list of {what}"
                )
            fresh = []
            for item in batch:
                key = item.get("id") if isinstance(item, dict) else None
                if isinstance(key, str):
                    if key in seen:
                        continue
                    seen.add(key)
                fresh.append(item)
            if batch and not fresh:
                break  # a server that does not page answers the first page again
            out.extend(fresh)
            progress.show(f"read {len(out)} {what} (page {number})")
            if len(batch) < PAGE_SIZE:
                break
        return out
