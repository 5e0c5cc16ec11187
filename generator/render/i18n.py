"""Translations of the theme's strings: gettext message catalogs, read with Babel.

The catalogs are ``generator/locale/<lang>/LC_MESSAGES/messages.po``, inside the package so that
``pip install .`` carries them. They are compiled in memory when a build first needs one, so there
are no ``.mo`` files to keep up to date. ``language: pt-BR`` uses ``pt`` when there is no
``pt_BR`` catalog; a language with no catalog at all gets the English strings and a warning
(dates and numbers still follow the language when Babel knows it). See docs/languages.md.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from generator import statuses, textfile
from generator.model import Site
from generator.problems import Problems
from generator.statuses import N_

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def available_languages() -> list[str]:
    """Languages with a catalog, e.g. ``["de", "en", "es", ...]``."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


def catalog_language(language: str) -> str | None:
    """The catalog a site language uses: itself, else its base language (pt-BR → pt)."""
    wanted = language.replace("-", "_")
    for candidate in (wanted, wanted.split("_")[0].lower()):
        if (LOCALE_DIR / candidate / "LC_MESSAGES" / "messages.po").is_file():
            return candidate
    return None


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language``; the untranslated strings when there is none."""
    found = catalog_language(language)
    if found is None or found == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    path = LOCALE_DIR / found / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=found)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(language: str, message: str, **values: str) -> str:
    """``message`` in ``language`` (the catalog the templates use), filled with ``values``."""
    return translations(language).gettext(message) % values


def translate_text(language: str, message: str) -> str:
    """``message`` in ``language``, as it is: for texts with ``{placeholders}`` of their own."""
    return translations(language).gettext(message)


def site_title(site: Site) -> str:
    """The site's title as the pages show it: "<name> Status" in the site's language."""
    return translate(site.language, N_("%(name)s Status"), name=site.name)


@cache
def status_words(language: str) -> dict[str, str]:
    """The word of every status and indicator of :mod:`generator.statuses` in ``language``,
    translated once: pages and feeds show them thousands of times."""
    chosen = translations(language)
    return {key: chosen.gettext(status.word) for key, status in statuses.SHOWN.items()}


@cache
def impact_words(language: str) -> dict[str, str]:
    """The word of every impact in ``language``."""
    chosen = translations(language)
    return {key: chosen.gettext(status.word) for key, status in statuses.IMPACT.items()}


def install(env: Environment, language: str) -> None:
    """Make ``_()``, ``gettext`` and ``ngettext`` available to templates for ``language``,
    and the translated words of the statuses and impacts (``status_words``,
    ``impact_words``)."""
    chosen = translations(language)
    env.install_gettext_translations(chosen, newstyle=True)  # type: ignore[attr-defined]
    jinja_gettext = cast(Callable[..., str], env.globals["gettext"])
    env.globals["_"] = env.globals["gettext"] = _remembering(jinja_gettext)
    env.globals["status_words"] = status_words(language)
    env.globals["impact_words"] = impact_words(language)


def _remembering(gettext: Callable[..., str]) -> Callable[..., str]:
    """Jinja's ``gettext`` (translate, escape, fill in), remembered for each string and values:
    every page says "Incident history" and "%(name)s Status" with the same name, and a build
    has thousands of pages."""
    seen: dict[tuple[Any, ...], str] = {}

    @pass_context
    def remembered(__context: Context, __string: str, **variables: Any) -> str:
        try:
            # The values' types too: a str is escaped where the same text as Markup is not.
            if variables:
                key = (
                    __string,
                    __context.eval_ctx.autoescape,
                    *((name, type(value), value) for name, value in variables.items()),
                )
            else:  # most calls: a word or a phrase alone
                key = (__string, __context.eval_ctx.autoescape)
            return seen[key]
        except KeyError:
            result = seen[key] = gettext(__context, __string, **variables)
            return result
        except TypeError:  # a value that cannot be a key: translate it each time
            return gettext(__context, __string, **variables)

    return remembered


def check_language(site: Site, problems: Problems) -> None:
    """Warn when the site's language has no catalog: its pages will read in English."""
    if catalog_language(site.language) is not None:
        return
    line = 0
    try:
        lines = textfile.split_lines(site.path.read_text(encoding="utf-8"))
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("language:")), 0)
    except OSError:
        pass
    problems.warning(
        site.path,
        line,
        f"there is no translation for language {site.language!r} yet, so the pages "
        f"will read in English; the languages are {', '.join(available_languages())} "
        "(docs/languages.md says how to add one)",
    )
