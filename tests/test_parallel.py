"""A large site is read, rendered and written on several processes: the output must not depend
on that, the work must really reach the workers, and where forking is unsafe (another thread
running, macOS) or impossible the build must still work, in one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build, parallel
from generator.cli import main
from generator.parallel import MIN_ITEMS, Pending, Workers, _ranges

from .conftest import MakeSite
from .test_build import tree

# Builds a site in a fresh process (no other threads, so it may fork) and records the process
# that read each incident file and rendered each page.
BUILD = """
import os, sys, threading, time
from pathlib import Path
from generator import build, content
from generator.cli import main
from generator.render import pages

source, output, log, thread = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]

def logged(function):
    def run(*args):
        with log.open("a") as out:
            out.write(f"{function.__name__} {os.getpid()}\\n")
        return function(*args)
    return run

content.read_incident = logged(content.read_incident)
pages.render_jobs = logged(pages.render_jobs)
build.RENDERERS[:] = [logged(renderer) for renderer in build.RENDERERS]
if thread == "thread":  # a preview, say: forking now could copy a held lock
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
print(os.getpid(), flush=True)
code = main(["build", "--source", source, "--output", output, "--now", "2026-11-01 00:00 UTC"])
raise SystemExit(code)
"""


def incidents(count: int) -> dict[str, str]:
    return {
        f"2026-10-{1 + n % 28:02d}-incident-{n:04d}": f"""
            ---
            title: Incident {n} with <b>markup</b>
            components:
              {"api" if n % 2 else "storage"}: {"partial_outage" if n % 3 else "major_outage"}
            ---

            ## 2026-10-{1 + n % 28:02d} {10 + n % 12}:{n % 60:02d} — Resolved
            Fixed; see [the notes](https://acme.example/{n}).

            ## 2026-10-{1 + n % 28:02d} 09:{n % 60:02d} — Investigating
            - looking
            - at `{n}`
            """
        for n in range(count)
    }


def run_build(site: Path, out: Path, jobs: str, thread: str = "") -> dict[str, set[int]]:
    """Build in a fresh process; for each logged function, the processes that ran it (the
    building process itself as 0)."""
    log = out.with_suffix(".log")
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(site), str(out), str(log), thread],
        env={**os.environ, "STATUSGEN_JOBS": jobs},
        capture_output=True,
        text=True,
        check=True,
    )
    parent = int(result.stdout.split()[0])
    seen: dict[str, set[int]] = {}
    for line in log.read_text().splitlines():
        name, pid = line.split()
        seen.setdefault(name, set()).add(0 if int(pid) == parent else int(pid))
    return seen


ALONE = """
import os
from generator.parallel import Workers
parent = os.getpid()
def task(start, stop):
    return [(start, stop, os.getpid() != parent)] * (stop - start)
with Workers(2).start(task, 1003, alone=3) as pending:
    results = pending.results()
assert len(results) == 1003 and all(worker for _, _, worker in results), results[:5]
assert [chunk for chunk, _ in zip(results, range(3))] == [(0, 1, True), (1, 2, True), (2, 3, True)]
assert results[3][0] == 3  # the rest in shared chunks, from the first item after them
print("ok")
"""


def test_long_items_go_to_workers_alone_and_first() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ALONE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_ranges_cover_every_item_once() -> None:
    for items, parts in [(1, 4), (10, 4), (401, 8), (1000, 3)]:
        chunks = _ranges(items, parts)
        assert [i for start, stop in chunks for i in range(start, stop)] == list(range(items))


def test_a_build_on_workers_is_byte_identical_to_one_in_one_process(
    tmp_path: Path, make_site: MakeSite
) -> None:
    site = make_site(incidents(MIN_ITEMS + 50))
    one = run_build(site, tmp_path / "one", "1")
    two = run_build(site, tmp_path / "two", "2")
    # Reading and rendering really ran on two other processes, and only there...
    renderers = [renderer.__name__ for renderer in build.RENDERERS]
    assert one == {"read_incident": {0}, "render_jobs": {0}} | {r: {0} for r in renderers}
    for name in ("read_incident", "render_jobs"):
        assert len(two[name]) == 2 and 0 not in two[name], (name, two)
    # The feeds, the API, the calendar...: each on a worker too, while this process collects.
    assert 0 not in set().union(*(two[r] for r in renderers)), two
    # ... with more items than the threshold at every stage, and the same bytes.
    built = tree(tmp_path / "one")
    assert len(built) > MIN_ITEMS
    assert built == tree(tmp_path / "two")


def test_a_small_site_is_read_and_rendered_on_workers(tmp_path: Path, make_site: MakeSite) -> None:
    # Parsing a file or rendering a page is real work: a few dozen are worth the fork.
    site = make_site(incidents(30))
    one = run_build(site, tmp_path / "one", "1")
    two = run_build(site, tmp_path / "two", "2")
    assert set().union(*one.values()) == {0}
    for name in ("read_incident", "render_jobs"):
        assert len(two[name]) == 2 and 0 not in two[name], (name, two)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_process_running_another_thread_builds_alone(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site(incidents(MIN_ITEMS + 10))
    seen = run_build(site, tmp_path / "threaded", "2", thread="thread")
    assert set().union(*seen.values()) == {0}, seen
    assert len(list((tmp_path / "threaded" / "incidents").iterdir())) == MIN_ITEMS + 10


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_no_fork_where_it_is_unsafe(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # macOS's system libraries are not safe to use after fork (and its default is spawn).
    monkeypatch.delenv("STATUSGEN_JOBS", raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    assert not parallel.fork_is_safe()
    assert Workers.available().count == 1


def test_workers_that_cannot_start_leave_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel, "fork_is_safe", lambda: True)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    pending = Pending(lambda start, stop: list(range(start, stop)), 1000, workers=2)
    assert pending.results() == list(range(1000))


DYING = """
import os
from generator.parallel import Workers
parent = os.getpid()
def task(start, stop):
    if os.getpid() != parent and start == 0:
        os._exit(1)  # a worker killed mid-build (out of memory, say)
    return [(n, os.getpid() == parent) for n in range(start, stop)]
results = Workers(2).map(task, 1000)
assert [n for n, _ in results] == list(range(1000)), results
assert all(here for _, here in results)  # done again, in this process
print("ok")
"""


def test_a_worker_that_dies_leaves_the_work_to_this_process() -> None:
    result = subprocess.run(
        [sys.executable, "-c", DYING], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "ok"


def test_statusgen_jobs_must_be_a_number(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site()
    monkeypatch.setenv("STATUSGEN_JOBS", "many")
    code = main(["build", "--source", str(site), "--output", str(tmp_path / "out")])
    assert code == 2
    assert "STATUSGEN_JOBS='many' is not a number of processes" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def failed_build_on_workers(site: Path, out: Path) -> list[str]:
    """What a build on two workers that must fail says, each line; nothing may be written."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--output", str(out)]
        + ["--now", "2026-11-01 00:00 UTC"],
        env={**os.environ, "STATUSGEN_JOBS": "2"},
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert not out.exists()
    return result.stderr.splitlines()


def test_a_template_failing_on_a_worker_is_a_problem_at_its_line(
    tmp_path: Path, make_site: MakeSite
) -> None:
    site = make_site(incidents(MIN_ITEMS + 10))
    templates = site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    # It fails on one incident page, which check does not try: only a worker renders it.
    (templates / "incident.html").write_text(
        '{% extends "default/incident.html" %}\n'
        '{% block title %}{% if incident.id.endswith("-0007") %}{{ incident.nothing }}'
        "{% endif %}{% endblock %}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert failed_build_on_workers(site, out) == [
        "themes/default/templates/incident.html:2: error: 'generator.model.Incident object' "
        "has no attribute 'nothing': a template has site, facts, fmt, ctx, root and its "
        "page's own values (docs/themes.md)",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]


def test_a_renderer_failing_on_a_worker_names_its_file(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site(incidents(MIN_ITEMS + 10))
    static = site / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "logo\\dark.svg").write_text("<svg/>", encoding="utf-8")
    out = tmp_path / "out"
    assert failed_build_on_workers(site, out) == [
        "themes/default/static/logo\\dark.svg: error: refusing to write 'static/logo\\\\dark.svg': "
        "it would leave the output folder; give the file a name of letters, digits, dots, "
        "dashes and slashes",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
