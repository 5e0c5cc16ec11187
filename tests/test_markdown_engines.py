"""The fast Markdown path (markdown-it-pyrs, generator/markdown_rs.py) gives exactly the tokens and
HTML of markdown-it-py, or declines the text and leaves it to markdown-it-py.

Checked on the CommonMark spec's examples (tests/data/commonmark/), every incident text of the
sample and invalid sites, the benchmark's paragraphs and texts, and generated Markdown-ish
texts. Without markdown-it-pyrs these tests skip and say so; in CI (``CI=true``) they fail, as
the fast path must be proven where it is shipped.
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from generator import markdown, markdown_rs
from tests.tooling import missing

REPO = Path(__file__).resolve().parent.parent
SPEC = json.loads((REPO / "tests" / "data" / "commonmark" / "spec.json").read_text("utf-8"))
sys.path.insert(0, str(REPO / "bench"))
from run import PARAGRAPHS, incident_text  # noqa: E402

sys.path.pop(0)


@pytest.fixture(autouse=True)
def _fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import markdown_it_pyrs  # noqa: F401
    except ImportError as error:
        missing(f"markdown-it-pyrs not importable ({error}): pip install markdown-it-pyrs")
    # importable, so only markdown_rs's own check of markdown-it-py's Token can turn it off
    assert markdown_rs._rs is not None, "markdown_rs does not know this markdown-it-py's Token"
    monkeypatch.delenv("STATUSGEN_MARKDOWN", raising=False)


def fields(token: Token) -> dict[str, Any]:
    """Every field of a token, its children's too; attributes in their order (it is the
    order they are written in)."""
    return {
        "type": token.type,
        "tag": token.tag,
        "nesting": token.nesting,
        "attrs": list(token.attrs.items()),
        "map": token.map,
        "level": token.level,
        "children": None if token.children is None else [fields(c) for c in token.children],
        "content": token.content,
        "markup": token.markup,
        "info": token.info,
        "meta": token.meta,
        "block": token.block,
        "hidden": token.hidden,
    }


def compare(text: str) -> bool:
    """Whether the fast path took ``text``; if it did, its tokens and HTML are markdown-it-py's."""
    fast = markdown_rs.tokens_of(text, markdown._validate_link)
    if fast is None:
        return False
    env: dict[str, Any] = {}
    slow = markdown._parser.parse(text, env)
    assert env == {}
    assert [fields(t) for t in fast] == [fields(t) for t in slow], text
    assert markdown.render_tokens(fast, {}) == markdown._parser.render(text), text
    return True


def incident_bodies() -> dict[str, str]:
    paths = sorted(REPO.glob("content/incidents/*.md")) + sorted(
        REPO.glob("tests/**/content/incidents/*.md")
    )
    assert len(paths) > 10
    bodies = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        parts = text.split("---\n", 2)
        bodies[str(path.relative_to(REPO))] = parts[2] if len(parts) == 3 else text
    return bodies


BENCH_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def bench_texts(count: int = 300) -> list[str]:
    """The benchmark's incident files (bench/run.py writes 10,000 of these)."""
    rng = random.Random(7)
    return [incident_text(rng, n, BENCH_NOW) for n in range(count)]


@pytest.mark.parametrize("example", SPEC, ids=lambda e: str(e["example"]))
def test_commonmark_examples(example: dict[str, Any]) -> None:
    compare(example["markdown"])


def test_many_commonmark_examples_take_the_fast_path() -> None:
    taken = sum(compare(example["markdown"]) for example in SPEC)
    assert taken > len(SPEC) / 2


def test_incident_bodies_take_the_fast_path() -> None:
    declined = [name for name, body in incident_bodies().items() if not compare(body)]
    assert declined == []


def test_bench_corpus_takes_the_fast_path() -> None:
    for paragraph in PARAGRAPHS:
        assert compare(paragraph), paragraph
    for text in bench_texts():
        assert compare(text.split("---\n", 2)[2])


def test_parse_blocks_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "## 2026-11-20 14:05 — Investigating\nWe are **looking**.\n"
    calls: list[str] = []

    def counted(text: str, env: Any = None) -> list[Token]:  # noqa: ARG001
        calls.append(text)
        return []

    monkeypatch.setattr(markdown._parser, "parse", counted)
    markdown.parse_blocks(body)
    assert calls == []
    monkeypatch.setenv("STATUSGEN_MARKDOWN", "py")
    markdown.parse_blocks(body)
    assert calls == [body]


