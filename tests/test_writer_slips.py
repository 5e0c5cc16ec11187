"""Writers' slips that used to pass silently or publish untruths: canned messages that do not
fit, English defaults on a German site, a CI job posting a default nobody read, and times
written with a zone name. (Files that are not read, and YAML's own slips, are in
tests/invalid/writer-slips/.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import incident_writer
from generator.build import check
from generator.cli import main
from generator.times import UTC, parse_now, parse_time

from .conftest import SITE_YAML, MakeSite

NOW = "2026-11-20 15:00 UTC"
OPEN = """
---
title: Login failures
components:
  api: partial_outage
---
## 2026-11-20 14:05 — Investigating
We see failed logins.
"""
RESOLVED = OPEN + "\n## 2026-11-20 14:40 — Resolved\nFixed.\n"


def write(source: Path, *args: str, ci: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SOURCE_DATE_EPOCH")}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "generator", *args, "--source", str(source), "--now", NOW],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=60,
        check=False,
    )


def body(source: Path, incident_id: str) -> str:
    return (source / "content" / "incidents" / f"{incident_id}.md").read_text(encoding="utf-8")


def test_a_postmortem_needs_its_text(make_site: MakeSite) -> None:
    source = make_site({"a": RESOLVED})
    before = body(source, "a")
    result = write(source, "update", "a", "-s", "postmortem")
    assert result.returncode == 2
    assert "a postmortem needs its text" in result.stderr
    assert body(source, "a") == before
    assert (
        write(source, "update", "a", "-s", "postmortem", "-m", "### What happened\nX").returncode
        == 0
    )


def test_news_on_a_resolved_incident_needs_its_text(make_site: MakeSite) -> None:
    source = make_site({"a": RESOLVED})
    before = body(source, "a")
    result = write(source, "update", "a", "-s", "update")
    assert result.returncode == 2
    assert "no default text for news on a resolved incident" in result.stderr
    assert "still working" not in body(source, "a") and body(source, "a") == before


@pytest.mark.parametrize(
    ("state", "says", "never"),
    [
        ("Investigating", "We are still working on the problems with API.", "fix"),
        ("Identified", "We are still working on a fix for the problems with API.", "no new"),
        ("Monitoring", "We are still watching API after the fix", "still working"),
    ],
)
def test_an_updates_default_fits_the_incidents_state(
    make_site: MakeSite, state: str, says: str, never: str
) -> None:
    source = make_site({"a": OPEN.replace("— Investigating", f"— {state}")})
    assert write(source, "update", "a", "-s", "update").returncode == 0
    newest = " ".join(body(source, "a").split("— Update\n", 1)[1].split("\n## ")[0].split())
    assert newest.startswith(says)
    assert never not in newest


def test_in_ci_a_default_message_is_never_posted_unread(make_site: MakeSite) -> None:
    source = make_site({"a": OPEN})
    before = body(source, "a")
    result = write(source, "update", "a", "-s", "identified", ci=True)
    assert result.returncode == 2
    assert "in CI a default message is never posted unread" in result.stderr
    assert body(source, "a") == before
    assert (
        write(source, "update", "a", "-s", "identified", "-m", "Found it.", ci=True).returncode == 0
    )


def test_at_a_terminal_the_default_is_confirmed_first(make_site: MakeSite) -> None:
    """Run in a real pseudo-terminal, as a writer would: no editor set, so the default message is
    shown and posted only after "y"."""
    pty = pytest.importorskip("pty")
    source = make_site({"a": OPEN})
    outputs = {}
    for answer in (b"n\n", b"y\n"):
        pid, fd = pty.fork()
        if pid == 0:  # the child: the real command, its standard input the terminal
            os.environ.pop("VISUAL", None)
            os.environ.pop("EDITOR", None)
            os.environ.pop("CI", None)
            os.execv(
                sys.executable,
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "update",
                    "a",
                    "-s",
                    "identified",
                    "--source",
                    str(source),
                    "--now",
                    NOW,
                ],
            )
        seen = b""
        while b"[y/N]" not in seen:
            seen += os.read(fd, 1024)
        os.write(fd, answer)
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        _, status = os.waitpid(pid, 0)
        outputs[answer] = (os.waitstatus_to_exitcode(status), seen.decode())
    refused, posted = outputs[b"n\n"], outputs[b"y\n"]
    assert "We have found the cause of the problems with API" in refused[1]
    assert refused[0] == 2 and "nothing was written" in refused[1]
    assert posted[0] == 0
    assert body(source, "a").count("— Identified") == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Wir haben die Ursache der Probleme mit API gefunden"),
        ("fr", "Nous avons trouvé la cause des problèmes touchant API"),
        ("ja", "APIの問題の原因を特定し"),
    ],
)
def test_default_messages_are_in_the_sites_language(
    make_site: MakeSite, language: str, expected: str
) -> None:
    source = make_site({"a": OPEN}, site_yaml=SITE_YAML + f"language: {language}\n")
    assert write(source, "update", "a", "-s", "identified", "--next", "30m").returncode == 0
    text = " ".join(body(source, "a").split())
    assert expected in text
    assert "We " not in text.split("— Identified", 1)[1].split("## ")[0]


def test_every_default_message_is_translated_with_its_placeholders() -> None:
    from generator.render.i18n import translate_text

    messages = [
        *incident_writer.DEFAULT_MESSAGES.values(),
        *incident_writer.UPDATE_MESSAGES.values(),
        incident_writer.NEXT_PROMISED,
        incident_writer.NEXT_UNKNOWN,
    ]
    for language in ("de", "fr", "es", "pt", "ja"):
        for message in messages:
            translated = translate_text(language, message)
            assert translated != message, (language, message)
            assert set(re.findall(r"\{\w+\}", translated)) == set(re.findall(r"\{\w+\}", message))


def test_the_default_maintenance_text_shows_times_as_readers_read_them(make_site: MakeSite) -> None:
    source = make_site()
    result = write(
        source,
        "maintenance",
        "Database upgrade",
        "--start",
        "2026-12-03 02:00",
        "--end",
        "2026-12-03 04:00",
        "-c",
        "db",
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(body(source, "2026-12-03-database-upgrade").split())
    assert "from Dec 3, 2026, 2:00 AM CET to 4:00 AM CET." in text
    assert "2026-12-03 02:00 to" not in text
    assert "\u202f" not in body(source, "2026-12-03-database-upgrade")


def test_now_and_times_may_name_a_zone(make_site: MakeSite) -> None:
    assert parse_time("2026-11-25 02:30 Europe/Berlin", UTC).isoformat() == (
        "2026-11-25T02:30:00+01:00"
    )
    assert parse_now("2026-07-01 02:30 America/New_York", None).utcoffset().total_seconds() == (
        -4 * 3600
    )
    source = make_site({"a": OPEN.replace("14:05 —", "09:05 America/New_York —")})
    assert check(source, parse_now(NOW, None)).content.incidents[0].updates[0].time.hour == 14
    assert main(["check", "--source", str(source), "--now", "2026-11-25 02:30 Europe/Berlin"]) == 0
    assert main(["check", "--source", str(source), "--now", "2026-11-25 02:30 Mars/Base"]) == 2
