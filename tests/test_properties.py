"""Properties that hold for any input (Hypothesis): any bytes as an incident file or as
site.yaml end in a clean result or in problems (``ContentError``, exit status 1), never in any
other exception; whatever ``check`` passes, ``build`` builds; and the writing commands, given
any text, either write a file that passes ``check`` or refuse, never with an internal error.

The library is run in-process, so an unexpected exception fails the test with the input that
caused it (Hypothesis shrinks it to a small one). Bounded to well under two minutes in CI.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build, check
from generator.cli import main
from generator.problems import ContentError
from generator.times import UTC, parse_time
from tests.conftest import SITE_YAML

NOW = parse_time("2026-11-21 00:00 UTC", UTC)

INCIDENT = textwrap.dedent(
    """\
    ---
    title: Elevated error rates on the API
    components:
      api: partial_outage
      db: degraded_performance
    impact: major
    started: 2026-11-20 13:58
    next_update: 2026-11-20 15:00
    ---

    ## 2026-11-20 14:45 UTC — Resolved
    Error rates are back to normal.

    ## 2026-11-20 14:20 — Identified
    A configuration change caused the errors; we are **rolling it back**.

    ```
    ERR conn refused
    ```

    ## 2026-11-20 14:05 — Investigating
    We are seeing [errors](https://example.com/) and are investigating.
    """
).encode()

MAINTENANCE = textwrap.dedent(
    """\
    ---
    title: Database upgrade
    maintenance: {start: 2026-11-25 02:00, end: 2026-11-25 04:00}
    components: [db]
    ---

    ## 2026-11-19 10:00 — Scheduled
    We will upgrade the databases.
    """
).encode()

# Pieces that have broken parsers before: YAML features, control characters, odd line ends,
# times at the ends of the calendar, huge numbers, headings and fences inside text.
TOKENS = [
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!float ",
    b"!!binary ",
    b"!!python/object:os.system ",
    b"9" * 4400,
    b"0001-01-01 00:00",
    b"9999-12-31 23:59",
    b" +24:00",
    b" -99:99",
    b"2026-03-29 02:30",
    b"\n## 2026-11-20 14:05 \xe2\x80\x94 Resolved\n",
    b"\n## x \xe2\x80\x94 Y\n",
    b"\n# Title\n",
    b"\n---\n",
    b"\n```\n",
    b"\x1b[31m",
    b"\x00",
    b"\x7f",
    b"\xef\xbf\xbe",  # U+FFFE
    b"\xe2\x80\xa8",  # U+2028
    b"\xc2\x85",  # U+0085
    b"\xed\xa0\x80",  # a surrogate, not valid UTF-8
    b"\xff",
    b"\r",
    b"\r\n",
    b"\t",
    b'"\\ud800"',
    b'"\\x1b"',
    b"timezone: localtime\n",
    b"timezone: Factory\n",
    b"theme: nosuch\n",
    b"theme: ../..\n",
    b"url: https://[::1/\n",
    b"max_silence: 99999999999h\n",
    b"max_silence: 99999999999\n",
    b"components: {}\n",
    b"components:\n  - id: x\n    components:\n      - id: y\n        name: Y\n",
    b"- ",
    b": ",
    b"{",
    b"[",
    b"'",
    b'"',
    b"|\n",
    b">\n",
    b"%YAML 1.1\n",
    b"? ",
    b"~",
    b"null",
    b"true",
    b"2.10",
    b"0x10",
    b"1e3",
    b".inf",
    b".nan",
]

_bytes = st.binary(max_size=40)
_token = st.sampled_from(TOKENS)


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` with a few random edits: insert, delete, replace or repeat a span."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "token", "delete", "replace", "repeat"]))
        if kind == "insert":
            data[at:at] = draw(_bytes)
        elif kind == "token":
            data[at:at] = draw(_token)
        elif kind == "delete":
            data[at : at + draw(st.integers(1, 40))] = b""
        elif kind == "replace":
            data[at : at + 1] = draw(_bytes)
        else:
            data[at:at] = bytes(data[at : at + draw(st.integers(1, 80))]) * 3
    return bytes(data)


ANY_INCIDENT = st.one_of(st.binary(max_size=300), mutated(INCIDENT), mutated(MAINTENANCE))
ANY_SITE_YAML = st.one_of(st.binary(max_size=300), mutated(SITE_YAML.encode()))


@contextmanager
def site_folder(site_yaml: bytes, incidents: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="statusgen-fuzz-") as folder:
        root = Path(folder) / "site"
        (root / "content" / "incidents").mkdir(parents=True)
        (root / "site.yaml").write_bytes(site_yaml)
        for name, data in incidents.items():
            (root / "content" / "incidents" / f"{name}.md").write_bytes(data)
        yield root


def check_then_build(root: Path) -> bool:
    """Check the site; if it passes, build it, which must then succeed. True if it built.

    A ContentError (problems in the content: exit status 1) is an expected result; any other
    exception propagates and fails the test with the input that caused it.
    """
    try:
        check(root, NOW)
    except ContentError as exc:
        assert exc.problems, "a failed check lists its problems"
        for problem in exc.problems:
            assert len(problem.message) <= 2001
        return False
    # What check passes, build builds (strict=False like check above).
    build(root, root.parent / "out", NOW)
    assert (root.parent / "out" / "index.html").is_file()
    return True


# A longer hunt: STATUSGEN_FUZZ_EXAMPLES=5000 python -m pytest tests/test_properties.py
EXAMPLES = int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(incident=ANY_INCIDENT)
def test_any_bytes_as_an_incident_are_problems_or_a_build(incident: bytes) -> None:
    with site_folder(SITE_YAML.encode(), {"fuzz": incident, "ok": INCIDENT}) as root:
        check_then_build(root)


@FUZZ
@given(site_yaml=ANY_SITE_YAML)
def test_any_bytes_as_site_yaml_are_problems_or_a_build(site_yaml: bytes) -> None:
    with site_folder(site_yaml, {"ok": INCIDENT, "window": MAINTENANCE}) as root:
        check_then_build(root)


# Text as a writer might type or paste it into a title or an update: any Unicode at all.
# Mostly what people type (letters, digits, punctuation, symbols, spaces), some of anything.
_typed = st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs"))
_writer_text = st.one_of(
    st.text(_typed, min_size=1, max_size=60),
    st.text(_typed, min_size=1, max_size=60),
    st.text(min_size=1, max_size=60),
)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 1))
@given(title=_writer_text, body=_writer_text, name=_writer_text)
def test_whatever_check_passes_build_builds(title: str, body: str, name: str) -> None:
    """Titles, bodies and component names of any characters: check and build agree."""
    incident = (
        INCIDENT.decode()
        .replace("Elevated error rates on the API", json.dumps(title, ensure_ascii=False))
        .replace("Error rates are back to normal.", body)
    )
    site_yaml = SITE_YAML.replace("name: API", f"name: {json.dumps(name, ensure_ascii=False)}")
    with site_folder(
        site_yaml.encode("utf-8", "surrogatepass"),
        {"fuzz": incident.encode("utf-8", "surrogatepass")},
    ) as root:
        check_then_build(root)


def run_main(argv: list[str]) -> int:
    """``statusgen`` in-process, its output swallowed; argparse's usage errors are exit 2."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


OPEN = textwrap.dedent(
    """\
    ---
    title: Elevated error rates on the API
    components:
      api: partial_outage
    next_update: 2026-11-20 15:00
    ---

    ## 2026-11-20 14:05 — Investigating
    We are seeing elevated error rates and are investigating.
    """
)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 1))
@given(
    command=st.sampled_from(["update", "resolve", "new"]),
    message=_writer_text,
    status=st.sampled_from(["identified", "monitoring", "resolved", "update", "Fixing"]),
    next_update=st.one_of(st.none(), st.sampled_from(["30m", "14:30", "99999999999h", "x"])),
)
def test_the_writing_commands_never_end_in_a_traceback(
    command: str, message: str, status: str, next_update: str | None
) -> None:
    """Any message text: ``update``/``resolve``/``new`` write a file that check passes and
    build builds, keeping the text that was there; or refuse (exit 1 or 2), writing nothing.
    Exit status 3 (an internal error) fails the test."""
    with site_folder(SITE_YAML.encode(), {"open": OPEN.encode()}) as root:
        now = ["--now", "2026-11-20 14:30 UTC", "--source", str(root)]
        if command == "new":
            argv = ["new", "Errors", "-c", "api=partial_outage", f"--message={message}", *now]
        elif command == "update":
            argv = ["update", "open", "-s", status, f"--message={message}", *now]
        else:
            argv = ["resolve", "open", f"--message={message}", *now]
        if next_update and command != "resolve":
            argv.append(f"--next={next_update}")
        folder = root / "content" / "incidents"
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        status_code = run_main(argv)
        assert status_code in (0, 1, 2), f"exit status {status_code} for {argv!r}"
        after = {p.name: p.read_bytes() for p in folder.iterdir()}
        if status_code != 0:
            assert after == before, "a refused command writes nothing"
            return
        body = OPEN.split("---\n", 2)[2].encode()
        assert body in after["open.md"], "the updates already there are kept byte for byte"
        check_then_build(root)


