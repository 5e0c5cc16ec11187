"""Translations of the theme's strings (gettext message catalogs)."""

from __future__ import annotations

from jinja2 import Environment


def install(env: Environment, language: str) -> None:
    """Make ``_()``, ``gettext`` and ``ngettext`` available to templates for ``language``."""
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
