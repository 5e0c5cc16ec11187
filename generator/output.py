"""The files of a build, collected in memory and then swapped into place at once.

Nothing touches the output folder until every file has been rendered; a path can never escape
the output folder, and two renderers writing one path is an error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from generator.parallel import IN_PROCESS, Workers
from generator.problems import Problem, display_path


class OutputConflict(ValueError):
    """Two things tried to write the same output path, or a path left the output folder."""

    def __init__(self, message: str, source: Path | None = None):
        super().__init__(message)
        self.message = message
        self.source = source  # the file that asked for the path, when there is one

    def problem(self) -> Problem:
        where = display_path(self.source) if self.source is not None else "the built site"
        return Problem(where, 0, "error", self.message)


class SiteFiles:
    """Output paths (POSIX, relative to the site root) and their bytes."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, data: bytes | str, source: Path | None = None) -> None:
        """Add a file at ``path``; ``source``: the file it comes from, named in a conflict."""
        clean = _safe_path(path, source)
        if clean in self._files:
            raise OutputConflict(f"two parts of the site both write {clean}", source)
        self._files[clean] = data.encode("utf-8") if isinstance(data, str) else data

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def __getitem__(self, path: str) -> bytes:
        return self._files[path]

    def paths(self) -> list[str]:
        return sorted(self._files)

    def write_atomically(self, output: Path, workers: Workers = IN_PROCESS) -> None:
        """Write every file to a fresh folder beside ``output``, then swap it in."""
        output = output.resolve()
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        paths = self.paths()

        def write(start: int, stop: int) -> list[None]:
            made: set[Path] = set()
            for path in paths[start:stop]:
                target = staging / path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(self._files[path])
            return []

        try:
            # Thousands of small files: the file system is the bottleneck; spread over the cores.
            workers.map(write, len(paths))
            # Keep dotfiles an operator put in the output (.nojekyll, .well-known, .git).
            if output.is_dir():
                for kept in output.iterdir():
                    if kept.name.startswith(".") and not (staging / kept.name).exists():
                        _copy(kept, staging / kept.name)
            os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from a web server
            retired = None
            if output.exists():
                retired = output.parent / f".{output.name}.old-{os.getpid()}"
                os.replace(output, retired)
            os.replace(staging, output)
            if retired is not None:
                shutil.rmtree(retired, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)


def _safe_path(path: str, source: Path | None) -> str:
    posix = PurePosixPath(path)
    if posix.is_absolute() or any(part in ("", ".", "..") for part in posix.parts) or "\\" in path:
        raise OutputConflict(
            f"refusing to write {path!r}: it would leave the output folder; give the file "
            "a name of letters, digits, dots, dashes and slashes",
            source,
        )
    return str(posix)