# Pieces of text that have rewritten history before: fences and headings that a message could
# leave open or forge, characters some programs take for line ends, every kind of line end.
_MESSAGE_PIECES = st.sampled_from(
    [
        "\n```\n",
        "\n~~~~\n",
        "```",
        "\n## 2026-11-20 14:05 — Resolved\n",
        "\n## 2026-11-19 10:00 UTC - Investigating\n",
        "\n# Title\n",
        "\n## Notes\n",
        "\nText\n---\n",
        "\n===\n",
        "\u2028",
        "\u0085",
        "\r",
        "\r\n",
        "\n    ",
        "\n> ",
        "\n- ",
        "\n\n",
        "<pre>",
        "<!--",
    ]
)
_message = st.lists(
    st.one_of(_MESSAGE_PIECES, st.text(_typed, min_size=1, max_size=20)), min_size=1, max_size=8
).map("".join)
_STEP = st.tuples(
    st.sampled_from(["update", "update", "resolve", "new", "maintenance"]),
    _message,
    st.sampled_from(["identified", "monitoring", "resolved", "update", "in progress", "completed"]),
)


@settings(FUZZ, max_examples=max(EXAMPLES // 5, 1))
@given(
    start=st.sampled_from(["open", "resolved", "window"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    steps=st.lists(_STEP, min_size=1, max_size=4),
)
def test_any_sequence_of_writes_keeps_every_update_in_order(
    start: str, newline: str, steps: list[tuple[str, str, str]]
) -> None:
    """From any valid incident file, any sequence of ``update``/``resolve``/``new``/
    ``maintenance`` with any text: each command writes or refuses (writing nothing); the file
    keeps every byte of its updates; and the site shows exactly the updates written, newest
    first, each as it was written."""
    from generator.config import require_site
    from generator.content import read_incident
    from generator.incident_writer import (
        new_incident,
        new_maintenance,
        post_update,
        resolve_incident,
    )
    from generator.problems import UsageError

    original = {"open": OPEN.encode(), "resolved": INCIDENT, "window": MAINTENANCE}[start]
    original = original.decode().replace("\n", newline).encode()
    with site_folder(SITE_YAML.encode(), {"it": original}) as root:
        folder = root / "content" / "incidents"
        site = require_site(root)

        def updates(name: str) -> list[tuple[str, str]]:
            incident, problems = read_incident(folder / f"{name}.md", site)
            assert incident is not None, problems
            return [(u.status, u.body) for u in sorted(incident.updates, key=lambda u: u.position)]

        expected = {"it": updates("it")}
        for number, (command, message, status) in enumerate(steps):
            now = parse_time(f"2026-11-20 15:{number:02d} UTC", UTC)
            before = {p.name: p.read_bytes() for p in folder.iterdir()}
            try:
                if command == "update":
                    written = post_update(root, "it", status, now, message)
                elif command == "resolve":
                    written = resolve_incident(root, "it", now, message)
                elif command == "new":
                    written = new_incident(root, "Errors", ["api=partial_outage"], now, message)
                else:
                    written = new_maintenance(
                        root,
                        "Upgrade",
                        "2026-11-26 02:00",
                        "2026-11-26 04:00",
                        ["db"],
                        now,
                        message,
                    )
            except (UsageError, ContentError):
                assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
                continue
            name = written.path.stem
            now_shown = updates(name)
            assert now_shown[1:] == expected.get(name, []), "an earlier update changed"
            assert len(now_shown) == len(expected.get(name, [])) + 1
            expected[name] = now_shown
        body = original.split(b"---" + newline.encode(), 2)[2]
        assert (folder / "it.md").read_bytes().endswith(body), "the first updates, byte for byte"
        for name, shown in expected.items():
            assert updates(name) == shown
        check_then_build(root)
