"""The Statuspage v2 API: every endpoint against a JSON Schema written from Statuspage's public
documentation, and the values that strict clients rely on (SPEC sections 4 and 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from generator.build import build
from generator.times import parse_now
from tests.conftest import MakeSite

SCHEMAS = Path(__file__).parent / "schemas"
ENDPOINTS = {
    "summary.json": "summary.json",
    "status.json": "status.json",
    "components.json": "components.json",
    "incidents.json": "incidents.json",
    "incidents/unresolved.json": "incidents-unresolved.json",
    "scheduled-maintenances.json": "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active.json",
}


def validator(schema_file: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def read(output: Path, endpoint: str) -> Any:
    return json.loads((output / "api" / "v2" / endpoint).read_text(encoding="utf-8"))


def build_at(source: Path, output: Path, now: str) -> Path:
    build(source, output, parse_now(now, None))
    return output


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_every_endpoint_matches_statuspage_schema(sample_output: Path, endpoint: str) -> None:
    errors = list(validator(ENDPOINTS[endpoint]).iter_errors(read(sample_output, endpoint)))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_schema_rejects_what_clients_reject(sample_output: Path) -> None:
    """The schemas are strict enough to matter: a UTC time without milliseconds, a missing
    key or an unknown status each fail."""
    check = validator("summary.json")
    document = read(sample_output, "summary.json")
    document["page"]["updated_at"] = "2026-11-20T15:30:00Z"
    assert not check.is_valid(document)
    document = read(sample_output, "summary.json")
    del document["components"][0]["group_id"]
    assert not check.is_valid(document)
    document = read(sample_output, "summary.json")
    document["incidents"][0]["status"] = "resolved"
    assert not check.is_valid(document)


def test_summary_matches_the_derived_state(sample_output: Path) -> None:
    summary = read(sample_output, "summary.json")
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert [i["id"] for i in summary["incidents"]] == [
        "2026-11-20-dashboard-slow",
        "2026-11-20-api-errors",
    ]
    assert [(m["id"], m["status"]) for m in summary["scheduled_maintenances"]] == [
        ("2026-11-25-database-upgrade", "scheduled"),
        ("2026-11-20-blob-firmware", "in_progress"),
    ]
    status = {c["id"]: c["status"] for c in summary["components"]}
    assert status == {
        "website": "operational",
        "platform": "partial_outage",
        "api": "partial_outage",
        "auth": "operational",
        "webhooks": "degraded_performance",
        "storage": "under_maintenance",
        "blob": "under_maintenance",
        "db": "operational",
    }
    page = summary["page"]
    assert page["time_zone"] == "Europe/Berlin"
    assert page["url"] == "https://status.acme.example"
    assert page["updated_at"] == "2026-11-20T16:10:00.000+01:00"  # the latest update so far


def test_groups_and_members_reference_each_other(sample_output: Path) -> None:
    components = read(sample_output, "components.json")["components"]
    by_id = {c["id"]: c for c in components}
    assert len(by_id) == len(components)
    groups = [c for c in components if c["group"]]
    assert [g["id"] for g in groups] == ["platform", "storage"]
    for group in groups:
        assert group["group_id"] is None
        for child in group["components"]:
            assert by_id[child]["group_id"] == group["id"]
            assert by_id[child]["group"] is False
    for component in components:
        if component["group_id"] is not None:
            assert component["id"] in by_id[component["group_id"]]["components"]
    assert sorted(c["position"] for c in components) == list(range(1, len(components) + 1))
    assert by_id["api"]["start_date"] == "2024-01-01"
    assert by_id["platform"]["description"] is None


def test_incident_in_statuspage_form(sample_output: Path) -> None:
    incidents = {i["id"]: i for i in read(sample_output, "incidents.json")["incidents"]}
    incident = incidents["2026-11-20-api-errors"]
    assert incident["shortlink"] == "https://status.acme.example/incidents/2026-11-20-api-errors/"
    assert incident["started_at"] == "2026-11-20T13:58:00.000+01:00"
    assert incident["created_at"] == "2026-11-20T14:05:00.000+01:00"
    assert incident["updated_at"] == "2026-11-20T16:10:00.000+01:00"
    assert (incident["impact"], incident["resolved_at"]) == ("major", None)
    assert [c["id"] for c in incident["components"]] == ["api", "webhooks"]
    updates = incident["incident_updates"]
    assert [u["status"] for u in updates] == ["identified", "investigating"]  # newest first
    assert updates[1]["affected_components"] == [
        {
            "code": "api",
            "name": "Public API",
            "old_status": "operational",
            "new_status": "partial_outage",
        },
        {
            "code": "webhooks",
            "name": "Webhooks",
            "old_status": "operational",
            "new_status": "degraded_performance",
        },
    ]
    assert {u["incident_id"] for u in updates} == {incident["id"]}
    reopened = incidents["2026-11-15-login-failures"]
    assert reopened["status"] == "resolved"
    assert reopened["resolved_at"] == "2026-11-15T12:40:00.000+01:00"
    moves = [
        (u["status"], [(a["old_status"], a["new_status"]) for a in u["affected_components"]])
        for u in reversed(reopened["incident_updates"])
    ]
    assert moves == [
        ("investigating", [("operational", "major_outage")]),
        ("monitoring", [("major_outage", "operational")]),
        ("resolved", []),
        ("investigating", [("operational", "major_outage")]),
        ("identified", []),
        ("resolved", [("major_outage", "operational")]),
    ]
    postmortem = incidents["2026-11-18-database-outage"]
    assert postmortem["status"] == "postmortem" and postmortem["resolved_at"] is not None


def test_maintenance_lists(sample_output: Path) -> None:
    every = read(sample_output, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["id"] for m in every] == [
        "2026-11-25-database-upgrade",
        "2026-11-20-blob-firmware",
        "2026-11-08-storage-maintenance",
    ]
    done = every[2]
    assert done["status"] == "completed"
    assert done["resolved_at"] == "2026-11-08T03:40:00.000+01:00"
    assert done["scheduled_for"] == "2026-11-08T02:00:00.000+01:00"
    assert done["impact"] == "maintenance"
    assert [
        m["id"]
        for m in read(sample_output, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    ] == ["2026-11-20-blob-firmware"]
    assert [
        m["id"]
        for m in read(sample_output, "scheduled-maintenances/upcoming.json")[
            "scheduled_maintenances"
        ]
    ] == ["2026-11-25-database-upgrade"]


INCIDENT = """\
---
title: Incident {n}
components:
  api: partial_outage
