"""``statusgen import statuspage``: the CLI over :mod:`generator.importer` (SPEC section 9).

    statusgen import statuspage URL|FOLDER [--source DIR]
    statusgen import statuspage --page-id ID --api-key-env NAME [--source DIR]

The API key is read from the environment variable named by ``--api-key-env``, never from the
command line (where it would stay in the shell's history and the process list), and is never
printed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from generator.cli import EXIT_OK, _Parser, add_source, report
from generator.problems import Problems, UsageError


def cmd_import_statuspage(args: argparse.Namespace) -> int:
    from generator.importer import sources
    from generator.importer.progress import Progress
    from generator.importer.statuspage import import_statuspage

    if not args.source.is_dir():
        raise UsageError(f"--source: there is no folder {args.source}")
    progress = Progress.for_terminal(forced=args.progress)
    problems = Problems()
    if args.page_id or args.api_key_env:
        if args.page or not (args.page_id and args.api_key_env):
            raise UsageError(
                "the management API needs both --page-id ID and --api-key-env NAME, and no "
                "URL or FOLDER: statusgen import statuspage --page-id ID --api-key-env NAME"
            )
        key = os.environ.get(args.api_key_env, "").strip()
        if not key:
            raise UsageError(
                f"--api-key-env: the environment variable {args.api_key_env} is not set (or is "
                f"empty); set it to the page's API key, e.g. export {args.api_key_env}=..."
            )
        base = args.api_url or sources.MANAGEMENT_API
        if not base.startswith(("https://", "http://")):
            raise UsageError(f"--api-url: {base!r} is not an http(s) address")
        export = sources.read_management(args.page_id, key, args.api_key_env, progress, base=base)
    elif args.page:
        folder = Path(args.page)
        if folder.is_dir():
            export = sources.read_folder(folder, problems)
        elif folder.exists():
            raise UsageError(f"{args.page} is a file; give the folder that holds the saved JSON")
        else:
            export = sources.read_public(args.page, problems, progress)
    else:
        raise UsageError(
            "give the page's address (https://status.acme.example/), a folder of saved JSON, "
            "or --page-id ID --api-key-env NAME"
        )
    result = import_statuspage(args.source, export, problems, progress, refresh=args.refresh)
    report(result.warnings)
    for line in result.summary(args.source / "site.yaml"):
        print(line)
    return EXIT_OK


def setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = sub.add_parser(
        "import",
        help="import another status page's history",
        description="Import another status page's components, incidents and maintenance "
        "into the site at --source DIR (default: the current directory).",
        epilog="e.g. statusgen import statuspage https://status.acme.example/ --source DIR; "
        "statusgen import statuspage --page-id ID --api-key-env STATUSPAGE_API_KEY",
    )
    kinds = command.add_subparsers(dest="kind", required=True, metavar="KIND", parser_class=_Parser)
    statuspage = kinds.add_parser(
        "statuspage",
        help="an Atlassian Statuspage page: its public API, saved JSON, or the management API",
        description="Import an Atlassian Statuspage page: components into site.yaml, one file "
        "per incident and maintenance. Importing again adds only what is new.",
    )
    statuspage.add_argument(
        "page",
        nargs="?",
        metavar="URL|FOLDER",
        help="the page's address (its public API gives the latest 50 incidents and 50 "
        "maintenances), or a folder holding its summary.json, incidents.json and "
        "scheduled-maintenances.json as saved",
    )
    add_source(statuspage)
    statuspage.add_argument(
        "--page-id",
        metavar="ID",
        help="the page's id, to read its whole history from the management API",
    )
    statuspage.add_argument(
        "--api-key-env",
        metavar="NAME",
        help="the environment variable that holds the management API key",
    )
    statuspage.add_argument(
        "--api-url",
        metavar="URL",
        help="the management API's address (default: https://api.statuspage.io/v1/)",
    )
    statuspage.add_argument(
        "--refresh",
        action="store_true",
        help="bring files imported before, and not edited since, up to date with Statuspage",
    )
    statuspage.add_argument(
        "--progress",
        action="store_true",
        help="show progress on standard error even when it is not a terminal",
    )
    statuspage.set_defaults(func=cmd_import_statuspage)
