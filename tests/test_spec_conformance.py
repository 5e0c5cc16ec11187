"""Conformance to SPEC sections 2, 3, 4 and 6 on fresh sites full of edge cases: each rule of
the SPEC is tested here once.

Each test writes a small site into a temporary folder, runs ``statusgen build|check --now ...``
through the command-line entry point, and compares what was written (api/v2/*.json,
api/uptime.json, feeds, pages, badges) or printed with what the SPEC says exactly. Where the SPEC
speaks of something a build does not write (a line in the file, the site as read), a test reads
the site with the library, as ``check`` does (``Site.read``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.build import Checked, check
from generator.cli import main
from generator.derive import describe_delay
from generator.times import parse_now

BERLIN_SITE = """\
name: Test Co
url: https://status.test.example/
timezone: Europe/Berlin
components:
  - id: api
    name: API
  - id: web
    name: Website
  - id: storage
    name: Storage
    components:
      - id: blob
        name: Blob storage
      - id: db
        name: Databases
"""

ATOM = "{http://www.w3.org/2005/Atom}"


# -- helpers ----------------------------------------------------------------------------------


class Site:
    """A site in a temporary folder, built and checked through the ``statusgen`` command."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]):
        self.root = root
        self.out = root.parent / f"{root.name}-out"
        self.capsys = capsys

    def write(self, incident_id: str, text: str) -> Path:
        path = self.root / "content" / "incidents" / f"{incident_id}.md"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def remove(self, incident_id: str) -> None:
        (self.root / "content" / "incidents" / f"{incident_id}.md").unlink()

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def build(self, now: str, *extra: str, expect: int = 0) -> tuple[int, str, str]:
        result = self.run("build", "--source", ".", "--output", str(self.out), "--now", now, *extra)
        assert result[0] == expect, result
        return result

    def check(self, now: str, *extra: str) -> tuple[int, str, str]:
        return self.run("check", "--source", ".", "--now", now, *extra)

    def read(self, now: str) -> Checked:
        """The site as ``check`` reads it, through the library."""
        return check(self.root, parse_now(now, None))

    def json(self, path: str) -> Any:
        return json.loads((self.out / path).read_text(encoding="utf-8"))

    def api(self, endpoint: str) -> Any:
        return self.json(f"api/v2/{endpoint}")

    def text(self, path: str) -> str:
        return (self.out / path).read_text(encoding="utf-8")

    def incident(self, incident_id: str) -> dict[str, Any]:
        found = [i for i in self.api("incidents.json")["incidents"] if i["id"] == incident_id]
        found += [
            i
            for i in self.api("scheduled-maintenances.json")["scheduled_maintenances"]
            if i["id"] == incident_id
        ]
        assert len(found) == 1, incident_id
        return found[0]

    def components(self) -> dict[str, str]:
        return {c["id"]: c["status"] for c in self.api("components.json")["components"]}

    def status(self) -> tuple[str, str]:
        status = self.api("status.json")["status"]
        return status["indicator"], status["description"]

    def uptime(self, component_id: str) -> dict[str, Any]:
        found = [c for c in self.json("api/uptime.json")["components"] if c["id"] == component_id]
        assert len(found) == 1
        return found[0]

    def day(self, component_id: str, date: str) -> dict[str, Any]:
        found = [d for d in self.uptime(component_id)["days"] if d["date"] == date]
        assert len(found) == 1, date
        return found[0]


SiteMaker = Callable[..., Site]