LINK_TARGETS = [
    "https://example.com/a b",
    "/a%20b",
    "/a%zz",
    "https://EXAMPLE.com/A",
    "/ü?q=é#frag",
    "mailto:a@example.com",
    "MAILTO:x@y",
    "HTTP://X",
    "https://a.b/%E2%80%94",
    "/path(1)",
    "https://a/\\_b",
    "/a'b",
    "https://user:pw@host:80/p?x=[1]",
    "#top",
    "?q",
    "https://a/~x",
    "https://a/%",
    "https://a/a|b",
    "http://a.b/😀",
    "/a^b",
    "/a{b}",
    "/a%e2%80%94",
    "mailto:ü@x.de",
    "https://x.y/a?b=c&d=e",
    "https://host.com:8080/",
    # declined: the parsers normalise these apart
    "https://bücher.de/ü",
    "https://例え.テスト/パス",
    "https://[::1]/",
    "https://@x",
    "mailto:@x",
]


@pytest.mark.parametrize("target", LINK_TARGETS)
@pytest.mark.parametrize("form", ["[x]({})", "[x]({} 't')", '[x]({} "")', "[*x* `y`]({} '')"])
def test_link_targets(target: str, form: str) -> None:
    compare(form.format(target))


@pytest.mark.parametrize(
    "text",
    [
        "<b>bold</b>",
        "[a](https://bücher.de/)",
        "[a](https://[::1]/)",
        "[a](https://@example.com/)",
        "a <https://example.com> b",
        "![logo](https://example.com/a.png)",
        "[a][x]\n\n[x]: https://example.com",
        "&copy; &#35;",
        "[a](javascript:alert(1))",
        "[a](JavaScript\\:alert(1))",
        "[a](ftp://example.com/)",
        "[a](//example.com/)",
        "a\tb",
        "a\r\nb",
        "a\x00b",
        "a\u00a0b",
        "*£*bravo",
        "- x\n\n  | a |\n  |---|\n  | 1 |\n",
        "a \ud800",
    ],
)
def test_declined(text: str) -> None:
    """What the fast path leaves to markdown-it-py (the module's docstring says why)."""
    assert markdown_rs.tokens_of(text, markdown._validate_link) is None
    assert markdown.parse_blocks(text)[0] is not None


@pytest.mark.parametrize(
    "text", ["[`a](/)", "see [the `log", "> [x `y\n> z](/)", "[`x` `](/) `", "[a](/) `b`"]
)
def test_a_backtick_beside_a_bracket_never_reaches_the_fast_parser(
    text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """markdown-it-pyrs 0.4 can panic on a backtick inside a link's text, printing a Rust
    backtrace on the writer's terminal: such texts go to markdown-it-py before it sees them."""
    assert markdown_rs.tokens_of(text, markdown._validate_link) is None
    assert markdown.parse_blocks(text)[0]
    assert capfd.readouterr().err == ""


def test_a_backtick_and_a_bracket_apart_take_the_fast_path() -> None:
    assert markdown_rs.tokens_of(
        "Run `acme fix`.\n\nSee [the runbook](/r).", markdown._validate_link
    )


LINE = st.one_of(
    st.sampled_from([f"[x]({target})" for target in LINK_TARGETS] + ["[x](/u '')"]),
    st.sampled_from(
        [
            "",
            " ",
            "#",
            "## ",
            "### ",
            "-",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "2) ",
            "  ",
            "    ",
            "> ",
            ">",
            "```",
            "~~~",
            "```sh",
            "|",
            "| a | b |",
            "|---|:-:|",
            "---",
            "===",
            "***",
            "**",
            "*",
            "_",
            "__",
            "~~",
            "~",
            "`",
            "``",
            "\\",
            "[x](https://example.com/a)",
            "[x](/path 'title')",
            "[x](<https://example.com>)",
            "[x](mailto:a@example.com)",
            "[x](ftp://example.com)",
            "[",
            "](",
            ")",
            "—",
            "障害",
            "é",
            "→",
            "!",
            ".",
            "word",
            "two words",
            "2026-11-20 14:05 — Resolved",
            "  - ",
            "   ",
            "     ",
            "  > ",
            "> - ",
            "> > ",
            "  1. ",
            "   ```",
            "- > ",
            "- - ",
            "10. ",
            "a|b",
            "\\|",
            "`x`",
            "**a**",
            "~~a~~",
            "_a_",
            "。",
            "！",
            "ｘ",
        ]
    ),
    st.text(alphabet=" #-*+>`~|[]()\\_.:!=1aé—障", max_size=12),
)
TEXT = st.lists(st.lists(LINE, min_size=1, max_size=6).map("".join), max_size=12).map("\n".join)


# A longer hunt: STATUSGEN_FUZZ_EXAMPLES=50000 python -m pytest tests/test_markdown_engines.py
@settings(
    max_examples=int(os.environ.get("STATUSGEN_FUZZ_EXAMPLES", "1500")),
    deadline=None,
    database=None,  # no .hypothesis folder in the repository
    suppress_health_check=[HealthCheck.too_slow],
)
@given(TEXT)
@example("- a\n- b\n\n  c")
@example("> - a\n>   b\n> c")
@example("1. a\n\n   ```\n   x\n   ```\n2. b")
def test_generated_texts(text: str) -> None:
    compare(text)
