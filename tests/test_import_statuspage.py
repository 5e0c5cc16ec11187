"""``statusgen import statuspage`` (SPEC section 9), run as a user runs it, on real pages' JSON.

The round trip: a page imported from its saved JSON (or its address, served on 127.0.0.1) passes
``check --strict``, builds, and its ``api/v2/`` gives back the source's names, statuses, impacts,
update texts and times (to the second), field by field. Then: importing again, hostile JSON
(every failure a message naming the incident, never a traceback, nothing half-written), the
management API behind a server that checks the key and pages, and ids from any script.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.servers import serve

DATA = Path(__file__).parent / "data" / "statuspage"
GITHUB = DATA / "github-2024-09-17"
EMMA = DATA / "emma-2019-02-21"
QUAY = DATA / "quay-2016-06-09"
INSTRUCTURE = DATA / "instructure-2021-12-07"
# A moment just after each page was saved, to build them "as of" then.
SAVED_AT = {
    GITHUB: "2024-09-17 08:08 UTC",
    EMMA: "2019-02-21 14:31 UTC",
    QUAY: "2016-06-09 12:00 UTC",
    INSTRUCTURE: "2021-12-07 18:07 UTC",
}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


def imported(source: Path, what: str | Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run("import", "statuspage", str(what), "--source", str(source), *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by path: to show that nothing changed."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def source_incidents(folder: Path) -> list[dict[str, Any]]:
    """The incidents and maintenance of saved JSON, each once."""
    found: dict[str, dict[str, Any]] = {}
    for name, key in (
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
        ("summary.json", "incidents"),
        ("summary.json", "scheduled_maintenances"),
    ):
        if (folder / name).is_file():
            for incident in json.loads((folder / name).read_text("utf-8")).get(key, []):
                found.setdefault(incident["id"], incident)
    return list(found.values())


def second(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).replace(microsecond=0)


def our_ids(site: Path) -> dict[str, str]:
    """Statuspage id → our incident id, from the files' front matter."""
    out = {}
    for path in (site / "content" / "incidents").glob("*.md"):
        match = re.search(r"^statuspage_id: (\S+)", path.read_text("utf-8"), re.M)
        assert match, path
        out[match.group(1)] = path.stem
    return out


def built_api(output: Path) -> dict[str, dict[str, Any]]:
    api = {}
    for name, key in (
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
    ):
        for incident in json.loads((output / "api/v2" / name).read_text("utf-8"))[key]:
            api[incident["id"]] = incident
    return api


def round_trip_differences(folder: Path, site: Path, output: Path) -> list[str]:
    """Field by field: what the built API says that the source did not."""
    ids = our_ids(site)
    api = built_api(output)
    differences = []
    for source in source_incidents(folder):
        ours = api[ids[source["id"]]]
        updates = sorted(
            source["incident_updates"],
            key=lambda u: (second(u["display_at"]), second(u["created_at"])),
            reverse=True,
        )
        wanted: dict[str, Any] = {
            "name": source["name"],
            "status": source["status"],
            "impact": source["impact"],
            "created_at": min(second(u["display_at"]) for u in updates),  # type: ignore[type-var]
            "resolved_at": second(source.get("resolved_at")),
            "updates": [
                (u["status"], u["body"].replace("\r\n", "\n").strip(), second(u["display_at"]))
                for u in updates
            ],
        }
        got: dict[str, Any] = {
            "name": ours["name"],
            "status": ours["status"],
            "impact": ours["impact"],
            "created_at": second(ours["created_at"]),
            "resolved_at": second(ours["resolved_at"]),
            "updates": [
                (u["status"], u["body"], second(u["display_at"])) for u in ours["incident_updates"]
            ],
        }
        if source.get("scheduled_for"):
            wanted["window"] = (second(source["scheduled_for"]), second(source["scheduled_until"]))
            got["window"] = (second(ours["scheduled_for"]), second(ours["scheduled_until"]))
        for field, value in wanted.items():
            if got[field] != value:
                differences.append(f"{source['id']} {field}: {value!r} != {got[field]!r}")
    return differences


# -- the round trip on real pages ----------------------------------------------------------


