"""Weight budgets: a status page must load on a bad phone connection while everything burns.

The home page, with everything it needs to render (HTML, CSS and JavaScript, inlined or linked
from the site), stays within 30 KB; no other page but the (paged) history passes 100 KB.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from lxml import html

HOME_BUDGET = 30 * 1000  # bytes of HTML + CSS + JavaScript for the home page
PAGE_BUDGET = 100 * 1000  # bytes for any page but the history pages


def local_assets(output: Path, page: Path) -> list[Path]:
    """Stylesheets and scripts that a page links from the site itself (not inlined)."""
    document = html.parse(str(page))
    base = "http://site.invalid/" + page.relative_to(output).as_posix()
    found = []
    references = document.xpath("//link[contains(concat(' ', @rel, ' '), ' stylesheet ')]/@href")
    references += document.xpath("//script/@src")
    for reference in references:
        url = urljoin(base, reference)
        if url.startswith("http://site.invalid/"):
            found.append(output / url.removeprefix("http://site.invalid/").split("?")[0])
    return found


def test_home_page_with_its_css_and_javascript_fits_30_kb(sample_output: Path) -> None:
    home = sample_output / "index.html"
    assets = local_assets(sample_output, home)
    assert all(asset.is_file() for asset in assets), assets
    weight = home.stat().st_size + sum(asset.stat().st_size for asset in assets)
    assert weight <= HOME_BUDGET, (
        f"the home page weighs {weight:,} bytes with {len(assets)} linked CSS/JS files; "
        f"the budget is {HOME_BUDGET:,}"
    )


def test_no_page_but_history_passes_100_kb(sample_output: Path) -> None:
    heavy = {
        page.relative_to(sample_output).as_posix(): page.stat().st_size
        for page in sample_output.rglob("*.html")
        if page.relative_to(sample_output).parts[0] != "history"
        and page.stat().st_size > PAGE_BUDGET
    }
    assert heavy == {}, f"pages over {PAGE_BUDGET:,} bytes: {heavy}"
