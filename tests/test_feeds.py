"""The feeds as feed readers and validators see them: Atom against RFC 4287's own grammar,
HTML content declared as HTML, RSS channels that link to the site, plain text that reads the
same to every aggregator, and updates that keep their separators when a bridge strips tags."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest
import rnc2rng
from lxml import etree

from generator.build import build
from generator.times import parse_now

from .conftest import MakeSite
from .sample import EXPECTED

SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
HOSTILE_SITE = """\
name: Acme & <Co>
url: https://acme.github.io/status/
timezone: Europe/Berlin
components:
  - id: api
    name: API <v2> & "friends"
"""
HOSTILE_INCIDENT = """
---
title: Errors on API <v2> & "friends"
components: {api: partial_outage}
---
## 2026-11-20 16:10 — Identified
A change broke **v2** & we are rolling it back.

## 2026-11-20 15:40 — Investigating
We see errors.
"""


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    # lxml reads RELAX NG's XML syntax; rnc2rng converts the RFC's compact grammar to it. The
    # grammar's `namespace local = ""` comes out as an empty prefix, which XML does not allow.
    grammar = rnc2rng.dumps(rnc2rng.load(str(SCHEMA))).replace('xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(grammar.encode("utf-8")))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "content" / "incidents").mkdir(parents=True)
    (root / "site.yaml").write_text(HOSTILE_SITE, encoding="utf-8")
    (root / "content" / "incidents" / "a.md").write_text(
        HOSTILE_INCIDENT.lstrip(), encoding="utf-8"
    )
    build(root, root / "out", parse_now("2026-11-20 17:00 UTC", None))
    return root / "out"


def feeds(folder: Path, suffix: str) -> list[Path]:
    found = sorted(folder.rglob(f"*.{suffix}"))
    assert found
    return found


@pytest.mark.parametrize("folder", ["sample", "hostile"])
def test_atom_feeds_follow_rfc_4287(folder: str, hostile: Path, atom_schema: etree.RelaxNG) -> None:
    for path in feeds(EXPECTED if folder == "sample" else hostile, "atom"):
        document = etree.parse(str(path))
        assert atom_schema.validate(document), (path, atom_schema.error_log.last_error)
        # The grammar's Schematron rule: a feed has an author unless every entry has one.
        rule = "atom:author or not(atom:entry[not(atom:author)])"
        assert document.getroot().xpath(rule, namespaces=ATOM), path


@pytest.mark.parametrize("folder", ["sample", "hostile"])
def test_feed_readers_get_html_content_and_the_sites_link(folder: str, hostile: Path) -> None:
    root = EXPECTED if folder == "sample" else hostile
    site = (
        "https://status.acme.example/" if folder == "sample" else "https://acme.github.io/status/"
    )
    for path in feeds(root, "atom") + feeds(root, "rss"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        page = path.parent.relative_to(root).as_posix()
        page = "" if page == "." else page + "/"
        assert parsed.feed.link == site + page, path  # the page, never the feed file
        for entry in parsed.entries:
            assert entry.content[0].type == "text/html", path
            assert "<strong>" in entry.content[0].value
            if path.suffix == ".atom":
                assert entry.author == ("Acme Cloud" if folder == "sample" else "Acme & <Co>")


def test_rss_plain_text_uses_hexadecimal_references(hostile: Path) -> None:
    rss = (hostile / "components" / "api" / "history.rss").read_text(encoding="utf-8")
    titles = re.findall(r"<title>([^<]*)</title>", rss)
    assert titles[0] == 'Acme &#x26; &#x3C;Co&gt; Status - API &#x3C;v2&gt; &#x26; "friends"'
    assert titles[1] == 'Errors on API &#x3C;v2&gt; &#x26; "friends"'
    assert not [t for t in titles if "&amp;" in t or "&lt;" in t]
    parsed = feedparser.parse(rss)
    assert parsed.entries[0].title == 'Errors on API <v2> & "friends"'
    assert parsed.feed.title == 'Acme & <Co> Status - API <v2> & "friends"'


def test_a_bridge_that_strips_tags_still_reads_time_status_and_text(hostile: Path) -> None:
    parsed = feedparser.parse((hostile / "updates.rss").read_bytes())
    text = html.unescape(re.sub(r"<[^>]+>", "", parsed.entries[0].description))
    text = re.sub(r"\s+", " ", text)  # Babel writes a narrow no-break space before "PM"
    assert text.startswith("Nov 20, 2026, 4:10 PM CET — Identified - A change broke v2 & we")


def test_every_page_advertises_both_feeds(hostile: Path) -> None:
    for page in ["index.html", "incidents/a/index.html", "history/index.html"]:
        head = (hostile / page).read_text(encoding="utf-8").split("</head>")[0]
        links = re.findall(
            r'<link rel="alternate" type="application/(\w+)\+xml"[^>]*href="([^"]+)"', head
        )
        hrefs = {href.rsplit("/", 1)[-1]: kind for kind, href in links}
        assert hrefs == {
            "history.atom": "atom",
            "history.rss": "rss",
            "updates.atom": "atom",
            "updates.rss": "rss",
        }, page


def test_feed_ids_survive_a_rebuild(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site({"a": HOSTILE_INCIDENT}, site_yaml=HOSTILE_SITE)
    build(site, tmp_path / "one", parse_now("2026-11-20 17:00 UTC", None))
    build(site, tmp_path / "two", parse_now("2026-11-21 17:00 UTC", None))
    for name in ["history.atom", "updates.rss"]:
        one = feedparser.parse((tmp_path / "one" / name).read_bytes())
        two = feedparser.parse((tmp_path / "two" / name).read_bytes())
        assert [e.id for e in one.entries] == [e.id for e in two.entries]
