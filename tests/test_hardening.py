"""Hostile and clumsy input (issue 12): every result is a clean build or a ``file:line``
problem, nothing from outside the site is published, and nothing is written on failure.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import ID_PATTERN
from generator.problems import Problem
from generator.render.theme import make_environment, static_files
from tests.conftest import SITE_YAML, MakeSite

NOW = "2026-11-21 00:00 UTC"
INCIDENT = """\
    ---
    title: Errors
    components:
      api: partial_outage
    ---

    ## 2026-11-20 15:00 UTC — Resolved
    Fixed.

    ## 2026-11-20 14:05 UTC — Investigating
    We are looking into it.
    """


def run_check(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["check", "--source", str(site), "--now", NOW])
    return status, capsys.readouterr().err.splitlines()


def run_build(site: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["build", "--source", str(site), "--output", str(output), "--now", NOW])
    return status, capsys.readouterr().err


def site_with(extra: str, components: str = "") -> str:
    """SITE_YAML with lines added after the url (line 3 on), so their lines are known."""
    head, rest = SITE_YAML.split("timezone:", 1)
    return head + textwrap.dedent(extra) + "timezone:" + rest + components


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run in the folder that holds the site, so problems name ``site/...`` paths."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


# -- 12.3: nothing from outside the site is published, nothing forged ---------------------------


def test_a_static_link_out_of_the_theme_is_an_error_and_never_published(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "environ"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    site = make_site({"x": INCIDENT}, site_yaml=site_with("theme: mine\n"))
    static = site / "themes" / "mine" / "static"
    static.mkdir(parents=True)
    (static / "leak.txt").symlink_to(secret)
    (static / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    (static / "own.css").write_text("body{}", encoding="utf-8")
    (static / "alias.css").symlink_to("own.css")  # a link inside the theme is fine

    status, err = run_check(site, capsys)
    assert status == 1
    link_error = (
        "error: this is a link to a file outside the theme folder, which a build never "
        "publishes; copy the file into the theme instead"
    )
    assert err == [
        f"site/themes/mine/static/leak.txt: {link_error}",
        f"site/themes/mine/static/linked-dir: {link_error}",
        "statusgen: 2 errors, 0 warnings; nothing was written",
    ]

    published = static_files(site, "mine")
    assert "leak.txt" not in published
    assert not any(name.startswith("linked-dir") for name in published)
    assert {"own.css", "alias.css"} <= set(published)

    output = tmp_path / "out"
    status, _ = run_build(site, output, capsys)
    assert status == 1
    assert not output.exists()


def test_a_template_linked_out_of_the_theme_is_never_loaded(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("TOKEN=hunter2", encoding="utf-8")
    site = make_site({"x": INCIDENT}, site_yaml=site_with("theme: mine\n"))
    templates = site / "themes" / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "404.html").symlink_to(secret)

    source, _, _ = make_environment(site, "mine").loader.get_source(  # type: ignore[union-attr]
        make_environment(site, "mine"), "404.html"
    )
    assert "hunter2" not in source  # the built-in 404 page, not the link's target
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith(
        "site/themes/mine/templates/404.html: error: this is a link to a file outside the theme"
    )


def test_a_theme_that_does_not_exist_is_an_error_at_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT}, site_yaml=site_with("theme: nosuch\n"))
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        "site/site.yaml:3: error: there is no theme folder themes/nosuch/ in the site; "
        "create it, or remove theme: to use the built-in default theme"
    )


def test_annotation_properties_are_escaped_so_a_file_name_cannot_forge_them() -> None:
    problem = Problem("x,line=1,title=Spoofed::y.md", 3, "error", "100% wrong\r\nnext")
    assert problem.annotation() == (
        "::error file=x%2Cline=1%2Ctitle=Spoofed%3A%3Ay.md,line=3::100%25 wrong%0D%0Anext"
    )


@pytest.mark.parametrize("text", ["api\n", "api\n\n", "\napi", "api\r"])
def test_an_id_with_a_trailing_newline_is_not_an_id(text: str) -> None:
    assert ID_PATTERN.match(text) is None
    assert ID_PATTERN.match("api-2") is not None


def test_a_component_id_with_a_newline_is_an_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        site_yaml='name: T\nurl: https://t.example/\ncomponents:\n  - id: "api\\n"\n    name: A\n'
    )
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        "site/site.yaml:4: error: component id must be lower-case letters, digits and dashes "
        "(like api or blob-storage), not 'api\\n'"
    )


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (
            'url: "https://[::1/"',
            2,
            "url must be an absolute http(s) address such as https://status.acme.example/, "
            "not 'https://[::1/': it cannot be read as a URL (Invalid IPv6 URL)",
        ),
        (
            'url: "https://t.example/\\nDisallow: /"',
            2,
            "url must be an absolute http(s) address such as https://status.acme.example/, "
            "not 'https://t.example/\\nDisallow: /': it holds the character U+000A "
            "(LINE FEED), which a URL cannot hold",
        ),
        (
            "url: https://t.example:99999/",
            2,
            "url must be an absolute http(s) address such as https://status.acme.example/, "
            "not 'https://t.example:99999/': it cannot be read as a URL "
            "(Port out of range 0-65535)",
        ),
        (
            "url: https:///status/",
            2,
            "url must be an absolute http(s) address such as https://status.acme.example/, "
            "not 'https:///status/': it names no host, as in https://status.acme.example/",
        ),
        (
            'url: https://t.example/\nmirrors:\n  - "https://m.example/\\x1b[31m"',
            4,
            "a mirror must be an absolute http(s) URL, not 'https://m.example/\\x1b[31m': it "
            "holds the character U+001B (ESCAPE), which a URL cannot hold",
        ),
        (
            "url: https://t.example/\nmirrors:\n  - https://[fe80::1/",
            4,
            "a mirror must be an absolute http(s) URL, not 'https://[fe80::1/': it cannot be "
            "read as a URL (Invalid IPv6 URL)",
        ),
        (
            "url: https://t.example/\nlinks:\n  home: javascript:alert(1)",
            4,
            "links.home must be an http(s) or mailto: URL, not 'javascript:alert(1)': it must "
            "start with http: or https: or mailto:",
        ),
        (
            "url: https://t.example/\nlinks:\n  support: https://a.example/ x",
            4,
            "links.support must be an http(s) or mailto: URL, not 'https://a.example/ x': it "
            "holds the character U+0020 (SPACE), which a URL cannot hold",
        ),
    ],
)
def test_urls_are_validated_at_their_line(
    lines: str,
    line: int,
    message: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site_yaml = f"name: T\n{lines}\ncomponents:\n  - id: api\n    name: A\n"
    site = make_site({"x": INCIDENT}, site_yaml=site_yaml)
    status, err = run_check(site, capsys)
    assert status == 1
    assert err == [
        f"site/site.yaml:{line}: error: {message}",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
    output = tmp_path / "out"
    assert run_build(site, output, capsys)[0] == 1
    assert not output.exists()


def test_good_urls_still_build(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site_yaml = (
        "name: T\nurl: https://[::1]:8443/status/\nmirrors:\n  - http://m.example:8080/\n"
        "links:\n  support: mailto:help@t.example\n  home: https://t.example\n"
        "components:\n  - id: api\n    name: A\n"
    )
    site = make_site({"x": INCIDENT}, site_yaml=site_yaml)
    status, err = run_build(site, tmp_path / "out", capsys)
    assert status == 0, err
    robots = (tmp_path / "out" / "robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("Sitemap: https://[::1]:8443/status/sitemap.xml\n")


# -- 12.4: bounded work on any input ---------------------------------------------------------------

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "title: *h\n"
)
ALIAS_ERROR = "error: aliases (*name) are not accepted here: write each value out in full"


def test_a_yaml_alias_bomb_in_front_matter_is_refused_at_once(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = "---\n" + LAUGHS + "---\n\n## 2026-11-20 14:05 UTC — Resolved\nFixed.\n"
    site = make_site({"bomb": incident})
    started = time.monotonic()
    status, err = run_check(site, capsys)
    assert time.monotonic() - started < 5
    assert status == 1
    assert err == [
        f"site/content/incidents/bomb.md:3: {ALIAS_ERROR}",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]


def test_a_yaml_alias_bomb_in_site_yaml_is_refused_at_once(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT}, site_yaml=SITE_YAML + LAUGHS.replace("title: *h\n", ""))
    started = time.monotonic()
    status, err = run_check(site, capsys)
    assert time.monotonic() - started < 5
    assert status == 1
    assert err[0] == f"site/site.yaml:17: {ALIAS_ERROR}"
    assert run_build(site, tmp_path / "out", capsys)[0] == 1
    assert not (tmp_path / "out").exists()


def test_a_merge_key_is_refused_at_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = (
        "---\ntitle: T\ncomponents:\n  <<: {api: partial_outage}\n---\n\n"
        "## 2026-11-20 14:05 UTC — Resolved\nFixed.\n"
    )
    site = make_site({"merge": incident})
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        "site/content/incidents/merge.md:4: error: merge keys (<<) are not accepted here; "
        "write each key out"
    )


def test_an_anchor_without_an_alias_is_harmless(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT.replace("title: Errors", "title: &t Errors")})
    assert run_check(site, capsys)[0] == 0


def test_an_incident_file_over_a_megabyte_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    path = site / "content" / "incidents" / "huge.md"
    path.write_text(textwrap.dedent(INCIDENT) + ("A line of log output.\n" * 50_000))
    status, err = run_check(site, capsys)
    assert status == 1
    assert err == [
        "site/content/incidents/huge.md: error: this file is larger than 1 MB, more than any "
        "incident or site.yaml needs; split it, or remove what was pasted into it",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]


def test_site_yaml_over_a_megabyte_is_refused(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT}, site_yaml=SITE_YAML + "# padding\n" * 120_000)
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith("site/site.yaml: error: this file is larger than 1 MB")


def test_a_line_too_long_is_refused_at_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    long_text = INCIDENT.replace("Fixed.", "x" * 20_000)
    site = make_site({"x": long_text})
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        "site/content/incidents/x.md:8: error: this line is 20,000 characters long, longer "
        "than the 10,000 a line may be; break it into shorter lines"
    )


def test_a_message_never_quotes_a_value_unbounded(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {"x": INCIDENT.replace("title: Errors", "title: Errors\n    impact: " + "y" * 9000)}
    )
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        f"site/content/incidents/x.md:3: error: unknown impact '{'y' * 80}'…; use one of: "
        "none, minor, major, critical"
    )


def test_invalid_utf8_names_its_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    path = site / "content" / "incidents" / "x.md"
    path.write_bytes(path.read_bytes().replace(b"Fixed.", b"Fixed \xff."))
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0] == (
        "site/content/incidents/x.md:8: error: this is not UTF-8 text: the byte 0xff at "
        "column 7 cannot be read; save the file as UTF-8"
    )
