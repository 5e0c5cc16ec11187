"""Markdown to safe HTML for update texts.

Raw HTML is shown as text, never run; only http, https, mailto and relative links are kept
(SPEC section 6). Update headings start at ``###``, so they stay below the page's own.

markdown-it-py's parser is the rule. Where markdown-it-pyrs is installed, :func:`parse_blocks`
takes the same tokens from it for the texts it is known to parse alike
(:mod:`generator.markdown_rs`), several times faster; ``STATUSGEN_MARKDOWN=py`` turns that off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

from generator import markdown_rs

SAFE_SCHEMES = ("http", "https", "mailto")


def _validate_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (scheme == "" and not url.strip().startswith("//"))


def _make_parser() -> MarkdownIt:
    # "js-default" escapes raw HTML; linkify stays off so nothing is guessed. The rules for raw
    # HTML, links guessed from text and typographic replacements do nothing with those options
    # but still cost a fifth of the parse: leave them out.
    parser = MarkdownIt("js-default").enable("table").enable("strikethrough")
    parser.disable(["html_block", "html_inline", "linkify", "replacements", "smartquotes"])
    parser.validateLink = _validate_link  # type: ignore[method-assign]
    parser.add_render_rule("image", _image_as_link)
    return parser


def _image_as_link(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image becomes a link to it: a status page loads nothing from other hosts."""
    token = tokens[idx]
    src = escapeHtml(token.attrGet("src") or "")
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, env) or "image")
    return f'<a href="{src}">{alt}</a>'


_parser = _make_parser()


def render_markdown(text: str) -> Markup:
    """HTML for a text on its own (an email's HTML part); safe to put in a page as it is."""
    return Markup(render_tokens(*parse_blocks(text)))


def parse_blocks(text: str) -> tuple[list[Token], dict[str, Any]]:
    """The tokens of a whole incident body, parsed once with the same safe rules: exactly
    markdown-it-py's, whichever parser made them."""
    env: dict[str, Any] = {}
    if markdown_rs.available():
        tokens = markdown_rs.tokens_of(text, _validate_link)
        if tokens is not None:
            return tokens, env
    return _parser.parse(text, env), env


def render_tokens(tokens: Sequence[Token], env: dict[str, Any]) -> str:
    """Safe HTML for a run of tokens from :func:`parse_blocks` (one update's text)."""
    return str(_parser.renderer.render(list(tokens), _parser.options, env))


def plain_text(text: str) -> str:
    """An update's text for places that show no HTML (a calendar's description): the words,
    links as ``words (URL)``, list items as ``- item``, blocks apart by a blank line. Links the
    pages would drop (``javascript:``) keep only their words."""
    return plain_text_of(parse_blocks(text)[0])


def plain_text_of(tokens: Sequence[Token]) -> str:
    """:func:`plain_text` of tokens already parsed (one update's run, from
    :func:`parse_blocks`)."""
    blocks: list[tuple[str, bool]] = []  # (text, is a list item)
    line: list[str] = []
    prefix: list[str] = []
    href: list[str | None] = []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            prefix.append("- " if token.type == "bullet_list_open" else "1. ")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            prefix.pop()
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), False))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    line.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    line.append("\n")
                elif child.type == "link_open":
                    url = str(child.attrGet("href") or "")
                    href.append(url if _validate_link(url) else None)
                elif child.type == "link_close":
                    target = href.pop() if href else None
                    if target and target != "".join(line).rsplit(" ", 1)[-1]:
                        line.append(f" ({target})")
                elif child.type == "image":
                    url = str(child.attrGet("src") or "")
                    line.append(child.content or "image")
                    if _validate_link(url):
                        line.append(f" ({url})")
            indent = "  " * max(len(prefix) - 1, 0)
            blocks.append((indent + (prefix[-1] if prefix else "") + "".join(line), bool(prefix)))
            line = []
    out = ""
    previous_item = False
    for block, item in blocks:
        if block.strip():
            out += ("\n" if item and previous_item else "\n\n") if out else ""
            out += block
            previous_item = item
    return out
