"""``python -m generator`` is the same as the ``statusgen`` command."""

from generator.cli import run

run()
