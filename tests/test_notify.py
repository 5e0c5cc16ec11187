"""``statusgen notify`` against real receivers on 127.0.0.1 (SPEC section 8): each scenario
of docs/notifications.md is a test, and every message is read by the platform's own parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.notify import run
from tests import notify_harness
from tests.notify_harness import (
    CHANNELS,
    PATHS,
    Harness,
    check_discord,
    check_slack,
    check_teams,
    site_yaml,
    slack_texts,
    zulip_reads,
)
from tests.servers import free_port, serve

OPENED = """
---
title: Elevated error rates on the API
components:
  api: partial_outage
next_update: 2026-11-20 15:00 UTC
---

## 2026-11-20 14:05 UTC — Investigating
We are seeing **elevated error rates** on API requests and are investigating.
"""

UPDATED = """
---
title: Elevated error rates on the API
components:
  api: partial_outage
next_update: 2026-11-20 15:30 UTC
---

## 2026-11-20 14:40 UTC — Identified
A configuration change caused the errors; we are rolling it back.

## 2026-11-20 14:05 UTC — Investigating
We are seeing **elevated error rates** on API requests and are investigating.
"""

SUBSCRIBERS = ("N_SLACK", "N_DISCORD", "N_TEAMS")  # the unfiltered subscriber channels

harness = notify_harness.harness  # the fixture: a site with channels and receivers


def published_twice(harness: Harness) -> tuple[Path, Path]:
    """The site before and after one new update (Identified at 14:40)."""
    harness.write("api-errors", OPENED)
    before = harness.build("2026-11-20 14:10 UTC")
    harness.write("api-errors", UPDATED)
    after = harness.build("2026-11-20 14:50 UTC")
    return before, after


def test_first_publish_sets_a_baseline_and_sends_nothing(harness: Harness, tmp_path: Path) -> None:
    harness.write("api-errors", OPENED)
    site = harness.build("2026-11-20 14:10 UTC")
    empty = tmp_path / "never-published"
    empty.mkdir()
    result = harness.notify(site, empty)
    assert result.code == 0
    assert "baseline" in result.out
    # The same from a URL that answers 404 (a site published before notify existed) or 410.
    for status in (404, 410):
        harness.recorder.get_status = status
        result = harness.notify(site, harness.recorder.url + "/")
        assert result.code == 0 and "baseline" in result.out
    assert harness.recorder.requests == []


def test_one_new_update_reaches_each_matching_channel_once(harness: Harness) -> None:
    before, after = published_twice(harness)
    result = harness.notify(after, before)
    assert result.code == 0, result.err
    event = "api-errors/update-20261120T144000Z"
    for env in SUBSCRIBERS:
        assert harness.received_events(env) == [event], env
    # The webhook listens to storage only; the team channel gets team events only.
    assert harness.received("N_WEBHOOK") == []
    assert harness.received("N_TEAM_SLACK") == []
    assert len(harness.recorder.requests) == 3

    slack = harness.received("N_SLACK")[0].json()
    check_slack(slack)
    text = "\n".join(slack_texts(slack))
    assert "Elevated error rates on the API" in text
    assert "*Identified*" in text and "Public API: Partial outage" in text
    assert "A configuration change caused the errors" in text
    assert "Next update by Nov 20, 2026, 4:30\u202fPM CET" in text  # in the site's zone
    assert "<https://status.test.example/incidents/api-errors/|" in text

    embed = check_discord(harness.received("N_DISCORD")[0].json())
    assert embed["url"] == "https://status.test.example/incidents/api-errors/"
    assert "**Identified**" in embed["description"]
    assert embed["fields"][0]["value"] == "Public API: Partial outage"

    card = check_teams(harness.received("N_TEAMS")[0].json())
    texts = [block.get("text", "") for block in card["body"]]
    assert "Elevated error rates on the API" in texts[0]
    assert texts[1] == "Identified"
    assert card["actions"][0]["url"] == "https://status.test.example/incidents/api-errors/"
    assert "statusgen" in harness.received("N_SLACK")[0].headers["user-agent"]


def test_the_webhook_is_read_as_zulip_reads_statuspage(harness: Harness) -> None:
    harness.write("db", OPENED.replace("api: partial_outage", "db: major_outage"))
    before = harness.build("2026-11-20 14:10 UTC")
    harness.write("db", UPDATED.replace("api: partial_outage", "db: major_outage"))
    after = harness.build("2026-11-20 14:50 UTC")
    assert harness.notify(after, before).code == 0
    (request,) = harness.received("N_WEBHOOK")
    payload = request.json()
    assert zulip_reads(payload) == {
        "name": "Elevated error rates on the API",
        "state": "identified",
        "content": "A configuration change caused the errors; we are rolling it back.",
        "description": "Major System Outage",
    }
    assert payload["page"]["status_indicator"] == "critical"
    incident = payload["incident"]
    assert [u["status"] for u in incident["incident_updates"]] == ["identified", "investigating"]
    assert incident["shortlink"] == "https://status.test.example/incidents/db/"
    # The same object the site's API serves, so receivers of either read the same thing.
    api = json.loads((after / "api/v2/incidents.json").read_text())["incidents"][0]
    assert incident == api


def test_the_deployed_site_as_previous_sends_nothing(harness: Harness) -> None:
    _, after = published_twice(harness)
    assert harness.notify(after, after).code == 0
    with serve(after) as served:  # the deployed site, read over HTTP as CI does
        result = harness.notify(after, served.url)
    assert result.code == 0 and "0 new events" in result.out
    assert harness.recorder.requests == []


def test_running_again_sends_the_same_messages_again(harness: Harness) -> None:
    before, after = published_twice(harness)
    assert harness.notify(after, before).code == 0
    assert harness.notify(after, before).code == 0
    assert len(harness.received_events("N_SLACK")) == 2


def broken_json(tmp_path: Path) -> str:
    folder = tmp_path / "broken"
    (folder / "api").mkdir(parents=True)
    (folder / "api" / "notifications.json").write_text('{"events": [', encoding="utf-8")
    return str(folder)


@pytest.mark.parametrize("case", ["bad-json", "http-500", "http-403", "no-connection", "no-dir"])
def test_an_unreadable_previous_sends_nothing_and_exits_1(
    harness: Harness, tmp_path: Path, case: str
) -> None:
    _, after = published_twice(harness)
    previous = {
        "bad-json": broken_json(tmp_path),
        "http-500": harness.recorder.url + "/",
        "http-403": harness.recorder.url + "/",
        "no-connection": f"http://127.0.0.1:{free_port()}/",
        "no-dir": str(tmp_path / "missing"),
    }[case]
    harness.recorder.get_status = 403 if case == "http-403" else 500
    errors: list[str] = []
    waits: list[float] = []
    code = run.notify(
        harness.source, after, [previous], err=errors.append, out=errors.append, sleep=waits.append
    )
    assert code == 1
    assert "cannot be read" in errors[-1] and "nothing was sent" in errors[-1]
    if case in ("http-500", "no-connection"):
        assert waits == [2.0, 4.0]  # read three times before giving up
    harness.assert_no_secret("\n".join(errors))
    assert [r for r in harness.recorder.requests if r.path != "/"] == []


def test_a_second_previous_is_read_when_the_first_cannot_be(harness: Harness) -> None:
    before, after = published_twice(harness)
    with serve(before) as served:
        errors: list[str] = []
        code = run.notify(
            harness.source,
            after,
            [f"http://127.0.0.1:{free_port()}/", served.url],
            out=errors.append,
            err=errors.append,
            sleep=lambda _: None,
        )
    assert code == 0, errors
    assert len(harness.received_events("N_SLACK")) == 1


def test_500_500_200_is_delivered_once(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.recorder.script[PATHS["N_SLACK"]] = [500, 500]
    result = harness.notify(after, before)  # the command itself, with its real waits
    assert result.code == 0, result.err
    attempts = [r for r in harness.recorder.requests if r.path == PATHS["N_SLACK"]]
    assert [r.headers["x-answered"] for r in attempts] == ["500", "500", "200"]
    assert len(harness.received_events("N_SLACK")) == 1
    assert len({r.body for r in attempts}) == 1  # the same message each time


def test_429_waits_as_retry_after_says_capped_at_a_minute(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.recorder.script[PATHS["N_SLACK"]] = [(429, {"Retry-After": "2"})]
    harness.recorder.script[PATHS["N_TEAMS"]] = [(429, {"Retry-After": "3600"})]
    harness.recorder.script[PATHS["N_DISCORD"]] = [429]  # Discord's JSON retry_after: 0.1
    waits: list[float] = []
    lines: list[str] = []
    code = run.notify(
        harness.source, after, [str(before)], out=lines.append, err=lines.append, sleep=waits.append
    )
    assert code == 0, lines
    assert sorted(waits) == [0.1, 2.0, 60.0]
    for env in SUBSCRIBERS:
        assert len(harness.received_events(env)) == 1


def test_an_always_failing_channel_leaves_the_others_delivered(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.recorder.always[PATHS["N_DISCORD"]] = 503
    waits: list[float] = []
    out: list[str] = []
    err: list[str] = []
    code = run.notify(
        harness.source, after, [str(before)], out=out.append, err=err.append, sleep=waits.append
    )
    assert code == 1
    assert waits == [1.0, 2.0, 4.0, 8.0]  # five attempts, backing off
    tried = [r for r in harness.recorder.requests if r.path == PATHS["N_DISCORD"]]
    assert 3 <= len(tried) <= 6
    assert harness.received_events("N_SLACK") == harness.received_events("N_TEAMS")
    assert len(harness.received_events("N_SLACK")) == 1
    (line,) = err
    assert "discord N_DISCORD (site.yaml:" in line and "503" in line
    assert "api-errors/update-20261120T144000Z" in line  # the event it missed
    harness.assert_no_secret("\n".join(out + err))


def test_a_failing_channel_through_the_command_never_prints_its_url(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.recorder.always[PATHS["N_TEAMS"]] = 404  # a deleted webhook: not retried
    harness.monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = harness.notify(after, before)  # Harness.notify asserts no secret was printed
    assert result.code == 1
    assert "could not deliver to teams N_TEAMS" in result.err
    assert "::error title=Notification not delivered::" in result.out
    assert len([r for r in harness.recorder.requests if r.path == PATHS["N_TEAMS"]]) == 1


def test_an_unreachable_channel_is_named_without_its_address(harness: Harness) -> None:
    before, after = published_twice(harness)
    secret = f"http://127.0.0.1:{free_port()}/hooks/unreachable-secret-path"
    harness.secrets["N_SLACK"] = secret
    harness.monkeypatch.setenv("N_SLACK", secret)
    lines: list[str] = []
    code = run.notify(
        harness.source,
        after,
        [str(before)],
        out=lines.append,
        err=lines.append,
        sleep=lambda _: None,
    )
    assert code == 1
    assert any("could not deliver to slack N_SLACK" in line for line in lines)
    harness.assert_no_secret("\n".join(lines))


def test_a_missing_variable_is_wrong_usage_found_before_anything_is_sent(
    harness: Harness,
) -> None:
    before, after = published_twice(harness)
    harness.monkeypatch.delenv("N_TEAMS")
    harness.monkeypatch.setenv("N_TEAM_SLACK", "")
    result = harness.notify(after, before)
    assert result.code == 2
    assert "N_TEAMS is not set" in result.err and "N_TEAM_SLACK is empty" in result.err
    assert harness.recorder.requests == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("hooks.slack.example/services/x-secret-value", "it must start with http: or https:"),
        ("https://hooks.example/a b-secret-value", "it holds the character U+0020 (SPACE)"),
        ("https:///no-host-secret-value", "it names no host"),
        ("javascript:alert('secret-value')", "it must start with http: or https:"),
    ],
)
def test_a_variable_that_holds_no_url_is_wrong_usage(
    harness: Harness, value: str, reason: str
) -> None:
    before, after = published_twice(harness)
    harness.secrets["N_SLACK"] = value
    harness.monkeypatch.setenv("N_SLACK", value)
    result = harness.notify(after, before)
    assert result.code == 2
    assert "N_SLACK does not hold an http(s) URL" in result.err and reason in result.err
    assert "secret-value" not in result.err
    assert harness.recorder.requests == []


def test_dry_run_prints_what_would_go_where_and_sends_nothing(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.monkeypatch.delenv("N_WEBHOOK")
    result = harness.notify(after, before, args=("--dry-run",))
    assert result.code == 0
    assert "would send 1 to slack N_SLACK" in result.out
    assert "would send nothing to webhook N_WEBHOOK" in result.out
    assert "api-errors/update-20261120T144000Z" in result.out
    assert "N_WEBHOOK is not set" in result.out
    assert harness.recorder.requests == []


def test_an_update_backdated_past_24_hours_is_not_sent(harness: Harness) -> None:
    harness.write("api-errors", OPENED)
    before = harness.build("2026-11-20 14:10 UTC")
    # History written after the fact: a day-old incident, and an update two hours old.
    harness.write(
        "old",
        """
        ---
        title: Yesterday's blip
        components: {api: degraded_performance}
        ---

        ## 2026-11-19 13:50 UTC — Resolved
        It was brief.

        ## 2026-11-19 13:40 UTC — Investigating
        Looking.
        """,
    )
    harness.write(
        "recent",
        """
        ---
        title: This morning's blip
        components: {api: degraded_performance}
        ---

        ## 2026-11-20 12:20 UTC — Resolved
        It was brief.
        """,
    )
    after = harness.build("2026-11-20 14:20 UTC")
    assert harness.notify(after, before).code == 0
    assert harness.received_events("N_SLACK") == ["recent/update-20261120T122000Z"]
    # The same day-old history through --now: still too old to send.
    harness.recorder.requests.clear()
    result = harness.notify(after, before, args=("--now", "2026-11-21 12:30 UTC"))
    assert result.code == 0 and "older than 24 hours" in result.out
    assert harness.recorder.requests == []


MAINTENANCE = """
---
title: Database upgrade
components: [db]
maintenance:
  start: 2026-11-20 20:00 UTC
  end: 2026-11-20 21:00 UTC
