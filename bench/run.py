"""Benchmark: how long statusgen takes to build large sites, and how much memory it needs.

    python bench/run.py                      # 100, 1,000 and 10,000 incidents
    python bench/run.py --sizes 100 1000     # only these sizes
    python bench/run.py --runs 5 --sizes 1000  # the median of five runs of each measure
    python bench/run.py --profile 1000       # also profile one build and print its hot spots

For each size it writes a synthetic site (twelve components in four groups; N incidents and
maintenance windows with four updates each, varied statuses and Markdown) into a temporary
folder, builds it in a fresh Python process as a user's ``statusgen build`` would, and reports the
wall time and that process's peak memory (ru_maxrss of the building process; its forked workers
are not counted). It then times the preview's rebuild after an incident gains an update, in a
warm process as ``statusgen serve`` keeps one, and weighs the home page (its HTML as written, and
gzipped as a host sends it). With ``--runs N`` each measure is taken N times and the median is
shown. Results are printed as a Markdown table (docs/performance.md holds the latest), with the
machine's load average before and after: on a shared machine, times vary with it.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # the synthetic sites' "now", for repeatability
GROUPS = {
    "platform": ("Platform", ["api", "auth", "webhooks"]),
    "storage": ("Storage", ["blob", "db", "backups"]),
    "network": ("Network", ["cdn", "dns", "lb"]),
    "apps": ("Applications", ["dashboard", "website", "email"]),
}
LEAVES = [leaf for _, leaves in GROUPS.values() for leaf in leaves]
OUTAGES = ["degraded_performance", "partial_outage", "major_outage"]
PARAGRAPHS = [
    "We are seeing **elevated error rates** on requests and are investigating.",
    "A configuration change caused the errors; we are rolling it back. See the "
    "[runbook](https://example.com/runbook) for details.",
    "Error rates are back to normal. We apologise for the disruption.",
    "Affected regions:\n\n- eu-central\n- us-east\n- ap-south",
    "If you still see failures, reconnect your clients:\n\n```sh\nacme reconnect --all\n```",
    "### What we know\n\nThe `primary` node failed over *slowly*; about 3% of requests timed out.",
    "1. Traffic was drained.\n2. The node was replaced.\n3. Traffic was restored.",
    "> Requests may be retried safely; they are idempotent.",
]


def site_yaml() -> str:
    lines = [
        "name: Bench Cloud",
        "url: https://status.bench.example/",
        "timezone: Europe/Berlin",
        "description: A synthetic site for the benchmark",
        "components:",
    ]
    for group, (name, leaves) in GROUPS.items():
        lines += [f"  - id: {group}", f"    name: {name}", "    components:"]
        for leaf in leaves:
            lines += [
                f"      - id: {leaf}",
                f"        name: {leaf.title()} service",
                f"        description: The {leaf} service",
            ]
    return "\n".join(lines) + "\n"


def incident_text(rng: random.Random, number: int, start: datetime) -> str:
    """One incident (or, one in ten, a maintenance window) with four updates."""

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M UTC")

    def body() -> str:
        return "\n\n".join(rng.sample(PARAGRAPHS, rng.randint(1, 2)))

    steps = [timedelta(minutes=rng.randint(5, 90)) for _ in range(3)]
    times = [start, start + steps[0], start + steps[0] + steps[1], start + sum(steps, timedelta())]
    if number % 10 == 0:
        end = start + timedelta(hours=2)
        front = [
            f"title: Planned work number {number}",
            "components:",
            *(f"  - {leaf}" for leaf in rng.sample(LEAVES, rng.randint(1, 3))),
            "maintenance:",
            f"  start: {stamp(start)}",
            f"  end: {stamp(end)}",
        ]
        before = start - timedelta(days=3)
        updates = [
            (before, "Scheduled"),
            (before + timedelta(days=1), "Update"),
            (start, "In progress"),
            (end, "Completed"),
        ]
    else:
        affected = rng.sample([*LEAVES, *GROUPS], rng.randint(1, 3))
        front = [
            f"title: 'Incident {number}: elevated errors'",
            "components:",
            *(f"  {item}: {rng.choice(OUTAGES)}" for item in affected),
        ]
        if rng.random() < 0.3:
            front.append(f"impact: {rng.choice(['minor', 'major', 'critical'])}")
        statuses = rng.choice(
            [
                ["Investigating", "Identified", "Monitoring", "Resolved"],
                ["Investigating", "Update", "Monitoring", "Resolved"],
                ["Identified", "Monitoring", "Resolved", "Postmortem"],
                ["Investigating", "Identified", "Update", "Resolved"],
            ]
        )
        updates = list(zip(times, statuses, strict=True))
    rng.shuffle(updates)  # updates may stand in any order in a file
    sections = [f"## {stamp(moment)} — {status}\n{body()}\n" for moment, status in updates]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(sections)


def write_site(folder: Path, incidents: int) -> Path:
    """A synthetic site of ``incidents`` files, spread back in time from NOW, about 3 a day."""
    rng = random.Random(incidents)
    (folder / "content" / "incidents").mkdir(parents=True)
    (folder / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    for number in range(incidents):
        start = NOW - timedelta(hours=8 * (incidents - number) + rng.randint(0, 6))
        name = f"{start:%Y-%m-%d}-incident-{number:05d}.md"
        path = folder / "content" / "incidents" / name
        path.write_text(incident_text(rng, number, start), encoding="utf-8")
    return folder


@dataclass
class Result:
    incidents: int
    seconds: float  # cold build, median of the runs
    peak_mb: float
    rebuild_seconds: float  # the preview's rebuild after one edit, median of the runs
    files: int
    output_mb: float
    home_kb: float  # index.html as written
    home_gzip_kb: float  # and gzipped
    spread: tuple[float, float]  # the fastest and slowest cold build


def run_child(code: str, *args: str) -> tuple[float, float, str]:
    """Run Python code in a fresh process: its wall time, its own peak memory (MB), its output."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = child.communicate()
    # The child reports its own peak (ru_maxrss, KB on Linux): RUSAGE_CHILDREN here would be
    # the maximum over every child so far, mixing the sizes.
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-20:])
        raise SystemExit(f"the child failed ({child.returncode}):\n{tail}")
    report = json.loads(stdout.strip().splitlines()[-1])
    return seconds, report["peak_kb"] / 1024, report.get("detail", "")


