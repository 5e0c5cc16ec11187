"""``statusgen new|update|resolve|maintenance``: the CLI over :mod:`generator.incident_writer`.

The message comes from ``--message``, else standard input when it is not a terminal. Without
one, at a terminal the writer's ``$VISUAL``/``$EDITOR`` opens on the site's default message for
the status, or the default is shown to confirm; in CI (``CI`` set) nothing is posted unread; a
script elsewhere posts the default. Where no default would be true (a postmortem, news on a
resolved incident) the text must be written.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli import EXIT_OK, add_now, add_source, report, resolve_now
from generator.problems import UsageError
from generator.textfile import find_forbidden

if TYPE_CHECKING:  # the editing code is loaded only when a writing command runs
    from generator import incident_writer


def _message(args: argparse.Namespace) -> str | None:
    """The message typed on the command line or piped in; None to use the default or editor."""
    if args.message is not None:
        return _text("--message", str(args.message))
    if not sys.stdin.isatty():
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UsageError(
                    f"the message on standard input is not UTF-8 text (the byte "
                    f"0x{data[exc.start]:02x} at offset {exc.start} cannot be read); "
                    "nothing was written"
                ) from None
        piped = _text("the message on standard input", data)
        return piped if piped.strip() else None
    return None


def _text(option: str, text: str) -> str:
    """Text from the command line, refused when it cannot be published: bytes that are not
    UTF-8 (Python hands them over as lone surrogates) or a control character (a terminal
    colour code copied from a log, say), so that what is written passes ``check``."""
    for index, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            raise UsageError(
                f"{option}: the text is not UTF-8 (the byte 0x{ord(char) - 0xDC00:02x} at "
                f"character {index + 1} cannot be read); nothing was written"
            )
    found = find_forbidden(text)
    if found:
        line, problem = found
        raise UsageError(f"{option}: line {line}: {problem}; nothing was written")
    return text


class _Editor:
    """The writer's ``$VISUAL``/``$EDITOR``, opened on a draft: it can write any text."""

    writes_text = True

    def __init__(self, command: str) -> None:
        self.command = command

    def __call__(self, default: str) -> str:
        with tempfile.TemporaryDirectory(prefix="statusgen-") as folder:
            draft = Path(folder) / "UPDATE.md"
            draft.write_text(default + "\n", encoding="utf-8")
            try:
                subprocess.run([*shlex.split(self.command), str(draft)], check=True)
            except (OSError, subprocess.CalledProcessError) as exc:
                raise UsageError(
                    f"the editor {self.command!r} failed ({exc}); nothing was written; "
                    "give the text with --message instead"
                ) from None
            raw = draft.read_bytes().decode("utf-8", errors="surrogateescape")
            text = _text("the message from the editor", raw)
        if not text.strip():
            raise UsageError("the message is empty, so nothing was written")
        return text