---

## 2026-11-18 09:00 UTC — Scheduled
We will upgrade the managed databases; connections may drop for a few seconds.
"""


def test_a_maintenance_reminder_start_and_end_are_sent_by_the_clock_alone(
    harness: Harness,
) -> None:
    harness.write("db-upgrade", MAINTENANCE)
    moments = [
        "2026-11-20 18:50 UTC",
        "2026-11-20 19:10 UTC",
        "2026-11-20 19:50 UTC",
        "2026-11-20 20:00 UTC",
        "2026-11-20 20:40 UTC",
        "2026-11-20 21:00 UTC",
        "2026-11-20 21:10 UTC",
    ]
    sites = [harness.build(moment) for moment in moments]  # no content change between them
    for previous, current in zip(sites, sites[1:], strict=False):
        assert harness.notify(current, previous).code == 0
    expected = [
        "db-upgrade/starts-soon-20261120T200000Z",
        "db-upgrade/started-20261120T200000Z",
        "db-upgrade/ended-20261120T210000Z",
    ]
    for env in ("N_SLACK", "N_DISCORD", "N_TEAMS", "N_WEBHOOK"):
        assert harness.received_events(env) == expected, env
    texts = ["\n".join(slack_texts(r.json())) for r in harness.received("N_SLACK")]
    assert "begins within the hour, at Nov 20, 2026, 9:00\u202fPM CET" in texts[0]
    assert "Scheduled for Nov 20, 2026, 9:00\u202fPM CET until Nov 20, 2026, 10:00" in texts[0]
    assert "*Scheduled*" in texts[0] and "Databases: Under maintenance" in texts[0]
    assert "has begun" in texts[1] and "*In progress*" in texts[1]
    assert "has ended" in texts[2] and "Databases: Operational" in texts[2]
    states = [zulip_reads(r.json())["state"] for r in harness.received("N_WEBHOOK")]
    assert states == ["scheduled", "in_progress", "completed"]
    for request in harness.received("N_TEAMS"):
        check_teams(request.json())
    assert harness.received("N_TEAM_SLACK") == []


def test_team_reminders_before_and_after_a_promise(harness: Harness) -> None:
    harness.write("api-errors", OPENED)  # promises an update at 15:00
    sites = [
        harness.build(moment)
        for moment in (
            "2026-11-20 14:40 UTC",
            "2026-11-20 14:50 UTC",  # due within 10 minutes
            "2026-11-20 15:00 UTC",  # due now: neither reminder
            "2026-11-20 15:10 UTC",  # overdue, and silent for 65 minutes
            "2026-11-20 15:20 UTC",
        )
    ]
    for previous, current in zip(sites, sites[1:], strict=False):
        assert harness.notify(current, previous).code == 0
    assert harness.received_events("N_TEAM_SLACK") == [
        "api-errors/due-20261120T150000Z",
        "api-errors/overdue-20261120T150000Z",
        "api-errors/silent-update-20261120T140500Z",
    ]
    texts = ["\n".join(slack_texts(r.json())) for r in harness.received("N_TEAM_SLACK")]
    assert "next update is due at Nov 20, 2026, 4:00\u202fPM CET" in texts[0]
    assert "promised for Nov 20, 2026, 4:00\u202fPM CET is overdue" in texts[1]
    assert "no update for 1 hour, 5 minutes" in texts[2]
    for env in SUBSCRIBERS:
        assert harness.received(env) == [], env  # subscribers are not told of the team's work
    # An update keeps the promise: no more reminders.
    harness.write("api-errors", UPDATED)
    kept = harness.build("2026-11-20 15:30 UTC")
    harness.recorder.requests.clear()
    assert harness.notify(kept, sites[-1]).code == 0
    assert harness.received_events("N_TEAM_SLACK") == []
    assert harness.received_events("N_SLACK") == ["api-errors/update-20261120T144000Z"]


FILTERED = """\
notify:
  - type: slack
    url_env: N_SLACK
    components: [storage]
  - type: discord
    url_env: N_DISCORD
    components: [db]
  - type: teams
    url_env: N_TEAMS
    components: [api]
  - type: webhook
    url_env: N_WEBHOOK
