"""The files of a build, collected in memory and then swapped into place at once.

Nothing touches the output folder until every file has been rendered; a path can never escape
the output folder, and two renderers writing one path is an error.

A build replaces its whole output folder, so it must never be pointed at a folder of the
user's: the output may only be a new folder, an empty one (dotfiles aside, which are kept), or
one that statusgen wrote itself, which it marks with :data:`MARKER` (as Sphinx marks its output
with ``.buildinfo``). A folder that holds, or lies inside, the site's own ``site.yaml``,
``content/`` or ``themes/`` is never an output, marked or not.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

try:
    import fcntl
except ImportError:  # Windows: builds into one folder are not serialized there
    fcntl = None  # type: ignore[assignment]

from generator.parallel import IN_PROCESS, Workers
from generator.problems import ContentError, Problem, UsageError, display_path

# Written into every output folder; its presence says the folder may be replaced by a build.
MARKER = ".statusgen-output"
MARKER_TEXT = (
    "This folder is the output of `statusgen build`. Each build replaces all of it (files whose\n"
    "names start with a dot are kept), so do not keep anything else here.\n"
)
# What a build of statusgen 0.1 (which wrote no marker) always left in its output folder.
_UNMARKED_OUTPUT = ("index.html", "embed.js", "_headers", "api/v2/summary.json")
SOURCE_ENTRIES = ("site.yaml", "content", "themes")


class OutputConflict(ValueError):
    """Two things tried to write the same output path, or a path left the output folder."""

    def __init__(self, message: str, source: Path | None = None):
        super().__init__(message)
        self.message = message
        self.source = source  # the file that asked for the path, when there is one

    def __reduce__(self) -> tuple[type[OutputConflict], tuple[str, Path | None]]:
        # It may cross from a worker process (a renderer runs there), its file named still.
        return (OutputConflict, (self.message, self.source))

    def problem(self) -> Problem:
        where = display_path(self.source) if self.source is not None else "the built site"
        return Problem(where, 0, "error", self.message)


class SiteFiles:
    """Output paths (POSIX, relative to the site root) and their bytes.

    Pages rendered on worker processes go straight to the staging folder (:meth:`stage`) and
    are only named here (:meth:`add_written`): a big site's pages never all sit in memory.
    """

    def __init__(self) -> None:
        self._files: dict[str, bytes | None] = {}  # None: already written to the staging folder
        self.staging: Path | None = None  # the fresh folder being filled, during :meth:`stage`

    def add(self, path: str, data: bytes | str, source: Path | None = None) -> None:
        """Add a file at ``path``; ``source``: the file it comes from, named in a conflict."""
        clean = self._claim(path, source)
        self._files[clean] = data.encode("utf-8") if isinstance(data, str) else data

    def add_written(self, path: str) -> None:
        """Name a file that a worker has written into the staging folder itself."""
        self._files[self._claim(path, None)] = None

    def _claim(self, path: str, source: Path | None) -> str:
        clean = _safe_path(path, source)
        if clean in self._files:
            raise OutputConflict(f"two parts of the site both write {clean}", source)
        return clean

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def __getitem__(self, path: str) -> bytes:
        data = self._files[path]
        if data is None:
            assert self.staging is not None
            return (self.staging / path).read_bytes()
        return data

    def paths(self) -> list[str]:
        return sorted(self._files)

    def in_memory(self) -> dict[str, bytes]:
        """Every file's bytes, by path (a site rendered without a staging folder)."""
        assert all(data is not None for data in self._files.values())
        return dict(self._files)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def stage(self, output: Path) -> Iterator[Path]:
        """A fresh folder beside ``output`` to render into, swapped in by :meth:`finish`;
        removed if anything fails first. Builds into one output take turns from here on."""
        output = output.resolve()
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            lock = _output_lock(output)
            lock.__enter__()
        except OSError as exc:
            raise _write_problem(output, exc) from None
        try:
            try:
                _recover(output)
                self.staging = Path(
                    tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent)
                )
            except OSError as exc:
                raise _write_problem(output, exc) from None
            try:
                yield self.staging
            finally:
                if self.staging is not None:  # not swapped in: something failed
                    shutil.rmtree(self.staging, ignore_errors=True)
                    self.staging = None
        finally:
            lock.__exit__(None, None, None)

    def finish(self, output: Path, workers: Workers = IN_PROCESS) -> None:
        """Write the files still in memory into the staging folder, then swap it in."""
        assert self.staging is not None
        try:
            self._fill(self.staging, workers)
            _swap(self.staging, output.resolve())
        except OSError as exc:
            raise _write_problem(output, exc) from None
        self.staging = None

    def write_atomically(self, output: Path, workers: Workers = IN_PROCESS) -> None:
        """Write every file to a fresh folder beside ``output``, then swap it in.

        A fault of the machine (a read-only folder, a full disk, a file where a folder should
        be) is a problem naming the path, with the previous output left as it was.
        """
        with self.stage(output):
            self.finish(output, workers)

    def _fill(self, staging: Path, workers: Workers) -> None:
        paths = [path for path in self.paths() if self._files[path] is not None]

        def write(start: int, stop: int) -> list[None]:
            made: set[str] = set()
            for path in paths[start:stop]:
                data = self._files[path]
                assert data is not None
                write_file(staging, path, data, made)
            return []

        # Thousands of small files: the file system is the bottleneck; spread over the cores.
        workers.map(write, len(paths))


