"""The writer's commands, run as a writer runs them: ``statusgen new|update|resolve|maintenance``.

Each test runs the real command in a subprocess against a small site, then reads the file it
wrote (byte for byte where the writer's own text must survive) and checks the site still builds.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SITE_YAML, MakeSite

NOW = "2026-11-20 14:05 UTC"  # 15:05 in Europe/Berlin, the test site's zone

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


def run(
    source: Path,
    *args: str,
    stdin: str = "",
    env: dict[str, str] | None = None,
    now: str | None = NOW,
) -> subprocess.CompletedProcess[str]:
    """The real ``statusgen`` command, in a subprocess, with text piped to its standard input."""
    command = [sys.executable, "-m", "generator", *args, "--source", str(source)]
    if now is not None:
        command += ["--now", now]
    # Not CI: a writer's script posts the default message; CI refuses to (tested on its own).
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS", "CI")
    }
    environment.update(env or {})
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=source,
        check=False,
    )


def incident_file(source: Path, incident_id: str) -> Path:
    return source / "content" / "incidents" / f"{incident_id}.md"


def files(source: Path) -> dict[str, bytes]:
    """Every incident file's bytes, to prove a failed command changed nothing."""
    folder = source / "content" / "incidents"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_builds(source: Path, now: str = "2026-11-20 14:06 UTC") -> None:
    """The round trip: what the commands wrote passes check and builds."""
    checked = run(source, "check", now=now)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--source",
            str(source),
            "--output",
            str(source.parent / "out"),
            "--now",
            now,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({"2026-11-20-api-errors": WRITTEN})


# -- new ---------------------------------------------------------------------------------------


def test_new_writes_an_incident_that_builds(site: Path) -> None:
    result = run(
        site,
        "new",
        "Login failures: SSO",
        "--component",
        "api=major_outage",
        "--component",
        "db=degraded_performance",
        "--message",
        "Sign-in fails.",
        "--next",
        "30m",
    )
    assert result.returncode == 0, result.stderr
    path = incident_file(site, "2026-11-20-login-failures-sso")
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
    assert "wrote content/incidents/2026-11-20-login-failures-sso.md\n" in result.stdout
    assert "on the site: Login failures: SSO — Investigating" in result.stdout
    assert "overall: Major System Outage" in result.stdout
    assert_builds(site)


def test_new_with_the_same_title_gets_a_new_id(site: Path) -> None:
    for _ in range(2):
        assert (
            run(
                site,
                "new",
                "Elevated error rates on the API",
                "-c",
                "api=partial_outage",
                "-m",
                "Again.",
            ).returncode
            == 0
        )
    assert incident_file(site, "2026-11-20-elevated-error-rates-on-the-api").is_file()
    assert incident_file(site, "2026-11-20-elevated-error-rates-on-the-api-2").is_file()
    assert incident_file(site, "2026-11-20-api-errors").read_text(encoding="utf-8") == WRITTEN


def test_new_default_message_apologises_and_promises_the_next_update(site: Path) -> None:
    result = run(site, "new", "Slow website", "-c", "web=degraded_performance", "--next", "16:30")
    assert result.returncode == 0, result.stderr
    text = incident_file(site, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert "next_update: 2026-11-20 16:30\n" in text
    body = " ".join(text.split("— Investigating\n", 1)[1].split())
    assert "We are investigating problems with Website and are sorry" in body
    assert "We do not know the cause yet." in body
    assert "We will post the next update by 4:30 PM CET." in body


def test_next_as_a_wall_time_already_past_today_means_tomorrow(site: Path) -> None:
    assert (
        run(
            site,
            "new",
            "Slow website",
            "-c",
            "web=degraded_performance",
            "-m",
            "Slow.",
            "--next",
            "14:30",
        ).returncode
        == 0
    )
    text = incident_file(site, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert "next_update: 2026-11-21 14:30\n" in text


def test_a_site_sets_its_own_default_messages(make_site: MakeSite) -> None:
    source = make_site(site_yaml=SITE_YAML + "messages:\n  investigating: We are on it.\n")
    assert run(source, "new", "Slow website", "-c", "web=degraded_performance").returncode == 0
    text = incident_file(source, "2026-11-20-slow-website").read_text(encoding="utf-8")
    assert text.endswith("— Investigating\nWe are on it.\n")


def test_the_message_can_come_from_standard_input(site: Path) -> None:
    result = run(
        site,
        "new",
        "Slow website",
        "-c",
        "web=degraded_performance",
        stdin="Pages take *ten seconds* to load.\n\nWe are looking into it.\n",
    )
    assert result.returncode == 0, result.stderr
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
                "2026-11-20-api-errors",
                "--status",
                "identified",
                "--source",
                str(site),
                "--now",
                NOW,
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
    text = incident_file(site, "2026-11-20-api-errors").read_text(encoding="utf-8")
    assert "## 2026-11-20 15:05 — Identified\nWritten in the editor.\n" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "nope=major_outage"], "unknown component 'nope'; the components in site.yaml are:"),
        (
            ["-c", "api=broken"],
            "unknown status 'broken' for 'api'; use one of: degraded_performance",
        ),
        (["-c", "api"], "give 'api' a status, e.g. --component api=partial_outage"),
        (["-c", "api=major_outage", "--status", "fixed"], "unknown status 'fixed' for an incident"),
        (["-c", "api=major_outage", "--impact", "huge"], "unknown impact 'huge'"),
        (["-c", "api=major_outage", "--next", "soon"], "--next: cannot read 'soon'"),
        (["-c", "api=major_outage", "--next", "2026-11-19 10:00"], "has already passed"),
    ],
)
def test_new_with_bad_input_writes_nothing(site: Path, args: list[str], message: str) -> None:
    before = files(site)
    result = run(site, "new", "Slow website", *args, "-m", "Slow.")
    assert result.returncode == 2
    assert message in result.stderr
    assert files(site) == before