---

## 2026-03-{day:02d} 10:{minute:02d} — Resolved
Fixed.

## 2026-03-{day:02d} 09:{minute:02d} — Investigating
Looking.
"""
MAINTENANCE = """\
---
title: Window {n}
components: [storage]
maintenance:
  start: 2026-04-{day:02d} 02:{minute:02d}
  end: 2026-04-{day:02d} 03:{minute:02d}
---

## 2026-03-01 12:{minute:02d} — Scheduled
We will work on storage.
"""


def test_latest_fifty_newest_first(make_site: MakeSite, tmp_path: Path) -> None:
    incidents = {}
    for n in range(56):
        day, minute = 1 + n // 2, (n % 2) * 30
        incidents[f"incident-{n:02d}"] = INCIDENT.format(n=n, day=day, minute=minute)
        incidents[f"window-{n:02d}"] = MAINTENANCE.format(n=n, day=day, minute=minute)
    output = build_at(make_site(incidents), tmp_path / "out", "2026-05-01 00:00 UTC")
    listed = read(output, "incidents.json")["incidents"]
    assert [i["id"] for i in listed] == [f"incident-{n:02d}" for n in range(55, 5, -1)]
    windows = read(output, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["id"] for m in windows] == [f"window-{n:02d}" for n in range(55, 5, -1)]
    summary = read(output, "summary.json")
    assert summary["incidents"] == [] and summary["scheduled_maintenances"] == []
    assert summary["status"]["indicator"] == "none"
    for endpoint, schema in ENDPOINTS.items():
        assert validator(schema).is_valid(read(output, endpoint)), endpoint


UTC_SITE = """\
name: Zulu Co
url: https://zulu.example/status/
components:
  - id: api
    name: API
"""
OPEN = """\
---
title: API down
components: {api: major_outage}
---

## 2026-07-01 12:00:30 — Investigating
The API is down.
"""


def test_utc_site_writes_z_and_ids_do_not_move(make_site: MakeSite, tmp_path: Path) -> None:
    source = make_site({"api-down": OPEN}, site_yaml=UTC_SITE)
    first = build_at(source, tmp_path / "a", "2026-07-01 12:10 UTC")
    later = build_at(source, tmp_path / "b", "2026-07-03 08:00 UTC")
    one, two = read(first, "summary.json"), read(later, "summary.json")
    assert one["page"]["time_zone"] == "UTC"
    assert one["page"]["url"] == "https://zulu.example/status"
    assert one["incidents"][0]["created_at"] == "2026-07-01T12:00:30.000Z"
    assert one["status"]["indicator"] == "critical"
    assert one["page"]["id"] == two["page"]["id"]
    assert one["incidents"][0]["id"] == two["incidents"][0]["id"] == "api-down"
    assert (
        one["incidents"][0]["incident_updates"][0]["id"]
        == two["incidents"][0]["incident_updates"][0]["id"]
    )
    assert one["components"] == two["components"]  # nothing changed between the two
    again = build_at(source, tmp_path / "c", "2026-07-01 12:10 UTC")
    for endpoint in ENDPOINTS:
        assert (first / "api/v2" / endpoint).read_bytes() == (
            again / "api/v2" / endpoint
        ).read_bytes()
