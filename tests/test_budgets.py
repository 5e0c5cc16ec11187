"""Weight budgets: a status page must load on a bad phone connection while everything burns.

The home page, with everything it needs to render (HTML, CSS and JavaScript, inlined or linked
from the site), stays within 30 KB at 10,000 incidents and within 20 KB for the sample site, on
any clock: what it lists is bounded (generator/render/pages.py, HOME_*) and the rest is a link
away. No other page but the (paged) history passes 100 KB, and the whole output of 10,000
incidents stays within 60 MB, since the stylesheet, script and icons are one shared file each.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin

import pytest
from lxml import html

from generator.build import build, check
from generator.content import IncidentCache
from generator.render.context import render_page
from generator.render.pages import home_jobs
from generator.times import parse_now
from tests.conftest import MakeSite
from tests.sample import REPO

HOME_BUDGET = 30 * 1000  # bytes of HTML + CSS + JavaScript for the home page
SAMPLE_HOME_BUDGET = 20 * 1000  # the same for the sample site
PAGE_BUDGET = 100 * 1000  # bytes for any page but the history pages
OUTPUT_BUDGET = 60 * 1000 * 1000  # bytes of the whole output at 10,000 incidents

# The sample at its own date, today-ish, the day of most open incidents, a quiet day before
# its incidents, and long after them (its unresolved incidents stay open).
SAMPLE_CLOCKS = [
    "2026-11-20 15:30 UTC",
    "2026-12-01 12:00 UTC",
    "2026-11-23 23:00 UTC",
    "2026-11-25 00:00 UTC",
    "2026-10-01 00:00 UTC",
    "2027-06-01 12:00 UTC",
]


def local_assets(output: Path, page: Path) -> list[Path]:
    """Stylesheets, scripts and icon files that a page links from the site itself."""
    document = html.parse(str(page))
    base = "http://site.invalid/" + page.relative_to(output).as_posix()
    found = []
    references = document.xpath("//link[contains(concat(' ', @rel, ' '), ' stylesheet ')]/@href")
    references += document.xpath("//script/@src") + document.xpath("//use/@href")
    for reference in references:
        url = urljoin(base, reference).split("#")[0]
        if url.startswith("http://site.invalid/") and url != base:
            found.append(output / url.removeprefix("http://site.invalid/").split("?")[0])
    return sorted(set(found))


def home_weight(output: Path) -> int:
    home = output / "index.html"
    assets = local_assets(output, home)
    assert all(asset.is_file() for asset in assets), assets
    return home.stat().st_size + sum(asset.stat().st_size for asset in assets)


def heavy_pages(output: Path) -> dict[str, int]:
    """Pages but the history's over :data:`PAGE_BUDGET`."""
    return {
        page.relative_to(output).as_posix(): page.stat().st_size
        for page in output.rglob("*.html")
        if page.relative_to(output).parts[0] != "history" and page.stat().st_size > PAGE_BUDGET
    }


@pytest.mark.parametrize("now", SAMPLE_CLOCKS)
def test_the_sample_home_page_fits_20_kb_on_any_date(tmp_path: Path, now: str) -> None:
    output = tmp_path / "out"
    build(REPO, output, parse_now(now, None), offline=True)
    weight = home_weight(output)
    assert weight <= SAMPLE_HOME_BUDGET, (
        f"at {now} the sample's home page weighs {weight:,} bytes with its CSS and JavaScript; "
        f"the budget is {SAMPLE_HOME_BUDGET:,}"
    )
    assert heavy_pages(output) == {}


