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
        """The GitHub Actions workflow command that shows this problem on its line."""
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        where = f"file={self.path}"
        if self.line:
            where += f",line={self.line}"
        return f"::{self.severity} {where}::{text}"


def display_path(path: Path) -> str:
    """The path as a user should read it: relative to the current directory where possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith(".." + os.sep + "..") else rel


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
