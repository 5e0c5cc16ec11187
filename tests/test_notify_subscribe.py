"""The ``subscribe:`` link: a mailing-list sign-up page, shown in the Subscribe section beside
the feeds on the home page and on component pages, in the site's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.times import parse_now
from tests.conftest import SITE_YAML, MakeSite

SIGN_UP = "https://lists.test.example/status/subscribe?list=a&b=1"


@pytest.mark.parametrize(
    ("language", "label", "text"),
    [("en", "By email:", "sign up for updates"), ("de", "Per E-Mail:", "Updates abonnieren")],
)
def test_the_sign_up_link_shows_beside_the_feeds(
    make_site: MakeSite, tmp_path: Path, browser: Any, language: str, label: str, text: str
) -> None:
    yaml_text = SITE_YAML + f"language: {language}\nsubscribe: {SIGN_UP}\n"
    source = make_site(site_yaml=yaml_text)
    output = tmp_path / "out"
    build(source, output, parse_now("2026-11-20 15:30 UTC", None))
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        for path in ("index.html", "components/api/index.html"):
            page.goto((output / path).as_uri())
            section = page.locator("section.subscribe")
            link = section.get_by_role("link", name=text)
            assert link.is_visible()
            assert link.get_attribute("href") == SIGN_UP
            items = section.locator("li").all_inner_texts()
            assert items[0] == f"{label} {text}"
            assert any("Atom" in item for item in items[1:])  # beside the feeds
    finally:
        context.close()


def test_no_sign_up_link_without_subscribe(make_site: MakeSite, tmp_path: Path) -> None:
    build(make_site(), tmp_path / "out", parse_now("2026-11-20 15:30 UTC", None))
    assert "sign up for updates" not in (tmp_path / "out" / "index.html").read_text()
