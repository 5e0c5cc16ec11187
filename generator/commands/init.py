"""``statusgen init DIR``: a thin wrapper over :func:`generator.scaffold.create_site`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from generator import scaffold
from generator.cli import EXIT_OK, resolve_now
from generator.problems import display_path


def cmd_init(args: argparse.Namespace) -> int:
    source = scaffold.install_source() if args.package is None else None
    created = scaffold.create_site(
        args.directory,
        resolve_now(args),
        name=args.name,
        url=args.url,
        package=args.package if source is None else source.requirement,
        force=args.force,
    )
    for path in created.written:
        print(f"wrote {display_path(path)}")
    for path in created.kept:
        print(f"kept  {display_path(path)} (it already exists)")
    if source is not None:
        print(
            f"The site's workflows install {created.package}: {source.reason}. Choose "
            "another with --package, or later with STATUSGEN_PACKAGE in each workflow."
        )
    where = display_path(args.directory)
    step = "" if os.path.abspath(args.directory) == os.getcwd() else f"cd {where} && "
    print(
        f"\nNext: {step}statusgen check && statusgen serve\n"
        "Then read README.md there: it says how to post an incident and how to publish."
    )
    return EXIT_OK


def setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    init = sub.add_parser(
        "init",
        help="create a new status-site repository",
        description="Create a new status-site repository: site.yaml, an example incident, the "
        "GitHub workflows that check and publish it, a README for the comms team and a "
        ".gitignore. It passes `statusgen check` and builds as created.",
    )
    init.add_argument(
        "directory",
        type=Path,
        metavar="DIR",
        help="the folder to create (new, empty, or holding only .git)",
    )
    init.add_argument("--name", help="the site's name, e.g. 'Acme Cloud' (default: from DIR)")
    init.add_argument(
        "--url",
        default=scaffold.DEFAULT_URL,
        help=f"the site's public address (default: {scaffold.DEFAULT_URL}; "
        "change it in site.yaml later)",
    )
    init.add_argument(
        "--package",
        metavar="REQUIREMENT",
        help="what the site's workflows install statusgen from, as pip reads it (default: "
        "where this statusgen was installed from: its git commit, its archive URL, else "
        f"{scaffold.RELEASED_PACKAGE}), e.g. git+https://github.com/OWNER/statusgen@v1.0.0",
    )
    init.add_argument(
        "--force",
        action="store_true",
        help="add the missing files to a folder that is not empty; existing "
        "files are never overwritten",
    )
    init.add_argument(
        "--now",
        metavar="TIME",
        help="the time the example incident is dated "
        "relative to (default: SOURCE_DATE_EPOCH, else the clock)",
    )
    init.set_defaults(func=cmd_init)
