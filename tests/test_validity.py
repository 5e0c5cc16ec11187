"""The built sample is valid everywhere a machine reads it: HTML, feeds, sitemap and links.

Browsers forgive broken HTML, but screen readers, feed readers, RSS-to-chat bridges and search
engines are less kind, so every file is checked with the strict tool for its kind: the W3C Nu
HTML checker (vnu.jar), feedparser, the sitemap protocol's structure, and a crawl of every link.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin

import feedparser
import pytest
from lxml import etree, html

from tests.sample import REPO
from tests.tooling import vnu_command

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.fixture(scope="module")
def site_url() -> str:
    """The sample's public URL, read the way the generator reads it."""
    from generator.config import load_site
    from generator.problems import Problems

    site = load_site(REPO, Problems())
    assert site is not None
    return site.url


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def public_url(site_url: str, output: Path, page: Path) -> str:
    """Where a built file is published: ``incidents/x/index.html`` is ``.../incidents/x/``."""
    relative = page.relative_to(output).as_posix()
    return site_url + relative.removesuffix("index.html")


def built_file(site_url: str, output: Path, url: str) -> Path | None:
    """The file a public URL of the site is answered with, or None if the URL is not the site's."""
    if not url.startswith(site_url):
        return None
    relative = unquote(url.removeprefix(site_url).split("?")[0])
    target = output / relative
    if relative == "" or relative.endswith("/"):
        target = target / "index.html"
    return target


def test_every_page_passes_the_nu_html_checker(sample_output: Path) -> None:
    pages = html_pages(sample_output)
    assert len(pages) > 10, "the sample should have built many pages"
    result = subprocess.run(
        [*vnu_command(), "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m['url'].removeprefix('file:')).relative_to(sample_output)}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)


def feeds(output: Path) -> Iterator[Path]:
    yield from sorted(output.rglob("*.atom"))
    yield from sorted(output.rglob("*.rss"))


def test_every_feed_parses_without_error(sample_output: Path, site_url: str) -> None:
    found = list(feeds(sample_output))
    assert {"history.atom", "history.rss", "updates.atom", "updates.rss"} <= {
        feed.relative_to(sample_output).as_posix() for feed in found
    }
    problems = []
    for feed in found:
        name = feed.relative_to(sample_output)
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            problems.append(f"{name}: {parsed.bozo_exception}")
            continue
        expected_version = "atom10" if feed.suffix == ".atom" else "rss20"
        if parsed.version != expected_version:
            problems.append(f"{name}: read as {parsed.version!r}, not {expected_version}")
        for entry in parsed.entries:
            if not entry.get("id") or not entry.get("link"):
                problems.append(f"{name}: an entry without id or link: {entry.get('title')}")
            elif built_file(site_url, sample_output, urldefrag(entry.link).url) is None:
                problems.append(f"{name}: entry link {entry.link} is not on the site")
    assert problems == [], "\n".join(problems)


def test_sitemap_lists_every_page_by_its_absolute_url(sample_output: Path, site_url: str) -> None:
    tree = etree.parse(str(sample_output / "sitemap.xml"))
    root = tree.getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    locations = []
    for url in root:
        assert url.tag == f"{{{SITEMAP_NS}}}url", f"unexpected element {url.tag}"
        tags = [child.tag for child in url]
        assert tags.count(f"{{{SITEMAP_NS}}}loc") == 1, f"a <url> needs one <loc>: {tags}"
        allowed = {
            f"{{{SITEMAP_NS}}}{name}" for name in ("loc", "lastmod", "changefreq", "priority")
        }
        assert set(tags) <= allowed, f"unknown elements in <url>: {tags}"
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc")
        assert loc and loc.startswith(site_url), f"{loc} is not an absolute URL under {site_url}"
        assert len(loc) < 2048
        locations.append(loc)
    assert len(locations) == len(set(locations)), "a URL is listed twice"
    assert len(locations) <= 50_000
    for loc in locations:
        target = built_file(site_url, sample_output, loc)
        assert target is not None and target.is_file(), f"{loc} is listed but was not built"
    pages = {
        public_url(site_url, sample_output, page)
        for page in html_pages(sample_output)
        if page.name != "404.html"
    }
    assert pages - set(locations) == set(), "pages missing from the sitemap"
    robots = (sample_output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {site_url}sitemap.xml" in robots


def links_of(page: Path) -> Iterator[str]:
    """Every address a page refers to: links, scripts, images, SVG uses, form targets."""
    document = html.parse(str(page))
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src", "action", "poster", "data"):
            value = element.get(attribute)
            if value is not None:
                yield value.strip()
        for attribute in ("srcset", "imagesrcset"):
            for candidate in (element.get(attribute) or "").split(","):
                if candidate.strip():
                    yield candidate.split()[0]


def test_no_internal_link_is_broken(sample_output: Path, site_url: str) -> None:
    pages = html_pages(sample_output)
    ids: dict[Path, set[str]] = {page: set(html.parse(str(page)).xpath("//@id")) for page in pages}
    broken = []
    checked = 0
    for page in pages:
        here = public_url(site_url, sample_output, page)
        if page.name == "404.html":
            here = site_url + "404.html"
        for link in links_of(page):
            if link.startswith(("mailto:", "data:", "tel:")):
                continue
            url, fragment = urldefrag(urljoin(here, link))
            target = built_file(site_url, sample_output, url)
            if target is None:
                continue  # another site: not ours to check
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(sample_output)}: {link} → nothing built")
            elif fragment and target.suffix == ".html":
                anchors = ids.get(target)
                if anchors is None or unquote(fragment) not in anchors:
                    broken.append(f"{page.relative_to(sample_output)}: {link} → no #{fragment}")
    assert checked > len(pages), "the crawl found almost no internal link"
    assert broken == [], "\n".join(broken)
