"""Page weight: what a reader downloads, and what a host stores (docs/performance.md).

    python bench/weight.py                                    # the sample, and 10,000 incidents
    python bench/weight.py --dates 2026-12-01 --sizes 1000    # other dates and sizes

For the repository's sample site at each date, and for each synthetic site of bench/run.py, it
builds the site in this process and reports the home page's weight with the CSS, JavaScript and
icons it links from the site (none: it carries them inline), the largest page outside the
history, and the whole output. tests/test_budgets.py holds the budgets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import NOW, write_site  # noqa: E402 - after the path is set
from generator.build import build  # noqa: E402
from generator.times import parse_now  # noqa: E402
from tests.test_budgets import home_weight  # noqa: E402


def weigh(label: str, output: Path) -> str:
    files = [path for path in output.rglob("*") if path.is_file()]
    pages = [
        (path.stat().st_size, path.relative_to(output).as_posix())
        for path in files
        if path.suffix == ".html" and path.relative_to(output).parts[0] != "history"
    ]
    size, largest = max(pages)
    total = sum(path.stat().st_size for path in files) / 1e6
    return f"| {label} | {home_weight(output):,} | {largest} ({size:,}) | {total:.1f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dates",
        nargs="*",
        default=["2026-11-20 15:30 UTC", "2026-12-01 12:00 UTC"],
        metavar="TIME",
        help="the sample site's build times (default: its own date, and 2026-12-01)",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10000],
        metavar="N",
        help="synthetic sites of N incidents, built at bench/run.py's now (default: 10000)",
    )
    args = parser.parse_args(argv)
    print("| site | home page with its CSS and JS (bytes) | largest other page | output (MB) |")
    print("|---|---:|---|---:|")
    with tempfile.TemporaryDirectory(prefix="statusgen-weight-") as folder:
        work = Path(folder)
        for n, when in enumerate(args.dates):
            output = work / f"sample-{n}"
            build(REPO, output, parse_now(when, None), offline=True)
            print(weigh(f"sample at {when}", output), flush=True)
        for size in args.sizes:
            source = write_site(work / f"site-{size}", size)
            build(source, work / f"out-{size}", NOW, offline=True)
            print(weigh(f"{size:,} incidents", work / f"out-{size}"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
