"""Creating a new status-site repository (``statusgen init``).

The files come from templates shipped inside the package (``generator/site_template/``), so that
``pip install statusgen`` alone is enough to start a site. The result passes ``statusgen check``
and builds as created; its workflows publish it (docs/publishing.md).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from generator import __version__
from generator.problems import UsageError

DEFAULT_URL = "https://status.example.com/"
RELEASED_PACKAGE = f"statusgen=={__version__}"

# Folder entries that do not make a folder "in use": a fresh `git init`, or a clone of a new
# GitHub repository, is a fine place to start a site.
IGNORED_ENTRIES = {".git"}

# Placeholders in the templates. Plain tokens rather than a template language, because the
# workflows are full of GitHub's own ${{ ... }} expressions.
TOKEN = re.compile(r"__STATUSGEN_[A-Z0-9]+__")


@dataclass(frozen=True)
class Scaffold:
    """What ``init`` did: the files it wrote and those it left alone because they existed."""

    written: list[Path]
    kept: list[Path]
    package: str  # the pip requirement the site's workflows install statusgen from


@dataclass(frozen=True)
class InstallSource:
    """Where a new site's CI installs statusgen from, and why (shown to the user)."""

    requirement: str
    reason: str


def install_source(distribution: str = "statusgen") -> InstallSource:
    """The source this statusgen was installed from, as a requirement a site's CI can install.

    PEP 610's ``direct_url.json`` says where an installed package came from: a VCS URL (pinned
    here to the commit that was installed), an archive (a wheel or sdist) at an http(s) URL, or a
    local folder or file. A local folder that is a git clone with an http(s) remote is its
    remote at the commit checked out; anything else local cannot be reached from CI. Without
    ``direct_url.json`` the package came from an index (PyPI): the released version.
    """
    from importlib import metadata  # only for init: every other command starts faster

    try:
        text = metadata.distribution(distribution).read_text("direct_url.json")
        origin = json.loads(text) if text else None
    except (metadata.PackageNotFoundError, ValueError):
        origin = None
    released = InstallSource(RELEASED_PACKAGE, "the released version, from PyPI")
    if not isinstance(origin, dict) or not isinstance(origin.get("url"), str):
        return released
    url: str = origin["url"]
    vcs = origin.get("vcs_info")
    reachable = urlsplit(url).scheme in ("http", "https")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") and reachable:
        return InstallSource(f"git+{url}@{vcs['commit_id']}", "the git commit it came from")
    archive = origin.get("archive_info")
    if isinstance(archive, dict) and reachable:
        hashes = archive.get("hashes")
        if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
            url = f"{url.split('#')[0]}#sha256={hashes['sha256']}"  # pip checks it
        return InstallSource(url, "the archive it was installed from")
    if urlsplit(url).scheme == "file":
        folder = Path(urlsplit(url).path)
        remote = _git_remote(folder if folder.is_dir() else folder.parent)
        if remote is not None:
            return InstallSource(remote, "the commit of the git clone it was installed from")
    return InstallSource(
        released.requirement,
        f"the released version, from PyPI: this statusgen came from {url}, which CI cannot reach",
    )