"""


@pytest.mark.parametrize(
    ("listed", "reached"),
    [
        ("{db: major_outage}", {"N_SLACK", "N_DISCORD", "N_WEBHOOK"}),
        ("{storage: partial_outage}", {"N_SLACK", "N_DISCORD", "N_WEBHOOK"}),
        ("{blob: partial_outage}", {"N_SLACK", "N_WEBHOOK"}),
        ("{api: major_outage}", {"N_TEAMS", "N_WEBHOOK"}),
        ("{}", {"N_WEBHOOK"}),  # lists no component: only unfiltered channels
    ],
)
def test_component_filters_expand_groups_on_both_sides(
    harness: Harness, listed: str, reached: set[str]
) -> None:
    harness.configure(site_yaml(FILTERED))
    text = OPENED.replace("components:\n  api: partial_outage", f"components: {listed}")
    harness.write("x", text.replace("next_update: 2026-11-20 15:00 UTC\n", "impact: minor\n"))
    before = harness.build("2026-11-20 14:00 UTC")
    after = harness.build("2026-11-20 14:10 UTC")
    assert harness.notify(after, before).code == 0
    got = {env for env in ("N_SLACK", "N_DISCORD", "N_TEAMS", "N_WEBHOOK") if harness.received(env)}
    assert got == reached
    assert all(len(harness.received(env)) == 1 for env in got)


def test_a_german_site_sends_german_messages(harness: Harness) -> None:
    harness.configure(site_yaml(language="de"))
    before, after = published_twice(harness)
    assert harness.notify(after, before).code == 0
    slack = "\n".join(slack_texts(harness.received("N_SLACK")[0].json()))
    assert "*Ursache gefunden*" in slack and "Public API: Teilausfall" in slack
    assert "Nächstes Update bis 20. Nov. 2026, 16:30 CET" in slack
    assert "Mehr auf Test Co Status" in slack
    card = check_teams(harness.received("N_TEAMS")[0].json())
    assert card["body"][1]["text"] == "Ursache gefunden"
    embed = check_discord(harness.received("N_DISCORD")[0].json())
    assert embed["fields"][0]["name"] == "Betroffene Komponenten"


HOSTILE = """
---
title: "<script>alert(1)</script> <!channel> @everyone"
components: {api: major_outage}
---

