"""An update's Markdown in each platform's own format, with hostile text kept inert.

The text is parsed once with the site's own safe Markdown rules (:mod:`generator.markdown`:
raw HTML stays text, only http, https, mailto and relative links are links), then written
out for a platform: Slack's mrkdwn, Discord's Markdown, the Markdown subset of Adaptive Cards
(Teams), or plain text (email). Whatever is text in the update stays text on the platform:
the characters each platform gives a meaning (Slack's ``<!channel>`` and ``<@U123>``,
Markdown's ``[x](javascript:...)``, ``@everyone``) are escaped, never interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from markdown_it.token import Token

from generator.markdown import SAFE_SCHEMES, parse_blocks


class Dialect:
    """Plain text: what an email's text part shows."""

    bullet = "•"
    code_fence = ""  # how a code block is fenced ("" keeps it as indented lines)
    quote = "> "

    def escape(self, text: str) -> str:
        return text

    def strong(self, text: str) -> str:
        return text

    def em(self, text: str) -> str:
        return text

    def strike(self, text: str) -> str:
        return text

    def code(self, text: str) -> str:
        return text

    def link(self, text: str, url: str) -> str:
        return url if text in (url, url.removeprefix("mailto:")) else f"{text} ({url})"

    def heading(self, text: str) -> str:
        return text