class _Confirm:
    """At a terminal with no editor: show the default message and ask before posting it."""

    writes_text = False

    def __call__(self, default: str) -> str:
        print(f"No --message given. This will be posted:\n\n{default}\n", file=sys.stderr)
        try:
            answer = input("Post it? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            raise UsageError("nothing was written; give the text with --message")
        return default


class _RefuseInCI:
    """In CI nobody reads a default message before it goes out: refuse to post one."""

    writes_text = False

    def __call__(self, _default: str) -> str:
        raise UsageError(
            "no --message given, and in CI a default message is never posted unread: give "
            "the text with --message '...'"
        )


def _editor() -> incident_writer.MessageEditor | None:
    """How to ask for the text when none was given: the writer's editor at a terminal, else a
    confirmation of the default; in CI (``CI`` set) a refusal; elsewhere the default itself."""
    if sys.stdin.isatty():
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        return _Editor(command) if command else _Confirm()
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return _RefuseInCI()
    return None


def _show(written: incident_writer.Written) -> int:
    report(written.warnings)
    for line in written.summary():
        print(line)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from generator import incident_writer

    return _show(
        incident_writer.new_incident(
            args.source,
            _text("the title", args.title),
            args.component,
            resolve_now(args),
            message=_message(args),
            impact=args.impact,
            status=args.status,
            next_update=args.next,
            edit_message=_editor(),
        )
    )


def cmd_update(args: argparse.Namespace) -> int:
    from generator import incident_writer

    return _show(
        incident_writer.post_update(
            args.source,
            args.id,
            args.status,
            resolve_now(args),
            message=_message(args),
            next_update=args.next,
            edit_message=_editor(),
        )
    )


def cmd_resolve(args: argparse.Namespace) -> int:
    from generator import incident_writer

    return _show(
        incident_writer.resolve_incident(
            args.source, args.id, resolve_now(args), message=_message(args), edit_message=_editor()
        )
    )


def cmd_maintenance(args: argparse.Namespace) -> int:
    from generator import incident_writer

    return _show(
        incident_writer.new_maintenance(
            args.source,
            _text("the title", args.title),
            args.start,
            args.end,
            args.component,
            resolve_now(args),
            message=_message(args),
            edit_message=_editor(),
        )
    )


def _common(parser: argparse.ArgumentParser, next_option: bool = False) -> None:
    add_source(parser)
    add_now(parser)
    parser.add_argument(
        "--message",
        "-m",
        metavar="TEXT",
        help="the update's text, Markdown (default: standard input, else "
        "$EDITOR, else the site's default message for the status)",
    )
    if next_option:
        parser.add_argument(
            "--next",
            metavar="WHEN",
            help="promise the next update: 30m, 1h, 14:30 (the next such time "
            "in the site's zone) or a full time; without it a promise is removed",
        )


def setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = sub.add_parser("new", help="start an incident: write a new incident file")
    new.add_argument("title", help="what readers see, e.g. 'Elevated error rates on the API'")
    new.add_argument(
        "--component",
        "-c",
        action="append",
        default=[],
        metavar="ID[=STATUS]",
        help="an affected component and its status, e.g. api=partial_outage "
        "(degraded_performance, partial_outage, major_outage); repeat for more",
    )
    new.add_argument(
        "--impact",
        metavar="I",
        help="none, minor, major or critical (default: from the worst component status)",
    )
    new.add_argument(
        "--status",
        default="investigating",
        metavar="S",
        help="the first update's status (default: investigating)",
    )
    _common(new, next_option=True)
    new.set_defaults(func=cmd_new)

    update = sub.add_parser("update", help="post an update at the top of an incident")
    update.add_argument("id", help="the incident's id: its file name without .md")
    update.add_argument(
        "--status",
        "-s",
        required=True,
        metavar="S",
        help="investigating, identified, monitoring, resolved, postmortem or "
        "update (for a maintenance: in progress, verifying, completed, update)",
    )
    _common(update, next_option=True)
    update.set_defaults(func=cmd_update)

    resolve = sub.add_parser("resolve", help="resolve an incident (complete a maintenance)")
    resolve.add_argument("id", help="the incident's id: its file name without .md")
    _common(resolve)
    resolve.set_defaults(func=cmd_resolve)

    maintenance = sub.add_parser("maintenance", help="announce a scheduled maintenance")
    maintenance.add_argument("title", help="what readers see, e.g. 'Database upgrade'")
    maintenance.add_argument(
        "--start",
        required=True,
        metavar="TIME",
        help="when it starts, e.g. '2026-11-25 02:00' (site's zone)",
    )
    maintenance.add_argument(
        "--end", required=True, metavar="TIME", help="when it ends, e.g. '2026-11-25 04:00'"
    )
    maintenance.add_argument(
        "--component",
        "-c",
        action="append",
        default=[],
        metavar="ID",
        help="a component under maintenance; repeat for more",
    )
    _common(maintenance)
    maintenance.set_defaults(func=cmd_maintenance)
