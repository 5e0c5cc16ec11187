"""The benchmark's sites built by statusgen and by cState (a Hugo theme), side by side.

    python bench/cstate.py --cstate PATH                  # 100, 1,000 and 10,000 incidents
    python bench/cstate.py --cstate PATH --sizes 1000 --runs 3

``PATH`` is a checkout of cState (https://github.com/cstate/cstate); ``hugo`` (extended) must be
on the PATH. Each size is the synthetic site of ``bench/run.py``, written once for statusgen and
once as cState content: the same incidents, each with its updates newest first (cState's
``{{< track >}}`` shortcode gives each its time), its components as cState systems, its impact
as a severity, a maintenance window as a ``notice``. Both builds run in a fresh process, one
after the other, into a new output folder each; the table gives the wall time and the peak memory
of each (ru_maxrss of the build's process: the largest of Hugo's, statusgen's main process), the
median of ``--runs``, and the ratio.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import GROUPS, NOW, REPO, load, machine, write_site  # noqa: E402

from generator.config import load_site  # noqa: E402
from generator.content import load_content  # noqa: E402
from generator.derive import compute_facts  # noqa: E402
from generator.problems import Problems  # noqa: E402

SEVERITY = {"critical": "down", "major": "down", "minor": "disrupted", "none": "notice"}


def cstate_site(statusgen_site: Path, folder: Path, theme: Path) -> Path:
    """The same incidents as a cState site at ``folder``, with the theme at ``theme``."""
    problems = Problems()
    site = load_site(statusgen_site, problems)
    assert site is not None, problems.sorted()
    content = load_content(site, problems)
    facts = compute_facts(content, NOW)
    issues = folder / "content" / "issues"
    issues.mkdir(parents=True)
    (folder / "themes").mkdir()
    (folder / "themes" / "cstate").symlink_to(theme.resolve(), target_is_directory=True)
    names = {component.id: component.name for component in site.all_components}
    systems = [
        f"    - name: {names[leaf]}\n      category: {group_name}"
        for group_name, leaves in GROUPS.values()
        for leaf in leaves
    ]
    categories = [f"    - name: {name}" for name, _ in GROUPS.values()]
    (folder / "config.yml").write_text(
        f"""title: {site.name}
baseURL: {site.url}
languageCode: en
theme: cstate
buildFuture: true
preserveTaxonomyNames: true
taxonomies:
  affected: affected
params:
  incidentHistoryFormat: yearly
  enableUptimeHistogram: true
  dateFormat: January 2, 2006 at 3:04 PM
  shortDateFormat: 15:04 — Jan 2
  useRelativeTime: true
  enableLastMod: true
  incidentPostsPerPage: 5
  description: {site.description}
  brand: "#0a0c0f"
  ok: "#008000"
  disrupted: "#cc4400"
  down: "#e60000"
  notice: "#24478f"
  alwaysKeepBrandColor: true
  headerTextColor: white
  categories:
{chr(10).join(categories)}
  systems:
{chr(10).join(systems)}
outputs:
  page: [html, json]
  section: [html, json, rss]
  home: [html, json, rss, svg]
  term: [html, json, rss, svg]
outputFormats:
  svg:
    mediaType: image/svg+xml
    baseName: badge