def _git_remote(folder: Path) -> str | None:
    """``git+<origin URL>@<commit>`` for a clean clone whose commit is on an http(s) remote."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    remote, commit = git("remote", "get-url", "origin"), git("rev-parse", "HEAD")
    if not remote or not commit or urlsplit(remote).scheme not in ("http", "https"):
        return None
    if git("branch", "--remotes", "--contains", commit) in (None, ""):
        return None  # a commit that was never pushed cannot be installed from the remote
    return f"git+{remote}@{commit}"


def default_name(target: Path) -> str:
    """A readable site name from the folder's name: ``acme-status`` → ``Acme``."""
    words = [w for w in re.split(r"[-_\s]+", target.resolve().name) if w]
    words = [w for w in words if w.lower() != "status"] or ["Example"]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def example_times(now: datetime) -> list[str]:
    """Update times for the example incident: two days before ``now``, so it is resolved,
    recent enough to show on the home page, and can never become overdue or silent."""
    start = (now.astimezone(UTC) - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    offsets = (timedelta(0), timedelta(minutes=20), timedelta(minutes=55))
    return [(start + offset).strftime("%Y-%m-%d %H:%M UTC") for offset in offsets]


def create_site(
    target: Path,
    now: datetime,
    *,
    name: str | None = None,
    url: str = DEFAULT_URL,
    package: str | None = None,
    force: bool = False,
) -> Scaffold:
    """Write a new status site into ``target``.

    ``package`` is the pip requirement the site's workflows install statusgen from (default:
    :func:`install_source`). A folder
    that already holds files is refused unless ``force``; even then no existing file is
    overwritten (it is listed in :attr:`Scaffold.kept`).
    """
    if package is None:
        package = install_source().requirement
    _validate(name, url, package)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder; name a new or empty folder")
    in_use = (
        sorted(p.name for p in target.iterdir() if p.name not in IGNORED_ENTRIES)
        if target.is_dir()
        else []
    )
    if in_use and not force:
        shown = ", ".join(in_use[:5]) + (", ..." if len(in_use) > 5 else "")
        raise UsageError(
            f"{target} is not empty ({shown}); name a new or empty folder, or add "
            "--force to add only the files that are missing"
        )

    site_name = name or default_name(target)
    times = example_times(now)
    values = {
        "__STATUSGEN_NAME__": site_name,
        "__STATUSGEN_URL__": url,
        "__STATUSGEN_PACKAGE__": package,
        "__STATUSGEN_DESCRIPTION__": f"Live status of {site_name} services",
        "__STATUSGEN_T1__": times[0],
        "__STATUSGEN_T2__": times[1],
        "__STATUSGEN_T3__": times[2],
    }
    # In YAML, the values are written as JSON strings (valid YAML), so no name can break it.
    quoted = (
        "__STATUSGEN_NAME__",
        "__STATUSGEN_URL__",
        "__STATUSGEN_PACKAGE__",
        "__STATUSGEN_DESCRIPTION__",
    )
    yaml_values = {**values, **{k: json.dumps(values[k]) for k in quoted}}
    incident_id = f"{times[0][:10]}-example-incident"
    plan = [
        ("site.yaml", "site.yaml", yaml_values),
        ("incident.md", f"content/incidents/{incident_id}.md", values),
        ("workflows/check.yml", ".github/workflows/check.yml", yaml_values),
        ("workflows/publish.yml", ".github/workflows/publish.yml", yaml_values),
        ("README.md", "README.md", values),
        ("gitignore", ".gitignore", values),
    ]

    written: list[Path] = []
    kept: list[Path] = []
    incidents = target / "content" / "incidents"
    if incidents.is_dir() and any(incidents.glob("*.md")):
        # A site with incidents of its own needs no example (its name changes with the date).
        plan = [entry for entry in plan if entry[0] != "incident.md"]
        kept.append(incidents)
    for template, relative, mapping in plan:
        destination = target / relative
        if destination.exists():
            kept.append(destination)
            continue
        text = _fill(_template_text(template), mapping)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        written.append(destination)
    return Scaffold(written, kept, package)


def _validate(name: str | None, url: str, package: str) -> None:
    if name is not None and (not name.strip() or "\n" in name):
        raise UsageError("--name must be one line of text, e.g. --name 'Acme Cloud'")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"--url must be an absolute http(s) address such as {DEFAULT_URL}, not {url!r}"
        )
    # The requirement lands in a shell command of the workflows: keep it to what pip reads.
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-\[\],=<>!~+:/@#&]*", package):
        raise UsageError(
            f"--package must be a pip requirement such as {RELEASED_PACKAGE} or "
            "git+https://github.com/OWNER/statusgen@v1.0.0, not "
            f"{package!r}"
        )


def _template_text(name: str) -> str:
    return resources.files("generator").joinpath("site_template", name).read_text(encoding="utf-8")


def _fill(text: str, mapping: dict[str, str]) -> str:
    for token, value in mapping.items():
        text = text.replace(token, value)
    left = TOKEN.search(text)
    if left:
        raise AssertionError(f"scaffold template left a placeholder: {left.group()}")
    return text
