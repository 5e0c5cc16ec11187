"""Problems found in a site's content, reported compiler-style as ``path:line: error: ...``.

Every stage collects problems instead of stopping at the first, so that one run lists them all.
The one exception type that reaches the command line is :class:`ContentError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a file and line (line 0: the file as a whole)."""

    path: str
    line: int
    severity: Severity
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"

    def annotation(self) -> str:
        """The GitHub Actions workflow command that shows this problem on its line.

        Values are escaped as GitHub's toolkit does, so that a file name holding ``,`` or ``:``
        cannot add properties of its own (``x,line=1,title=Spoofed::y.md``).
        """
        where = f"file={_escape_property(self.path)}"
        if self.line:
            where += f",line={self.line}"
        return f"::{self.severity} {where}::{_escape_data(self.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


QUOTE_LIMIT = 80  # characters of a value that a message shows
MESSAGE_LIMIT = 2000  # characters of a whole message


def clip(text: str, limit: int = 300) -> str:
    """Text from elsewhere (a library's message) cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message shows it: its repr, cut to ``limit`` characters with an ellipsis,
    so that a huge value (a YAML bomb, a pasted log) never makes a huge message."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "…"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        try:
            return f"a number of {len(str(abs(value)))} digits"
        except ValueError:  # more digits than Python converts to text
            return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def display_path(path: Path) -> str:
    """The path as a user should read it: relative to the current directory where possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return printable(str(path))
    return printable(str(path) if rel.startswith(".." + os.sep + "..") else rel)


def printable(text: str) -> str:
    """A file name as a terminal or log can show it: control characters (a newline would forge
    a line of output) and bytes that are not UTF-8 are written as escapes, like repr does."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else repr(char)[1:-1].replace("'", "")
        for char in text
    )


@dataclass
class Problems:
    """A collector of problems for one run."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path | str, line: int, message: str) -> None:
        self._add(path, line, "error", message)

    def warning(self, path: Path | str, line: int, message: str) -> None:
        self._add(path, line, "warning", message)

    def _add(self, path: Path | str, line: int, severity: Severity, message: str) -> None:
        shown = display_path(path) if isinstance(path, Path) else path
        if len(message) > MESSAGE_LIMIT:  # a last guard: values are quoted with quoted()
            message = message[:MESSAGE_LIMIT] + "…"
        self.items.append(Problem(shown, line, severity, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line, p.severity, p.message))


class ContentError(Exception):
    """The content has problems that stop a build; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # It crosses from a worker process to the build's whole (see parallel.py).
        return (ContentError, (self.problems,))


class UsageError(Exception):
    """The command was called wrongly (an unknown incident id, say): exit status 2."""