# As a user runs `statusgen build`: the command's own entry point, exit included.
BUILD = """
import atexit, json, resource, sys
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: print(json.dumps({"peak_kb": peak()}), flush=True))
sys.argv = ["statusgen", "build", "--source", sys.argv[1], "--output", sys.argv[2],
            "--now", sys.argv[3]]
try:
    from generator.cli import run
except ImportError:  # an earlier version: the command was main()
    from generator.cli import main as run
sys.exit(run())
"""

REBUILD = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
source, now, runs = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), int(sys.argv[4])
try:
    from generator.preview import Preview
    preview = Preview(source, now=lambda: now)
    rebuild = preview.rebuild
except ImportError:  # before the preview existed: a second build in the same process
    from generator.build import build
    rebuild = lambda: build(source, Path(sys.argv[3]), now) is not None
assert rebuild()
changed = sorted((source / "content" / "incidents").glob("*.md"))[-1]
times = []
for run in range(runs):
    text = changed.read_text(encoding="utf-8")
    head, _, rest = text.partition("\\n---\\n")
    update = f"## 2026-11-20 11:{59 - run:02d} UTC — Update\\nStill watching.\\n"
    changed.write_text(head + "\\n---\\n\\n" + update + rest, encoding="utf-8")
    started = time.perf_counter()
    assert rebuild()
    times.append(time.perf_counter() - started)
    getattr(preview, "tidy", lambda: None)()  # as the preview does once the site is served
print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "detail": times}))
"""


def measure(incidents: int, work: Path, runs: int = 1) -> Result:
    source = write_site(work / f"site-{incidents}", incidents)
    # Each cold build writes a new output folder, as CI's does; replacing an existing one adds
    # the time to delete it (docs/performance.md).
    outputs = [work / f"out-{incidents}-{run}" for run in range(runs)]
    builds = [run_child(BUILD, str(source), str(out), NOW.isoformat()) for out in outputs]
    output = outputs[-1]
    seconds = statistics.median(b[0] for b in builds)
    peak_mb = max(b[1] for b in builds)
    files = [path for path in output.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files) / 1e6
    home = (output / "index.html").read_bytes()
    _, _, rebuilds = run_child(
        REBUILD, str(source), NOW.isoformat(), str(work / "rebuild"), str(runs)
    )
    return Result(
        incidents,
        seconds,
        peak_mb,
        statistics.median(rebuilds),
        len(files),
        size,
        len(home) / 1000,
        len(gzip.compress(home, mtime=0)) / 1000,
        (min(b[0] for b in builds), max(b[0] for b in builds)),
    )


def profile(incidents: int, work: Path) -> None:
    """Profile one in-process build with cProfile and print the 25 most expensive calls. It
    runs in one process (STATUSGEN_JOBS=1): workers' time would show as waiting."""
    import cProfile
    import pstats

    os.environ["STATUSGEN_JOBS"] = "1"
    sys.path.insert(0, str(REPO))
    from generator.build import build

    source = write_site(work / f"profile-{incidents}", incidents)
    profiler = cProfile.Profile()
    profiler.enable()
    build(source, work / f"profile-out-{incidents}", NOW)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with_model = Path("/proc/cpuinfo")
    if with_model.is_file():
        for line in with_model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def load() -> str:
    """The 1, 5 and 15 minute load averages, where the system tells them."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100, 1000, 10000],
        metavar="N",
        help="numbers of incidents (default: 100 1000 10000)",
    )
    parser.add_argument(
        "--runs", type=int, default=1, metavar="N", help="take each measure N times: the median"
    )
    parser.add_argument(
        "--profile", type=int, metavar="N", help="also profile one build of N incidents (cProfile)"
    )
    args = parser.parse_args(argv)
    # As pip does when it installs statusgen: the code compiled once, not at every start (where
    # PYTHONDONTWRITEBYTECODE is set, Python would compile it afresh in each build).
    compileall.compile_dir(REPO / "generator", quiet=1)
    print(f"machine: {machine()}")
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-") as folder:
        work = Path(folder)
        print(
            "| incidents | cold build (s) | peak memory (MB) | rebuild after one edit (s) "
            "| files written | output (MB) | home page (kB; gzipped) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for run, size in enumerate(args.sizes):
            # A size may be given twice, to repeat it.
            r = measure(size, work / f"run-{run}", max(args.runs, 1))
            spread = f" ({r.spread[0]:.2f} – {r.spread[1]:.2f})" if args.runs > 1 else ""
            print(
                f"| {r.incidents:,} | {r.seconds:.2f}{spread} | {r.peak_mb:.0f} | "
                f"{r.rebuild_seconds:.2f} | {r.files:,} | {r.output_mb:.1f} | "
                f"{r.home_kb:.0f}; {r.home_gzip_kb:.0f} |",
                flush=True,
            )
        print(f"load average after: {load()}")
        if args.profile:
            profile(args.profile, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
