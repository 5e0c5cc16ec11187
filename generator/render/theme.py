"""Themes as a search path: a site's ``themes/<name>/`` overrides the built-in default
template by template, and an override can ``{% extends "default/<template>" %}``.

A mistake in a template (a syntax error, an undefined name, an include of a template that is
not there) is a problem at the template's file and line, like a mistake in the content.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.bccache import Bucket

from generator.problems import Problem, Problems, display_path

DEFAULT_PREFIX = "default/"  # how an override names the built-in template it extends


def builtin_theme() -> Path:
    """The default theme: inside the installed package, or at the repository root."""
    installed = Path(__file__).resolve().parent.parent / "themes" / "default"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent.parent / "themes" / "default"


def theme_dirs(source: Path, theme: str) -> list[Path]:
    """Theme folders, most specific first, ending with the built-in default."""
    candidates = [source / "themes" / theme]
    if theme != "default":
        candidates.append(source / "themes" / "default")
    builtin = builtin_theme()
    out = [c for c in candidates if c.is_dir() and c.resolve() != builtin.resolve()]
    return [*out, builtin]


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, links followed, stays inside ``folder`` (links followed too)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):  # outside, unreadable, or a loop of links
        return False
    return True


class _ConfinedLoader(FileSystemLoader):
    """A template loader that never follows a link out of its theme folder: a theme under
    review in a pull request must not be able to publish a file from the build machine."""

    def __init__(self, templates: Path, theme: Path) -> None:
        super().__init__(str(templates))
        self.theme = theme

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not inside(Path(filename), self.theme):
            raise TemplateNotFound(template)
        return source, filename, uptodate


class TemplateCache(BytecodeCache):
    """Compiled templates kept in memory from one build to the next in a process that builds
    again and again (the preview). Jinja checks each against a hash of its template's source,
    so an edited template is always compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def make_environment(
    source: Path, theme: str, template_cache: TemplateCache | None = None
) -> Environment:
    dirs = theme_dirs(source, theme)
    loaders: list[BaseLoader] = [_ConfinedLoader(d / "templates", d) for d in dirs]
    loader = ChoiceLoader(
        [
            *loaders,
            PrefixLoader({"default": FileSystemLoader(str(builtin_theme() / "templates"))}),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=template_cache,
        # One environment per build: its templates are read once, never looked at again
        # (checking every template's file on every page cost three stat calls a page).
        auto_reload=False,
    )
    return env


def static_files(source: Path, theme: str) -> dict[str, Path]:
    """Every file under the themes' ``static/`` folders, the most specific winning."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(source, theme)):
        static = folder / "static"
        if static.is_dir():
            for path in _walk(static):
                if inside(path, folder) and path.is_file():
                    found[path.relative_to(static).as_posix()] = path
    return found


def _walk(folder: Path) -> list[Path]:
    """Every file under ``folder``, dotfiles left out, without descending through links to
    folders (a link may point anywhere; :func:`check_theme` reports those that leave)."""
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root) / name for name in sorted(files) if not name.startswith("."))
    return sorted(out)


def check_theme(source: Path, theme: str, problems: Problems) -> None:
    """Report every link in the site's theme folders that leads out of them."""
    for candidate in theme_dirs(source, theme)[:-1]:  # the built-in theme is ours
        if not inside(candidate, source):
            problems.error(
                candidate,
                0,
                "this theme folder is a link to a place outside the site; "
                "a theme must live in the site's own themes/ folder",
            )
            continue
        for root, dirs, files in os.walk(candidate):
            for name in sorted([*dirs, *files]):
                path = Path(root) / name
                if path.is_symlink() and not inside(path, candidate):
                    problems.error(
                        path,
                        0,
                        "this is a link to a file outside the theme folder, which a build "
                        "never publishes; copy the file into the theme instead",
                    )


def template_names(env: Environment) -> list[str]:
    """Every template of the site's theme, each under the name pages use (an override hides
    the built-in template of its name, which stays reachable as ``default/<name>``)."""
    return [name for name in env.list_templates() if not name.startswith(DEFAULT_PREFIX)]


def template_problem(exc: BaseException) -> Problem | None:
    """A failure while compiling or rendering a template as a problem at the template's file
    and line; None when no template is to blame (a failure of statusgen itself)."""
    where: tuple[str, int] | None = None
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    else:
        # Jinja rewrites a traceback so that each template's frame names its file and line
        # (jinja2.debug); the innermost such frame is where the template went wrong.
        for frame, line in traceback.walk_tb(exc.__traceback__):
            if "__jinja_exception__" in frame.f_globals:
                where = (frame.f_code.co_filename, line)
    if where is None:
        return None
    if isinstance(exc, TemplateNotFound):
        message = (
            f"there is no template {exc.name!r}: a theme's templates are in "
            "themes/<name>/templates/ (docs/themes.md)"
        )
    elif isinstance(exc, UndefinedError):
        message = (
            f"{exc.message}: a template has site, facts, fmt, ctx, root and its page's own "
            "values (docs/themes.md)"
        )
    elif isinstance(exc, TemplateError):
        message = exc.message or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}"
    filename, line = where
    return Problem(display_path(Path(filename)), line, "error", message)