# -- update ------------------------------------------------------------------------------------


def test_update_keeps_every_byte_the_writer_wrote(site: Path) -> None:
    path = incident_file(site, "2026-11-20-api-errors")
    result = run(
        site,
        "update",
        "2026-11-20-api-errors",
        "--status",
        "identified",
        "--message",
        "A bad deploy.\nWe are rolling it back.",
        "--next",
        "1h",
    )
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == WRITTEN.replace(
        "next_update: 2026-11-20 15:00   # promised",
        "next_update: 2026-11-20 16:05   # promised",
    ).replace(
        "---\n\n## 2026-11-20 14:05",
        "---\n\n## 2026-11-20 15:05 — Identified\n"
        "A bad deploy.\nWe are rolling it back.\n\n## 2026-11-20 14:05",
    )
    assert "on the site: Elevated error rates on the API — Identified" in result.stdout
    assert_builds(site)


def test_update_without_next_removes_the_stale_promise(site: Path) -> None:
    path = incident_file(site, "2026-11-20-api-errors")
    assert (
        run(
            site, "update", "2026-11-20-api-errors", "-s", "monitoring", "-m", "Recovering."
        ).returncode
        == 0
    )
    text = path.read_text(encoding="utf-8")
    assert "next_update" not in text
    assert text.replace("## 2026-11-20 15:05 — Monitoring\nRecovering.\n\n", "") == WRITTEN.replace(
        "next_update: 2026-11-20 15:00   # promised in the first post\n", ""
    )
    assert_builds(site)


def test_update_adds_a_promise_where_there_was_none(make_site: MakeSite) -> None:
    source = make_site(
        {"x": WRITTEN.replace("next_update: 2026-11-20 15:00   # promised in the first post\n", "")}
    )
    assert (
        run(
            source,
            "update",
            "x",
            "-s",
            "update",
            "-m",
            "Still on it.",
            "--next",
            "2026-11-20 18:00 +01:00",
        ).returncode
        == 0
    )
    text = incident_file(source, "x").read_text(encoding="utf-8")
    assert "impact: major\nnext_update: 2026-11-20 18:00\n---\n" in text


def test_update_keeps_windows_line_endings(make_site: MakeSite) -> None:
    source = make_site()
    path = incident_file(source, "crlf")
    path.write_bytes(WRITTEN.replace("\n", "\r\n").encode())
    assert run(source, "update", "crlf", "-s", "identified", "-m", "Found it.").returncode == 0
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"---\r\n\r\n## 2026-11-20 15:05 \xe2\x80\x94 Identified\r\nFound it.\r\n\r\n## " in data


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["nope", "-s", "identified"], 2, "there is no incident 'nope'"),
        (["2026-11-20-api-erors", "-s", "identified"], 2, "did you mean 2026-11-20-api-errors?"),
        (
            ["2026-11-20-api-errors", "-s", "fixed"],
            2,
            "unknown status 'fixed' for an incident; use one of: investigating, identified",
        ),
        (["2026-11-20-api-errors", "-s", "completed"], 2, "unknown status 'completed'"),
        (["2026-11-20-api-errors", "-s", "update", "--next", "25:00"], 2, "--next"),
        (["2026-11-20-api-errors", "-s", "resolved", "--next", "1h"], 2, "leave --next out"),
    ],
)
def test_update_with_bad_input_leaves_the_file_alone(
    site: Path, args: list[str], status: int, message: str
) -> None:
    before = files(site)
    result = run(site, "update", *args, "-m", "Text.")
    assert result.returncode == status
    assert message in result.stderr
    assert files(site) == before