@pytest.fixture
def site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> SiteMaker:
    """``site(incidents, site_yaml=...)``: a site folder, made the current directory."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def make(incidents: dict[str, str] | None = None, site_yaml: str = BERLIN_SITE) -> Site:
        root = tmp_path / "site"
        (root / "content" / "incidents").mkdir(parents=True, exist_ok=True)
        (root / "site.yaml").write_text(textwrap.dedent(site_yaml), encoding="utf-8")
        monkeypatch.chdir(root)
        made = Site(root, capsys)
        for incident_id, text in (incidents or {}).items():
            made.write(incident_id, text)
        return made

    return make


def instant(text: str | None) -> datetime | None:
    """An API timestamp as a UTC instant."""
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def incident(
    components: str, *updates: str, extra: str = "", title: str = "Something broke"
) -> str:
    """An incident file: front matter, then the updates (each "heading\\ntext")."""
    body = "\n\n".join(f"## {u}" if "\n" in u else f"## {u}\nSome text." for u in updates)
    return f"---\ntitle: {title}\ncomponents:\n{components}\n{extra}---\n\n{body}\n"


def all_files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def problem_lines(stderr: str, severity: str) -> list[str]:
    return [line for line in stderr.splitlines() if f": {severity}: " in line]


# -- section 2: site.yaml ----------------------------------------------------------------------


def test_site_yaml_reads_everything(site: SiteMaker) -> None:
    s = site(
        site_yaml="""
        name: Acme
        url: https://acme.github.io/status
        timezone: America/New_York
        language: de
        links: {home: "https://acme.example"}
        mirrors: [https://mirror.example/]
        max_silence: 2h
        components:
          - id: no
            name: Norway
            since: 2024-01-01
        """
    )
    parsed = s.read("2026-11-21 00:00 UTC").content.site
    assert parsed.url == "https://acme.github.io/status/"
    assert parsed.timezone.key == "America/New_York"
    assert parsed.language == "de"
    assert parsed.links == (("home", "https://acme.example"),)
    assert parsed.mirrors == ("https://mirror.example/",)
    assert parsed.max_silence == timedelta(hours=2)
    assert parsed.components[0].id == "no"  # stays a string, not YAML 1.1's false
    assert parsed.components[0].since.isoformat() == "2024-01-01"  # type: ignore[union-attr]
    assert parsed.title == "Acme Status"


@pytest.mark.parametrize(
    ("written", "minutes"), [("30m", 30), ("1h", 60), ("1h30m", 90), ("90min", 90)]
)
def test_max_silence_is_a_duration(site: SiteMaker, written: str, minutes: int) -> None:
    s = site(site_yaml=BERLIN_SITE + f"max_silence: {written}\n")
    assert s.read("2026-11-21 00:00 UTC").content.site.max_silence == timedelta(minutes=minutes)


# -- section 3: times ---------------------------------------------------------------------------


def test_every_time_form_reads_as_the_right_instant(site: SiteMaker) -> None:
    s = site(
        {
            "forms": """
        ---
        title: Time forms
        components:
          api: partial_outage
        started: 2026-11-20T12:00:00Z
        ---

        ## 2026-11-20T16:00:15+01:00 · Resolved
        Fixed.

        ## 2026-11-20 14:30Z | Monitoring
        Watching.

        ## 2026-11-20T14:20Z - Update
        More.

        ## 2026-11-20 14:10:30 UTC – Identified
        Found it.

        ## 2026-11-20 14:05 — Investigating
        Looking.

        ## 2026-11-20 09:50 -05:00 — Update
        Offset west of UTC.

        ## 2026-11-20 14:55:10 +0100 — Update
        Offset without a colon.

        ## 2026-11-20 19:40 +05:30 — Update
        Half an hour off the hour.

        ## 2026-11-20 15:20:40 — Update
        Seconds, in the site's zone.

        ## 2026-11-20 14:25 Z — Update
        Z after a space.
        """
        }
    )
    s.build("2026-11-20 18:00 UTC")
    got = s.incident("forms")
    times = sorted(instant(u["created_at"]) for u in got["incident_updates"])
    assert times == sorted(
        [
            utc("2026-11-20 15:00:15"),
            utc("2026-11-20 14:30"),
            utc("2026-11-20 14:20"),
            utc("2026-11-20 14:10:30"),
            utc("2026-11-20 13:05"),
            utc("2026-11-20 14:50"),
            utc("2026-11-20 13:55:10"),
            utc("2026-11-20 14:10"),
            utc("2026-11-20 14:20:40"),
            utc("2026-11-20 14:25"),
        ]
    )
    assert instant(got["started_at"]) == utc("2026-11-20 12:00")
    assert instant(got["created_at"]) == utc("2026-11-20 13:05")
    assert instant(got["resolved_at"]) == utc("2026-11-20 15:00:15")
    assert got["status"] == "resolved"
    # Timestamps are in the site's zone (Statuspage writes local time with its offset).
    assert got["created_at"] == "2026-11-20T14:05:00.000+01:00"


@pytest.mark.parametrize(
    ("zone", "written", "expected_utc", "offset"),
    [
        ("Asia/Tokyo", "2026-07-01 09:00", "2026-07-01 00:00", "+09:00"),
        ("Europe/Berlin", "2026-07-01 14:05", "2026-07-01 12:05", "+02:00"),  # summer time
        ("Europe/Berlin", "2026-11-20 14:05", "2026-11-20 13:05", "+01:00"),
        ("America/New_York", "2026-03-08 03:30", "2026-03-08 07:30", "-04:00"),  # just after DST
        ("Asia/Kolkata", "2026-11-20 14:05", "2026-11-20 08:35", "+05:30"),
    ],
)
def test_naive_times_follow_the_site_zone(
    site: SiteMaker, zone: str, written: str, expected_utc: str, offset: str
) -> None:
    s = site(
        {"x": incident("  api: major_outage", f"{written} — Investigating")},
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", zone),
    )
    s.build(f"{expected_utc} UTC")
    assert instant(s.incident("x")["created_at"]) == utc(expected_utc)
    assert s.incident("x")["created_at"].endswith(f"{offset}")


def test_ambiguous_wall_time_is_its_first_occurrence(site: SiteMaker) -> None:
    s = site(
        {
            "first": incident("  api: major_outage", "2026-10-25 02:30 — Investigating"),
            "second": incident("  web: major_outage", "2026-10-25 02:30 +01:00 — Investigating"),
            "fm": incident(
                "  db: major_outage",
                "2026-10-25 03:00 — Investigating",
                extra="started: 2026-10-25 02:15\n",
            ),
        }
    )
    s.build("2026-10-25 06:00 UTC")
    assert instant(s.incident("first")["created_at"]) == utc("2026-10-25 00:30")
    assert instant(s.incident("second")["created_at"]) == utc("2026-10-25 01:30")
    assert instant(s.incident("fm")["started_at"]) == utc("2026-10-25 00:15")


def test_nonexistent_wall_time_is_an_error_at_its_line(site: SiteMaker) -> None:
    s = site(
        {
            "gap": """
        ---
        title: Gap
        components:
          api: major_outage
        started: 2026-03-29 02:00
        ---

        ## 2026-03-29 03:30 — Resolved
        Done.

        ## 2026-03-29 02:30 — Investigating
        In the gap.
        """
        }
    )
    code, _, err = s.check("2026-03-29 12:00 UTC")
    assert code == 1
    errors = problem_lines(err, "error")
    assert any(
        e.startswith("content/incidents/gap.md:11: error:")
        and "does not exist in Europe/Berlin" in e
        for e in errors
    ), err
    assert any(  # 02:00 itself is the first wall time the clocks skip
        e.startswith("content/incidents/gap.md:5: error:") and "does not exist" in e for e in errors
    ), err
    # With an offset written, the same wall time is fine.
    s.write("gap", incident("  api: major_outage", "2026-03-29 02:30 +01:00 — Investigating"))
    code, _, err = s.check("2026-03-29 12:00 UTC")
    assert code == 0, err


@pytest.mark.parametrize(
    "written",
    [
        "20/11/2026 14:05",
        "20.11.2026 14:05",
        "tomorrow",
        "2026-11-20",
        "14:05",
        "2026-11-20 10:00 CET",
    ],
)
def test_unreadable_time_shows_the_accepted_forms(site: SiteMaker, written: str) -> None:
    s = site({"bad": incident("  api: major_outage", f"{written} — Investigating")})
    code, _, err = s.check("2026-11-21 12:00 UTC")
    assert code == 1
    line = next(e for e in problem_lines(err, "error") if "bad.md:7:" in e)
    assert "2026-11-20 14:05" in line and "2026-11-20T14:05Z" in line


def test_an_impossible_date_says_why(site: SiteMaker) -> None:
    s = site({"bad": incident("  api: major_outage", "2026-02-30 10:00 — Investigating")})
    code, _, err = s.check("2026-11-21 12:00 UTC")
    assert code == 1
    (line,) = problem_lines(err, "error")
    assert line.startswith("content/incidents/bad.md:7: error:")
    assert "not a real date and time (day is out of range" in line


@pytest.mark.parametrize("separator", ["—", "–", "-", "|", "·"])
def test_every_separator(site: SiteMaker, separator: str) -> None:
    s = site(
        {
            "sep": incident(
                "  api: partial_outage",
                f"2026-11-20 15:30 {separator} Identified",
                f"2026-11-20 14:05:30 UTC {separator} Investigating",
            )
        }
    )
    s.build("2026-11-20 15:00 UTC")
    got = s.incident("sep")
    assert got["status"] == "identified"
    assert instant(got["created_at"]) == utc("2026-11-20 14:05:30")
    assert s.components()["api"] == "partial_outage"
    # An offset written with a dash stays part of the time, whatever the separator.
    s.write(
        "sep", incident("  api: partial_outage", f"2026-11-20 10:00 -05:00 {separator} MONITORING")
    )
    s.build("2026-11-20 16:00 UTC")
    assert instant(s.incident("sep")["created_at"]) == utc("2026-11-20 15:00")
    assert s.incident("sep")["status"] == "monitoring"
    # A maintenance's status in an incident is not an incident status.
    s.write("sep", incident("  api: partial_outage", f"2026-11-20 10:00 {separator} in progress"))
    code, _, err = s.check("2026-11-20 16:00 UTC")
    assert code == 1
    assert "sep.md:7: error: unknown status 'in progress' for an incident" in err


def test_an_update_is_everything_under_its_heading(site: SiteMaker) -> None:
    s = site(
        {
            "a": """
        ---
        title: X
        ---

        ## 2026-11-20 11:00 — Resolved
        Fixed.

        ### What we changed
        A fenced block with a heading-like line stays inside:

        ```
        ## 2026-11-20 09:00 — Investigating
        ```

        ## 2026-11-20 10:00 — Investigating
        Looking.
        """
        }
    )
    s.build("2026-11-21 00:00 UTC")
    updates = s.incident("a")["incident_updates"]
    assert [u["status"] for u in updates] == ["resolved", "investigating"]
    assert "### What we changed" in updates[0]["body"]
    assert "## 2026-11-20 09:00 — Investigating\n```" in updates[0]["body"]
    assert updates[1]["body"] == "Looking."
    (read,) = s.read("2026-11-21 00:00 UTC").content.incidents
    assert read.updates[1].line == 5  # each update's heading, for problems at its line


# -- section 3/4: statuses and order ----------------------------------------------------------


def test_statuses_are_case_insensitive_and_in_progress_has_a_space(site: SiteMaker) -> None:
    s = site(
        {
            "inc": incident(
                "  api: partial_outage",
                "2026-11-20 14:30 — IDENTIFIED",
                "2026-11-20 14:05 — investigating",
            ),
            "mnt": """
            ---
            title: Works
            components: [db]
            maintenance: {start: 2026-11-20 20:00, end: 2026-11-20 22:00}
            ---

            ## 2026-11-20 14:10 — In Progress
            Started early.

            ## 2026-11-20 13:00 — sCHEDULED
            Planned.
            """,
        }
    )
    s.build("2026-11-20 14:40 +01:00")
    assert s.incident("inc")["status"] == "identified"
    assert s.incident("mnt")["status"] == "in_progress"
    assert s.components()["db"] == "under_maintenance"


@pytest.mark.parametrize(
    ("heading", "status", "unresolved", "held"),
    [
        ("Investigating", "investigating", True, True),
        ("Identified", "identified", True, True),
        ("Monitoring", "monitoring", True, False),
        ("Resolved", "resolved", False, False),
    ],
)
def test_each_status_sets_the_incident_and_its_components(
    site: SiteMaker, heading: str, status: str, unresolved: bool, held: bool
) -> None:
    s = site(
        {
            "a": incident(
                "  api: partial_outage\n  storage: degraded_performance",
                f"2026-11-20 10:00 — {heading}",
            )
        }
    )
    s.build("2026-11-20 12:00 UTC")
    assert s.incident("a")["status"] == status
    unresolved_ids = [i["id"] for i in s.api("incidents/unresolved.json")["incidents"]]
    assert unresolved_ids == (["a"] if unresolved else [])
    got = s.components()
    assert got["api"] == ("partial_outage" if held else "operational")
    # A group id stands for all its components; the group shows the worst of them.
    assert (
        got["blob"]
        == got["db"]
        == got["storage"]
        == ("degraded_performance" if held else "operational")
    )


def test_updates_in_any_file_order(site: SiteMaker) -> None:
    s = site(
        {
            "mixed": incident(
                "  api: major_outage",
                "2026-11-20 14:20 — Identified",
                "2026-11-20 15:00 — Resolved",
                "2026-11-20 14:05 — Investigating",
                "2026-11-20 14:40 — Monitoring",
            )
        }
    )
    s.build("2026-11-20 16:00 +01:00")
    got = s.incident("mixed")
    assert got["status"] == "resolved"
    assert got["created_at"].startswith("2026-11-20T14:05")
    assert got["updated_at"].startswith("2026-11-20T15:00")
    assert got["resolved_at"].startswith("2026-11-20T15:00")
    assert got["monitoring_at"].startswith("2026-11-20T14:40")
    # incident_updates newest first, with the status each left the incident in.
    assert [u["status"] for u in got["incident_updates"]] == [
        "resolved",
        "monitoring",
        "identified",
        "investigating",
    ]
    page = s.text("incidents/mixed/index.html")
    order = [page.index(w) for w in ("Resolved", "Monitoring", "Identified", "Investigating")]
    assert order == sorted(order)


@pytest.mark.parametrize(
    ("upper", "lower", "expected"),
    [
        ("Identified", "Investigating", "identified"),
        ("Investigating", "Identified", "investigating"),
        ("Resolved", "Investigating", "resolved"),
        ("Investigating", "Resolved", "investigating"),
    ],
)
def test_equal_times_higher_in_file_is_later(
    site: SiteMaker, upper: str, lower: str, expected: str
) -> None:
    s = site(
        {
            "tie": incident(
                "  api: major_outage",
                f"2026-11-20 14:30 — {upper}\nUpper text.",
                f"2026-11-20 14:30 — {lower}\nLower text.",
                "2026-11-20 14:00 — Investigating",
            )
        }
    )
    s.build("2026-11-20 15:00 +01:00")
    got = s.incident("tie")
    assert got["status"] == expected
    assert got["incident_updates"][0]["body"] == "Upper text."
    assert (s.components()["api"] == "major_outage") == (expected != "resolved")
    unresolved = [i["id"] for i in s.api("incidents/unresolved.json")["incidents"]]
    assert (unresolved == ["tie"]) == (expected != "resolved")


def test_update_keeps_the_status_before(site: SiteMaker) -> None:
    s = site(
        {
            "upd": incident(
                "  api: degraded_performance",
                "2026-11-20 15:00 — Update",
                "2026-11-20 14:40 — Monitoring",
                "2026-11-20 14:20 — update",
                "2026-11-20 14:05 — Identified",
            )
        }
    )
    s.build("2026-11-20 15:10 +01:00")
    got = s.incident("upd")
    assert got["status"] == "monitoring"
    assert [u["status"] for u in got["incident_updates"]] == [
        "monitoring",
        "monitoring",
        "identified",
        "identified",
    ]
    assert s.components()["api"] == "operational"
    assert [i["id"] for i in s.api("incidents/unresolved.json")["incidents"]] == ["upd"]


def test_first_update_is_update_means_investigating(site: SiteMaker) -> None:
    s = site({"u": incident("  api: major_outage", "2026-11-20 14:05 — Update")})
    s.build("2026-11-20 14:10 +01:00")
    assert s.incident("u")["status"] == "investigating"
    assert s.components()["api"] == "major_outage"


def test_postmortem_after_resolved(site: SiteMaker) -> None:
    s = site(
        {
            "pm": incident(
                "  api: major_outage",
                "2026-11-22 10:00 — Postmortem",
                "2026-11-20 15:00 — Resolved",
                "2026-11-20 14:05 — Investigating",
            )
        }
    )
    s.build("2026-11-22 12:00 +01:00")
    got = s.incident("pm")
    assert got["status"] == "postmortem"
    assert got["resolved_at"].startswith("2026-11-20T15:00")
    assert got["updated_at"].startswith("2026-11-22T10:00")
    assert s.api("incidents/unresolved.json")["incidents"] == []
    assert s.components()["api"] == "operational"
    assert s.status() == ("none", "All Systems Operational")


def test_reopened_incident(site: SiteMaker) -> None:
    s = site(
        {
            "re": incident(
                "  api: major_outage",
                "2026-11-20 12:00 — Investigating\nIt is back.",
                "2026-11-20 11:00 — Resolved",
                "2026-11-20 10:30 — Monitoring",
                "2026-11-20 10:00 — Investigating",
            )
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-20 12:30")
    got = s.incident("re")
    assert got["status"] == "investigating"
    assert got["resolved_at"] is None
    assert s.components()["api"] == "major_outage"
    assert [i["id"] for i in s.api("incidents/unresolved.json")["incidents"]] == ["re"]
    assert s.status()[0] == "critical"
    # 10:00-10:30 and 12:00-12:30 (now): 60 minutes of major outage today.
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 60

    # Resolved again: resolved_at is the Resolved update that ended it (the last one).
    s.write(
        "re",
        incident(
            "  api: major_outage",
            "2026-11-20 13:00 — Resolved\nFixed for good.",
            "2026-11-20 12:00 — Investigating\nIt is back.",
            "2026-11-20 11:00 — Resolved",
            "2026-11-20 10:30 — Monitoring",
            "2026-11-20 10:00 — Investigating",
        ),
    )
    s.build("2026-11-20 14:00")
    got = s.incident("re")
    assert got["status"] == "resolved"
    assert got["resolved_at"] == "2026-11-20T13:00:00.000Z"
    assert s.components()["api"] == "operational"
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 90
    assert s.uptime("api")["days"][-1]["uptime"] == pytest.approx(100 * (1 - 90 / 840), abs=0.01)

    # `started` moves the start of the first stretch only, not of the reopening.
    s.write(
        "re",
        incident(
            "  api: major_outage",
            "2026-11-20 12:00 — Investigating\nIt is back.",
            "2026-11-20 11:00 — Resolved",
            "2026-11-20 10:30 — Monitoring",
            "2026-11-20 10:00 — Investigating",
            extra="started: 2026-11-20 09:30\n",
        ),
    )
    s.build("2026-11-20 12:30")
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 60 + 30


def test_started_before_first_update(site: SiteMaker) -> None:
    s = site(
        {
            "st": incident(
                "  api: major_outage\n  web: partial_outage",
                "2026-11-20 11:00 — Resolved",
                "2026-11-20 10:00 — Investigating",
                extra="started: 2026-11-20 09:00\n",
            )
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-20 12:00")
    got = s.incident("st")
    assert got["started_at"] == "2026-11-20T09:00:00.000Z"
    assert got["created_at"] == "2026-11-20T10:00:00.000Z"
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 120
    assert s.day("web", "2026-11-20")["partial_outage_minutes"] == 120
    assert s.day("web", "2026-11-20")["uptime"] == pytest.approx(
        100 * (1 - 0.3 * 120 / 720), abs=0.01
    )


def test_started_after_first_update(site: SiteMaker) -> None:
    """Impact carried "from started on", also when it began after the first post."""
    s = site(
        {
            "st": incident(
                "  api: major_outage",
                "2026-11-20 11:00 — Resolved",
                "2026-11-20 09:00 — Investigating",
                extra="started: 2026-11-20 10:30\n",
            )
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-20 12:00")
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 30
    # Before `started` the component is still operational; from it on, held.
    s.build("2026-11-20 10:00")
    assert s.components()["api"] == "operational"
    s.build("2026-11-20 10:45")
    assert s.components()["api"] == "major_outage"


def test_an_incident_posted_after_the_fact_counts_from_started(site: SiteMaker) -> None:
    s = site(
        {
            "late": incident(
                "  api: partial_outage",
                "2026-11-20 10:00 — Resolved\nIt was down.",
                extra="started: 2026-11-20 09:00\n",
            )
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-20 12:00")
    # From `started` until the first (Resolved) update the component carried its status.
    assert s.day("api", "2026-11-20")["partial_outage_minutes"] == 60
    s.build("2026-11-20 09:30")
    assert s.components()["api"] == "partial_outage"
    s.build("2026-11-20 10:30")
    assert s.components()["api"] == "operational"


def test_started_while_open_component_impact_from_started(site: SiteMaker) -> None:
    s = site(
        {
            "st": incident(
                "  api: major_outage",
                "2026-11-20 10:00 — Identified",
                extra="started: 2026-11-20 09:00\n",
            )
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-20 10:30")
    assert s.components()["api"] == "major_outage"
    assert s.day("api", "2026-11-20")["major_outage_minutes"] == 90


# -- section 3: components -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("impact", "status", "indicator"),
    [
        ("minor", "degraded_performance", "minor"),
        ("major", "partial_outage", "major"),
        ("critical", "major_outage", "critical"),
    ],
)
def test_plain_list_takes_status_from_impact(
    site: SiteMaker, impact: str, status: str, indicator: str
) -> None:
    s = site(
        {
            "pl": f"""
        ---
        title: Plain list
        components: [api, storage]
        impact: {impact}
        ---

        ## 2026-11-20 14:05 — Investigating
        Looking.
        """
        }
    )
    s.build("2026-11-20 14:10 +01:00")
    got = s.components()
    assert got["api"] == got["blob"] == got["db"] == got["storage"] == status
    assert got["web"] == "operational"
    assert s.incident("pl")["impact"] == impact
    assert s.status()[0] == indicator
    # The page names what was listed: the group, not its members.
    assert '<a href="../../components/storage/">Storage</a> (' in s.text("incidents/pl/index.html")


def test_plain_list_without_impact_is_an_error_at_the_components_line(site: SiteMaker) -> None:
    s = site(
        {
            "pl": """
        ---
        title: Plain list

        components:
          - api
          - db
        ---

        ## 2026-11-20 14:05 — Investigating
        Looking.
        """
        }
    )
    code, _, err = s.check("2026-11-20 14:10 +01:00")
    assert code == 1
    errors = problem_lines(err, "error")
    assert errors and all(e.startswith("content/incidents/pl.md:4: error:") for e in errors), err
    assert "impact" in errors[0]


def test_plain_list_in_a_maintenance_is_under_maintenance(site: SiteMaker) -> None:
    s = site(
        {
            "m": """
        ---
        title: Works
        components: [api, storage]
        maintenance: {start: 2026-11-20 14:00, end: 2026-11-20 16:00}
        ---

        ## 2026-11-19 10:00 — Scheduled
        Planned.
        """
        }
    )
    s.build("2026-11-20 15:00 +01:00")
    got = s.components()
    assert got["api"] == got["blob"] == got["db"] == got["storage"] == "under_maintenance"
    assert s.status() == ("maintenance", "Service Under Maintenance")


def test_group_id_stands_for_its_components_and_group_is_worst(site: SiteMaker) -> None:
    s = site(
        {
            "grp": incident("  storage: degraded_performance", "2026-11-20 14:05 — Investigating"),
            "one": incident("  db: major_outage", "2026-11-20 14:06 — Identified"),
        }
    )
    s.build("2026-11-20 14:10 +01:00")
    got = s.components()
    assert got["blob"] == "degraded_performance"
    assert got["db"] == "major_outage"
    assert got["storage"] == "major_outage"
    assert got["api"] == "operational"
    names = {c["id"] for c in s.incident("grp")["components"]}
    assert names == {"blob", "db"}
    # The component feed of a member lists an incident that names only its group.
    feed = s.text("components/blob/history.atom")
    assert "incidents/grp/" in feed


def test_default_impact_is_the_worst_listed_status(site: SiteMaker) -> None:
    s = site(
        {
            "a": incident(
                "  api: degraded_performance\n  db: partial_outage",
                "2026-11-20 14:05 — Investigating",
            ),
            "b": incident("  web: degraded_performance", "2026-11-20 14:05 — Resolved"),
            "c": "---\ntitle: Nothing listed\ncomponents:\n---\n\n"
            "## 2026-11-20 14:05 — Investigating\nx\n",
        }
    )
    s.build("2026-11-20 14:10 +01:00")
    assert s.incident("a")["impact"] == "major"
    assert s.incident("b")["impact"] == "minor"
    assert s.incident("c")["impact"] == "none"


def test_a_retired_component_in_a_past_incident_is_only_a_warning(site: SiteMaker) -> None:
    s = site(
        {
            "old": incident(
                "  legacy: major_outage\n  api: partial_outage", "2026-11-20 10:00 — Resolved"
            )
        }
    )
    code, _, err = s.check("2026-11-21 00:00 UTC")
    assert code == 0, err
    (warning,) = problem_lines(err, "warning")
    assert warning.startswith("content/incidents/old.md:4: warning: unknown component 'legacy'")
    assert warning.endswith("; it is left out of this past incident")
    s.build("2026-11-21 00:00 UTC")
    assert [c["id"] for c in s.incident("old")["components"]] == ["api"]
    # While the incident is open, the same line is an error.
    s.write("old", incident("  legacy: major_outage", "2026-11-20 10:00 — Investigating"))
    code, _, err = s.check("2026-11-21 00:00 UTC")
    assert code == 1
    assert "old.md:4: error: unknown component 'legacy'" in err


# -- section 4: maintenance ----------------------------------------------------------------------


MAINTENANCE = """\
---
title: Database upgrade
components:
  db: under_maintenance
maintenance:
  start: 2026-11-25 02:00
  end: 2026-11-25 04:00
---

{updates}## 2026-11-20 10:00 — Scheduled
We will upgrade the databases.
"""


@pytest.mark.parametrize(
    ("now", "status", "db"),
    [
        ("2026-11-25 01:59:59 +01:00", "scheduled", "operational"),
        ("2026-11-25T01:00Z", "in_progress", "under_maintenance"),
        ("2026-11-25 03:59:59+01:00", "in_progress", "under_maintenance"),
        ("2026-11-25 03:00 UTC", "completed", "operational"),
    ],
)
def test_maintenance_by_the_clock_at_its_instants(
    site: SiteMaker, now: str, status: str, db: str
) -> None:
    s = site({"mnt": MAINTENANCE.format(updates="")})
    s.build(now)
    got = s.incident("mnt")
    assert got["status"] == status
    assert got["scheduled_for"] == "2026-11-25T02:00:00.000+01:00"
    assert got["scheduled_until"] == "2026-11-25T04:00:00.000+01:00"
    assert s.components()["db"] == db
    assert s.components()["storage"] == db
    upcoming = [
        m["id"] for m in s.api("scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    ]
    active = [
        m["id"] for m in s.api("scheduled-maintenances/active.json")["scheduled_maintenances"]
    ]
    summary = [m["id"] for m in s.api("summary.json")["scheduled_maintenances"]]
    assert upcoming == (["mnt"] if status == "scheduled" else [])
    assert active == (["mnt"] if status == "in_progress" else [])
    assert summary == (["mnt"] if status != "completed" else [])
    expected = (
        ("maintenance", "Service Under Maintenance")
        if status == "in_progress"
        else ("none", "All Systems Operational")
    )
    assert s.status() == expected
    assert s.api("incidents.json")["incidents"] == []


def test_maintenance_completed_early(site: SiteMaker) -> None:
    done = "## 2026-11-25 03:00 — Completed\nDone early.\n\n"
    s = site({"mnt": MAINTENANCE.format(updates=done)})
    s.build("2026-11-25 03:00 +01:00")
    got = s.incident("mnt")
    assert got["status"] == "completed"
    assert instant(got["resolved_at"]) == utc("2026-11-25 02:00")
    assert s.components()["db"] == "operational"
    s.build("2026-11-25 02:59 +01:00")
    assert s.incident("mnt")["status"] == "in_progress"


def test_maintenance_in_progress_update_overrides_the_clock(site: SiteMaker) -> None:
    s = site({"mnt": MAINTENANCE.format(updates="## 2026-11-25 01:30 — In progress\nEarly.\n\n")})
    s.build("2026-11-25 01:45 +01:00")
    assert s.incident("mnt")["status"] == "in_progress"
    assert s.components()["db"] == "under_maintenance"
    s.build("2026-11-25 01:29 +01:00")
    assert s.incident("mnt")["status"] == "scheduled"
    # Started by an update, it runs until one ends it: past the planned end too, with a warning.
    _, _, err = s.build("2026-11-25 06:00 +01:00")
    assert s.incident("mnt")["status"] == "in_progress"
    assert s.components()["db"] == "under_maintenance"
    assert (
        "content/incidents/mnt.md:5: warning: this maintenance has ended but has no Completed "
        "update: tell readers how it went (statusgen resolve mnt --message ...)"
    ) in err


def test_maintenance_verifying_overrides_the_clock(site: SiteMaker) -> None:
    s = site({"mnt": MAINTENANCE.format(updates="## 2026-11-25 03:30 — Verifying\nChecking.\n\n")})
    s.build("2026-11-25 03:40 +01:00")
    assert s.incident("mnt")["status"] == "verifying"
    assert s.components()["db"] == "under_maintenance"
    assert [
        m["id"] for m in s.api("scheduled-maintenances/active.json")["scheduled_maintenances"]
    ] == ["mnt"]


def test_maintenance_scheduled_and_update_do_not_override(site: SiteMaker) -> None:
    s = site(
        {
            "mnt": MAINTENANCE.format(
                updates="## 2026-11-25 03:00 — Update\nHalfway.\n\n"
                "## 2026-11-25 02:30 — Scheduled\nStill planned.\n\n"
            )
        }
    )
    s.build("2026-11-25 03:10 +01:00")
    assert s.incident("mnt")["status"] == "in_progress"
    s.build("2026-11-25 04:10 +01:00")
    assert s.incident("mnt")["status"] == "completed"


# -- section 4: overall status -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("components", "impact", "indicator", "description"),
    [
        ("  api: major_outage", "", "critical", "Major System Outage"),
        ("  api: partial_outage", "", "major", "Partial System Outage"),
        # Degraded performance is worded as Statuspage words it (its "Top-level status"):
        # not an outage. An incident of minor impact on no degraded component is one.
        ("  api: degraded_performance", "", "minor", "Partially Degraded Service"),
        ("", "impact: minor\n", "minor", "Minor Service Outage"),
        ("  api: degraded_performance", "impact: critical\n", "critical", "Major System Outage"),
        ("  api: major_outage", "impact: none\n", "critical", "Major System Outage"),
    ],
)
def test_overall_indicator(
    site: SiteMaker, components: str, impact: str, indicator: str, description: str
) -> None:
    s = site({"x": incident(components, "2026-11-20 14:05 — Investigating", extra=impact)})
    s.build("2026-11-20 14:10 +01:00")
    assert s.status() == (indicator, description)
    summary = s.api("summary.json")
    assert summary["status"] == {"indicator": indicator, "description": description}


def test_overall_indicator_monitoring_keeps_impact_but_frees_components(site: SiteMaker) -> None:
    s = site(
        {
            "x": incident(
                "  api: major_outage",
                "2026-11-20 14:30 — Monitoring",
                "2026-11-20 14:05 — Investigating",
            )
        }
    )
    s.build("2026-11-20 14:40 +01:00")
    assert s.components()["api"] == "operational"
    assert s.status() == ("critical", "Major System Outage")


def test_an_unresolved_incident_listing_nothing_sets_the_overall_status_by_impact(
    site: SiteMaker,
) -> None:
    s = site(
        {
            "mail": "---\ntitle: Emails late\nimpact: minor\n---\n\n"
            "## 2026-11-20 10:00 — Monitoring\nLate.\n"
        }
    )
    s.build("2026-11-20 10:00 UTC")
    assert s.status() == ("minor", "Minor Service Outage")
    assert set(s.components().values()) == {"operational"}


def test_overall_none(site: SiteMaker) -> None:
    s = site(
        {
            "x": incident(
                "  api: major_outage",
                "2026-11-20 14:30 — Resolved",
                "2026-11-20 14:05 — Investigating",
            )
        }
    )
    s.build("2026-11-20 14:40 +01:00")
    assert s.status() == ("none", "All Systems Operational")
    assert set(s.components().values()) == {"operational"}


def test_outage_beats_maintenance_on_a_component(site: SiteMaker) -> None:
    s = site(
        {
            "mnt": MAINTENANCE.format(updates=""),
            "x": incident("  db: degraded_performance", "2026-11-25 02:30 — Investigating"),
        }
    )
    s.build("2026-11-25 03:00 +01:00")
    assert s.components()["db"] == "degraded_performance"
    assert s.components()["storage"] == "degraded_performance"
    assert s.status()[0] == "minor"


# -- section 4: warnings, section 5: exit status --------------------------------------------------


def test_overdue_and_silent_warnings_at_their_lines(site: SiteMaker) -> None:
    s = site(
        {
            "late": """
        ---
        title: Late
        components:
          api: partial_outage
        next_update: 2026-11-20 15:00
        ---

        ## 2026-11-20 14:05 — Investigating
        Looking.

        ## 2026-11-20 14:20 — Identified
        Found.
        """
        }
    )
    code, _, err = s.check("2026-11-20 15:10 +01:00")
    assert code == 0, err
    assert problem_lines(err, "warning") == [
        "content/incidents/late.md:5: warning: the next update was promised 10 minutes ago: "
        "post one now (statusgen update late --status ... --message ...)"
    ]
    # 71 minutes after the latest update (14:20, line 11): silent too.
    code, _, err = s.check("2026-11-20 15:31 +01:00")
    assert problem_lines(err, "warning") == [
        "content/incidents/late.md:5: warning: the next update was promised 31 minutes ago: "
        "post one now (statusgen update late --status ... --message ...)",
        "content/incidents/late.md:11: warning: no update for 1 hour 11 minutes on an "
        "unresolved incident (max_silence is 1 hour): say what is known, even if there is no news",
    ]
    # --strict: warnings fail, the build writes nothing.
    code, _, err = s.run(
        "build", "--now", "2026-11-20 15:31 +01:00", "--strict", "--output", str(s.out)
    )
    assert code == 1
    assert not s.out.exists()
    code, _, _ = s.check("2026-11-20 15:31 +01:00", "--strict")
    assert code == 1
    # A build without --strict passes and shows the warnings; the page marks the promise.
    code, _, err = s.build("2026-11-20 15:31 +01:00")
    assert "warning:" in err
    assert "(overdue)" in s.text("index.html")


def test_delays_in_warnings_read_in_their_two_largest_units() -> None:
    assert describe_delay(timedelta(minutes=1)) == "1 minute"
    assert describe_delay(timedelta(minutes=125)) == "2 hours 5 minutes"
    assert describe_delay(timedelta(hours=2)) == "2 hours"
    assert describe_delay(timedelta(seconds=20)) == "0 minutes"
    assert describe_delay(timedelta(days=1, hours=21, minutes=20)) == "1 day 21 hours"


def test_no_warning_for_resolved_incident(site: SiteMaker) -> None:
    s = site(
        {
            "ok": incident(
                "  api: partial_outage",
                "2026-11-20 14:20 — Resolved",
                "2026-11-20 14:05 — Investigating",
                extra="next_update: 2026-11-20 15:00\n",
            )
        }
    )
    code, _, err = s.check("2026-11-21 15:30 +01:00", "--strict")
    assert code == 0, err
    assert "warning" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--now", "not a time"],
        ["build", "--bogus"],
        ["frobnicate"],
        ["update", "no-such-incident", "--status", "identified", "--message", "x"],
        ["resolve", "no-such-incident", "--message", "x"],
    ],
)
def test_wrong_usage_exits_2(site: SiteMaker, args: list[str]) -> None:
    s = site({"x": incident("  api: partial_outage", "2026-11-20 14:05 — Investigating")})
    code, _, _ = s.run(*args)
    assert code == 2


def test_every_problem_in_one_run(site: SiteMaker) -> None:
    s = site(
        {
            "a": incident("  api: partial_outage", "2026-13-40 14:05 — Investigating"),
            "b": incident("  nope: partial_outage", "2026-11-20 14:05 — Investigating"),
            "c": "---\ntitle: C\ncomponents:\n  api: broken\ncolour: red\n---\n\nstray text\n\n"
            "## 2026-11-20 14:05 — Wondering\nx\n\n## 2026-11-20 14:06 — Identified\n\n",
        }
    )
    code, out, err = s.check("2026-11-20 15:00 +01:00")
    assert code == 1
    errors = problem_lines(err, "error")
    where = {e.split(": error:")[0] for e in errors}
    assert {
        "content/incidents/a.md:7",
        "content/incidents/b.md:4",
        "content/incidents/c.md:4",
        "content/incidents/c.md:5",
        "content/incidents/c.md:8",
        "content/incidents/c.md:10",
        "content/incidents/c.md:13",
    } <= where, err


def test_failed_build_leaves_previous_output_byte_identical(site: SiteMaker) -> None:
    s = site({"x": incident("  api: partial_outage", "2026-11-20 14:05 — Investigating")})
    s.build("2026-11-20 14:10 +01:00")
    before = all_files(s.out)
    s.write("y", incident("  api: partial_outage", "2026-11-20 14:05 — Nonsense"))
    code, _, err = s.run("build", "--now", "2026-11-20 15:00 +01:00", "--output", str(s.out))
    assert code == 1
    assert "y.md:7: error:" in err
    assert all_files(s.out) == before
    assert sorted(p.name for p in s.root.parent.iterdir()) == ["site", "site-out"]  # no leftovers


def test_site_yaml_errors_name_the_line(site: SiteMaker) -> None:
    s = site(
        site_yaml=BERLIN_SITE.replace("timezone: Europe/Berlin", "timezone: Mars/Base")
        + "  - id: api\n    name: Again\n    colour: red\n"
    )
    code, _, err = s.check("2026-11-20 15:00 +01:00")
    assert code == 1
    where = {e.split(": error:")[0] for e in problem_lines(err, "error")}
    assert {"site.yaml:3", "site.yaml:16", "site.yaml:18"} <= where, err


# -- section 4: uptime --------------------------------------------------------------------------


UPTIME_SITE = """\
name: Test Co
url: https://status.test.example/
timezone: Europe/Berlin
components:
  - id: api
    name: API
    since: {since}
  - id: storage
    name: Storage
    components:
      - id: blob
        name: Blob storage
        since: {since}
      - id: db
        name: Databases
        since: {later}
"""


def test_uptime_across_spring_dst_change(site: SiteMaker) -> None:
    s = site(
        {
            "partial": incident(
                "  api: partial_outage",
                "2026-03-28 20:00 — Resolved",
                "2026-03-28 10:00 — Investigating",
            ),
            "major": incident(
                "  api: major_outage\n  blob: major_outage",
                "2026-03-30 00:00 — Resolved",
                "2026-03-29 00:00 — Investigating",
            ),
        },
        site_yaml=UPTIME_SITE.format(since="2026-03-28", later="2026-03-29"),
    )
    s.build("2026-03-30 12:00 +02:00")  # Berlin: CEST, 10:00 UTC
    api = s.uptime("api")
    assert api["days"][-1]["date"] == "2026-03-30"
    assert len(api["days"]) == 90
    assert api["days"][0]["date"] == "2025-12-31"
    assert s.day("api", "2026-03-27")["uptime"] is None
    assert s.day("api", "2026-03-28")["uptime"] == pytest.approx(87.5, abs=0.01)
    assert s.day("api", "2026-03-28")["partial_outage_minutes"] == 600
    assert s.day("api", "2026-03-29")["uptime"] == pytest.approx(0.0, abs=0.01)
    assert s.day("api", "2026-03-29")["major_outage_minutes"] == 23 * 60
    assert s.day("api", "2026-03-30")["uptime"] == pytest.approx(100.0, abs=0.01)
    # Days at their real length: 24 + 23 + 12 hours counted, 23 + 0.3 × 10 down.
    assert api["uptime"] == pytest.approx(100 * (1 - 26 / 59), abs=0.01)
    # Group: blob counted from 03-28 (0% on the 29th), db from 03-29 (100%).
    assert s.day("storage", "2026-03-28")["uptime"] == pytest.approx(100.0, abs=0.01)
    assert s.day("storage", "2026-03-29")["uptime"] == pytest.approx(50.0, abs=0.01)
    assert s.day("storage", "2026-03-27")["uptime"] is None
    blob = 100 * (1 - 23 / 59)
    assert s.uptime("blob")["uptime"] == pytest.approx(blob, abs=0.01)
    assert s.uptime("db")["uptime"] == pytest.approx(100.0, abs=0.01)
    assert s.uptime("storage")["uptime"] == pytest.approx((blob + 100) / 2, abs=0.01)


def test_uptime_across_autumn_dst_change(site: SiteMaker) -> None:
    s = site(
        {
            "long": incident(
                "  api: partial_outage\n  db: major_outage",
                "2026-10-26 00:00 — Resolved",
                "2026-10-25 00:00 — Investigating",
            ),
        },
        site_yaml=UPTIME_SITE.format(since="2026-10-24", later="2026-10-24"),
    )
    s.build("2026-10-26 12:00 +01:00")  # Berlin: CET, 11:00 UTC
    day = s.day("api", "2026-10-25")
    assert day["partial_outage_minutes"] == 25 * 60
    assert day["uptime"] == pytest.approx(70.0, abs=0.01)
    assert s.uptime("api")["uptime"] == pytest.approx(100 * (1 - 7.5 / 61), abs=0.01)
    assert s.day("db", "2026-10-25")["major_outage_minutes"] == 1500
    assert s.uptime("db")["uptime"] == pytest.approx(100 * (1 - 25 / 61), abs=0.01)
    assert s.day("storage", "2026-10-25")["uptime"] == pytest.approx(50.0, abs=0.01)
    # The days are listed oldest first and all percentages are 0-100.
    dates = [d["date"] for d in s.uptime("api")["days"]]
    assert dates == sorted(dates)


def test_uptime_ignores_degraded_and_maintenance_and_overlaps(site: SiteMaker) -> None:
    s = site(
        {
            "deg": incident(
                "  api: degraded_performance",
                "2026-11-20 12:00 — Resolved",
                "2026-11-20 08:00 — Investigating",
            ),
            "mnt": """
            ---
            title: Works
            components: [api]
            maintenance: {start: 2026-11-20 13:00, end: 2026-11-20 14:00}
            ---

            ## 2026-11-19 10:00 — Scheduled
            Planned.
            """,
            "p": incident(
                "  api: partial_outage",
                "2026-11-20 17:00 — Resolved",
                "2026-11-20 15:00 — Investigating",
            ),
            "m": incident(
                "  api: major_outage",
                "2026-11-20 16:30 — Resolved",
                "2026-11-20 16:00 — Investigating",
            ),
        },
        site_yaml=BERLIN_SITE.replace("Europe/Berlin", "UTC"),
    )
    s.build("2026-11-21 00:00")
    day = s.day("api", "2026-11-20")
    assert day["major_outage_minutes"] == 30
    assert day["partial_outage_minutes"] == 90
    assert day["uptime"] == pytest.approx(100 * (1 - (30 + 27) / 1440), abs=0.01)


# -- section 6: API values ----------------------------------------------------------------------


def test_api_documents_agree(site: SiteMaker) -> None:
    s = site(
        {
            "open": incident(
                "  api: partial_outage", "2026-11-20 14:05 — Identified", title="Open one"
            ),
            "done": incident(
                "  web: major_outage",
                "2026-11-19 11:00 — Resolved",
                "2026-11-19 10:00 — Investigating",
                title="Done one",
            ),
            "soon": MAINTENANCE.format(updates="").replace("Database upgrade", "Soon"),
            "now": MAINTENANCE.format(updates="")
            .replace("2026-11-25 02:00", "2026-11-20 14:00")
            .replace("2026-11-25 04:00", "2026-11-20 16:00")
            .replace("db:", "blob:"),
            "past": MAINTENANCE.format(updates="")
            .replace("2026-11-25 02:00", "2026-11-18 14:00")
            .replace("2026-11-25 04:00", "2026-11-18 16:00")
            .replace("2026-11-20 10:00", "2026-11-17 10:00"),
        }
    )
    s.build("2026-11-20 14:30 +01:00")
    summary = s.api("summary.json")
    assert summary["page"]["url"] == "https://status.test.example"
    assert summary["page"]["time_zone"] == "Europe/Berlin"
    assert [i["id"] for i in summary["incidents"]] == ["open"]
    assert sorted(m["id"] for m in summary["scheduled_maintenances"]) == ["now", "soon"]
    assert [i["id"] for i in s.api("incidents/unresolved.json")["incidents"]] == ["open"]
    assert [i["id"] for i in s.api("incidents.json")["incidents"]] == ["open", "done"]
    assert [m["id"] for m in s.api("scheduled-maintenances.json")["scheduled_maintenances"]] == [
        "soon",
        "now",
        "past",
    ]
    assert [
        m["id"] for m in s.api("scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    ] == ["soon"]
    assert [
        m["id"] for m in s.api("scheduled-maintenances/active.json")["scheduled_maintenances"]
    ] == ["now"]
    statuses = {
        m["id"]: m["status"] for m in s.api("scheduled-maintenances.json")["scheduled_maintenances"]
    }
    assert statuses == {"soon": "scheduled", "now": "in_progress", "past": "completed"}
    comps = {c["id"]: c for c in summary["components"]}
    assert comps["api"]["status"] == "partial_outage"
    assert comps["blob"]["status"] == "under_maintenance"
    assert comps["storage"]["status"] == "under_maintenance"
    assert comps["storage"]["group"] is True and comps["storage"]["components"] == ["blob", "db"]
    assert comps["blob"]["group_id"] == "storage"
    assert summary["components"] == s.api("components.json")["components"]
    assert (
        summary["status"]
        == s.api("status.json")["status"]
        == {"indicator": "major", "description": "Partial System Outage"}
    )
    opened = summary["incidents"][0]
    assert opened["impact"] == "major"
    assert opened["shortlink"] == "https://status.test.example/incidents/open/"
    assert opened["components"][0]["id"] == "api"
    assert opened["incident_updates"][0]["affected_components"] == [
        {"code": "api", "name": "API", "old_status": "operational", "new_status": "partial_outage"}
    ]
    done = s.incident("done")
    assert done["resolved_at"] == "2026-11-19T11:00:00.000+01:00"


# -- section 6: feeds --------------------------------------------------------------------------


def atom_entries(text: str) -> list[ET.Element]:
    return ET.fromstring(text.encode("utf-8")).findall(f"{ATOM}entry")


def rss_items(text: str) -> list[ET.Element]:
    return ET.fromstring(text.encode("utf-8")).findall("channel/item")


FEED_INCIDENTS = {
    "older": incident(
        "  api: partial_outage",
        "2026-11-18 11:00 — Resolved\nOlder fixed.",
        "2026-11-18 10:00 — Investigating\nOlder looking.",
    ),
    "newer": incident(
        "  web: major_outage",
        "2026-11-20 14:40 — Monitoring\nA fix is out.",
        "2026-11-20 14:05 — Investigating\nWe are looking.",
        "2026-11-20 14:20 — Identified\nWe found it.",
    ),
}


def test_history_feed_holds_every_update_newest_first(site: SiteMaker) -> None:
    s = site(FEED_INCIDENTS)
    s.build("2026-11-20 15:00 +01:00")
    entries = atom_entries(s.text("history.atom"))
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://status.test.example/incidents/newer/",
        "https://status.test.example/incidents/older/",
    ]
    content = entries[0].findtext(f"{ATOM}content") or ""
    parts = [
        content.index(f"<strong>{word}</strong> - {text}")
        for word, text in (
            ("Monitoring", "A fix is out."),
            ("Identified", "We found it."),
            ("Investigating", "We are looking."),
        )
    ]
    assert parts == sorted(parts)
    assert instant(entries[0].findtext(f"{ATOM}updated")) == utc("2026-11-20 13:40")
    feed_updated = ET.fromstring(s.text("history.atom").encode()).findtext(f"{ATOM}updated")
    assert instant(feed_updated) == utc("2026-11-20 13:40")
    items = rss_items(s.text("history.rss"))
    assert len(items) == 2
    assert "<strong>Resolved</strong> - Older fixed." in (items[1].findtext("description") or "")


def test_updates_feed_one_entry_per_update(site: SiteMaker) -> None:
    s = site(FEED_INCIDENTS)
    s.build("2026-11-20 15:00 +01:00")
    entries = atom_entries(s.text("updates.atom"))
    assert len(entries) == 5
    times = [instant(e.findtext(f"{ATOM}updated")) for e in entries]
    assert times == sorted(times, reverse=True)
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 5
    assert len(rss_items(s.text("updates.rss"))) == 5
    first = entries[0].findtext(f"{ATOM}content") or ""
    assert "<strong>Monitoring</strong> - A fix is out." in first
    assert entries[0].findtext(f"{ATOM}title") == "Monitoring: Something broke"


def test_feed_ids_stable_after_adding_an_update(site: SiteMaker) -> None:
    s = site(FEED_INCIDENTS)
    s.build("2026-11-20 15:00 +01:00")
    before = {e.findtext(f"{ATOM}id") for e in atom_entries(s.text("updates.atom"))}
    history_before = [e.findtext(f"{ATOM}id") for e in atom_entries(s.text("history.atom"))]
    web_before = [
        e.findtext(f"{ATOM}id") for e in atom_entries(s.text("components/web/history.atom"))
    ]
    api_before = {u["id"] for u in s.incident("newer")["incident_updates"]}
    s.write(
        "newer",
        incident(
            "  web: major_outage",
            "2026-11-20 15:10 — Resolved\nAll good.",
            "2026-11-20 14:40 — Monitoring\nA fix is out.",
            "2026-11-20 14:05 — Investigating\nWe are looking.",
            "2026-11-20 14:20 — Identified\nWe found it.",
        ),
    )
    s.build("2026-11-20 15:20 +01:00")
    after = {e.findtext(f"{ATOM}id") for e in atom_entries(s.text("updates.atom"))}
    assert before < after and len(after - before) == 1
    entries = atom_entries(s.text("history.atom"))
    assert [e.findtext(f"{ATOM}id") for e in entries] == history_before
    web = atom_entries(s.text("components/web/history.atom"))
    assert [e.findtext(f"{ATOM}id") for e in web] == web_before
    assert instant(entries[0].findtext(f"{ATOM}updated")) == utc("2026-11-20 14:10")
    assert api_before < {u["id"] for u in s.incident("newer")["incident_updates"]}


def test_feed_ids_stable_after_adding_an_update_in_the_same_minute(site: SiteMaker) -> None:
    s = site({"x": incident("  api: partial_outage", "2026-11-20 14:05 — Investigating\nA.")})
    s.build("2026-11-20 14:05 +01:00")
    before = {e.findtext(f"{ATOM}id") for e in atom_entries(s.text("updates.atom"))}
    api_before = {u["id"] for u in s.incident("x")["incident_updates"]}
    s.write(
        "x",
        incident(
            "  api: partial_outage",
            "2026-11-20 14:05 — Identified\nB.",
            "2026-11-20 14:05 — Investigating\nA.",
        ),
    )
    s.build("2026-11-20 14:06 +01:00")
    after = {e.findtext(f"{ATOM}id") for e in atom_entries(s.text("updates.atom"))}
    assert before <= after
    assert api_before <= {u["id"] for u in s.incident("x")["incident_updates"]}


def test_rebuild_is_byte_identical(site: SiteMaker) -> None:
    s = site(FEED_INCIDENTS)
    s.build("2026-11-20 15:00 +01:00")
    first = all_files(s.out)
    s.build("2026-11-20 15:00 +01:00")
    assert all_files(s.out) == first


# -- section 6: hostile text -------------------------------------------------------------------


HOSTILE_SITE = """\
name: "Evil <script>alert('site')</script> Co"
url: https://status.test.example/
timezone: UTC
description: "<img src=x onerror=alert(1)>"
components:
  - id: api
    name: "API <script>alert('comp')</script>"
    description: "<b onmouseover=alert(2)>desc</b>"
  - id: grp
    name: "<iframe src=javascript:alert(3)>"
    components:
      - id: leaf
        name: "Leaf \\" onload=\\"alert(4)"
"""

HOSTILE_INCIDENT = """
---
title: "<script>alert('title')</script> & <b>bold</b>"
components:
  api: major_outage
  grp: partial_outage
---

## 2026-11-20 14:05 — Investigating
<script>alert('body')</script>
<img src=x onerror=alert(5)>

[click](javascript:alert(6)) and [data](data:text/html,<script>alert(7)</script>)
and [ok](https://example.com/ok) and <a href="javascript:alert(8)">raw</a>
![pic](javascript:alert(9))
<javascript:alert(10)> [up](JAVASCRIPT:alert(11)) [ref][r] [proto](//evil.example/x)
![tracker](https://tracker.example/pixel.png) and [mail](mailto:help@acme.example)

[r]: javascript:alert(12)
"""


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run or load from an HTML text: elements and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        if tag == "script":
            source = values.get("src") or ""
            # The theme's own script (named by a hash of its bytes) and the banner script.
            if source and not re.search(r"(assets/local-time\.[0-9a-f]+\.js|embed\.js)$", source):
                self.found.append(f"<script src={source}>")
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value}")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and re.match(r"\s*(javascript|data|vbscript):", value, re.I)
            ):
                self.found.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"script text: {data[:80]}")


def _html_danger(markup: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(markup)
    parser.close()
    return parser.found


def test_hostile_text_is_inert_in_pages(site: SiteMaker) -> None:
    s = site({"evil": HOSTILE_INCIDENT}, site_yaml=HOSTILE_SITE)
    s.build("2026-11-20 14:10 +01:00")
    pages = [p for p in s.out.rglob("*.html")]
    assert pages
    for page in pages:
        bad = _html_danger(page.read_text(encoding="utf-8"))
        assert not bad, (page, bad[:3])
    incident_page = s.text("incidents/evil/index.html")
    assert (
        "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in incident_page
        or "&lt;script&gt;alert('body')&lt;/script&gt;" in incident_page
    )
    assert 'href="https://example.com/ok"' in incident_page
    assert '<a href="mailto:help@acme.example">mail</a>' in incident_page
    assert "//evil.example" not in re.sub(r"\[proto\]\(//evil.example/x\)", "", incident_page)
    assert "&lt;img src=x onerror=alert(5)&gt;" in incident_page  # shown as text, not run
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in (
        incident_page
    )
    # An image from elsewhere becomes a link: a status page loads nothing from other hosts.
    assert '<a href="https://tracker.example/pixel.png">tracker</a>' in incident_page


def test_hostile_text_is_inert_in_feeds(site: SiteMaker) -> None:
    s = site({"evil": HOSTILE_INCIDENT}, site_yaml=HOSTILE_SITE)
    s.build("2026-11-20 14:10 +01:00")
    for name in (
        "history.atom",
        "updates.atom",
        "components/api/history.atom",
        "components/leaf/history.atom",
    ):
        root = ET.fromstring(s.text(name).encode("utf-8"))
        for entry in root.findall(f"{ATOM}entry"):
            content = entry.findtext(f"{ATOM}content") or ""
            assert not _html_danger(content), (name, _html_danger(content))
            title = entry.find(f"{ATOM}title")
            assert title is not None and title.get("type", "text") == "text"
    for name in ("history.rss", "updates.rss"):
        for item in rss_items(s.text(name)):
            description = item.findtext("description") or ""
            assert not _html_danger(description), (name, _html_danger(description))


def test_hostile_text_in_json_is_data_and_badges_are_escaped(site: SiteMaker) -> None:
    s = site({"evil": HOSTILE_INCIDENT}, site_yaml=HOSTILE_SITE)
    s.build("2026-11-20 14:10 +01:00")
    got = s.incident("evil")
    assert got["name"] == "<script>alert('title')</script> & <b>bold</b>"
    assert s.api("components.json")["components"][0]["name"] == "API <script>alert('comp')</script>"
    for name in (
        "badge.svg",
        "components/api/badge.svg",
        "components/leaf/badge.svg",
        "components/grp/badge.svg",
    ):
        svg = s.text(name)
        root = ET.fromstring(svg.encode("utf-8"))  # well-formed
        for element in root.iter():
            assert element.tag.split("}")[-1] not in ("script", "iframe", "foreignObject"), name
            assert not [a for a in element.attrib if a.lower().startswith("on")], name
    embed = s.text("embed.js")
    assert "innerHTML" not in embed


# -- section 6: sub-path -----------------------------------------------------------------------


def test_sub_path_url_all_internal_links_relative(site: SiteMaker) -> None:
    sub = BERLIN_SITE.replace("https://status.test.example/", "https://acme.github.io/status/")
    s = site(FEED_INCIDENTS | {"mnt": MAINTENANCE.format(updates="")}, site_yaml=sub)
    s.build("2026-11-20 15:00 +01:00")
    attribute = re.compile(r"""(?:href|src|action)=["']([^"']*)["']""")
    for page in s.out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in attribute.findall(text):
            url = html.unescape(url)
            if url.startswith(("http://", "https://")):
                assert not url.startswith("https://acme.github.io/") or url.startswith(
                    "https://acme.github.io/status/"
                ), (page, url)
                continue
            if url.startswith("webcal://"):
                assert url.startswith("webcal://acme.github.io/status/"), (page, url)
                continue
            if url.startswith(("mailto:", "#", "data:")):
                continue
            if page.name == "404.html" and page.parent == s.out:
                # Served at any depth: its links start from the host's root, at the sub-path.
                assert url.startswith("/status/"), (page, url)
                url = url.removeprefix("/status/") or "./"
            assert not url.startswith("/"), (page, url)
            target = page.parent / url.split("#")[0].split("?")[0]
            if url.split("#")[0] in ("", "."):
                continue
            resolved = target / "index.html" if url.split("#")[0].endswith("/") else target
            assert resolved.resolve().exists(), (page.relative_to(s.out), url)
    # The 404 page stays on whichever host serves it: no absolute link to this one above the
    # footer (whose mirror links name their hosts on purpose).
    assert "https://acme.github.io" not in s.text("404.html").split("<footer")[0]
    assert len(atom_entries(s.text("history.atom"))) == 3  # maintenance has its entry too
    for name in ("history.atom", "updates.atom"):
        for entry in atom_entries(s.text(name)):
            assert (entry.findtext(f"{ATOM}id") or "").startswith(
                "https://acme.github.io/status/incidents/"
            )
    assert s.api("summary.json")["page"]["url"] == "https://acme.github.io/status"
    sitemap = s.text("sitemap.xml")
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        assert loc.startswith("https://acme.github.io/status/"), loc


# -- "now" -------------------------------------------------------------------------------------


def test_naive_now_is_in_the_site_zone(site: SiteMaker) -> None:
    s = site({"mnt": MAINTENANCE.format(updates="")})
    s.build("2026-11-25 01:30")  # Berlin wall time: half an hour before the window
    assert s.incident("mnt")["status"] == "scheduled"
    s.build("2026-11-25 03:30")  # Berlin wall time: half an hour before the end
    assert s.incident("mnt")["status"] == "in_progress"


def test_now_with_zone_and_source_date_epoch(
    site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = site({"mnt": MAINTENANCE.format(updates="")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(utc("2026-11-25 01:00").timestamp())))
    s.run("build", "--output", str(s.out))
    assert s.incident("mnt")["status"] == "in_progress"
    assert '<time datetime="2026-11-25T02:00:00+01:00">' in s.text("index.html")
    s.build("2026-11-25T00:59:59Z")  # --now wins over SOURCE_DATE_EPOCH
    assert s.incident("mnt")["status"] == "scheduled"


def test_github_actions_annotations_and_check_writes_nothing(
    site: SiteMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = site({"bad": incident("  api: partial_outage", "2026-11-20 14:05 — Wondering")})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = s.check("2026-11-20 15:00 +01:00")
    assert code == 1
    assert "::error file=content/incidents/bad.md,line=7::" in out + err
    assert "content/incidents/bad.md:7: error:" in err
    assert sorted(p.name for p in s.root.iterdir()) == ["content", "site.yaml"]


def test_list_limits(site: SiteMaker) -> None:
    incidents = {
        f"i{n:02d}": incident(
            "  api: partial_outage",
            f"2026-10-{1 + n // 3:02d} {10 + n % 3}:30 UTC — Resolved",
            f"2026-10-{1 + n // 3:02d} {10 + n % 3}:00 UTC — Investigating",
        )
        for n in range(60)
    }
    s = site(incidents)
    s.build("2026-11-20 15:00 +01:00")
    assert len(s.api("incidents.json")["incidents"]) == 50
    assert s.api("incidents.json")["incidents"][0]["id"] == "i59"
    assert len(atom_entries(s.text("history.atom"))) == 50
    assert len(rss_items(s.text("history.rss"))) == 50
    assert len(atom_entries(s.text("updates.atom"))) == 100
    assert len(rss_items(s.text("updates.rss"))) == 100
    # The component's own feed holds every incident that lists it.
    assert len(atom_entries(s.text("components/api/history.atom"))) == 60


def test_maintenance_update_keeps_the_clock_status(site: SiteMaker) -> None:
    halfway = "## 2026-11-25 03:00 — Update\nHalfway.\n\n"
    s = site({"mnt": MAINTENANCE.format(updates=halfway)})
    s.build("2026-11-25 03:30 +01:00")
    got = s.incident("mnt")
    assert got["status"] == "in_progress"
    assert [u["status"] for u in got["incident_updates"]] == ["in_progress", "scheduled"]
