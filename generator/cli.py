"""The ``statusgen`` command: thin wrappers that parse arguments and call the library.

Exit status: 0 fine; 1 problems in the content (all listed), or a fault of the machine; 2 wrong
usage; 3 an internal error, a bug in statusgen (the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import shlex
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from generator import __version__
from generator.problems import ContentError, Problem, UsageError, display_path
from generator.times import UTC, TimeError, parse_now

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
# Where bugs are reported when the installed package does not say (its Project-URL "Issues").
ISSUES_URL = "https://github.com/statusgen/statusgen/issues"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"statusgen: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site's folder (default: the current directory)",
    )


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        metavar="TIME",
        help="the time to build as of, e.g. '2026-11-20 15:00 UTC' "
        "(default: SOURCE_DATE_EPOCH, else the clock)",
    )


def resolve_now(args: argparse.Namespace) -> datetime:
    """ "Now" for a command: a ``--now`` without a zone is in the site's zone, like every time."""
    from generator.config import site_timezone

    text = getattr(args, "now", None)
    zone = site_timezone(args.source) if text and hasattr(args, "source") else UTC
    try:
        return parse_now(text, os.environ.get("SOURCE_DATE_EPOCH"), zone)
    except TimeError as exc:
        raise UsageError(f"--now: {exc}") from None


def report(problems: Sequence[Problem]) -> None:
    """Print problems for people, and as annotations under GitHub Actions."""
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.annotation())


def summary(problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


# -- build / check ------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from generator.build import build

    output = args.output if args.output is not None else Path("_site")
    checked = build(
        args.source, output, resolve_now(args), strict=args.strict, offline=args.offline
    )
    report(checked.warnings)
    if checked.upstream:  # a provider that could not be read is shown as unknown, and said here
        from generator.upstream import describe_problems

        for line in describe_problems(checked.upstream):
            print(line, file=sys.stderr)
    pages = len(checked.content.incidents)
    print(
        f"built {output} ({pages} incident{'s' if pages != 1 else ''}, {checked.facts.description})"
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from generator.build import check

    checked = check(args.source, resolve_now(args), strict=args.strict)
    report(checked.warnings)
    count = len(checked.content.incidents)
    print(f"checked {count} incident{'s' if count != 1 else ''}: {summary(checked.warnings)}")
    return EXIT_OK


def _setup_build(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    build = sub.add_parser("build", help="build the site")
    add_source(build)
    build.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="DIR",
        help="where to write the site (default: _site in the current directory)",
    )
    add_now(build)
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument(
        "--offline",
        action="store_true",
        help="read no upstream provider: they show as unknown (a reproducible build)",
    )
    build.set_defaults(func=cmd_build)

    check = sub.add_parser("check", help="validate the content; print every problem; write nothing")
    add_source(check)
    add_now(check)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(func=cmd_check)


# Each entry adds the subcommands of one module: setup(subparsers).
COMMAND_SETUPS = [_setup_build]


def _load_optional_setups() -> None:
    """Commands that live in their own modules register here."""
    import importlib

    for module_name, attribute in [
        ("generator.commands.write", "setup"),
        ("generator.commands.serve", "setup"),
        ("generator.commands.init", "setup"),
        ("generator.commands.import_statuspage", "setup"),
        ("generator.commands.notify", "setup"),
    ]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        COMMAND_SETUPS.append(getattr(module, attribute))


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="statusgen", description="A static status-site generator.")
    parser.add_argument("--version", action="version", version=f"statusgen {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    if len(COMMAND_SETUPS) == 1:
        _load_optional_setups()
    for setup in COMMAND_SETUPS:
        setup(sub)
    for command in sub.choices.values():  # also after the command: statusgen build --debug
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
        )
    return parser


def _command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser


def _refuse_extra_words(
    parser: argparse.ArgumentParser, args: argparse.Namespace, argv: Sequence[str], extra: list[str]
) -> None:
    """Words left over: most often a message or title of several words, typed without quotes."""
    command = _command_parser(parser, args.command)
    first = list(argv).index(extra[0]) if extra[0] in argv else 0
    before = argv[first - 1] if first > 0 else None
    for option, value in (
        ("--message", getattr(args, "message", None)),
        ("", getattr(args, "title", None)),
    ):
        if value is not None and before == value and not extra[0].startswith("-"):
            words = shlex.quote(" ".join([value, *(w for w in extra if not w.startswith("-"))]))
            what = "the message" if option else "the title"
            example = f"{option} {words}" if option else words
            command.error(
                f"{what} must be one argument: put it in quotes, e.g. statusgen "
                f"{args.command} ... {example}"
            )
    command.error(f"unrecognized arguments: {' '.join(extra)}")


DEBUG_HELP = "on an internal error, print the traceback (for a bug report)"


def issues_url() -> str:
    """The issue tracker, as the installed package's metadata names it."""
    from importlib import metadata  # only on an internal error: every command starts faster

    try:
        for entry in metadata.metadata("statusgen").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("issues", "bug tracker", "tracker"):
                return url.strip()
    except metadata.PackageNotFoundError:
        pass
    return ISSUES_URL


def report_bug(exc: BaseException, debug: bool) -> int:
    """One line for an unexpected exception: a bug in statusgen, and where to report it.

    The exception's own message is left out: it may quote content or an environment value
    (a webhook URL, say); the traceback, with ``--debug``, is for the reporter to read first.
    """
    if debug:
        traceback.print_exception(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}generator{os.sep}" in f.filename] or frames
    where = ""
    if ours:
        path = Path(ours[-1].filename)
        parts = path.parts
        shown = "/".join(parts[parts.index("generator") :]) if "generator" in parts else path.name
        where = f" in {shown}:{ours[-1].lineno}"
    hint = "" if debug else "; run it again with --debug to see the traceback"
    print(
        f"statusgen: internal error ({type(exc).__name__}{where}): this is a bug in statusgen, "
        f"not in your content; please report it at {issues_url()} with the command you "
        f"ran{hint}",
        file=sys.stderr,
    )
    return EXIT_BUG


def run() -> NoReturn:
    """The ``statusgen`` command (and ``python -m generator``): :func:`main`, then exit.

    Everything a normal exit does is done (the exit handlers run: temporary folders are
    removed, streams flushed) except freeing the objects one by one, which is pointless as the
    process ends (and, after a build of 10,000 incidents, collecting half a million objects
    that cycles of references keep: half a second)."""
    status = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away, a stream already closed: nothing more to tell anyone.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        _refuse_extra_words(parser, args, argv, extra)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, where a reader that went away is caught below
        return status
    except ContentError as exc:
        report(exc.problems)
        # check never writes; the other commands say that their failure wrote nothing.
        written = "" if args.command == "check" else "; nothing was written"
        print(f"statusgen: {summary(exc.problems)}{written}", file=sys.stderr)
        return EXIT_PROBLEMS
    except UsageError as exc:
        print(f"statusgen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (statusgen ... | head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that flushing at exit raises nothing more
        return 128 + 13  # as a shell reports a command ended by SIGPIPE
    except OSError as exc:  # a fault of the machine: a full disk, a read-only folder
        where = f"{display_path(Path(exc.filename))}: " if exc.filename else ""
        print(f"{where}error: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as exc:  # noqa: BLE001 - anything else is a bug, reported as one
        return report_bug(exc, bool(getattr(args, "debug", False)))