def test_an_update_that_would_break_the_file_is_undone(site: Path) -> None:
    before = files(site)
    result = run(
        site,
        "update",
        "2026-11-20-api-errors",
        "-s",
        "identified",
        "-m",
        "# A title\nIs not allowed in an update.",
    )
    assert result.returncode == 1
    assert "2026-11-20-api-errors.md:10: error: a level-1 heading cannot stand" in result.stderr
    assert files(site) == before


def test_update_at_an_ambiguous_time_writes_the_offset(site: Path) -> None:
    # 25 October 2026: Berlin's clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    for now, status in (
        ("2026-10-25 00:30 UTC", "identified"),
        ("2026-10-25 01:30 UTC", "monitoring"),
    ):
        assert (
            run(
                site, "update", "2026-11-20-api-errors", "-s", status, "-m", "News.", now=now
            ).returncode
            == 0
        )
    text = incident_file(site, "2026-11-20-api-errors").read_text(encoding="utf-8")
    assert "## 2026-10-25 02:30 +01:00 — Monitoring\n" in text
    assert "## 2026-10-25 02:30 +02:00 — Identified\n" in text


# -- resolve -----------------------------------------------------------------------------------


def test_resolve_resolves_and_drops_the_promise(site: Path) -> None:
    path = incident_file(site, "2026-11-20-api-errors")
    result = run(site, "resolve", "2026-11-20-api-errors", "-m", "All good.")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert "next_update" not in text
    assert "---\n\n## 2026-11-20 15:05 — Resolved\nAll good.\n\n## 2026-11-20 14:05" in text
    assert "— Resolved" in result.stdout
    assert "overall: All Systems Operational" in result.stdout
    assert_builds(site)


def test_resolve_twice_is_refused(site: Path) -> None:
    assert run(site, "resolve", "2026-11-20-api-errors", "-m", "Done.").returncode == 0
    before = files(site)
    result = run(site, "resolve", "2026-11-20-api-errors", "-m", "Done again.")
    assert result.returncode == 2
    assert "already resolved" in result.stderr
    assert files(site) == before


def test_resolve_an_unknown_id_is_wrong_usage(site: Path) -> None:
    before = files(site)
    result = run(site, "resolve", "2026-11-21-nothing", "-m", "Done.")
    assert result.returncode == 2
    assert "there is no incident '2026-11-21-nothing'" in result.stderr
    assert files(site) == before


# -- maintenance -------------------------------------------------------------------------------


def test_maintenance_is_announced_and_completed(site: Path) -> None:
    result = run(
        site,
        "maintenance",
        "Database upgrade",
        "--start",
        "2026-11-25 02:00",
        "--end",
        "2026-11-25 04:00",
        "--component",
        "db",
    )
    assert result.returncode == 0, result.stderr
    path = incident_file(site, "2026-11-25-database-upgrade")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
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
    assert "2:00 AM CET to 4:00 AM CET." in text
    assert_builds(site)
    result = run(
        site,
        "resolve",
        "2026-11-25-database-upgrade",
        "-m",
        "Done early.",
        now="2026-11-25 02:40 UTC",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "## 2026-11-25 03:40 — Completed\nDone early.\n\n## 2026-11-20 15:05 — Scheduled"
        in path.read_text(encoding="utf-8")
    )
    assert "— Completed" in result.stdout
    assert_builds(site, now="2026-11-25 03:00 UTC")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "tomorrow", "--end", "2026-11-25 04:00", "-c", "db"],
            "--start: cannot read the time 'tomorrow'",
        ),
        (
            ["--start", "2026-11-25 02:00", "--end", "2026-11-25 01:00", "-c", "db"],
            "must end after it starts",
        ),
        (
            ["--start", "2026-03-29 02:30", "--end", "2026-03-29 04:00", "-c", "db"],
            "does not exist in Europe/Berlin",
        ),
        (
            ["--start", "2026-11-25 02:00", "--end", "2026-11-25 04:00", "-c", "disk"],
            "unknown component 'disk'",
        ),
    ],
)
def test_maintenance_with_bad_input_writes_nothing(
    site: Path, args: list[str], message: str
) -> None:
    before = files(site)
    result = run(site, "maintenance", "Database upgrade", *args, "-m", "Upgrade.")
    assert result.returncode == 2
    assert message in result.stderr
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
