"""Hostile and clumsy input (issue 12): every result is a clean build or a ``file:line``
problem, nothing from outside the site is published, and nothing is written on failure.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.cli import issues_url, main
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
        "statusgen: 2 errors, 0 warnings",
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
            "the control character U+001B (ESCAPE) (written as an escape) in this value cannot "
            "be published; delete it (it starts a terminal colour code, as pasted from a log)",
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
        "statusgen: 1 error, 0 warnings",
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
        "statusgen: 1 error, 0 warnings",
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
        "statusgen: 1 error, 0 warnings",
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


# -- 12.5: what check passes, build builds ---------------------------------------------------------


def check_fails_at(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], expected: str
) -> None:
    """``check`` prints exactly this one problem and fails; ``build`` fails and writes nothing."""
    status, err = run_check(site, capsys)
    assert (status, err) == (1, [expected, "statusgen: 1 error, 0 warnings"])
    output = tmp_path / "out"
    status, build_err = run_build(site, output, capsys)
    assert status == 1
    assert expected in build_err
    assert not output.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


ESC_MESSAGE = (
    "error: the control character U+001B (ESCAPE) at column {} cannot be published; delete it "
    "(it starts a terminal colour code, as pasted from a log)"
)


@pytest.mark.parametrize(
    ("old", "new", "line", "column"),
    [
        ("We are looking into it.", "ERR \x1b[31mconn refused\x1b[0m", 11, 5),
        ("title: Errors", "title: Errors \x1b[1m", 1 + 1, 15),
    ],
    ids=["body", "title"],
)
def test_a_terminal_colour_code_in_an_incident_is_an_error_at_its_line(
    old: str,
    new: str,
    line: int,
    column: int,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"x": INCIDENT.replace(old, new)})
    check_fails_at(
        site, tmp_path, capsys, f"site/content/incidents/x.md:{line}: {ESC_MESSAGE.format(column)}"
    )


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x01", "U+0001"),
        ("\x08", "U+0008 (BACKSPACE)"),
        ("\x0b", "U+000B (VERTICAL TAB)"),
        ("\x0c", "U+000C (FORM FEED)"),
        ("\x1f", "U+001F"),
        ("\x7f", "U+007F (DELETE)"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_every_control_character_in_a_body_is_an_error(
    char: str,
    name: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"x": INCIDENT.replace("Fixed.", f"Fi{char}xed.")})
    check_fails_at(
        site,
        tmp_path,
        capsys,
        f"site/content/incidents/x.md:8: error: the control character {name} at column 3 "
        "cannot be published; delete it",
    )


def test_a_control_character_written_as_an_escape_in_site_yaml_is_an_error(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site_yaml = SITE_YAML.replace("name: API", 'name: "API \\e[32mok"')
    site = make_site({"x": INCIDENT}, site_yaml=site_yaml)
    check_fails_at(
        site,
        tmp_path,
        capsys,
        "site/site.yaml:6: error: the control character U+001B (ESCAPE) (written as an escape) "
        "in this value cannot be published; delete it (it starts a terminal colour code, as "
        "pasted from a log)",
    )


def test_a_lone_surrogate_escape_in_front_matter_is_an_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT.replace("title: Errors", 'title: "Err \\ud800"')})
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith("site/content/incidents/x.md:2: error: this is not valid YAML")


@pytest.mark.parametrize(
    ("written", "shown"),
    [("2.10", "2.10"), ("1e3", "1e3"), ("0x10", "0x10"), ("007", "007"), ("1.50", "1.50")],
)
def test_yaml_never_changes_a_title_or_a_name(
    written: str,
    shown: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site_yaml = SITE_YAML.replace("name: API", f"name: {written}")
    site = make_site({"x": INCIDENT.replace("title: Errors", f"title: {written}")}, site_yaml)
    status, err = run_build(site, tmp_path / "out", capsys)
    assert status == 0, err
    summary = json.loads((tmp_path / "out" / "api/v2/incidents.json").read_text("utf-8"))
    assert summary["incidents"][0]["name"] == shown
    components = json.loads((tmp_path / "out" / "api/v2/components.json").read_text("utf-8"))
    assert components["components"][0]["name"] == shown


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("impact: !!float x", 3, "'x' is not a number; write a number, or text in quotes"),
        (
            "impact: !!binary aGk=",
            3,
            "the tag '!!binary' is not accepted here; write the value plainly (in quotes for text)",
        ),
        (
            "impact: !!python/name:os.system",
            3,
            "the tag '!!python/name:os.system' is not accepted here",
        ),
        (
            "started: 0001-01-01 00:00 +01:00",
            3,
            "started: '0001-01-01 00:00 +01:00' is out of range: write a time between the years "
            "1970 and 9000",
        ),
        (
            "started: 9999-12-31 23:30 -01:00",
            3,
            "started: '9999-12-31 23:30 -01:00' is out of range: write a time between the years "
            "1970 and 9000",
        ),
        (
            "started: 2026-11-20 14:00 +24:00",
            3,
            "started: the offset +24:00 in '2026-11-20 14:00 +24:00' is not one a clock shows; "
            "offsets lie between -23:59 and +23:59, e.g. +01:00",
        ),
        (
            "impact: " + "9" * 4300,
            3,
            "unknown impact a number of 4300 digits; use one of: none, minor, major, critical",
        ),
        (
            "impact: " + "9" * 4301,
            3,
            f"unknown impact '{'9' * 80}'…; use one of: none, minor, major, critical",
        ),
    ],
)
def test_strange_yaml_values_are_problems_at_their_line(
    front: str,
    line: int,
    message: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"x": INCIDENT.replace("title: Errors", f"title: Errors\n    {front}")})
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith(f"site/content/incidents/x.md:{line}: error: {message}"), err
    assert run_build(site, tmp_path / "out", capsys)[0] == 1
    assert not (tmp_path / "out").exists()


def test_an_update_heading_out_of_range_is_an_error(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT.replace("2026-11-20 15:00 UTC", "0001-01-01 00:00 +01:00")})
    check_fails_at(
        site,
        tmp_path,
        capsys,
        "site/content/incidents/x.md:7: error: '0001-01-01 00:00 +01:00' is out of range: "
        "write a time between the years 1970 and 9000",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("timezone: localtime\n", "unknown time zone 'localtime'"),
        ("timezone: posixrules\n", "unknown time zone 'posixrules'"),
        ("timezone: Factory\n", "unknown time zone 'Factory'"),
        ("timezone: Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"),
        ("max_silence: 99999999999\n", "the duration '99999999999m' is too long"),
        ("max_silence: 99999999999h\n", "the duration '99999999999h' is too long"),
        ("max_silence: !!float x\n", "'x' is not a number"),
        ("max_silence: " + "9" * 5000 + "\n", "cannot read the duration"),
    ],
)
def test_strange_site_values_are_problems_at_their_line(
    extra: str,
    message: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site_yaml = (
        "name: T\nurl: https://t.example/\n" + extra + "components:\n  - id: api\n    name: A\n"
    )
    site = make_site({"x": INCIDENT}, site_yaml=site_yaml)
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith(f"site/site.yaml:3: error: {message}"), err
    assert run_build(site, tmp_path / "out", capsys)[0] == 1


def test_content_incidents_that_is_a_file_is_an_error(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    (site / "content" / "incidents").rmdir()
    (site / "content" / "incidents").write_text("oops", encoding="utf-8")
    check_fails_at(
        site,
        tmp_path,
        capsys,
        "site/content/incidents: error: this is a file, but content/incidents/ must be a folder "
        "holding one .md file per incident; rename the file and make the folder",
    )


@pytest.mark.parametrize(
    ("now", "epoch", "message"),
    [
        ("garbage", None, "--now: cannot read the time 'garbage'"),
        ("0001-01-01 00:00", None, "--now: '0001-01-01 00:00' is out of range"),
        ("9999-12-31 23:59 -01:00", None, "--now: '9999-12-31 23:59 -01:00' is out of range"),
        ("2026-11-20 14:05 +25:00", None, "--now: the offset +25:00 in"),
        (None, "99999999999999999999", "--now: 'SOURCE_DATE_EPOCH=99999999999999999999' is out"),
        (None, "-1", "--now: SOURCE_DATE_EPOCH='-1' is not a whole number of seconds"),
    ],
)
def test_a_strange_now_is_wrong_usage(
    now: str | None,
    epoch: str | None,
    message: str,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"x": INCIDENT})
    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    for command in ("check", "build"):
        argv = [command, "--source", str(site), *(["--now", now] if now else [])]
        assert main(argv) == 2
        assert capsys.readouterr().err.startswith(f"statusgen: error: {message}")
    assert not (Path("_site")).exists()


OPEN_INCIDENT = """\
    ---
    title: Errors
    components:
      api: partial_outage
    ---

    ## 2026-11-20 14:05 UTC — Investigating
    We are looking into it.
    """


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ["-m", "ERR \x1b[31mconn refused\x1b[0m"],
            b"",
            "--message: line 1: " + ESC_MESSAGE.format(5).removeprefix("error: "),
        ),
        (
            ["-m", "bad \udcff byte"],
            b"",
            "--message: the text is not UTF-8 (the byte 0xff at character 5 cannot be read)",
        ),
        (
            [],
            b"Fixed \xff\xfe.\n",
            "the message on standard input is not UTF-8 text (the byte 0xff at offset 6 "
            "cannot be read)",
        ),
        (
            [],
            b"line one\nbell \x07 here\n",
            "the message on standard input: line 2: the control character U+0007 (BELL) at "
            "column 6 cannot be published; delete it",
        ),
        (
            ["-m", "Later.", "--next", "99999999999h"],
            b"",
            "--next: cannot read '99999999999h'",
        ),
    ],
    ids=["colour-codes", "argv-not-utf8", "stdin-not-utf8", "stdin-bell", "huge-next"],
)
def test_writing_commands_refuse_text_that_cannot_be_published(
    argv: list[str],
    stdin: bytes,
    message: str,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"open": OPEN_INCIDENT})
    path = site / "content" / "incidents" / "open.md"
    before = path.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    command = ["update", "open", "--source", str(site), "--now", NOW, "-s", "identified"]
    assert main([*command, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"statusgen: error: {message}"), err
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["open.md"]


def test_a_title_with_a_colour_code_is_refused_by_new(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    argv = ["new", "API \x1b[1mdown", "-c", "api=major_outage", "-m", "Looking.", "--now", NOW]
    assert main([*argv, "--source", str(site)]) == 2
    assert capsys.readouterr().err.startswith("statusgen: error: the title: line 1: the control")
    assert list((site / "content" / "incidents").iterdir()) == []


# -- 12.6: faults are problems, not tracebacks -----------------------------------------------------


def build_command(site: Path, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--source",
        str(site),
        "--output",
        str(output),
        "--now",
        NOW,
    ]


def test_three_builds_at_once_into_one_folder_all_succeed_and_leave_nothing_behind(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({f"x{n}": INCIDENT for n in range(20)})
    output = tmp_path / "out"
    for _ in range(3):
        builds = [
            subprocess.Popen(build_command(site, output), stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        results = [(b.wait(timeout=120), b.stderr.read() if b.stderr else "") for b in builds]
        assert [status for status, _ in results] == [0, 0, 0], results
        assert (output / "index.html").is_file()
        assert (output / "api" / "v2" / "summary.json").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_a_build_waits_for_the_one_holding_the_output(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"x": INCIDENT})
    output = tmp_path / "out"
    holder = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a build in the middle of its swap holds it
    try:
        waiting = subprocess.Popen(build_command(site, output), stderr=subprocess.PIPE)
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=3)
        assert not output.exists()
    finally:
        os.close(holder)
    assert waiting.wait(timeout=60) == 0
    assert (output / "index.html").is_file()


def test_leftovers_of_a_killed_build_are_cleaned_and_the_previous_site_put_back(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    output = tmp_path / "out"
    assert run_build(site, output, capsys)[0] == 0
    previous = (output / "index.html").read_bytes()
    # Killed between the two renames: the old site moved aside, the new one half-written.
    output.rename(tmp_path / ".out.old-4242")
    (tmp_path / ".out.new-abc123").mkdir()
    (tmp_path / ".out.new-abc123" / "index.html").write_text("half", encoding="utf-8")

    broken = site / "content" / "incidents" / "broken.md"
    broken.write_text("---\ntitle: B\n---\n## yesterday — Resolved\nX.\n", encoding="utf-8")
    assert run_build(site, output, capsys)[0] == 1
    assert (output / "index.html").read_bytes() == previous  # the previous site is back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]

    broken.unlink()
    (tmp_path / ".out.old-999").mkdir()
    (tmp_path / ".out.new-zzz").mkdir()
    assert run_build(site, output, capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_an_internal_error_is_one_line_saying_where_to_report_it(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from generator import build as build_module

    site = make_site({"x": INCIDENT})

    def broken_render(*_args: object) -> None:
        raise KeyError("a secret=hunter2")

    monkeypatch.setattr(build_module, "render", broken_render)
    output = tmp_path / "out"
    status, err = run_build(site, output, capsys)
    assert status == 3
    line = re.fullmatch(
        r"statusgen: internal error \(KeyError in generator/build\.py:\d+\): this is a bug in "
        r"statusgen, not in your content; please report it at (\S+) with the command you ran; "
        r"run it again with --debug to see the traceback\n",
        err,
    )
    assert line is not None, err
    assert line[1] == issues_url()
    assert "hunter2" not in err
    assert issues_url().startswith("https://")
    assert not output.exists()

    for argv in (["--debug", "build"], ["build", "--debug"]):
        command = [*argv, "--source", str(site), "--output", str(output), "--now", NOW]
        assert main(command) == 3
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err
        assert err.splitlines()[-1].startswith("statusgen: internal error (KeyError in ")


def test_an_internal_error_names_the_statusgen_module_it_came_from(
    make_site: MakeSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from generator.render import badges

    monkeypatch.setattr(badges, "render_badges", lambda _ctx: [][1])
    monkeypatch.setattr("generator.build.RENDERERS", [lambda ctx: badges.render_badges(ctx)])
    status, err = run_build(make_site({"x": INCIDENT}), tmp_path / "out", capsys)
    assert status == 3
    assert "internal error (IndexError in " in err


def test_a_fault_of_the_machine_is_a_problem_with_the_path(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    status, err = run_build(site, tmp_path / "afile" / "sub", capsys)
    assert status == 1
    assert err.splitlines() == [
        "afile/sub: error: cannot write the site here: File exists (afile)",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


# -- hostile file names and special files ----------------------------------------------------------


def test_an_incident_linked_from_outside_the_site_is_refused_unread(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(textwrap.dedent(INCIDENT).replace("Fixed.", "TOKEN=hunter2"), "utf-8")
    site = make_site({"x": INCIDENT})
    (site / "content" / "incidents" / "leak.md").symlink_to(secret)
    check_fails_at(
        site,
        tmp_path,
        capsys,
        "site/content/incidents/leak.md: error: this is a link to a file outside the site, "
        "which a build never publishes; copy the incident into content/incidents/ instead",
    )


def test_a_fifo_named_like_an_incident_does_not_hang_the_build(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    os.mkfifo(site / "content" / "incidents" / "pipe.md")
    check_fails_at(
        site,
        tmp_path,
        capsys,
        "site/content/incidents/pipe.md: error: this is not a regular file; an incident or "
        "site.yaml is a file",
    )


def test_a_file_name_with_a_newline_cannot_forge_a_line_of_output(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    (site / "content" / "incidents" / "a\nb.md").write_text("hi", encoding="utf-8")
    (site / "content" / "incidents" / "c\udcff,line=1::d.md").write_text("hi", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--source", str(site), "--now", NOW]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[:2] == [
        "site/content/incidents/a\\nb.md: error: the file name 'a\\nb.md' cannot be an incident "
        "id: use lower-case letters, digits and dashes, e.g. 2026-11-20-api-errors.md",
        "site/content/incidents/a\\nb.md:1: error: an incident file starts with front matter "
        "between '---' lines:",
    ]
    annotations = [line for line in captured.out.splitlines() if line.startswith("::")]
    assert len(annotations) == 4
    assert annotations[2].startswith(
        "::error file=site/content/incidents/c\\udcff%2Cline=1%3A%3Ad.md::the file name"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ facts.x }", "unexpected '}'"),
        ("{% for %}", "Expected an expression, got 'end of"),
        ("{% block main %}{% endblock %}{% endblock %}", "Encountered unknown tag 'endblock'"),
    ],
)
def test_a_theme_template_that_cannot_be_read_fails_check_at_its_line(
    template: str,
    message: str,
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"x": INCIDENT})
    templates = site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    text = '{% extends "default/index.html" %}\n{% block main %}\n' + template + "{% endblock %}"
    (templates / "index.html").write_text(text, encoding="utf-8")
    status, err = run_check(site, capsys)
    assert status == 1
    assert err[0].startswith(f"site/themes/default/templates/index.html:3: error: {message}")
    assert run_build(site, tmp_path / "out", capsys)[0] == 1
    assert not (tmp_path / "out").exists()


def test_a_theme_template_that_fails_as_it_renders_is_a_problem_at_its_line(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"x": INCIDENT})
    templates = site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    text = '{% extends "default/index.html" %}\n{% block main %}\n\n{{ nosuch.x }}{% endblock %}'
    (templates / "index.html").write_text(text, encoding="utf-8")
    status, err = run_build(site, tmp_path / "out", capsys)
    assert status == 1
    assert err.splitlines() == [
        "site/themes/default/templates/index.html:4: error: 'nosuch' is undefined: a template "
        "has site, facts, fmt, ctx, root and its page's own values (docs/themes.md)",
        "statusgen: 1 error, 0 warnings; nothing was written",
    ]
    assert not (tmp_path / "out").exists()


def test_a_reader_that_goes_away_ends_the_command_quietly(make_site: MakeSite) -> None:
    """``statusgen check | head -1``: the pipe closes early; no traceback, no error line."""
    site = make_site({"x": INCIDENT})
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write fails with EPIPE
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--source", str(site)],
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )
    os.close(writer)
    assert result.returncode == 141
    assert result.stderr == ""
