"""Languages: complete catalogs, and pages that speak the site's language (docs/languages.md)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from generator.build import build, check
from generator.problems import ContentError
from generator.render import i18n
from generator.times import parse_now

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "fr", "es", "pt", "ja")
NOW = parse_now("2026-11-20 15:30 UTC", None)


def theme_messages() -> set[str | tuple[str, str]]:
    """Every message of the theme and the package, extracted as `pybabel extract` does."""
    with (REPO / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(
        str(REPO),
        method_map,
        options_map,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def catalog(language: str):
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]", text))


@pytest.mark.parametrize("language", ("en", *LANGUAGES))
def test_every_catalog_has_every_message_translated(language: str) -> None:
    wanted = theme_messages()
    assert len(wanted) > 50
    po = catalog(language)
    have = {m.id if isinstance(m.id, str) else tuple(m.id) for m in po if m.id}
    assert wanted - have == set(), "run: pybabel update (see docs/languages.md)"
    assert have - wanted == set(), "obsolete messages: run pybabel update"
    for message in po:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"{language}: no translation for {message.id!r}"
        source = message.id if isinstance(message.id, str) else message.id[1]
        for string in strings:
            assert placeholders(string) == placeholders(source), (language, message.id)


def neutral_site(tmp_path: Path, language: str) -> Path:
    """The sample site with its own words (names, titles, texts) replaced by Latin filler,
    so that any English left on its pages can only come from the theme."""
    source = tmp_path / "site"
    source.mkdir()
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^language: .*$", f"language: {language}", config)
    config = re.sub(r"(?m)^(\s*(?:- )?(?:name|description)): (?!Acme).*$", r"\1: Lorem", config)
    config = re.sub(r"(?m)^(name|description): .*$", r"\1: Ipsum", config)
    (source / "site.yaml").write_text(config, encoding="utf-8")
    incidents = source / "content" / "incidents"
    incidents.mkdir(parents=True)
    for path in sorted((REPO / "content" / "incidents").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        front = re.sub(r"(?m)^title: .*$", "title: Dolor sit amet", front)
        body = "\n".join(
            line if line.startswith("## ") or not line.strip() else "Lorem ipsum."
            for line in body.splitlines()
        )
        (incidents / path.name).write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return source


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the labels of elements. Code shown for
    copying (``<pre>``, ``<code>``) and web addresses shown as themselves are not words of the
    page's language: a snippet's ``https://status.example/`` is not the English word "status"."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "pre", "code"):
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in ("aria-label", "title", "alt") and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "pre", "code"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not re.fullmatch(r"\s*https?://\S+\s*", data):
            self.parts.append(data)


def english_fragments(language: str) -> list[str]:
    """Pieces of English messages that must not appear: those the language translates
    differently (a word that is the same in both, like "Impact" in French, is not English)."""
    out = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for source in ids:
            if source in strings:
                continue
            for piece in re.split(r"%\(\w+\)[sd]", source):
                piece = piece.strip(" .:")
                if len(piece) >= 4:
                    out.append(piece)
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_contain_no_english_ui_string(tmp_path: Path, language: str) -> None:
    output = tmp_path / "out"
    build(neutral_site(tmp_path, language), output, NOW)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 10
    fragments = english_fragments(language)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert f'<html lang="{language}"' in html
        parser = VisibleText()
        parser.feed(html)
        # The site's title is "<name> Status" by SPEC section 2, whatever the language.
        text = " ".join(parser.parts).replace("Ipsum Status", "")
        for fragment in fragments:
            assert not re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text), (
                f"{page.relative_to(output)} shows English {fragment!r}"
            )


def test_feeds_use_the_translated_status_words(tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(neutral_site(tmp_path, "de"), output, NOW)
    feed = (output / "updates.atom").read_text(encoding="utf-8")
    assert "Behoben" in feed and "Resolved" not in feed


def test_a_regional_language_uses_its_base_catalog(tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(neutral_site(tmp_path, "pt-BR"), output, NOW)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert '<html lang="pt-BR"' in home
    assert "Componentes" in home


def test_an_unknown_language_warns_and_falls_back_to_english(tmp_path: Path) -> None:
    source = neutral_site(tmp_path, "nl")
    checked = check(source, NOW)
    warning = next(p for p in checked.warnings if "translation" in p.message)
    assert warning.line == 5 and "'nl'" in warning.message
    build(source, tmp_path / "out", NOW)
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Components" in home
    with pytest.raises(ContentError):
        check(source, NOW, strict=True)


def test_the_catalogs_ship_inside_the_package() -> None:
    assert i18n.LOCALE_DIR.parent == REPO / "generator"
    assert set(i18n.available_languages()) >= {"en", *LANGUAGES}


def test_no_stale_output_copy_of_a_catalog(tmp_path: Path) -> None:
    # The catalogs are read from .po: a compiled .mo beside them would be a second truth.
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))
    shutil.rmtree(tmp_path)
