"""Derived facts of SPEC section 4: incident status over time, components, overall status,
maintenance by the clock, overdue promises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from generator import derive
from generator.build import check
from generator.derive import Facts
from generator.times import parse_time

from .conftest import MakeSite


def at(text: str) -> datetime:
    return parse_time(text, UTC)


def facts_of(source: Path, now: str) -> Facts:
    return check(source, at(now)).facts


API_INCIDENT = """
---
title: API errors
components:
  api: partial_outage
  storage: degraded_performance
started: 2026-11-20 09:50
---

{updates}
"""


def incident(*updates: str, header: str = API_INCIDENT) -> str:
    return header.replace("{updates}", "\n\n".join(updates))


@pytest.mark.parametrize(
    ("heading", "status", "unresolved", "api"),
    [
        ("Investigating", "investigating", True, "partial_outage"),
        ("Identified", "identified", True, "partial_outage"),
        ("Monitoring", "monitoring", True, "operational"),
        ("Resolved", "resolved", False, "operational"),
    ],
)
def test_each_status_sets_incident_and_component_status(
    make_site: MakeSite, heading: str, status: str, unresolved: bool, api: str
) -> None:
    site = make_site({"a": incident(f"## 2026-11-20 10:00 — {heading}\nText.")})
    facts = facts_of(site, "2026-11-20 12:00 UTC")
    assert facts.incidents["a"].status == status
    assert facts.incidents["a"].active is unresolved
    assert facts.component_status["api"] == api
    # A group id stands for all its components; the group shows the worst.
    expected_storage = "degraded_performance" if api != "operational" else "operational"
    assert facts.component_status["blob"] == expected_storage
    assert facts.component_status["storage"] == expected_storage


def test_postmortem_after_resolved_is_still_resolved(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-21 10:00 — Postmortem\nWhat happened.",
                "## 2026-11-20 11:00 — Resolved\nFixed.",
                "## 2026-11-20 10:00 — Investigating\nLooking.",
            )
        }
    )
    facts = facts_of(site, "2026-11-22 00:00 UTC")
    assert facts.incidents["a"].status == "postmortem"
    assert not facts.incidents["a"].active
    assert facts.incidents["a"].resolved_at == at("2026-11-20 10:00 UTC")  # 11:00 Berlin
    assert facts.indicator == "none"


def test_update_keeps_the_status_before(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-20 10:30 — Update\nStill looking.",
                "## 2026-11-20 10:00 — Identified\nFound it.",
            )
        }
    )
    facts = facts_of(site, "2026-11-20 10:00 UTC")
    assert facts.incidents["a"].status == "identified"
    assert facts.incidents["a"].update_statuses == ("identified", "identified")


def test_reopened_incident_puts_components_back(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-20 12:00 — Investigating\nIt is back.",
                "## 2026-11-20 11:00 — Resolved\nFixed.",
                "## 2026-11-20 10:00 — Investigating\nLooking.",
            )
        }
    )
    facts = facts_of(site, "2026-11-20 11:30 UTC")
    assert facts.incidents["a"].status == "investigating"
    assert facts.incidents["a"].resolved_at is None
    assert facts.component_status["api"] == "partial_outage"
    phases = facts_of(site, "2026-11-20 12:00 UTC").incidents["a"].holding
    # From `started` (09:50 Berlin) to the Resolved update, then from the reopening on.
    assert [(p.start, p.end) for p in phases] == [
        (at("2026-11-20 08:50 UTC"), at("2026-11-20 10:00 UTC")),
        (at("2026-11-20 11:00 UTC"), None),
    ]


def test_resolved_at_is_the_resolve_that_ended_it(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-20 13:00 — Resolved\nDone again.",
                "## 2026-11-20 12:00 — Investigating\nBack.",
                "## 2026-11-20 11:00 — Resolved\nDone.",
                "## 2026-11-20 10:30 — Monitoring\nWatching.",
                "## 2026-11-20 10:00 — Investigating\nLooking.",
            )
        }
    )
    facts = facts_of(site, "2026-11-21 00:00 UTC").incidents["a"]
    assert facts.resolved_at == at("2026-11-20 12:00 UTC")
    assert facts.monitoring_at == at("2026-11-20 09:30 UTC")
    assert facts.started_at == at("2026-11-20 08:50 UTC")


def test_first_and_latest_go_by_time_not_file_order(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-20 10:00 — Investigating\nFirst.",
                "## 2026-11-20 11:00 — Resolved\nLast, though written lower.",
            )
        }
    )
    content = check(site, at("2026-11-21 00:00 UTC")).content
    assert content.incidents[0].latest_update.body == "Last, though written lower."
    assert facts_of(site, "2026-11-21 00:00 UTC").incidents["a"].status == "resolved"


def test_same_time_the_higher_update_is_later(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": incident(
                "## 2026-11-20 10:00 — Resolved\nHigher in the file.",
                "## 2026-11-20 10:00 — Investigating\nLower in the file.",
            )
        }
    )
    assert facts_of(site, "2026-11-21 00:00 UTC").incidents["a"].status == "resolved"


def test_plain_list_takes_status_from_impact(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: Slow
        components: [api, storage]
        impact: critical
        ---

        ## 2026-11-20 10:00 — Investigating
        Slow.
        """
        }
    )
    facts = facts_of(site, "2026-11-20 10:00 UTC")
    assert facts.component_status["api"] == "major_outage"
    assert facts.component_status["db"] == "major_outage"
    assert facts.indicator == "critical"


