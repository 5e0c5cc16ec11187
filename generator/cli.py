"""The ``statusgen`` command: thin wrappers that parse arguments and call the library.

Exit status: 0 fine; 1 problems in the content (all listed); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator import __version__
from generator.problems import ContentError, Problem, UsageError
from generator.times import UTC, TimeError, parse_now

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


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
    checked = build(args.source, output, resolve_now(args), strict=args.strict)
    report(checked.warnings)
    pages = len(checked.content.incidents)
    print(
        f"built {output} ({pages} incident{'s' if pages != 1 else ''}, {checked.facts.description})"
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from generator.build import check

    checked = check(args.source, resolve_now(args), strict=args.strict)
    report(checked.warnings)
    print(f"checked {len(checked.content.incidents)} incidents: {summary(checked.warnings)}")
    return EXIT_OK


def _setup_build(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    build = sub.add_parser("build", help="build the site")
    add_source(build)
    build.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="where to write the site (default: _site in the current directory)",
    )
    add_now(build)
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
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
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    if len(COMMAND_SETUPS) == 1:
        _load_optional_setups()
    for setup in COMMAND_SETUPS:
        setup(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ContentError as exc:
        report(exc.problems)
        print(f"statusgen: {summary(exc.problems)}; nothing was written", file=sys.stderr)
        return EXIT_PROBLEMS
    except UsageError as exc:
        print(f"statusgen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
