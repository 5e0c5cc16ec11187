"""The sample site and its checked-in expected output.

Refresh the expected output after an intended change to what a build writes:

    python tests/sample.py

then review ``git diff tests/expected`` before committing.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXPECTED = REPO / "tests" / "expected" / "sample"
SAMPLE_NOW = "2026-11-20 15:30 UTC"  # the sample's incidents are written around this moment


def build_sample(output: Path) -> None:
    """Build the repository's sample site as of SAMPLE_NOW into ``output``."""
    from generator.build import build
    from generator.times import parse_now

    build(REPO, output, parse_now(SAMPLE_NOW, None))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    build_sample(EXPECTED)
    print(f"refreshed {EXPECTED.relative_to(REPO)}")