## 2026-11-20 14:40 UTC — Investigating
<img src=x onerror=alert(1)> <!here> <@U123> <#C999> @everyone @here
[click me](javascript:alert(1)) [data](data:text/html,x) [fine](https://ok.example/)
*bold* `<code>`
"""


def test_hostile_text_is_inert_on_every_platform(harness: Harness) -> None:
    harness.write("api-errors", OPENED)
    before = harness.build("2026-11-20 14:10 UTC")
    harness.write("api-errors", HOSTILE)
    after = harness.build("2026-11-20 14:50 UTC")
    assert harness.notify(after, before).code == 0

    slack = harness.received("N_SLACK")[0].json()
    check_slack(slack)
    for text in slack_texts(slack):
        # Slack parses only <...> and &: every < in the text is an escape, or our own link.
        for inner in [part.split(">", 1)[0] for part in text.split("<")[1:]]:
            assert inner.startswith("https://"), text
        assert "javascript:" not in text.replace("(javascript:alert(1))", "")
    assert all(block["text"].get("verbatim") for block in slack["blocks"] if "text" in block)

    from markdown_it import MarkdownIt

    commonmark = MarkdownIt("commonmark")
    embed = check_discord(harness.received("N_DISCORD")[0].json())
    card = check_teams(harness.received("N_TEAMS")[0].json())
    texts = [embed["title"], embed["description"]] + [b.get("text", "") for b in card["body"]]
    for text in texts:
        tokens = commonmark.parseInline(text)
        children = [c for t in tokens for c in (t.children or [])]
        links = [c.attrGet("href") for c in children if c.type == "link_open"]
        assert all(str(href).startswith("https://") for href in links), text
        assert not [c for c in children if c.type in ("html_inline", "image")], text
        assert "\\@everyone" in text or "everyone" not in text
    assert embed["description"].count("[fine](https://ok.example/)") == 1

    hook = harness.received("N_WEBHOOK")
    assert hook == []  # lists api only; the webhook listens to storage


def test_the_event_list_in_the_site_holds_no_secret(harness: Harness) -> None:
    before, after = published_twice(harness)
    harness.assert_no_secret_in_site(after)
    document = json.loads((after / "api/notifications.json").read_text())
    assert document["format"] == 1 and document["generated_at"] == "2026-11-20T14:50:00Z"
    assert [e["id"] for e in document["events"]] == [
        "api-errors/update-20261120T140500Z",
        "api-errors/update-20261120T144000Z",
    ]


def test_save_previous_keeps_the_published_list_for_after_the_deploy(
    harness: Harness, tmp_path: Path
) -> None:
    before, after = published_twice(harness)
    kept = tmp_path / "previous"
    with serve(before) as served:
        result = harness.notify(after, served.url, args=("--save-previous", str(kept)))
    assert result.code == 0 and "kept the published event list" in result.out
    assert (kept / "api/notifications.json").read_bytes() == (
        before / "api/notifications.json"
    ).read_bytes()
    assert harness.recorder.requests == []  # saving sends nothing
    assert harness.notify(after, kept).code == 0
    assert len(harness.received_events("N_SLACK")) == 1


def test_save_previous_records_a_site_it_could_not_read(harness: Harness, tmp_path: Path) -> None:
    _, after = published_twice(harness)
    kept = tmp_path / "previous"
    lines: list[str] = []
    code = run.save(
        harness.source,
        kept,
        [f"http://127.0.0.1:{free_port()}/"],
        out=lines.append,
        sleep=lambda _: None,
    )
    assert code == 0 and lines[0].startswith("warning: the published site cannot be read")
    result = harness.notify(after, kept)
    assert result.code == 1 and "cannot be read" in result.err
    assert harness.recorder.requests == []


def test_save_previous_of_a_site_without_a_list_is_a_baseline(
    harness: Harness, tmp_path: Path
) -> None:
    _, after = published_twice(harness)
    kept = tmp_path / "previous"
    harness.recorder.get_status = 404
    result = harness.notify(after, harness.recorder.url + "/", args=("--save-previous", str(kept)))
    assert result.code == 0 and "no event list yet" in result.out
    result = harness.notify(after, kept)
    assert result.code == 0 and "baseline" in result.out


def test_notify_without_previous_or_event_list_is_wrong_usage(
    harness: Harness, tmp_path: Path
) -> None:
    _, after = published_twice(harness)
    assert harness.notify(after).code == 2
    assert harness.notify(tmp_path, after).code == 2


def test_bad_content_in_site_yaml_is_exit_1(harness: Harness) -> None:
    _, after = published_twice(harness)
    harness.configure(site_yaml(CHANNELS.replace("type: teams", "type: msn")))
    result = harness.notify(after, after)
    assert result.code == 1 and "unknown channel type 'msn'" in result.err


def payloads(harness: Harness, env: str) -> list[dict[str, Any]]:
    return [r.json() for r in harness.received(env)]
