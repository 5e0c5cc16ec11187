"""``statusgen notify``: a thin wrapper over :func:`generator.notify.run.notify`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli import add_source, resolve_now
from generator.problems import UsageError


def cmd_notify(args: argparse.Namespace) -> int:
    from generator.notify import run

    def err(line: str) -> None:
        print(line, file=sys.stderr)

    if args.save_previous is not None:
        return run.save(args.source, args.save_previous, args.previous or [])
    if not args.previous:
        raise UsageError(
            "notify needs --previous: the site as published before this deploy, as its URL "
            "or a folder (see docs/notifications.md)"
        )
    now = resolve_now(args) if args.now else None
    return run.notify(args.source, args.site, args.previous, now=now, dry_run=args.dry_run, err=err)


def setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notify = sub.add_parser(
        "notify",
        help="send what is new since the previous publish to Slack, Discord, Teams, "
        "webhooks and email",
        description="Send each notification event of the build just deployed (--site) that "
        "the site published before it (--previous) lacks, to every channel in site.yaml's "
        "notify: whose audience and components match. Secrets come from the environment. "
        "Exit status: 0 all delivered (or nothing to send), 1 something not delivered or "
        "the previous site unreadable, 2 wrong usage (a missing environment variable).",
    )
    add_source(notify)
    notify.add_argument(
        "--site",
        type=Path,
        default=Path("_site"),
        metavar="DIR",
        help="the build just deployed (default: _site)",
    )
    notify.add_argument(
        "--previous",
        action="append",
        metavar="URL|DIR",
        help="the site as published before this deploy: its URL, or a folder holding it; "
        "give it twice for a second host to read when the first cannot be read",
    )
    notify.add_argument(
        "--now",
        metavar="TIME",
        help="the time to send as of (default: the build's own time)",
    )
    notify.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would go where, and send nothing",
    )
    notify.add_argument(
        "--save-previous",
        type=Path,
        metavar="DIR",
        help="before a deploy: keep the published event list (from --previous, by default "
        "site.yaml's url, then its mirrors) in DIR for a later --previous DIR; sends nothing",
    )
    notify.set_defaults(func=cmd_notify)