def test_impact_defaults_to_worst_component_and_drives_overall(make_site: MakeSite) -> None:
    site = make_site({"a": incident("## 2026-11-20 10:00 — Identified\nX.")})
    facts = facts_of(site, "2026-11-20 10:00 UTC")
    assert facts.incidents["a"].impact == "major"
    assert facts.indicator == "major"
    assert facts.description == "Partial System Outage"


def test_unresolved_incident_without_components_sets_overall_by_impact(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "a": """
        ---
        title: Emails late
        impact: minor
        ---
        ## 2026-11-20 10:00 — Monitoring
        Late.
        """
        }
    )
    facts = facts_of(site, "2026-11-20 10:00 UTC")
    assert facts.indicator == "minor"
    assert set(facts.component_status.values()) == {"operational"}


def test_started_after_now_does_not_affect_components_yet(make_site: MakeSite) -> None:
    header = API_INCIDENT.replace("started: 2026-11-20 09:50", "started: 2026-11-20 12:00")
    site = make_site({"a": incident("## 2026-11-20 10:00 — Investigating\nX.", header=header)})
    assert facts_of(site, "2026-11-20 10:30 UTC").component_status["api"] == "operational"
    assert facts_of(site, "2026-11-20 11:00 UTC").component_status["api"] == "partial_outage"


MAINTENANCE = """
---
title: Database upgrade
components: [db]
maintenance:
  start: 2026-11-25 02:00
  end: 2026-11-25 04:00
---

{updates}
"""


@pytest.mark.parametrize(
    ("now", "status"),
    [
        ("2026-11-25 00:59:59 UTC", "scheduled"),
        ("2026-11-25 01:00 UTC", "in_progress"),  # 02:00 Berlin: the start instant
        ("2026-11-25 02:59:59 UTC", "in_progress"),
        ("2026-11-25 03:00 UTC", "completed"),  # 04:00 Berlin: the end instant
    ],
)
def test_maintenance_follows_the_clock(make_site: MakeSite, now: str, status: str) -> None:
    site = make_site(
        {"m": incident("## 2026-11-20 10:00 — Scheduled\nPlanned.", header=MAINTENANCE)}
    )
    facts = facts_of(site, now)
    assert facts.incidents["m"].status == status
    in_progress = status == "in_progress"
    assert facts.component_status["db"] == ("under_maintenance" if in_progress else "operational")
    assert facts.indicator == ("maintenance" if in_progress else "none")
    assert facts.incidents["m"].upcoming is (status == "scheduled")


def test_completed_early_overrides_the_clock(make_site: MakeSite) -> None:
    site = make_site(
        {
            "m": incident(
                "## 2026-11-25 03:00 — Completed\nDone early.",
                "## 2026-11-20 10:00 — Scheduled\nPlanned.",
                header=MAINTENANCE,
            )
        }
    )
    assert facts_of(site, "2026-11-25 01:30 UTC").incidents["m"].status == "in_progress"
    assert facts_of(site, "2026-11-25 02:00 UTC").incidents["m"].status == "completed"
    assert facts_of(site, "2026-11-25 02:00 UTC").component_status["db"] == "operational"


