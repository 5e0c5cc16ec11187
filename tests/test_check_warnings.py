"""``statusgen check`` on content with planted mistakes: each warning at its line, with the fix;
``--strict`` makes warnings fail; under GitHub Actions they are also annotations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeSite

OPEN = """\
---
title: Elevated error rates on the API
components:
  api: partial_outage
next_update: 2026-11-20 15:00
---

## 2026-11-20 14:05 — Investigating
We are investigating.
"""

ENDED = """\
---
title: Database upgrade
components: [db]
maintenance:
  start: 2026-11-20 02:00
  end: 2026-11-20 04:00
---

## 2026-11-19 12:00 — Scheduled
We will upgrade the databases.
"""

RETIRED = """\
---
title: Old queue delays
components:
  queue: degraded_performance
---

## 2026-11-01 11:00 — Resolved
Fixed.

## 2026-11-01 10:00 — Investigating
Slow.
"""


def check(
    source: Path, *args: str, now: str = "2026-11-20 14:47 UTC", actions: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "SOURCE_DATE_EPOCH")}
    if actions:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "generator", "check", "--source", ".", "--now", now, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=source,
        check=False,
    )


@pytest.fixture
def planted(make_site: MakeSite) -> Path:
    return make_site({"api-errors": OPEN, "db-upgrade": ENDED, "old-queue": RETIRED})


def test_each_warning_is_at_its_line_and_says_what_to_do(planted: Path) -> None:
    result = check(planted)  # 15:47 in Berlin
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        "content/incidents/api-errors.md:5: warning: the next update was promised "
        "47 minutes ago: post one now (statusgen update api-errors --status ... "
        "--message ...)"
    ) in lines
    assert (
        "content/incidents/api-errors.md:8: warning: no update for 1 hour 42 minutes on an "
        "unresolved incident (max_silence is 1 hour): say what is known, even if there is "
        "no news"
    ) in lines
    assert (
        "content/incidents/db-upgrade.md:4: warning: this maintenance has ended but has no "
        "Completed update: tell readers how it went (statusgen resolve db-upgrade "
        "--message ...)"
    ) in lines
    assert any(
        line.startswith("content/incidents/old-queue.md:4: warning: unknown component 'queue'")
        for line in lines
    )
    assert len([line for line in lines if line.startswith("content/")]) == 4


def test_max_silence_comes_from_site_yaml(make_site: MakeSite) -> None:
    from tests.conftest import SITE_YAML

    source = make_site(
        {"api-errors": OPEN.replace("next_update: 2026-11-20 15:00\n", "")},
        site_yaml=SITE_YAML + "max_silence: 2h\n",
    )
    assert "no update for" not in check(source).stderr
    late = check(source, now="2026-11-20 15:10 UTC").stderr
    assert (
        "no update for 2 hours 5 minutes on an unresolved incident (max_silence is 2 hours)" in late
    )


def test_a_kept_promise_gives_no_warning(make_site: MakeSite) -> None:
    source = make_site({"api-errors": OPEN})
    result = check(source, now="2026-11-20 13:30 UTC")
    assert result.returncode == 0
    assert "content/incidents/api-errors.md" not in result.stderr


def test_strict_fails_on_warnings(planted: Path) -> None:
    result = check(planted, "--strict")
    assert result.returncode == 1
    assert (
        "content/incidents/api-errors.md:5: warning: the next update was promised" in result.stderr
    )


def test_an_unresolved_incident_on_a_removed_component_is_an_error(make_site: MakeSite) -> None:
    source = make_site(
        {
            "queue": RETIRED.split("## 2026-11-01 11:00")[0].rstrip() + "\n\n"
            "## 2026-11-20 14:30 — Investigating\nSlow.\n"
        }
    )
    result = check(source)
    assert result.returncode == 1
    assert (
        "content/incidents/queue.md:4: error: unknown component 'queue'; the components in "
        "site.yaml are: api, blob, db, storage, web" in result.stderr
    )


def test_github_actions_annotations(planted: Path) -> None:
    (planted / "content" / "incidents" / "broken.md").write_text(
        OPEN.replace("Investigating", "Fixing"), encoding="utf-8"
    )
    result = check(planted, actions=True)
    assert result.returncode == 1
    assert (
        "::error file=content/incidents/broken.md,line=8::unknown status 'Fixing' for an "
        "incident; use one of:"
    ) in result.stdout
    assert (
        "::warning file=content/incidents/api-errors.md,line=5::the next update was "
        "promised 47 minutes ago"
    ) in result.stdout
    assert "::" not in check(planted).stdout  # only under GitHub Actions


EARLY = """\
---
title: Database upgrade
components: [db]
maintenance:
  start: 2026-11-25 02:00
  end: 2026-11-25 04:00
---

## 2026-11-20 02:00 — In progress
The upgrade has started.

## 2026-11-19 12:00 — Scheduled
We will upgrade the databases.
"""


def test_an_in_progress_update_days_before_the_window_is_warned_about(
    make_site: MakeSite,
) -> None:
    source = make_site({"db-upgrade": EARLY})
    result = check(source, "--strict")
    assert result.returncode == 1
    assert (
        "content/incidents/db-upgrade.md:9: warning: this in progress update is dated 5 days "
        "before the maintenance window opens, and takes over from the clock from then on: "
        "check its date, or move the window's start"
    ) in result.stderr.splitlines()
    # Starting a few minutes early is fine.
    early = make_site(
        {"db-upgrade": EARLY.replace("2026-11-20 02:00 — In", "2026-11-25 01:50 — In")},
        folder="early",
    )
    assert check(early, "--strict", now="2026-11-25 01:55 UTC").returncode == 0


def test_cli_manners(make_site: MakeSite) -> None:
    source = make_site({"api-errors": OPEN.replace("next_update: 2026-11-20 15:00\n", "")})
    result = check(source, now="2026-11-20 13:30 UTC")
    assert result.stdout == "checked 1 incident: 0 errors, 0 warnings\n"
    broken = make_site({"x": "---\ntitle: X\n---\n## nonsense — Resolved\nFixed.\n"}, folder="b")
    failed = check(broken)
    assert failed.returncode == 1
    assert (
        failed.stderr.splitlines()[-1] == "statusgen: 1 error, 0 warnings"
    )  # check writes nothing
    unquoted = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "update",
            "api-errors",
            "-s",
            "identified",
            "-m",
            "We",
            "found",
            "it",
            "--source",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unquoted.returncode == 2
    assert (
        "statusgen: error: the message must be one argument: put it in quotes, e.g. "
        "statusgen update ... --message 'We found it'"
    ) in unquoted.stderr
    assert "COMMAND ..." not in unquoted.stderr  # the command's own usage, not the top-level one
