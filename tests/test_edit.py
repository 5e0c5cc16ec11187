"""The writer's commands: ``statusgen new|update|resolve|maintenance``.

Most tests call the library the commands wrap (:mod:`generator.incident_writer`) in this
process, then read the file it wrote (byte for byte where the writer's own text must survive)
and check that the site still builds. A few run the real command, where the process is the
point: text piped to standard input, the writer's editor at a terminal, the exit statuses.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import build, check
from generator.incident_writer import (
    Written,
    new_incident,
    new_maintenance,
    post_update,
    resolve_incident,
)
from generator.problems import ContentError, UsageError
from generator.times import parse_now
from tests.conftest import SITE_YAML, MakeSite

NOW_TEXT = "2026-11-20 14:05 UTC"  # 15:05 in Europe/Berlin, the test site's zone
NOW = parse_now(NOW_TEXT, None)

# An incident as a writer left it: comments, odd spacing, wording that must survive an edit.
WRITTEN = """\
---
# Opened by the on-call writer.
title: Elevated error rates on the API
components:
  api: partial_outage   # only the EU region
impact: major
next_update: 2026-11-20 15:00   # promised in the first post
---

## 2026-11-20 14:05 — Investigating
We are seeing  elevated error rates and are *investigating*.
<!-- keep this note -->
"""
ID = "2026-11-20-api-errors"


def at(text: str) -> datetime:
    return parse_now(text, None)


def cli(
    source: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``statusgen`` command, in a subprocess, with text piped to its standard input."""
    # Not CI: a writer's script posts the default message; CI refuses to (tested on its own).
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS", "CI")
    }
    return subprocess.run(
        [sys.executable, "-m", "generator", *args, "--source", str(source), "--now", NOW_TEXT],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **(env or {})},
        cwd=source,
        check=False,
    )


def incident_file(source: Path, incident_id: str) -> Path:
    return source / "content" / "incidents" / f"{incident_id}.md"