def test_explicit_in_progress_holds_past_the_end(make_site: MakeSite) -> None:
    site = make_site(
        {
            "m": incident(
                "## 2026-11-25 01:50 — In progress\nStarted early.",
                "## 2026-11-20 10:00 — Scheduled\nPlanned.",
                header=MAINTENANCE,
            )
        }
    )
    # Started ten minutes early by the update, and still running after the planned end.
    assert facts_of(site, "2026-11-25 00:55 UTC").incidents["m"].status == "in_progress"
    assert facts_of(site, "2026-11-25 05:00 UTC").incidents["m"].status == "in_progress"
    # Scheduled and Update do not override the clock.
    checked = check(site, at("2026-11-25 05:00 UTC"))
    assert any("no Completed update" in w.message for w in checked.warnings)


def test_verifying_keeps_components_under_maintenance(make_site: MakeSite) -> None:
    site = make_site(
        {
            "m": incident(
                "## 2026-11-25 03:30 — Verifying\nChecking.",
                "## 2026-11-20 10:00 — Scheduled\nPlanned.",
                header=MAINTENANCE,
            )
        }
    )
    facts = facts_of(site, "2026-11-25 02:45 UTC")
    assert facts.incidents["m"].status == "verifying"
    assert facts.component_status["db"] == "under_maintenance"


def test_worst_status_wins_across_incidents_and_maintenance(make_site: MakeSite) -> None:
    site = make_site(
        {
            "m": incident("## 2026-11-20 10:00 — Scheduled\nPlanned.", header=MAINTENANCE),
            "a": """
            ---
            title: DB slow
            components: {db: degraded_performance}
            ---
            ## 2026-11-25 02:30 — Investigating
            Slow.
            """,
        }
    )
    facts = facts_of(site, "2026-11-25 01:45 UTC")
    assert facts.component_status["db"] == "degraded_performance"
    assert facts.component_status["storage"] == "degraded_performance"
    assert facts.indicator == "minor"


def test_overdue_promise_and_silence_are_warnings(make_site: MakeSite) -> None:
    header = API_INCIDENT.replace("started: 2026-11-20 09:50", "next_update: 2026-11-20 10:30")
    site = make_site({"a": incident("## 2026-11-20 10:00 — Investigating\nX.", header=header)})
    on_time = check(site, at("2026-11-20 09:20 UTC"))
    assert on_time.warnings == []
    late = check(site, at("2026-11-20 11:15 UTC"))  # 12:15 Berlin
    messages = {(w.line, w.message.split(":")[0]) for w in late.warnings}
    assert (6, "the next update was promised 1 hour 45 minutes ago") in messages
    assert any(
        w.line == 9 and "no update for 2 hours 15 minutes" in w.message for w in late.warnings
    )
    assert late.facts.incidents["a"].overdue


def test_describe_delay() -> None:
    assert derive.describe_delay(timedelta(minutes=1)) == "1 minute"
    assert derive.describe_delay(timedelta(minutes=125)) == "2 hours 5 minutes"
    assert derive.describe_delay(timedelta(hours=2)) == "2 hours"
    assert derive.describe_delay(timedelta(seconds=20)) == "0 minutes"
    assert derive.describe_delay(timedelta(days=1, hours=21, minutes=20)) == "1 day 21 hours"


def test_incident_posted_after_the_fact_counts_from_started(make_site: MakeSite) -> None:
    header = API_INCIDENT.replace("started: 2026-11-20 09:50", "started: 2026-11-20 09:00")
    site = make_site({"a": incident("## 2026-11-20 10:00 — Resolved\nIt was down.", header=header)})
    phases = facts_of(site, "2026-11-21 00:00 UTC").incidents["a"].holding
    # 09:00 to 10:00 Berlin: the components carried their status until the Resolved post.
    assert [(p.start, p.end) for p in phases] == [
        (at("2026-11-20 08:00 UTC"), at("2026-11-20 09:00 UTC"))
    ]
    assert facts_of(site, "2026-11-20 08:30 UTC").component_status["api"] == "partial_outage"
    assert facts_of(site, "2026-11-20 09:30 UTC").component_status["api"] == "operational"