@pytest.mark.parametrize("folder", [GITHUB, EMMA, QUAY, INSTRUCTURE], ids=lambda p: p.name)
def test_a_real_page_comes_back_from_the_built_api(folder: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    result = imported(site, folder)
    assert result.returncode == 0, result.stderr
    now = SAVED_AT[folder]
    checked = run("check", "--strict", "--source", str(site), "--now", now)
    assert checked.returncode == 0, checked.stderr
    # And on any later day too: imported history asks for no update.
    assert run("check", "--strict", "--source", str(site)).returncode == 0
    output = tmp_path / "out"
    built = run("build", "--strict", "--source", str(site), "--output", str(output), "--now", now)
    assert built.returncode == 0, built.stderr
    assert round_trip_differences(folder, site, output) == []
    assert len(our_ids(site)) == len(source_incidents(folder))


def test_components_and_groups_become_site_yaml(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert imported(site, INSTRUCTURE).returncode == 0
    from generator.config import load_site
    from generator.problems import Problems

    loaded = load_site(site, Problems())
    assert loaded is not None
    assert loaded.name == "Instructure" and loaded.url == "https://status.instructure.com/"
    assert loaded.timezone.key == "America/Denver"
    summary = json.loads((INSTRUCTURE / "summary.json").read_text("utf-8"))
    groups = [c for c in summary["components"] if c.get("group")]
    ours = [c for c in loaded.components if c.is_group]
    assert [g.name for g in ours] == [g["name"] for g in groups]
    names = {c["id"]: c["name"] for c in summary["components"]}
    for group, mine in zip(groups, ours, strict=True):
        assert [loaded.by_id[c].name for c in mine.children] == [
            names[c] for c in group["components"]
        ]
    # The group "Canvas" and its member "Canvas" get two ids, the member's made unique.
    canvas = next(c for c in ours if c.name == "Canvas")
    assert canvas.id == "canvas" and "canvas-canvas" in canvas.children
    assert len(loaded.all_components) == len(summary["components"])


def test_a_page_read_from_its_address_is_the_same_as_saved(tmp_path: Path) -> None:
    served = tmp_path / "served"
    (served / "api" / "v2").mkdir(parents=True)
    for name in ("summary.json",):
        (served / "api" / "v2" / name).write_bytes((QUAY / name).read_bytes())
    from_folder, from_url = tmp_path / "a", tmp_path / "b"
    from_folder.mkdir()
    from_url.mkdir()
    assert imported(from_folder, QUAY).returncode == 0
    with serve(served) as server:
        result = imported(from_url, server.url + "api/v2/summary.json")
    assert result.returncode == 0, result.stderr
    assert "incidents.json: warning: not found" in result.stderr  # a missing file: a warning
    assert snapshot(from_url / "content") == snapshot(from_folder / "content")


def test_an_address_that_cannot_be_read_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    from tests.servers import free_port

    site = tmp_path / "site"
    site.mkdir()
    result = imported(site, f"http://127.0.0.1:{free_port()}/")
    assert result.returncode == 1
    assert "summary.json: error: cannot read it: the connection was refused" in result.stderr
    assert list(site.iterdir()) == []


# -- importing again -----------------------------------------------------------------------


def test_importing_again_changes_nothing_when_nothing_is_new(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert imported(site, EMMA).returncode == 0
    before = snapshot(site)
    again = imported(site, EMMA)
    assert again.returncode == 0
    assert "imported 0 incidents and 0 maintenances" in again.stdout
    assert "22 already imported, with nothing new" in again.stdout
    assert snapshot(site) == before


def test_importing_again_adds_only_what_is_new_and_never_touches_an_edited_file(
    tmp_path: Path,
) -> None:
    saved = json.loads((GITHUB / "incidents.json").read_text("utf-8"))
    first = tmp_path / "first"
    first.mkdir()
    only_old = copy.deepcopy(saved)
    only_old["incidents"] = saved["incidents"][1:]  # the older incident only
    (first / "incidents.json").write_text(json.dumps(only_old), "utf-8")
    site = tmp_path / "site"
    site.mkdir()
    assert imported(site, first).returncode == 0
    (old_file,) = (site / "content" / "incidents").glob("*.md")

    # A writer adds an update to the imported incident.
    edited = run(
        "update", old_file.stem, "--status", "update", "--message", "Root cause: a bad host.",
        "--source", str(site), "--now", "2024-09-17 09:00 UTC",
    )  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    edited_bytes = old_file.read_bytes()

    # The page gets a new incident, and Statuspage also changed the old one.
    later = copy.deepcopy(saved)
    later["incidents"][1]["incident_updates"][0]["body"] = "Resolved, with more words."
    second_folder = tmp_path / "second"
    second_folder.mkdir()
    (second_folder / "incidents.json").write_text(json.dumps(later), "utf-8")
    for refresh in ((), ("--refresh",)):
        result = imported(site, second_folder, *refresh)
        assert result.returncode == 0, result.stderr
        assert old_file.read_bytes() == edited_bytes  # never touched
        assert "1 already imported were edited here since; kept as they are" in result.stdout
    files = sorted((site / "content" / "incidents").glob("*.md"))
    assert [f.name for f in files] == [
        "2024-09-16-disruption-with-git-ssh.md",
        "2024-09-16-incident-with-pages-and-actions.md",
    ]


def test_an_unedited_file_is_brought_up_to_date_only_with_refresh(tmp_path: Path) -> None:
    saved = json.loads((INSTRUCTURE / "summary.json").read_text("utf-8"))
    site = tmp_path / "site"
    site.mkdir()
    assert imported(site, INSTRUCTURE).returncode == 0
    (path,) = (site / "content" / "incidents").glob("*.md")
    before = path.read_bytes()
    # On Statuspage the incident was resolved after the page was first imported.
    resolved = copy.deepcopy(saved)
    incident = resolved["incidents"][0]
    incident["status"] = "resolved"
    incident["resolved_at"] = "2021-12-07T14:02:00.000-07:00"
    incident["incident_updates"].insert(
        0,
        {
            "id": "r3solv3dupd8",
            "status": "resolved",
            "body": "This incident has been resolved.",
            "created_at": "2021-12-07T14:02:00.000-07:00",
            "display_at": "2021-12-07T14:02:00.000-07:00",
            "affected_components": None,
        },
    )
    later = tmp_path / "later"
    later.mkdir()
    (later / "summary.json").write_text(json.dumps(resolved), "utf-8")
    plain = imported(site, later)
    assert plain.returncode == 0
    assert "1 already imported have news on Statuspage" in plain.stdout
    assert path.read_bytes() == before
    refreshed = imported(site, later, "--refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "brought 1 imported files up to date" in refreshed.stdout
    assert "## 2021-12-07 14:02:00 — Resolved" in path.read_text("utf-8")
    assert run("check", "--strict", "--source", str(site)).returncode == 0


def test_an_existing_site_yaml_gains_only_the_components_it_lacks(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    written = (
        "# Our status site.\n"
        "name: Acme\n"
        "url: https://status.acme.example/\n"
        "timezone: Europe/Berlin   # where the team is\n"
        "components:\n"
        "  - id: registry\n"
        "    name: registry and index   # named by hand, matched whatever the case\n"
        "  - id: storage\n"
        "    name: Storage\n"
        "    components:\n"
        "      - id: db\n"
        "        name: Databases\n"
        "\n"
        "# Past here: nothing from the import.\n"
    )
    (site / "site.yaml").write_text(written, "utf-8")
    assert imported(site, QUAY).returncode == 0
    text = (site / "site.yaml").read_text("utf-8")
    assert text.startswith(written.split("\n\n")[0])  # every byte before the new ones
    assert text.endswith("\n\n# Past here: nothing from the import.\n")
    from generator.config import load_site
    from generator.problems import Problems

    loaded = load_site(site, Problems())
    assert loaded is not None
    names = [c.name for c in loaded.components]
    assert names[:2] == ["registry and index", "Storage"]
    assert "Registry and Index" not in names and "Frontend and API" in names
    assert loaded.timezone.key == "Europe/Berlin"  # the site's zone, kept
    maintenance = next(
        p for p in (site / "content" / "incidents").glob("*.md") if "database-maintenance" in p.name
    )
    # Times are written in the site's zone: 15:00 in New York is 21:00 in Berlin.
    assert "  start: 2016-04-23 21:00:00\n" in maintenance.read_text("utf-8")
    assert run("check", "--strict", "--source", str(site)).returncode == 0


# -- hostile JSON --------------------------------------------------------------------------


def github_incidents() -> dict[str, Any]:
    return json.loads((GITHUB / "incidents.json").read_text("utf-8"))


def import_document(
    tmp_path: Path, document: Any, name: str = "incidents.json"
) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path / "saved"
    folder.mkdir(exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document)
    (folder / name).write_text(text, "utf-8")
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    return imported(site, folder), site


def test_missing_keys_and_nulls_get_warnings_and_sensible_defaults(tmp_path: Path) -> None:
    document = github_incidents()
    first, second_incident = document["incidents"]
    for key in ("id", "name", "impact", "started_at", "components"):
        del first[key]
    first["incident_updates"][0]["body"] = None
    first["incident_updates"][1]["display_at"] = None  # falls back to created_at
    first["incident_updates"][2]["status"] = "exploded"
    first["incident_updates"][3]["affected_components"] = [None, {"code": None}, "x"]
    second_incident["incident_updates"] = None  # no updates: one at created_at
    second_incident["name"] = None
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    stderr = result.stderr
    assert "has no usable id (None); it is kept as statuspage_id x" in stderr
    assert "it has no name; it is called 'Incident on 2024-09-16 21:31 UTC'" in stderr
    assert "has no text; it reads 'No details were posted with this update.'" in stderr
    assert "the unknown status 'exploded'; it is imported as an Update" in stderr
    assert "it has no impact; the impact follows from the components' statuses" in stderr
    assert "it has no updates; it gets one at its created_at time" in stderr
    assert run("check", "--strict", "--source", str(site)).returncode == 0
    # Importing the same hostile data again finds the incidents by the ids it made.
    before = snapshot(site)
    assert imported(site, tmp_path / "saved").returncode == 0
    assert snapshot(site) == before


def test_duplicate_and_non_latin_names_get_distinct_meaningful_ids(tmp_path: Path) -> None:
    document = github_incidents()
    one, two = document["incidents"]
    one["name"] = two["name"] = "Задержка доставки писем"
    two["id"] = "zweitesid001"
    one["incident_updates"][0]["display_at"] = two["incident_updates"][0]["display_at"]
    for update in one["incident_updates"] + two["incident_updates"]:
        update["display_at"] = "2024-09-16T10:00:00.000Z"
    third = copy.deepcopy(one)
    third["id"], third["name"] = "drittesid001", "データベースの遅延 🔥"
    fourth = copy.deepcopy(one)
    fourth["id"], fourth["name"] = "viertesid001", "🔥🔥🔥"
    document["incidents"] += [third, fourth]
    components = {
        "components": [
            {"id": "c1", "name": "Почта"},
            {"id": "c2", "name": "Почта"},
            {"id": "c3", "name": "🔥"},
        ]
    }
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "components.json").write_text(json.dumps(components), "utf-8")
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    names = sorted(p.stem for p in (site / "content" / "incidents").glob("*.md"))
    assert re.fullmatch(r"2024-09-16-incident-[0-9a-f]{8}", names[0])  # only emoji: a hash
    assert names[1:] == [
        "2024-09-16-tetahesunochi-yan",  # データベースの遅延, transliterated
        "2024-09-16-zaderzhka-dostavki-pisem",
        "2024-09-16-zaderzhka-dostavki-pisem-2",
    ]
    text = (site / "site.yaml").read_text("utf-8")
    assert "- id: pochta\n" in text and "- id: pochta-2\n" in text
    assert re.search(r"- id: component-[0-9a-f]{6}\n", text)
    assert run("check", "--strict", "--source", str(site)).returncode == 0


def test_html_and_script_in_bodies_stay_text(tmp_path: Path) -> None:
    document = github_incidents()
    updates = document["incidents"][0]["incident_updates"]
    hostile = (
        '<script>alert("x")</script><img src=x onerror=alert(1)> '
        '<a href="javascript:alert(2)">link</a>'
    )
    updates[0]["body"] = hostile
    document["incidents"][0]["name"] = "<b>Bold</b> & <script>title()</script>"
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "out"
    assert run("build", "--source", str(site), "--output", str(output)).returncode == 0
    api = built_api(output)
    ours = api[our_ids(site)["69sb0f8lydp4"]]
    assert ours["incident_updates"][0]["body"] == hostile  # the words, as they were
    assert ours["name"] == "<b>Bold</b> & <script>title()</script>"
    for page in output.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<script>alert" not in text and "<script>title" not in text
        assert "onerror=alert" not in text or "&lt;img" in text
        assert 'href="javascript:' not in text


def test_lines_that_would_read_as_headings_or_open_fences_are_kept_in_their_update(
    tmp_path: Path,
) -> None:
    document = github_incidents()
    updates = document["incidents"][1]["incident_updates"]
    updates[0]["body"] = "Summary\r\n=======\r\n\r\n## Root cause\r\nA host.\r\n# Big\r\nend"
    updates[1]["body"] = "Output:\r\n```\r\n## 2024-09-16 14:00 — Resolved\r\nstill in the code"
    updates[2]["body"] = "Status\n---\nfine"
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    assert "it would read as an update heading, so it is kept as text" in result.stderr
    assert "a line of dashes under text would make a heading; it is kept as text" in result.stderr
    output = tmp_path / "out"
    assert run("build", "--strict", "--source", str(site), "--output", str(output)).returncode == 0
    ours = built_api(output)[our_ids(site)["r3x7x31k7nn1"]]
    bodies = [u["body"] for u in ours["incident_updates"]]
    assert len(bodies) == 6  # no update swallowed another
    assert bodies[0] == "Summary\n\\=======\n\n\\## Root cause\nA host.\n\\# Big\nend"
    assert bodies[1] == "Output:\n```\n## 2024-09-16 14:00 — Resolved\nstill in the code\n```"
    assert bodies[2] == "Status\n\\---\nfine"


def test_a_5_mb_body_is_cut_with_a_warning_and_builds(tmp_path: Path) -> None:
    document = github_incidents()
    paragraph = "Everything is slow and we are looking into it. " * 20 + "\r\n\r\n"
    document["incidents"][0]["incident_updates"][1]["body"] = paragraph * (
        5 * 1024 * 1024 // len(paragraph)
    )
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    assert re.search(r"its text is 5,\d{3},\d{3} characters long; only the first", result.stderr)
    path = site / "content" / "incidents" / "2024-09-16-incident-with-pages-and-actions.md"
    assert path.stat().st_size < 200_000
    assert "more characters were left out on import.)" in path.read_text("utf-8")
    output = tmp_path / "out"
    assert run("build", "--strict", "--source", str(site), "--output", str(output)).returncode == 0


def test_control_characters_and_lone_surrogates_are_dropped(tmp_path: Path) -> None:
    document = github_incidents()
    document["incidents"][0]["incident_updates"][0]["body"] = "bell\x07 nul\x00 fine \ud800 end"
    text = json.dumps(document)
    result, site = import_document(tmp_path, text)
    assert result.returncode == 0, result.stderr
    assert "control characters that no page can show were left out" in result.stderr
    output = tmp_path / "out"
    assert run("build", "--strict", "--source", str(site), "--output", str(output)).returncode == 0
    ours = built_api(output)[our_ids(site)["69sb0f8lydp4"]]
    assert ours["incident_updates"][0]["body"] == "bell nul fine \ufffd end"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "incidents.json:1: error: this is not valid JSON: Expecting property name"),
        ("[]", "incidents.json: error: incidents.json must be a JSON object"),
        (
            '{"incidents": {"a": 1}}',
            "incidents.json: error: incidents in incidents.json must be a list",
        ),
        ('{"incidents": [42]}', "incidents.json: error: incident #1 is not a JSON object but int"),
        (
            '{"incidents": [{"id": "abc123", "name": "Lost in time", "incident_updates": []}]}',
            "error: incident 'Lost in time' (statuspage id abc123) has no update with a time and "
            "no created_at",
        ),
        ("[" * 100_000 + "]" * 100_000, "incidents.json: error: this JSON is nested too deeply"),
    ],
    ids=["not-json", "not-an-object", "not-a-list", "not-an-incident", "no-time", "deep"],
)
def test_what_cannot_be_imported_is_an_error_naming_it_and_writes_nothing(
    tmp_path: Path, document: str, message: str
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text(
        "name: Acme\nurl: https://status.acme.example/\ncomponents:\n  - id: api\n    name: API\n",
        "utf-8",
    )
    before = snapshot(site)
    result, _ = import_document(tmp_path, document)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(site) == before
    assert not any(p.name.startswith(".statusgen-import") for p in site.iterdir())


def test_a_failure_while_moving_files_into_place_puts_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.importer import sources
    from generator.importer.statuspage import import_statuspage
    from generator.problems import ContentError, Problems

    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text(
        "name: Acme\nurl: https://status.acme.example/\ncomponents:\n  - id: api\n    name: API\n",
        "utf-8",
    )
    before = snapshot(site)
    real_replace = os.replace
    calls = []

    def failing_replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    problems = Problems()
    export = sources.read_folder(EMMA, problems)
    with pytest.raises(ContentError) as caught:
        import_statuspage(site, export, problems)
    assert caught.value.problems[-1].message == (
        "cannot write it (No space left on device); nothing was imported"
    )
    assert snapshot(site) == before
    assert not any(p.name.startswith(".statusgen-import") for p in site.iterdir())


# -- the management API --------------------------------------------------------------------

KEY = "sk-test-1f2e3d4c5b6a"
PAGE = "jb7j80lkgqvb"


def management_history() -> list[dict[str, Any]]:
    """230 incidents made from the real one in Zulip's fixture, a postmortem and a maintenance
    among them: more than two pages of the API's 100."""
    base = json.loads((DATA / "management" / "zulip-webhook-incident-update.json").read_text())[
        "incident"
    ]
    out = []
    start = datetime(2017, 12, 26, 7, 32, tzinfo=UTC)
    for number in range(230):
        incident = copy.deepcopy(base)
        incident["id"] = f"inc{number:05d}x"
        incident["name"] = f"{base['name']} #{number}"
        shift = timedelta(days=number)
        for update in incident["incident_updates"]:
            for key in ("created_at", "updated_at", "display_at"):
                update[key] = (datetime.fromisoformat(update[key]) + shift).isoformat()
        for key in ("created_at", "updated_at", "resolved_at"):
            incident[key] = (datetime.fromisoformat(incident[key]) + shift).isoformat()
        out.append(incident)
    postmortem = out[7]
    postmortem["status"] = "postmortem"
    postmortem["postmortem_body"] = (
        "## What happened\r\nA slow query.\r\n\r\n## What we changed\r\nAn index."
    )
    postmortem["postmortem_published_at"] = (start + timedelta(days=9)).isoformat()
    maintenance = out[8]
    maintenance["status"] = "completed"
    maintenance["impact"] = "maintenance"
    maintenance["scheduled_for"] = (start + timedelta(days=8, hours=2)).isoformat()
    maintenance["scheduled_until"] = (start + timedelta(days=8, hours=4)).isoformat()
    maintenance["incident_updates"][0]["status"] = "completed"
    maintenance["incident_updates"][0]["display_at"] = maintenance["scheduled_until"]
    maintenance["incident_updates"][1]["status"] = "scheduled"
    return list(reversed(out))  # newest first, as the API lists them


class _ManagementAPI(BaseHTTPRequestHandler):
    history: list[dict[str, Any]]
    seen: list[tuple[str, str | None]]
    throttled: list[bool]

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != f"OAuth {KEY}":
            return self._send(401, {"error": "Could not authenticate"})
        root = f"/v1/pages/{PAGE}"
        number = int(query.get("page", ["1"])[0])
        size = int(query.get("limit", query.get("per_page", ["100"]))[0])
        if parts.path == root:
            body: Any = {
                "id": PAGE,
                "name": "Zulip Test Co",
                "subdomain": "mycompany24",
                "domain": "status.mycompany24.example",
                "url": "https://mycompany24.example",
                "time_zone": "Europe/Berlin",
            }
        elif parts.path == root + "/components":
            body = [
                {"id": "zvdm6f7gf76j", "name": "Management Portal (example)", "group_id": "grp1"},
                {"id": "api000000001", "name": "API", "group_id": None},
            ][(number - 1) * size : number * size]
        elif parts.path == root + "/component-groups":
            body = [{"id": "grp1", "name": "Portal", "components": ["zvdm6f7gf76j"]}][
                (number - 1) * size : number * size
            ]
        elif parts.path == root + "/incidents":
            if number == 2 and not self.throttled:
                self.throttled.append(True)
                return self._send(429, {"error": "rate limited"}, retry_after="0")
            body = self.history[(number - 1) * size : number * size]
        else:
            return self._send(404, {"error": "not found"})
        return self._send(200, body)

    def _send(self, code: int, body: Any, retry_after: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def management_api() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: list[tuple[str, str | None]] = []
    handler = type(
        "Handler",
        (_ManagementAPI,),
        {"history": management_history(), "seen": seen, "throttled": []},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def management_import(
    site: Path, url: str, *extra: str, key: str = KEY
) -> subprocess.CompletedProcess[str]:
    result = run(
        "import", "statuspage", "--page-id", PAGE, "--api-key-env", "STATUSPAGE_KEY",
        "--api-url", url, "--source", str(site), *extra,
        env={"STATUSPAGE_KEY": key},
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_management_api_gives_the_whole_history_page_by_page(
    tmp_path: Path, management_api: tuple[str, list[tuple[str, str | None]]]
) -> None:
    url, seen = management_api
    site = tmp_path / "site"
    site.mkdir()
    result = management_import(site, url, "--progress")
    assert result.returncode == 0, result.stderr
    assert "imported 229 incidents and 1 maintenance" in result.stdout
    # Every request carried the key; the incidents came in three pages, one asked twice (429).
    assert {auth for _, auth in seen} == {f"OAuth {KEY}"}
    pages = [path for path, _ in seen if "/incidents?" in path]
    assert [parse_qs(urlsplit(p).query)["page"] for p in pages] == [["1"], ["2"], ["2"], ["3"]]
    assert "read 230 incidents and maintenance (page 3)" in result.stderr  # the progress line
    # The key is never printed, nor written into the site.
    assert KEY not in result.stdout + result.stderr
    assert all(KEY.encode() not in data for data in snapshot(site).values())
    text = (site / "site.yaml").read_text("utf-8")
    assert "url: https://status.mycompany24.example/\n" in text
    assert "timezone: Europe/Berlin\n" in text
    assert "home: https://mycompany24.example\n" in text
    assert (
        "  - id: portal\n    name: Portal\n    components:\n      - id: management-portal-example\n"
        in text
    )
    postmortem = next((site / "content" / "incidents").glob("2018-01-02-*.md")).read_text("utf-8")
    assert "## 2018-01-04 08:32:00 — Postmortem\n#### What happened\nA slow query." in postmortem
    output = tmp_path / "out"
    built = run("build", "--strict", "--source", str(site), "--output", str(output))
    assert built.returncode == 0, built.stderr
    assert len(built_api(output)) == 51  # the latest 50 incidents, and the one maintenance
    page = (output / "incidents" / "2018-01-02-database-query-delays-7" / "index.html").read_text()
    assert "Postmortem" in page and "A slow query." in page


def test_a_refused_key_is_an_error_that_names_the_variable_not_the_key(
    tmp_path: Path, management_api: tuple[str, list[tuple[str, str | None]]]
) -> None:
    url, _ = management_api
    site = tmp_path / "site"
    site.mkdir()
    result = management_import(site, url, key="sk-wrong-99887766")
    assert result.returncode == 1
    assert (
        "the management API refused the key in $STATUSPAGE_KEY (the server answered HTTP 401"
        in result.stderr
    )
    assert "sk-wrong-99887766" not in result.stdout + result.stderr
    assert list(site.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--page-id", PAGE), "the management API needs both --page-id ID and --api-key-env NAME"),
        (
            ("--page-id", PAGE, "--api-key-env", "NOT_SET_ANYWHERE"),
            "the environment variable NOT_SET_ANYWHERE is not set",
        ),
        (
            ("--page-id", "../etc", "--api-key-env", "HOME"),
            "--page-id: '../etc' is not a Statuspage page id",
        ),
        ((), "give the page's address"),
        (
            ("ftp://status.example/",),
            "'ftp://status.example/' is neither a folder nor a page's address",
        ),
    ],
)
def test_wrong_usage_exits_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run("import", "statuspage", *args, "--source", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr


# -- ids from titles in any script, in new and maintenance too ------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ошибка API", "2026-11-20-oshibka-api"),
        ("数据库延迟", "2026-11-20-shu-ju-ku-yan-chi"),
        ("Panne de l’API — Europe", "2026-11-20-panne-de-lapi-europe"),
        ("Störung: Zahlungen", "2026-11-20-storung-zahlungen"),
    ],
)
def test_new_makes_ids_that_keep_meaning_in_any_script(
    make_site: Any, title: str, expected: str
) -> None:
    source = make_site()
    result = run(
        "new", title, "--component", "api=partial_outage", "--message", "Investigating.",
        "--source", str(source), "--now", "2026-11-20 14:05 UTC",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (source / "content" / "incidents" / f"{expected}.md").is_file()


def test_a_title_with_nothing_to_transliterate_gets_a_short_stable_hash(make_site: Any) -> None:
    source = make_site()
    for _ in range(2):
        result = run(
            "maintenance", "🔧🔧", "--start", "2026-11-25 02:00", "--end", "2026-11-25 04:00",
            "--component", "db", "--message", "Planned.", "--source", str(source),
            "--now", "2026-11-20 14:05 UTC",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    names = sorted(p.stem for p in (source / "content" / "incidents").glob("*.md"))
    assert len(names) == 2 and re.fullmatch(r"2026-11-25-incident-[0-9a-f]{8}", names[0])
    assert names[1] == names[0] + "-2"


# -- what the public API leaves out, and the front matter key ------------------------------


def test_a_postmortem_the_public_api_leaves_out_and_a_resolution_without_update(
    tmp_path: Path,
) -> None:
    document = github_incidents()
    pages, ssh = document["incidents"]
    pages["status"] = "postmortem"
    ssh["incident_updates"] = ssh["incident_updates"][1:]  # its Resolved update is gone
    result, site = import_document(tmp_path, document)
    assert result.returncode == 0, result.stderr
    assert (
        "its postmortem's text is not in this data (the public API leaves it out)" in result.stderr
    )
    assert "it is resolved on Statuspage but no update says so; a Resolved update is added" in (
        result.stderr
    )
    output = tmp_path / "out"
    assert run("build", "--strict", "--source", str(site), "--output", str(output)).returncode == 0
    api = built_api(output)
    ids = our_ids(site)
    assert api[ids["69sb0f8lydp4"]]["status"] == "postmortem"
    assert api[ids["r3x7x31k7nn1"]]["status"] == "resolved"
    assert api[ids["r3x7x31k7nn1"]]["resolved_at"] == "2024-09-16T14:28:03.000Z"


def test_a_maintenance_without_its_window_gets_one_from_its_updates(tmp_path: Path) -> None:
    page = json.loads((QUAY / "summary.json").read_text("utf-8"))
    maintenance = next(i for i in page["incidents"] if i["id"] == "71rmbb4drm25")
    maintenance["scheduled_until"] = None
    page["incidents"] = [maintenance]
    result, site = import_document(tmp_path, page, name="summary.json")
    assert result.returncode == 0, result.stderr
    assert "it has no scheduled_until; its window ends at 2016-04-23 22:41:40 UTC" in result.stderr
    (path,) = (site / "content" / "incidents").glob("*.md")
    assert "  start: 2016-04-23 19:00:00\n  end: 2016-04-23 22:41:40\n" in path.read_text("utf-8")


@pytest.mark.parametrize("value", ["'two words'", "[a, b]", "''", "a/b"])
def test_a_statuspage_id_that_is_not_one_is_an_error_at_its_line(
    make_site: Any, value: str
) -> None:
    source = make_site(
        {
            "2026-11-20-x": f"""\
            ---
            title: X
            statuspage_id: {value}
            ---

            ## 2026-11-20 14:05 — Resolved
            Done.
            """
        }
    )
    result = run("check", "--source", str(source), "--now", "2026-11-20 15:00 UTC")
    assert result.returncode == 1
    assert "2026-11-20-x.md:3: error: statuspage_id is the id of the incident on Atlassian" in (
        result.stderr
    )


def test_check_asks_no_update_of_imported_history_but_does_of_the_rest(make_site: Any) -> None:
    incident = """\
    ---
    title: Still looking
    {key}
    ---

    ## 2026-11-19 10:00 — Investigating
    We are looking into it.
    """
    maintenance = """\
    ---
    title: Upgrade
    maintenance: {{start: 2026-11-18 02:00, end: 2026-11-18 04:00}}
    {key}
    ---

    ## 2026-11-17 10:00 — Scheduled
    We will upgrade.
    """
    source = make_site(
        {
            "2026-11-19-ours": incident.format(key=""),
            "2026-11-19-imported": incident.format(key="statuspage_id: abc123def456"),
            "2026-11-18-ours": maintenance.format(key=""),
            "2026-11-18-imported": maintenance.format(key="statuspage_id: m4int3nanc3x"),
        }
    )
    result = run("check", "--source", str(source), "--now", "2026-11-20 15:00 UTC")
    assert result.returncode == 0, result.stderr
    warned = {line.split(":")[0].rsplit("/", 1)[-1] for line in result.stderr.splitlines()}
    assert warned == {"2026-11-19-ours.md", "2026-11-18-ours.md"}


def test_the_progress_line_is_rewritten_in_place_at_a_terminal() -> None:
    import io

    from generator.importer.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = Progress(enabled=True, stream=terminal)
    progress.show("read 100 incidents (page 1)")
    progress.show("read 200 incidents (page 2)")
    progress.done()
    assert terminal.getvalue() == (
        "\r\x1b[Kread 100 incidents (page 1)\r\x1b[Kread 200 incidents (page 2)\r\x1b[K"
    )
    log = io.StringIO()
    Progress(enabled=True, stream=log).show("read 100 incidents (page 1)")
    assert log.getvalue() == "read 100 incidents (page 1)\n"
    quiet = io.StringIO()
    Progress(enabled=False, stream=quiet).show("x")
    assert quiet.getvalue() == ""
