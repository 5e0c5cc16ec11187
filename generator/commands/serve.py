"""``statusgen serve``: a thin wrapper over :mod:`generator.preview`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from generator.cli import EXIT_OK, add_source, resolve_now


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.preview import serve

    now: Callable[[], datetime] | None = None
    if args.now:
        fixed = resolve_now(args)
        now = lambda: fixed  # noqa: E731 - a preview "as of" a fixed time
    serve(args.source, port=args.port, now=now, offline=args.offline)
    return EXIT_OK


def setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser(
        "serve",
        help="preview the site at http://127.0.0.1:8000/, rebuilding and reloading on every change",
    )
    add_source(serve)
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        metavar="N",
        help="the port to serve on (default: 8000; 0 picks a free one)",
    )
    serve.add_argument(
        "--now",
        metavar="TIME",
        help="preview as of this time, e.g. '2026-11-20 15:30 UTC' "
        "(default: the clock at each rebuild)",
    )
    serve.add_argument(
        "--offline",
        action="store_true",
        help="read no upstream provider (otherwise each is read at most every five minutes)",
    )
    serve.set_defaults(func=cmd_serve)
