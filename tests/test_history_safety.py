"""What writers post never rewrites what was posted before, and two writers never lose work.

A message pasted from a log can hold an unclosed code fence (every earlier update would turn
into code and vanish from the site), a line shaped like an update heading (a forged, backdated
update) or a character that some programs take for a line end. Two writers in an outage can
post at the same moment. Each reproduction here runs the real commands and reads what the site
and its API then show.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build, check
from generator.config import require_site
from generator.content import read_incident
from generator.incident_writer import new_incident, post_update, resolve_incident
from generator.problems import ContentError, UsageError
from tests.conftest import MakeSite
from tests.test_edit import NOW, NOW_TEXT, WRITTEN, at, cli, files, incident_file

ID = "2026-11-20-api-errors"


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = make_site({ID: WRITTEN})
    monkeypatch.chdir(source)
    return source


def shown_updates(source: Path, incident_id: str = ID) -> list[tuple[str, str]]:
    """(status, text) of each update of the incident as the built API shows it, newest first."""
    out = source.parent / "out"
    build(source, out, at("2026-11-20 14:30 UTC"))
    data = json.loads((out / "api" / "v2" / "incidents.json").read_text(encoding="utf-8"))
    (incident,) = [i for i in data["incidents"] if i["id"] == incident_id]
    return [(u["status"], u["body"]) for u in incident["incident_updates"]]


# -- a message never rewrites the history ------------------------------------------------------


def test_an_unclosed_code_fence_in_a_message_is_closed(site: Path) -> None:
    result = cli(site, "resolve", ID, "-m", "Fixed:\n\n```\nERR conn refused")
    assert result.returncode == 0, result.stderr
    assert "the code block was not closed, so it is closed here" in result.stderr
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert "```\nERR conn refused\n```\n\n## 2026-11-20 14:05 — Investigating" in text
    # The earlier update is still there, on the site and in the API.
    updates = shown_updates(site)
    assert [status for status, _ in updates] == ["resolved", "investigating"]
    assert "elevated error rates" in updates[1][1]


def test_a_line_shaped_like_an_update_heading_posts_no_backdated_update(site: Path) -> None:
    message = "We fixed it.\n## 2026-11-19 10:00 — Resolved\nIt never broke."
    written = post_update(site, ID, "identified", NOW, message)
    assert [u.status for u in written.incident.updates_newest_first] == [
        "identified",
        "investigating",
    ]
    assert "\\## 2026-11-19 10:00 — Resolved" in incident_file(site, ID).read_text("utf-8")
    # The writer's words are shown as they typed them.
    assert "## 2026-11-19 10:00 — Resolved" in shown_updates(site)[0][1]
    assert any("read as an update heading" in w.message for w in written.warnings)


@pytest.mark.parametrize(
    ("message", "written_as"),
    [
        ("Cause found.\n\n## Root cause\nA bad deploy.", "\n### Root cause\n"),
        ("Cause found.\n\n# Root cause\nA bad deploy.", "\n### Root cause\n"),
        ("Cause found.\nStill looking\n---\nMore.", "\nStill looking\n\\---\n"),
        ("Cause found.\nStill looking\n===\nMore.", "\nStill looking\n\\===\n"),
        ("Logs:\n\n~~~~\n## 2026-11-20 14:00 — Resolved", "\n~~~~\n\n## 2026-11-20 14:05"),
    ],
)
def test_headings_in_a_message_stay_inside_its_update(
    site: Path, message: str, written_as: str
) -> None:
    post_update(site, ID, "identified", NOW, message)
    assert written_as in incident_file(site, ID).read_text(encoding="utf-8")
    assert [status for status, _ in shown_updates(site)] == ["identified", "investigating"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_only_cr_and_lf_end_a_line(site: Path, separator: str) -> None:
    """A character other programs take for a line end starts no update, in a message or in a
    file; form feed and U+001C are refused outright (they cannot be published)."""
    forged = f"Text{separator}## 2026-11-20 16:00 — Resolved{separator}Forged."
    post_update(site, ID, "identified", NOW, forged)
    assert [status for status, _ in shown_updates(site)] == ["identified", "investigating"]
    path = incident_file(site, ID)
    path.write_text(path.read_text("utf-8").replace(separator, "\n"), "utf-8")
    problems = check_problems(site)
    assert problems == [], problems  # the heading is real once a real line end is there


@pytest.mark.parametrize("control", ["\f", "\x1c"])
def test_form_feed_and_file_separator_are_refused(site: Path, control: str) -> None:
    before = files(site)
    with pytest.raises(UsageError, match="cannot be published"):
        post_update(site, ID, "identified", NOW, f"Text{control}## 2026-11-20 16:00 — Resolved")
    assert files(site) == before


def test_a_character_yaml_reads_as_a_line_end_is_refused_in_front_matter(site: Path) -> None:
    path = incident_file(site, ID)
    path.write_text(WRITTEN.replace("impact: major", "impact: major\u2028started: 2026"), "utf-8")
    assert check_problems(site) == [
        f"content/incidents/{ID}.md:6: error: the character U+2028 (LINE SEPARATOR) at column "
        "14 ends a line for YAML, though not in the file; delete it (in a value in double "
        "quotes, write it as \\u2028)"
    ]


def test_check_warns_when_a_code_block_swallows_update_headings(site: Path) -> None:
    path = incident_file(site, ID)
    swallowing = WRITTEN.replace(
        "## 2026-11-20 14:05 — Investigating",
        "## 2026-11-20 14:30 — Identified\nLogs:\n\n```\nERR\n\n"
        "## 2026-11-20 14:05 — Investigating",
    )
    path.write_text(swallowing, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--now", NOW_TEXT],
        capture_output=True,
        text=True,
        cwd=site,
        check=False,
    )
    assert result.returncode == 0  # a warning: the page still builds
    assert (
        f"content/incidents/{ID}.md:13: warning: the code block opened here is never closed, so "
        "it runs over the update heading at line 16, which is read as code and not as an "
        "update: close the code block (a line ```) where the code ends"
    ) in result.stderr


def check_problems(source: Path) -> list[str]:
    try:
        check(source, at("2026-11-20 14:30 UTC"))
    except ContentError as exc:
        return [p.format() for p in exc.problems if p.severity == "error"]
    return []


# -- line endings ------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_file_with_cr_line_ends_is_edited_with_them(site: Path, newline: str) -> None:
    path = incident_file(site, ID)
    path.write_bytes(WRITTEN.replace("\n", newline).encode())
    post_update(site, ID, "identified", NOW, "A bad deploy.\nRolling back.", next_update="1h")
    resolve_incident(site, ID, at("2026-11-20 14:20 UTC"), "Fixed.")
    expected = (
        WRITTEN.replace("next_update: 2026-11-20 15:00   # promised in the first post\n", "")
        .replace(
            "---\n\n## 2026-11-20 14:05",
            "---\n\n## 2026-11-20 15:20 — Resolved\nFixed.\n\n"
            "## 2026-11-20 15:05 — Identified\nA bad deploy.\nRolling back.\n\n"
            "## 2026-11-20 14:05",
        )
        .replace("\n", newline)
    )
    assert path.read_bytes() == expected.encode()
    assert [status for status, _ in shown_updates(site)] == [
        "resolved",
        "identified",
        "investigating",
    ]


# -- the file itself ---------------------------------------------------------------------------


def test_update_through_a_link_edits_its_target(site: Path) -> None:
    kept = site / "kept" / "api.md"
    kept.parent.mkdir()
    path = incident_file(site, ID)
    path.rename(kept)
    path.symlink_to(Path("../../kept/api.md"))
    post_update(site, ID, "identified", NOW, "Found it.")
    assert path.is_symlink()
    assert os.readlink(path) == "../../kept/api.md"
    assert "Found it." in kept.read_text(encoding="utf-8")


def test_a_read_only_file_is_refused(site: Path) -> None:
    path = incident_file(site, ID)
    path.chmod(0o444)
    before = files(site)
    with pytest.raises(UsageError, match="is read-only; nothing was written: make it writable"):
        post_update(site, ID, "identified", NOW, "Found it.")
    assert files(site) == before


def test_an_incident_with_a_long_id_can_be_updated(make_site: MakeSite) -> None:
    long_id = "2026-11-20-" + "a" * 240  # 254 bytes with .md: the most most systems allow
    source = make_site({long_id: WRITTEN})
    post_update(source, long_id, "identified", NOW, "Found it.")
    assert "Found it." in incident_file(source, long_id).read_text(encoding="utf-8")
    assert sorted(p.name for p in (source / "content" / "incidents").iterdir()) == [f"{long_id}.md"]


# -- two writers at once -----------------------------------------------------------------------


def _start(source: Path, *args: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args, "--source", str(source), "--now", NOW_TEXT],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=source,
    )


def test_a_writer_waits_for_another_one(site: Path) -> None:
    folder = site / "content" / "incidents"
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as another statusgen command holds it
        writer = _start(site, "update", ID, "-s", "identified", "-m", "Found it.")
        time.sleep(1.5)
        assert writer.poll() is None, writer.communicate()
        assert "Found it." not in incident_file(site, ID).read_text(encoding="utf-8")
    finally:
        os.close(handle)
    _, errors = writer.communicate(timeout=60)
    assert writer.returncode == 0, errors
    assert "Found it." in incident_file(site, ID).read_text(encoding="utf-8")


@pytest.mark.parametrize("trial", range(6))
def test_two_updates_at_once_are_both_kept(site: Path, trial: int) -> None:
    first = _start(site, "update", ID, "-s", "identified", "-m", f"First {trial}.")
    second = _start(site, "update", ID, "-s", "update", "-m", f"Second {trial}.")
    for writer in (first, second):
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors
    text = incident_file(site, ID).read_text(encoding="utf-8")
    assert f"First {trial}." in text and f"Second {trial}." in text
    assert WRITTEN.split("---\n", 2)[2] in text  # and the first update, byte for byte


@pytest.mark.parametrize("trial", range(4))
def test_two_new_incidents_with_one_title_make_two_files(site: Path, trial: int) -> None:
    writers = [
        _start(site, "new", "Slow website", "-c", "web=degraded_performance", "-m", f"{n}.")
        for n in ("One", "Two")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors
    made = sorted(p.name for p in (site / "content" / "incidents").iterdir() if "slow" in p.name)
    assert made == ["2026-11-20-slow-website-2.md", "2026-11-20-slow-website.md"], trial
    texts = {incident_file(site, p.removesuffix(".md")).read_text("utf-8") for p in made}
    assert {"One." in t for t in texts} == {True, False}


def test_an_update_posted_while_the_editor_is_open_is_kept(site: Path) -> None:
    """A writer's editor stays open for minutes; another writer posts meanwhile."""

    def editor(_default: str) -> str:
        post_update(site, ID, "identified", NOW, "Posted by a colleague.")
        return "Written in the editor."

    post_update(site, ID, "update", at("2026-11-20 14:10 UTC"), edit_message=editor)
    incident, problems = read_incident(incident_file(site, ID), require_site(site))
    assert incident is not None, problems
    assert [u.body for u in incident.updates_newest_first] == [
        "Written in the editor.",
        "Posted by a colleague.",
        "We are seeing  elevated error rates and are *investigating*.\n<!-- keep this note -->",
    ]


def test_a_new_incident_whose_id_is_taken_meanwhile_gets_another(site: Path) -> None:
    def editor(_default: str) -> str:
        new_incident(site, "Slow website", ["web=degraded_performance"], NOW, "Meanwhile.")
        return "Mine."

    written = new_incident(
        site, "Slow website", ["web=degraded_performance"], NOW, edit_message=editor
    )
    assert written.path.name == "2026-11-20-slow-website-2.md"  # the id is chosen afterwards
    assert "Meanwhile." in incident_file(site, "2026-11-20-slow-website").read_text("utf-8")
