"""A large site is read and rendered on several cores: the output must not depend on that."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.parallel import MIN_ITEMS, _ranges, map_ranges

from .conftest import MakeSite
from .test_build import tree


def test_ranges_cover_every_item_once() -> None:
    for items, parts in [(1, 4), (10, 4), (401, 8), (1000, 3)]:
        chunks = _ranges(items, parts)
        assert [i for start, stop in chunks for i in range(start, stop)] == list(range(items))


def test_map_ranges_keeps_order_in_process() -> None:
    assert map_ranges(lambda start, stop: list(range(start, stop)), 5) == [[0, 1, 2, 3, 4]]


def test_parallel_build_is_byte_identical_to_serial(tmp_path: Path, make_site: MakeSite) -> None:
    incidents = {
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
        for n in range(MIN_ITEMS + 50)
    }
    site = make_site(incidents)
    outputs = {}
    for jobs in ("1", "auto"):
        env = {**os.environ, "STATUSGEN_JOBS": jobs}
        out = tmp_path / f"out-{jobs}"
        # A fresh process, with no other threads, so the auto run really forks workers.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--source",
                str(site),
                "--output",
                str(out),
                "--now",
                "2026-11-01 00:00 UTC",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs[jobs] = tree(out)
    assert len(outputs["1"]) > MIN_ITEMS
    assert outputs["1"] == outputs["auto"]