# Windows would otherwise turn each "\n" written into "\r\n".
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_file(staging: Path, path: str, data: bytes, made: set[str]) -> None:
    """One output file into the staging folder; ``made``: folders known to exist already.

    Plain system calls, not :class:`Path`'s: a site of 10,000 incidents is 10,000 folders and
    files, and each costs fewer calls this way."""
    folder, _, _ = path.rpartition("/")
    target = f"{staging}/{path}"
    if folder and folder not in made:
        os.makedirs(f"{staging}/{folder}", exist_ok=True)
        made.add(folder)
    handle = os.open(target, _WRITE_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def _write_problem(output: Path, exc: OSError) -> ContentError:
    shown = display_path(output)
    cause = exc.strerror or str(exc)
    if exc.filename and display_path(Path(exc.filename)) != shown:
        cause += f" ({display_path(Path(exc.filename))})"
    return ContentError([Problem(shown, 0, "error", f"cannot write the site here: {cause}")])


def _swap(staging: Path, output: Path) -> None:
    """Put the filled staging folder in the place of ``output`` (with the lock held)."""
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    # Keep dotfiles an operator put in the output (.nojekyll, .well-known, .git).
    if output.is_dir():
        for kept in output.iterdir():
            if kept.name.startswith(".") and not (staging / kept.name).exists():
                _copy(kept, staging / kept.name)
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from a web server
    retired = None
    _refuse_foreign(output)  # again: the folder may have changed while we rendered
    if output.exists():
        retired = output.parent / f".{output.name}.old-{os.getpid()}"
        os.replace(output, retired)
    try:
        os.replace(staging, output)
    except BaseException:
        if retired is not None:  # put the previous site back where it was
            os.replace(retired, output)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


@contextlib.contextmanager
def _output_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder that holds the output, for the length of a write.

    An advisory lock (flock) on the folder itself rather than on a lock file beside the output:
    nothing is left behind, and the system releases it when its holder dies, so a build that
    was killed never blocks the next one.
    """
    if fcntl is None:
        yield
        return
    handle = os.open(output.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _recover(output: Path) -> None:
    """Tidy up after a build that was killed mid-write (called with the lock held, so no
    other build is running): put back a previous site that was moved aside and not replaced,
    and remove half-written and retired folders."""
    prefix = f".{output.name}."
    leftovers = sorted(
        p for p in output.parent.iterdir() if p.name.startswith((prefix + "new-", prefix + "old-"))
    )
    retired = [p for p in leftovers if p.name.startswith(prefix + "old-") and p.is_dir()]
    if not output.exists() and retired:
        # Killed between the two renames: the retired folder is the last good site.
        os.replace(retired[-1], output)
        leftovers.remove(retired[-1])
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def guard_output(source: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would delete anything of the user's."""
    source, output = source.resolve(), output.resolve()
    shown = display_path(output)
    for name in SOURCE_ENTRIES:
        entry = (source / name).resolve()
        if output == entry or output in entry.parents:
            raise UsageError(
                f"refusing to build into {shown}: it holds the site's own {name}, which the "
                "build would replace; choose a folder of its own, e.g. --output _site"
            )
        if entry in output.parents:
            raise UsageError(
                f"refusing to build into {shown}: it lies inside the site's {name}/ folder; "
                "choose a folder outside it, e.g. --output _site"
            )
    if output.parent.is_dir():
        # Before anything else: a build killed mid-swap may have left the previous site aside.
        # A folder that cannot be tidied now is reported when the build writes into it.
        with contextlib.suppress(OSError), _output_lock(output):
            _recover(output)
    _refuse_foreign(output)


def _refuse_foreign(output: Path) -> None:
    """Refuse a file, or a folder holding files statusgen did not write."""
    shown = display_path(output)
    if output.exists() and not output.is_dir():
        raise UsageError(
            f"refusing to build into {shown}: it is a file, and a build writes a folder; "
            "choose another path, e.g. --output _site"
        )
    if not output.is_dir() or (output / MARKER).is_file():
        return
    own = [p for p in sorted(output.iterdir()) if not p.name.startswith(".")]
    if own and not all((output / name).is_file() for name in _UNMARKED_OUTPUT):
        names = ", ".join(p.name for p in own[:3]) + (", ..." if len(own) > 3 else "")
        raise UsageError(
            f"refusing to replace {shown}: it holds files that statusgen did not write "
            f"({names}), and a build replaces its whole output folder; choose a new or "
            "empty folder, e.g. --output _site"
        )


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)


# A path of plain names (most of a site's, and every page's): nothing to clean, nothing to fear.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


def _safe_path(path: str, source: Path | None) -> str:
    if _PLAIN_PATH.fullmatch(path) and "/." not in path:
        return path
    posix = PurePosixPath(path)
    if posix.is_absolute() or any(part in ("", ".", "..") for part in posix.parts) or "\\" in path:
        raise OutputConflict(
            f"refusing to write {path!r}: it would leave the output folder; give the file "
            "a name of letters, digits, dots, dashes and slashes",
            source,
        )
    return str(posix)