def _bench() -> ModuleType:
    """bench/run.py, whose synthetic sites the benchmark builds."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class LargeSite:
    """The benchmark's synthetic site of 10,000 incidents, built once at the benchmark's "now"."""

    def __init__(self, folder: Path) -> None:
        self.bench = _bench()
        self.source = self.bench.write_site(folder / "site", 10_000)
        self.output = folder / "out"
        self.cache = IncidentCache()  # so that other clocks need not read every file again
        build(self.source, self.output, self.bench.NOW, cache=self.cache, offline=True)

    def home_page_at(self, hours: int) -> bytes:
        """The home page as a build ``hours`` after (or before) the benchmark's "now" writes
        it: the same templates and values, without writing 10,000 other pages again."""
        context = check(self.source, self.bench.NOW + timedelta(hours=hours), cache=self.cache)
        template, path, values = home_jobs(context.context)[0]
        return render_page(context.context, template, path, **values).encode("utf-8")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> LargeSite:
    return LargeSite(tmp_path_factory.mktemp("large"))


def test_at_10000_incidents_the_home_page_fits_30_kb_on_any_clock(large_site: LargeSite) -> None:
    weights = {"the benchmark's now": home_weight(large_site.output)}
    # Three weeks back (maintenance scheduled ahead), years back (hundreds of them ahead),
    # and a month on (every incident old).
    for hours in (-20 * 24 - 11, -3 * 365 * 24, 30 * 24):
        page = large_site.home_page_at(hours)
        assert not re.search(rb'<link rel="stylesheet"|<script src=|<use href="[^#]', page)
        weights[f"{hours:+d} h"] = len(page)
    over = {clock: weight for clock, weight in weights.items() if weight > HOME_BUDGET}
    assert over == {}, f"home page weights over {HOME_BUDGET:,} bytes: {over}"


def test_at_10000_incidents_no_page_but_history_passes_100_kb(large_site: LargeSite) -> None:
    assert heavy_pages(large_site.output) == {}


def test_at_10000_incidents_the_output_stays_within_60_mb(large_site: LargeSite) -> None:
    total = sum(path.stat().st_size for path in large_site.output.rglob("*") if path.is_file())
    assert total <= OUTPUT_BUDGET, f"{total:,} bytes of output; the budget is {OUTPUT_BUDGET:,}"


def _incident(title: str, day: int, status: str = "Investigating", hours: int = 0) -> str:
    return (
        f"---\ntitle: {title}\ncomponents:\n  api: partial_outage\n---\n\n"
        f"## 2026-11-{day:02d} {10 + hours:02d}:00 — {status}\nText of {title}.\n"
    )


def _maintenance(title: str, start: str, end: str) -> str:
    return (
        f"---\ntitle: {title}\ncomponents: [db]\nmaintenance:\n  start: {start}\n  end: {end}\n"
        f"---\n\n## 2026-11-01 09:00 — Scheduled\nWork on {title}.\n"
    )


def test_the_home_page_shows_a_few_of_each_list_and_links_to_the_rest(
    tmp_path: Path, make_site: MakeSite
) -> None:
    incidents = {f"open-{n}": _incident(f"Open {n}", 19, hours=n) for n in range(7)}
    incidents |= {f"busy-{n}": _incident(f"Busy {n}", 17, "Resolved", n) for n in range(5)}
    incidents |= {
        f"now-{n}": _maintenance(f"Now {n}", "2026-11-20 08:00", "2026-11-20 20:00")
        for n in range(4)
    }
    incidents |= {
        f"soon-{n}": _maintenance(f"Soon {n}", f"2026-11-2{n + 2} 08:00", "2026-11-29 20:00")
        for n in range(5)
    }
    output = tmp_path / "out"
    build(make_site(incidents), output, parse_now("2026-11-20 12:00 UTC", None))
    page = html.parse(str(output / "index.html"))

    def section(heading: str) -> html.HtmlElement:
        return page.xpath(f"//section[@aria-labelledby='{heading}']")[0]

    for heading, cards, more in [
        ("active-h", 5, "2 more active incidents"),
        ("mip-h", 3, "1 more maintenance window in progress"),
        ("upcoming-h", 3, "2 more scheduled maintenance windows"),
    ]:
        assert len(section(heading).xpath(".//article")) == cards, heading
        links = section(heading).xpath("./p/a")
        assert [(a.text, a.get("href")) for a in links] == [(more, "./history/")], heading
    # The newest first: the cards are the latest incidents and the nearest maintenance.
    titles = [a.text for a in section("active-h").xpath(".//article/h3/a")]
    assert titles == ["Open 6", "Open 5", "Open 4", "Open 3", "Open 2"]
    soon = [a.text for a in section("upcoming-h").xpath(".//article/h3/a")]
    assert soon == ["Soon 0", "Soon 1", "Soon 2"]
    # Five incidents on one day: three listed, and a link for the rest.
    past = html.tostring(section("past-h"), encoding="unicode")
    day = past.split("Nov 17, 2026</h3>")[1].split("<h3")[0]
    assert day.count("<li>") == 3 and "2 more incidents on this day</a>" in day


def test_days_that_only_carry_on_the_same_incidents_share_one_heading(
    tmp_path: Path, make_site: MakeSite
) -> None:
    output = tmp_path / "out"
    build(make_site({"long": _incident("Long", 15)}), output, parse_now("2026-11-20 12:00", None))
    past = (output / "index.html").read_text(encoding="utf-8").split('id="past-h"')[1]
    headings = re.findall(r'<h3 class="day">([^<]+)</h3>', past)
    # Today it is listed with its status; the days since it began share a heading.
    assert headings == [
        "Nov 20, 2026",
        "Nov 16, 2026 – Nov 19, 2026",
        "Nov 15, 2026",
        "Nov 14, 2026",
    ]
    today, carried, began = past.split('<h3 class="day">')[1:4]
    assert "Investigating" in today and "(continued from Nov 15, 2026)" in today
    assert "Investigating" not in carried and "(continued from Nov 15, 2026)" in carried
    assert "Long" in began and "continued" not in began
