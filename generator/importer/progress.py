"""A progress line for long imports, on standard error.

At a terminal it is one line rewritten in place; with ``--progress`` elsewhere (a CI log) each
step is a line of its own. Otherwise nothing is shown, so scripts and tests read only results.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.in_place = enabled and _isatty(self.stream)
        self._shown = False

    @classmethod
    def for_terminal(cls, forced: bool = False) -> Progress:
        """Shown when standard error is a terminal, or when ``forced`` (``--progress``)."""
        return cls(enabled=forced or _isatty(sys.stderr))

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        if self.in_place:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        """End the line rewritten in place, so what follows starts on a line of its own."""
        if self.in_place and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self._shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