def files(source: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every incident file's bytes, inode and modification time: a failed command must not
    even have written a file and put it back."""
    folder = source / "content" / "incidents"
    return {
        p.name: (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def assert_builds(source: Path, now: str = "2026-11-20 14:06 UTC") -> None:
    """The round trip: what the commands wrote passes check and builds."""
    check(source, at(now))  # raises ContentError otherwise
    build(source, source.parent / "out", at(now))


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = make_site({ID: WRITTEN})
    monkeypatch.chdir(source)  # paths are shown relative to the current directory
    return source


# -- new ---------------------------------------------------------------------------------------


def test_new_writes_an_incident_that_builds(site: Path) -> None:
    written = new_incident(
        site,
        "Login failures: SSO",
        ["api=major_outage", "db=degraded_performance"],
        NOW,
        message="Sign-in fails.",
        next_update="30m",
    )
    path = incident_file(site, "2026-11-20-login-failures-sso")
    assert written.path == path
    assert path.read_text(encoding="utf-8") == textwrap.dedent("""\
        ---
        title: 'Login failures: SSO'
        components:
          api: major_outage
          db: degraded_performance
        next_update: 2026-11-20 15:35
        ---

        ## 2026-11-20 15:05 — Investigating
        Sign-in fails.
        """)
    assert written.summary() == [
        "wrote content/incidents/2026-11-20-login-failures-sso.md",
        "on the site: Login failures: SSO — Investigating",
        "  API: major outage",
        "  Databases: degraded performance",
        "next update promised by 2026-11-20 15:35",
        "overall: Major System Outage",
    ]
    assert_builds(site)


def test_new_with_the_same_title_gets_a_new_id(site: Path) -> None:
    for _ in range(2):
        new_incident(site, "Elevated error rates on the API", ["api=partial_outage"], NOW, "Again.")
    assert incident_file(site, "2026-11-20-elevated-error-rates-on-the-api").is_file()
    assert incident_file(site, "2026-11-20-elevated-error-rates-on-the-api-2").is_file()
    assert incident_file(site, ID).read_text(encoding="utf-8") == WRITTEN


def test_new_default_message_apologises_and_promises_the_next_update(site: Path) -> None:
    new_incident(site, "Slow website", ["web=degraded_performance"], NOW, next_update="16:30")
    text = incident_file(site, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert "next_update: 2026-11-20 16:30\n" in text
    body = " ".join(text.split("— Investigating\n", 1)[1].split())
    assert "We are investigating problems with Website and are sorry" in body
    assert "We do not know the cause yet." in body
    assert "We will post the next update by 4:30 PM CET." in body


def test_next_as_a_wall_time_already_past_today_means_tomorrow(site: Path) -> None:
    new_incident(
        site, "Slow website", ["web=degraded_performance"], NOW, "Slow.", next_update="14:30"
    )
    text = incident_file(site, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert "next_update: 2026-11-21 14:30\n" in text


def test_a_site_sets_its_own_default_messages(make_site: MakeSite) -> None:
    source = make_site(site_yaml=SITE_YAML + "messages:\n  investigating: We are on it.\n")
    new_incident(source, "Slow website", ["web=degraded_performance"], NOW)
    text = incident_file(source, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert text.endswith("— Investigating\nWe are on it.\n")


def test_the_message_can_come_from_standard_input(site: Path) -> None:
    result = cli(
        site,
        "new",
        "Slow website",
        "-c",
        "web=degraded_performance",
        stdin="Pages take *ten seconds* to load.\n\nWe are looking into it.\n",
    )
    assert result.returncode == 0, result.stderr
    assert "wrote content/incidents/2026-11-20-slow-website.md\n" in result.stdout
    text = incident_file(site, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert text.endswith("Pages take *ten seconds* to load.\n\nWe are looking into it.\n")


def test_the_message_comes_from_the_editor_at_a_terminal(site: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('Written in the editor.\\n')\n")
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "update",
                ID,
                "--status",
                "identified",
                "--source",
                str(site),
                "--now",
                NOW_TEXT,
            ],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "EDITOR": f"{sys.executable} {editor}", "VISUAL": ""},
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 0, result.stderr
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert "## 2026-11-20 15:05 — Identified\nWritten in the editor.\n" in text


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["new", "Slow", "-c", "api=major_outage", "-m", "Slow."], 0, "wrote content/"),
        (["new", "Slow", "-c", "nope=major_outage", "-m", "Slow."], 2, "unknown component 'nope'"),
        (["update", ID, "-s", "identified", "-m", "x" * 10_001], 1, "line 1 of the message"),
        (["resolve", "2026-11-21-nothing", "-m", "Done."], 2, "there is no incident"),
    ],
)
def test_the_commands_exit_status(site: Path, args: list[str], status: int, message: str) -> None:
    result = cli(site, *args)
    assert result.returncode == status, result.stderr
    assert message in (result.stdout if status == 0 else result.stderr)


@pytest.mark.parametrize(
    ("components", "options", "message"),
    [
        (["nope=major_outage"], {}, "unknown component 'nope'; the components in site.yaml are:"),
        (["api=broken"], {}, "unknown status 'broken' for 'api'; use one of: degraded_performance"),
        (["api"], {}, "give 'api' a status, e.g. --component api=partial_outage"),
        (["api=major_outage"], {"status": "fixed"}, "unknown status 'fixed' for an incident"),
        (["api=major_outage"], {"impact": "huge"}, "unknown impact 'huge'"),
        (["api=major_outage"], {"next_update": "soon"}, "--next: cannot read 'soon'"),
        (["api=major_outage"], {"next_update": "2026-11-19 10:00"}, "has already passed"),
    ],
)
def test_new_with_bad_input_writes_nothing(
    site: Path, components: list[str], options: dict[str, str], message: str
) -> None:
    before = files(site)
    with pytest.raises(UsageError) as info:
        new_incident(site, "Slow website", components, NOW, "Slow.", **options)
    assert message in str(info.value)
    assert files(site) == before


def test_a_new_incident_that_would_not_pass_check_is_never_written(site: Path) -> None:
    before = files(site)
    with pytest.raises(ContentError) as info:
        new_incident(site, "Slow", ["api=major_outage"], NOW, "Slow.\n" + "x" * 10_001)
    # The message names the line of the message, not a line of a file that was never written.
    assert [p.format() for p in info.value.problems] == [
        "content/incidents/2026-11-20-slow.md: error: line 2 of the message: this line is 10,001 "
        "characters long, longer than the 10,000 a line may be; break it into shorter lines; "
        "nothing was written"
    ]
    assert files(site) == before  # no file, not even a temporary one


# -- update ------------------------------------------------------------------------------------


def test_update_keeps_every_byte_the_writer_wrote(site: Path) -> None:
    path = incident_file(site, ID)
    written = post_update(
        site,
        ID,
        "identified",
        NOW,
        message="A bad deploy.\nWe are rolling it back.",
        next_update="1h",
    )
    assert path.read_text(encoding="utf-8") == WRITTEN.replace(
        "next_update: 2026-11-20 15:00   # promised",
        "next_update: 2026-11-20 16:05   # promised",
    ).replace(
        "---\n\n## 2026-11-20 14:05",
        "---\n\n## 2026-11-20 15:05 — Identified\n"
        "A bad deploy.\nWe are rolling it back.\n\n## 2026-11-20 14:05",
    )
    assert "on the site: Elevated error rates on the API — Identified" in written.summary()
    assert_builds(site)


def test_update_without_next_removes_the_stale_promise(site: Path) -> None:
    post_update(site, ID, "monitoring", NOW, "Recovering.")
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert "next_update" not in text
    assert text.replace("## 2026-11-20 15:05 — Monitoring\nRecovering.\n\n", "") == WRITTEN.replace(
        "next_update: 2026-11-20 15:00   # promised in the first post\n", ""
    )
    assert_builds(site)


def test_update_adds_a_promise_where_there_was_none(make_site: MakeSite) -> None:
    source = make_site(
        {"x": WRITTEN.replace("next_update: 2026-11-20 15:00   # promised in the first post\n", "")}
    )
    post_update(source, "x", "update", NOW, "Still on it.", next_update="2026-11-20 18:00 +01:00")
    text = incident_file(source, "x").read_text(encoding="utf-8")
    assert "impact: major\nnext_update: 2026-11-20 18:00\n---\n" in text


def test_update_keeps_windows_line_endings(make_site: MakeSite) -> None:
    source = make_site()
    path = incident_file(source, "crlf")
    path.write_bytes(WRITTEN.replace("\n", "\r\n").encode())
    post_update(source, "crlf", "identified", NOW, "Found it.")
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"---\r\n\r\n## 2026-11-20 15:05 \xe2\x80\x94 Identified\r\nFound it.\r\n\r\n## " in data


@pytest.mark.parametrize(
    ("incident_id", "status", "next_update", "message"),
    [
        ("nope", "identified", None, "there is no incident 'nope'"),
        ("2026-11-20-api-erors", "identified", None, "did you mean 2026-11-20-api-errors?"),
        (ID, "fixed", None, "unknown status 'fixed' for an incident; use one of: investigating"),
        (ID, "completed", None, "unknown status 'completed'"),
        (ID, "update", "25:00", "--next"),
        (ID, "resolved", "1h", "leave --next out"),
    ],
)
def test_update_with_bad_input_leaves_the_file_alone(
    site: Path, incident_id: str, status: str, next_update: str | None, message: str
) -> None:
    before = files(site)
    with pytest.raises(UsageError) as info:
        post_update(site, incident_id, status, NOW, "Text.", next_update=next_update)
    assert message in str(info.value)
    assert files(site) == before


def test_an_update_that_would_break_the_file_is_never_written(site: Path) -> None:
    before = files(site)
    with pytest.raises(ContentError) as info:
        post_update(site, ID, "identified", NOW, "y" * 10_001 + "\nToo long a line.")
    (problem,) = info.value.problems
    assert problem.format().startswith(
        f"content/incidents/{ID}.md: error: line 1 of the message: this line is 10,001 characters"
    )
    assert files(site) == before  # the same bytes, the same file, never touched


def test_update_at_an_ambiguous_time_writes_the_offset(site: Path) -> None:
    # 25 October 2026: Berlin's clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    post_update(site, ID, "identified", at("2026-10-25 00:30 UTC"), "News.")
    post_update(site, ID, "monitoring", at("2026-10-25 01:30 UTC"), "News.")
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert "## 2026-10-25 02:30 +01:00 — Monitoring\n" in text
    assert "## 2026-10-25 02:30 +02:00 — Identified\n" in text


# -- resolve -----------------------------------------------------------------------------------


def test_resolve_resolves_and_drops_the_promise(site: Path) -> None:
    written: Written = resolve_incident(site, ID, NOW, "All good.")
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert "next_update" not in text
    assert "---\n\n## 2026-11-20 15:05 — Resolved\nAll good.\n\n## 2026-11-20 14:05" in text
    summary = written.summary()
    assert "on the site: Elevated error rates on the API — Resolved" in summary
    assert summary[-1] == "overall: All Systems Operational"
    assert_builds(site)


def test_resolve_twice_is_refused(site: Path) -> None:
    resolve_incident(site, ID, NOW, "Done.")
    before = files(site)
    with pytest.raises(UsageError, match="already resolved"):
        resolve_incident(site, ID, NOW, "Done again.")
    assert files(site) == before


# -- maintenance -------------------------------------------------------------------------------


def test_maintenance_is_announced_and_completed(site: Path) -> None:
    new_maintenance(site, "Database upgrade", "2026-11-25 02:00", "2026-11-25 04:00", ["db"], NOW)
    path = incident_file(site, "2026-11-25-database-upgrade")
    assert path.read_text(encoding="utf-8").startswith(
        textwrap.dedent("""\
        ---
        title: Database upgrade
        components: [db]
        maintenance:
          start: 2026-11-25 02:00
          end: 2026-11-25 04:00
        ---

        ## 2026-11-20 15:05 — Scheduled
        We will carry out maintenance on Databases from Nov 25, 2026, 2:00 AM CET""")
    )
    assert "2:00 AM CET to 4:00 AM CET." in path.read_text(encoding="utf-8")
    assert_builds(site)
    written = resolve_incident(
        site, "2026-11-25-database-upgrade", at("2026-11-25 02:40 UTC"), "Done early."
    )
    assert (
        "## 2026-11-25 03:40 — Completed\nDone early.\n\n## 2026-11-20 15:05 — Scheduled"
        in path.read_text(encoding="utf-8")
    )
    assert "on the site: Database upgrade — Completed" in written.summary()
    assert_builds(site, now="2026-11-25 03:00 UTC")


@pytest.mark.parametrize(
    ("start", "end", "component", "message"),
    [
        ("tomorrow", "2026-11-25 04:00", "db", "--start: cannot read the time 'tomorrow'"),
        ("2026-11-25 02:00", "2026-11-25 01:00", "db", "must end after it starts"),
        ("2026-03-29 02:30", "2026-03-29 04:00", "db", "does not exist in Europe/Berlin"),
        ("2026-11-25 02:00", "2026-11-25 04:00", "disk", "unknown component 'disk'"),
    ],
)
def test_maintenance_with_bad_input_writes_nothing(
    site: Path, start: str, end: str, component: str, message: str
) -> None:
    before = files(site)
    with pytest.raises(UsageError) as info:
        new_maintenance(site, "Database upgrade", start, end, [component], NOW, "Upgrade.")
    assert message in str(info.value)
    assert files(site) == before


def test_commands_are_listed_in_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for command in ("new", "update", "resolve", "maintenance", "serve"):
        assert command in result.stdout
