"""A day of CI in one test: the site is built every 10 minutes of simulated time while
incidents are opened, updated and resolved and a maintenance comes and goes; after each build
``notify`` runs with the previous build as ``--previous``, as the publish workflow does. Every
event must reach every matching channel exactly once, in time order, and nothing else."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from tests import notify_harness
from tests.notify_harness import (
    Harness,
    check_discord,
    check_slack,
    check_teams,
    site_yaml,
    zulip_reads,
)
from tests.receivers import smtp_receiver

CHANNELS = """\
notify:
  - type: slack
    url_env: N_SLACK
  - type: discord
    url_env: N_DISCORD
    components: [api]
  - type: teams
    url_env: N_TEAMS
    components: [storage]
  - type: webhook
    url_env: N_WEBHOOK
    components: [db]
  - type: email
    to: subscribers@lists.test.example
    from: Test Co Status <status@test.example>
    smtp: {host_env: N_SMTP_HOST, port: PORT, security: none}
    components: [web]
  - type: slack
    url_env: N_TEAM_SLACK
    audience: team
"""

harness = notify_harness.harness  # the fixture: a site with channels and receivers


def incident(title: str, components: str, updates: list[tuple[str, str, str]], **front: str) -> str:
    lines = ["---", f"title: {title}", f"components: {components}"]
    lines += [f"{key}: {value}" for key, value in front.items()]
    lines += ["---", ""]
    for time, status, text in reversed(updates):  # newest first, as `statusgen update` writes
        lines += [f"## 2026-11-{time} UTC — {status}", text, ""]
    return "\n".join(lines)


A1 = ("20 09:02", "Investigating", "API requests fail for some customers.")
A2 = ("20 09:25", "Identified", "A bad deploy; rolling back.")
A3 = ("20 09:58", "Monitoring", "Rolled back; watching error rates.")
A4 = ("20 11:05", "Resolved", "Error rates are normal again.")
B1 = ("20 13:00", "Investigating", "Storage is slow.")
B2 = ("20 13:40", "Update", "Still slow; a disk is being replaced.")
B3 = ("20 14:20", "Resolved", "Storage is fast again.")
MAINTENANCE = {"maintenance": "{start: 2026-11-20 20:00 UTC, end: 2026-11-20 21:00 UTC}"}

# (when it is committed, incident id, the file's text then)
COMMITS = [
    (
        "00:00",
        "yesterday",
        incident(
            "Yesterday's slowness",
            "{api: degraded_performance}",
            [("19 22:00", "Investigating", "Slow."), ("19 23:00", "Resolved", "Fine.")],
        ),
    ),
    (
        "08:00",
        "db-upgrade",
        incident(
            "Database upgrade",
            "[db]",
            [("20 08:00", "Scheduled", "Connections may drop briefly.")],
            **MAINTENANCE,
        ),
    ),
    (
        "09:02",
        "api-errors",
        incident("API errors", "{api: partial_outage}", [A1], next_update="2026-11-20 09:30 UTC"),
    ),
    (
        "09:26",
        "api-errors",
        incident(
            "API errors", "{api: partial_outage}", [A1, A2], next_update="2026-11-20 10:00 UTC"
        ),
    ),
    (
        "09:58",
        "api-errors",
        incident(
            "API errors", "{api: partial_outage}", [A1, A2, A3], next_update="2026-11-20 10:30 UTC"
        ),
    ),
    ("11:05", "api-errors", incident("API errors", "{api: partial_outage}", [A1, A2, A3, A4])),
    ("13:04", "storage-slow", incident("Slow storage", "{storage: degraded_performance}", [B1])),
    (
        "13:40",
        "storage-slow",
        incident("Slow storage", "{storage: degraded_performance}", [B1, B2]),
    ),
    (
        "14:21",
        "storage-slow",
        incident("Slow storage", "{storage: degraded_performance}", [B1, B2, B3]),
    ),
    # Posted after the fact, both updates at once; it lists no component.
    (
        "16:18",
        "web-blip",
        incident(
            "A short blip",
            "{}",
            [("20 16:00", "Investigating", "Blip."), ("20 16:15", "Resolved", "Gone.")],
            impact="minor",
        ),
    ),
    (
        "17:30",
        "website-down",
        incident(
            "Website down",
            "{web: major_outage}",
            [("20 17:30", "Investigating", "The site is down.")],
        ),
    ),
    (
        "17:45",
        "website-down",
        incident(
            "Website down",
            "{web: major_outage}",
            [
                ("20 17:30", "Investigating", "The site is down."),
                ("20 17:45", "Resolved", "It is back."),
            ],
        ),
    ),
    # History written a day late: older than 24 hours, so never sent.
    (
        "18:00",
        "old-outage",
        incident(
            "An old outage",
            "{api: major_outage, db: major_outage, web: major_outage}",
            [("19 12:00", "Investigating", "Down."), ("19 12:30", "Resolved", "Up.")],
        ),
    ),
    (
        "21:05",
        "db-upgrade",
        incident(
            "Database upgrade",
            "[db]",
            [
                ("20 08:00", "Scheduled", "Connections may drop briefly."),
                ("20 21:05", "Completed", "The upgrade went well."),
            ],
            **MAINTENANCE,
        ),
    ),
]


def ids(prefix: str, *stamps: str) -> list[str]:
    return [f"{prefix}/update-20261120T{stamp}00Z" for stamp in stamps]


MAINTENANCE_EVENTS = [
    *ids("db-upgrade", "0800"),
    "db-upgrade/starts-soon-20261120T200000Z",
    "db-upgrade/started-20261120T200000Z",
    "db-upgrade/ended-20261120T210000Z",
    *ids("db-upgrade", "2105"),
]
API = ids("api-errors", "0902", "0925", "0958", "1105")
STORAGE = ids("storage-slow", "1300", "1340", "1420")
BLIP = ids("web-blip", "1600", "1615")
WEBSITE = ids("website-down", "1730", "1745")

EXPECTED = {
    "N_SLACK": [*MAINTENANCE_EVENTS[:1], *API, *STORAGE, *BLIP, *WEBSITE, *MAINTENANCE_EVENTS[1:]],
    "N_DISCORD": API,
    "N_TEAMS": [*MAINTENANCE_EVENTS[:1], *STORAGE, *MAINTENANCE_EVENTS[1:]],
    "N_WEBHOOK": [*MAINTENANCE_EVENTS[:1], *STORAGE, *MAINTENANCE_EVENTS[1:]],
    "email": WEBSITE,
    "N_TEAM_SLACK": [
        "api-errors/due-20261120T093000Z",
        "api-errors/due-20261120T100000Z",
        "api-errors/due-20261120T103000Z",
        "api-errors/overdue-20261120T103000Z",
        "api-errors/silent-update-20261120T095800Z",
    ],
}


def event_time(event_id: str) -> datetime:
    stamp = event_id.rsplit("-", 1)[-1].removesuffix("Z")
    moment = datetime.strptime(stamp[-15:], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    if "/starts-soon-" in event_id:
        moment -= timedelta(hours=1)
    if "/due-" in event_id:
        moment -= timedelta(minutes=10)
    if "/silent-" in event_id:
        moment += timedelta(minutes=60)  # the latest update's time + max_silence
    return moment


def test_a_day_of_ci_sends_every_event_once_in_time_order(harness: Harness, tmp_path: Path) -> None:
    # One template environment for the day's 145 builds (as a warm preview keeps one), so
    # the test spends its time building and notifying rather than compiling templates.
    from generator.render import context

    harness.monkeypatch.setattr(context, "make_environment", cache(context.make_environment))
    with smtp_receiver("none") as box:
        harness.configure(site_yaml(CHANNELS.replace("PORT", str(box.port))))
        harness.monkeypatch.setenv("N_SMTP_HOST", "127.0.0.1")
        previous: Path = tmp_path / "never-published"
        previous.mkdir()
        pending = list(COMMITS)
        start = datetime(2026, 11, 20, tzinfo=UTC)
        for step in range(24 * 6 + 1):  # every 10 minutes, 00:00 to 24:00
            now = start + timedelta(minutes=10 * step)
            while pending and pending[0][0] <= now.strftime("%H:%M") and step < 144:
                _, incident_id, text = pending.pop(0)
                harness.write(incident_id, text)
            site = harness.build(now.strftime("%Y-%m-%d %H:%M UTC"))
            result = harness.notify(site, previous)
            assert result.code == 0, (now, result.err)
            if step == 0:
                assert "baseline" in result.out  # yesterday's incident is not sent
            previous = site
        assert pending == []
    received = {env: harness.received_events(env) for env in EXPECTED if env != "email"}
    # An email's Message-ID is its event's id (the first update's is the thread's root).
    message_ids = [str(m["Message-ID"]).strip("<>").split("@")[0] for m in box.messages]
    received["email"] = [
        "website-down/update-20261120T173000Z" if mid == "website-down" else mid.replace(".", "/")
        for mid in message_ids
    ]
    for env, expected in EXPECTED.items():
        assert received[env] == expected, env  # all of them, once each, in this order
        times = [event_time(e) for e in received[env]]
        assert times == sorted(times), env
    # Nothing went anywhere else: every request that reached a receiver was expected.
    counted = Counter(r.path.split("/")[1] for r in harness.recorder.delivered)
    assert counted == {
        "slack": len(EXPECTED["N_SLACK"]),
        "discord": len(EXPECTED["N_DISCORD"]),
        "teams": len(EXPECTED["N_TEAMS"]),
        "webhook": len(EXPECTED["N_WEBHOOK"]),
        "team": len(EXPECTED["N_TEAM_SLACK"]),
    }
    assert len(harness.recorder.requests) == sum(counted.values())  # no retries were needed
    # And each message reads as its platform reads it.
    for request in harness.received("N_SLACK") + harness.received("N_TEAM_SLACK"):
        check_slack(request.json())
    for request in harness.received("N_DISCORD"):
        check_discord(request.json())
    for request in harness.received("N_TEAMS"):
        check_teams(request.json())
    states = [zulip_reads(r.json())["state"] for r in harness.received("N_WEBHOOK")]
    assert states == [
        "scheduled",
        "investigating",
        "investigating",
        "resolved",
        "scheduled",
        "in_progress",
        "completed",
        "completed",
    ]
    assert [m["In-Reply-To"] for m in box.messages] == [None, "<website-down@status.test.example>"]