class SlackMrkdwn(Dialect):
    """Slack's mrkdwn: ``&``, ``<`` and ``>`` are its control characters, so they are always
    escaped; that alone keeps ``<!channel>``, ``<@U123>`` and ``<url|text>`` as text."""

    code_fence = "```"

    def escape(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def strong(self, text: str) -> str:
        return f"*{text}*" if text.strip() else text

    def em(self, text: str) -> str:
        return f"_{text}_" if text.strip() else text

    def strike(self, text: str) -> str:
        return f"~{text}~" if text.strip() else text

    def code(self, text: str) -> str:
        # Slack reads <...> and & inside code too; a backtick would end the span.
        return "`" + self.escape(text.replace("`", "'")) + "`"

    def link(self, text: str, url: str) -> str:
        # Slack's link syntax takes no escapes inside the URL: refuse the characters it uses.
        if any(ch in url for ch in "<>|") or any(ch.isspace() for ch in url):
            return text
        return f"<{url}|{text}>"

    def heading(self, text: str) -> str:
        return self.strong(text)


class CommonMarkish(Dialect):
    """Markdown as Discord and Adaptive Cards read it: every punctuation character that could
    start markup is backslash-escaped, so text never becomes a link, a mention or a format."""

    bullet = "-"
    # The characters that start links, formats, mentions and HTML anywhere in a line ...
    special = re.compile(r"([\\`*_~\[\]<>|@])")
    # ... and those that start a heading, a list or a quote at the start of a line.
    line_start = re.compile(r"(?m)^(\s*)([#>+-]|\d+[.)])")

    def escape(self, text: str) -> str:
        return self.line_start.sub(r"\1\\\2", self.special.sub(r"\\\1", text))

    def strong(self, text: str) -> str:
        return f"**{text}**" if text.strip() else text

    def em(self, text: str) -> str:
        return f"_{text}_" if text.strip() else text

    def code(self, text: str) -> str:
        # A code span cannot escape; a backtick inside would end it, so it becomes a quote.
        return "`" + text.replace("`", "'") + "`"

    def link(self, text: str, url: str) -> str:
        if any(ch in url for ch in "()<> ") or any(ch.isspace() for ch in url):
            return text
        return f"[{text}]({url})"

    def heading(self, text: str) -> str:
        return self.strong(text)


class DiscordMarkdown(CommonMarkish):
    code_fence = "```"

    def strike(self, text: str) -> str:
        return f"~~{text}~~" if text.strip() else text


class TeamsMarkdown(CommonMarkish):
    """The Markdown subset of Adaptive Card text: bold, italic, lists and links; no code
    blocks or quotes, which are written as plain lines."""

    quote = ""

    def code(self, text: str) -> str:
        return self.escape(text)


SLACK = SlackMrkdwn()
DISCORD = DiscordMarkdown()
TEAMS = TeamsMarkdown()
TEXT = Dialect()


def convert(markdown: str, dialect: Dialect, base_url: str = "") -> str:
    """``markdown`` (an update's text) written in ``dialect``; relative links are made
    absolute against ``base_url`` (the incident's page)."""
    tokens, _ = parse_blocks(markdown)
    return _Writer(dialect, base_url).blocks(tokens).strip()


def clip(text: str, limit: int, more: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters, at a line or word where possible."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(more), 0)]
    for separator in ("\n", " "):
        at = cut.rfind(separator)
        if at > limit // 2:
            cut = cut[:at]
            break
    # Never leave a lone escaping backslash at the end.
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut.rstrip() + more


class _Writer:
    def __init__(self, dialect: Dialect, base_url: str):
        self.d = dialect
        self.base = base_url

    def blocks(self, tokens: Sequence[Token]) -> str:
        out: list[str] = []
        lists: list[list[int]] = []  # a stack of [ordered?, next number]
        quote_depth = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            prefix = self.d.quote * quote_depth
            if kind == "inline":
                text = self.inline(token.children or [])
                if out and out[-1] == "\x00item":
                    out.pop()
                    depth = len(lists) - 1
                    ordered, number = lists[-1]
                    marker = f"{number}." if ordered else self.d.bullet
                    if ordered:
                        lists[-1][1] += 1
                    out.append(prefix + "  " * depth + f"{marker} " + text.replace("\n", " "))
                else:
                    out.append("\n".join(prefix + line for line in text.split("\n")))
                    if not lists:
                        out.append("")
            elif kind == "heading_open":
                inner = tokens[i + 1]
                out.append(prefix + self.d.heading(self.inline(inner.children or [])))
                out.append("")
                i += 2
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
                lists.append([kind == "ordered_list_open", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                if not lists:
                    out.append("")
            elif kind == "list_item_open":
                out.append("\x00item")
            elif kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind in ("fence", "code_block"):
                out.append(self.code_block(token.content, prefix))
                out.append("")
            elif kind == "hr":
                out.append(prefix + "———")
                out.append("")
            elif kind == "table_open":
                i = self.table(tokens, i, out, prefix)
            i += 1
        text = "\n".join(line for line in out if line != "\x00item")
        return re.sub(r"\n{3,}", "\n\n", text)

    def code_block(self, content: str, prefix: str) -> str:
        body = content.rstrip("\n")
        if self.d.code_fence:
            fenced = body.replace("```", "'''")  # a fence inside would end the block
            if isinstance(self.d, SlackMrkdwn):
                fenced = self.d.escape(fenced)  # Slack parses <...> even in code
            return f"{prefix}```\n{fenced}\n```"
        return "\n".join(prefix + "    " + self.d.escape(line) for line in body.split("\n"))

    def table(self, tokens: Sequence[Token], i: int, out: list[str], prefix: str) -> int:
        """A table becomes one line per row, cells separated by " | "."""
        row: list[str] = []
        while tokens[i].type != "table_close":
            token = tokens[i]
            if token.type == "inline":
                row.append(self.inline(token.children or []))
            elif token.type == "tr_close":
                out.append(prefix + " | ".join(row))
                row = []
            i += 1
        out.append("")
        return i

    def inline(self, children: Sequence[Token]) -> str:
        out: list[str] = []
        stack: list[tuple[str, int, str]] = []  # (kind, where its text starts, href)
        for token in children:
            kind = token.type
            if kind == "text":
                out.append(self.d.escape(token.content))
            elif kind == "code_inline":
                out.append(self.d.code(token.content))
            elif kind in ("softbreak", "hardbreak"):
                out.append("\n")
            elif kind in ("strong_open", "em_open", "s_open"):
                stack.append((kind, len(out), ""))
            elif kind == "link_open":
                stack.append((kind, len(out), str(token.attrGet("href") or "")))
            elif kind in ("strong_close", "em_close", "s_close", "link_close") and stack:
                opened, start, href = stack.pop()
                inner = "".join(out[start:])
                del out[start:]
                if opened == "strong_open":
                    out.append(self.d.strong(inner))
                elif opened == "em_open":
                    out.append(self.d.em(inner))
                elif opened == "s_open":
                    out.append(self.d.strike(inner))
                else:
                    out.append(self._link(inner, href))
            elif kind == "image":
                # As on the site: an image becomes a link to it, and nothing is loaded.
                alt = self.d.escape(token.content or "image")
                out.append(self._link(alt, str(token.attrGet("src") or "")))
        return "".join(out)

    def _link(self, text: str, href: str) -> str:
        url = urljoin(self.base, href.strip()) if self.base else href.strip()
        if urlsplit(url).scheme.lower() not in SAFE_SCHEMES:
            return text
        return self.d.link(text or self.d.escape(url), url)