""",
        encoding="utf-8",
    )
    for incident in content.incidents:
        state = facts.of(incident)
        affected = sorted({names[c] for c in incident.listed_ids if c in names})
        severity = "notice" if incident.is_maintenance else SEVERITY.get(state.impact, "down")
        front = [
            f"title: {incident.title!r}",
            f"date: {incident.first_update.time.isoformat()}",
            f"resolved: {'false' if state.active else 'true'}",
            f"severity: {severity}",
            "affected:",
            *(f"  - {name}" for name in affected),
            "section: issue",
        ]
        if state.resolved_at:
            front.append(f"resolvedWhen: {state.resolved_at.isoformat()}")
        body = [
            f"*{update.status.replace('_', ' ').title()}* - {update.body} "
            f'{{{{< track "{update.time.isoformat()}" >}}}}'
            for update in reversed(incident.updates)
        ]
        (issues / f"{incident.id}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8"
        )
    return folder


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time, to the end or until it was stopped
    peak_mb: float | None  # ru_maxrss of the process waited on; None when it was stopped
    outcome: str  # "ok", "failed" (its error is printed) or "stopped" (over the limit)


def timed(command: list[str], limit: float, env: dict[str, str] | None = None) -> Run:
    """Run a command, stopping it after ``limit`` seconds."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            seconds = time.perf_counter() - started
            if pid:
                break
            if seconds > limit:
                child.kill()
                child.wait()
                return Run(seconds, None, "stopped")
            time.sleep(0.02)
        child.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if code != 0:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace")
            print(
                f"{command[0]} failed ({code}) after {seconds:.0f} s:\n{text[-2000:]}",
                file=sys.stderr,
            )
    return Run(seconds, usage.ru_maxrss / 1024, "ok" if code == 0 else "failed")


def cell(runs: list[Run]) -> tuple[str, float | None, str]:
    """A build's time (the median, or why there is none), the time as a number, its peak."""
    peaks = [run.peak_mb for run in runs if run.peak_mb is not None]
    peak = f"{max(peaks):.0f}" if peaks else "-"
    bad = [run for run in runs if run.outcome != "ok"]
    if bad:
        word = "failed after" if bad[0].outcome == "failed" else "stopped after"
        return f"{word} {bad[0].seconds:.0f}", None, peak
    seconds = statistics.median(run.seconds for run in runs)
    return f"{seconds:.2f}", seconds, peak


def summary(ours: list[Run], theirs: list[Run]) -> str:
    """The table's row after its size: the median times, their ratio and the peaks."""
    (our_text, our_time, our_peak), (their_text, their_time, their_peak) = cell(ours), cell(theirs)
    if our_time is not None and their_time is not None:
        ratio = f"{their_time / our_time:.1f}"
    elif our_time is not None:
        ratio = f"over {min(run.seconds for run in theirs) / our_time:.0f}"
    else:
        ratio = "-"
    return f"{our_text} | {their_text} | {ratio} | {our_peak} | {their_peak} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cstate", type=Path, required=True, help="a checkout of cState")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000], metavar="N")
    parser.add_argument("--runs", type=int, default=1, metavar="N", help="the median of N runs")
    parser.add_argument(
        "--limit", type=float, default=1200, metavar="S", help="stop a build after S seconds"
    )
    args = parser.parse_args(argv)
    hugo = shutil.which("hugo")
    if hugo is None or not (args.cstate / "layouts").is_dir():
        raise SystemExit("needs hugo (extended) on the PATH and --cstate naming a cState checkout")
    compileall.compile_dir(REPO / "generator", quiet=1)
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {machine()}\n{version}\nload average before: {load()}")
    print("| incidents | statusgen (s) | cState (s) | ratio | statusgen (MB) | cState (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory(prefix="statusgen-cstate-") as folder:
        work = Path(folder)
        for size in args.sizes:
            ours = write_site(work / f"statusgen-{size}", size)
            theirs = cstate_site(ours, work / f"cstate-{size}", args.cstate)
            # Each command, finished by the output folder of its run.
            commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
                "statusgen": (
                    [sys.executable, "-m", "generator", "build", "--source", str(ours)]
                    + ["--now", NOW.isoformat(), "--output"],
                    env,
                ),
                "cstate": ([hugo, "--source", str(theirs), "--quiet", "--destination"], None),
            }
            runs: dict[str, list[Run]] = {name: [] for name in commands}
            for run in range(max(args.runs, 1)):  # one after the other, in turns
                for name, (command, environ) in commands.items():
                    out = work / f"out-{size}-{run}-{name}"
                    runs[name].append(timed([*command, str(out)], args.limit, environ))
            print(f"| {size:,} | {summary(runs['statusgen'], runs['cstate'])}")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
