"""Themes as a search path: a site's ``themes/<name>/`` overrides the built-in default
template by template, and an override can ``{% extends "default/<template>" %}``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from generator.problems import Problems, clip


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


def make_environment(source: Path, theme: str) -> Environment:
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


def check_templates(source: Path, theme: str, problems: Problems) -> None:
    """Compile every template of the site's own theme folders, so that ``check`` reports a
    template's syntax error at its line, as ``build`` would fail on it."""
    env = make_environment(source, theme)
    for folder in theme_dirs(source, theme)[:-1]:  # the built-in theme is tested with statusgen
        templates = folder / "templates"
        for path in _walk(templates) if templates.is_dir() else []:
            if not inside(path, folder):
                continue  # reported by check_theme
            name = path.relative_to(templates).as_posix()
            try:
                env.get_template(name)
            except TemplateSyntaxError as exc:
                problems.error(
                    path,
                    exc.lineno,
                    f"this theme template cannot be read: {clip(exc.message or '')}",
                )
            except (TemplateError, UnicodeDecodeError, OSError) as exc:
                problems.error(path, 0, f"this theme template cannot be read: {clip(str(exc))}")
