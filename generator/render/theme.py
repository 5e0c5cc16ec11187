"""Themes as a search path: a site's ``themes/<name>/`` overrides the built-in default
template by template, and an override can ``{% extends "default/<template>" %}``.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined


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


def make_environment(source: Path, theme: str) -> Environment:
    dirs = theme_dirs(source, theme)
    loader = ChoiceLoader(
        [
            FileSystemLoader([str(d / "templates") for d in dirs]),
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
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[path.relative_to(static).as_posix()] = path
    return found
