"""The tokens of an update text from markdown-it-pyrs, a Rust port of markdown-it that parses
several times faster, for the texts where it is known to agree with markdown-it-py.

:func:`tokens_of` returns exactly the Token list markdown-it-py's parser in
:mod:`generator.markdown` gives (every field, its children too), or ``None`` when the text holds
anything outside the checked subset; the caller then parses it with markdown-it-py. Declined:

- what the safety rules touch: raw HTML and autolinks (any ``<``), images (``![``), the
  schemes ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` anywhere, a link whose target
  markdown-it-py's ``validateLink`` would drop;
- what only one parser reads: reference definitions (``]:``), entities, tabs, CR, control
  characters and whitespace other than spaces and newlines;
- what the two were found to read apart (each is explained where it is declined): symbols such
  as ``£`` beside emphasis, ``*`` and ``_`` emphasis in one paragraph, runs of three tildes or
  more inside a line, backtick runs left open, link targets with a non-ASCII or bracketed host
  or an empty user, lazy lines of a block quote, an empty block quote, tables inside other
  blocks or ended by anything but a blank line, a pipe line over a line of dashes that does not
  make a table, a fence left open at the end with its marker on its last line, deep nesting;
- a backtick and a ``[`` between the same blank lines, where a link's text could hold the
  backtick: markdown-it-pyrs 0.4 can panic there, printing a Rust backtrace.

tests/test_markdown_engines.py holds the proof: the CommonMark examples, the sample and invalid
sites, the benchmark's texts and generated texts, each either declined or identical.
"""

from __future__ import annotations

import dataclasses
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, Literal
from unicodedata import category

from markdown_it.token import Token

# The rules of generator.markdown's parser, without those the gate keeps out (html, entity,
# reference, image, autolink) or that are off there (linkify, replacements, smartquotes).
_RULES: list[Any] = [
    "blockquote",
    "code",
    "fence",
    "heading",
    "hr",
    "lheading",
    "list",
    "paragraph",
    "backticks",
    "emphasis",
    "escape",
    "link",
    "newline",
    "strikethrough",
    "table",
]

try:
    from markdown_it_pyrs import MarkdownIt as _RsMarkdownIt
except ImportError:  # no wheel for this platform: markdown-it-py does all the parsing
    _rs: Any = None
else:
    _rs = _RsMarkdownIt("zero").enable_many(_RULES)

# Declined at a glance: raw HTML and autolinks, images, reference definitions, entities,
# control characters, and schemes no page links to (looked for anywhere, in any case, with
# backslash escapes taken out: ``javascript:``, ``vbscript:``, ``file:``, ``data:``).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # a tab and CR too: see below
_ENTITY = re.compile(r"&[#A-Za-z0-9]+;")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_EMPHASIS = re.compile(r"[*_~]")


def _outside(text: str) -> bool:
    """Whether ``text`` holds one of the things declined at a glance (cheap tests first)."""
    if "<" in text or "![" in text or "]:" in text or _CONTROL.search(text):
        return True
    if "&" in text and _ENTITY.search(text):
        return True
    low = text.lower()
    if "\\" in low:
        low = low.replace("\\", "")
    if "script:" in low or "file:" in low or "data:" in low:
        return True
    if text.isascii():
        return False
    symbol = False
    for char in set(_NON_ASCII.findall(text)):
        kind = _KINDS.get(char)
        if kind is None:
            kind = _KINDS[char] = _kind(char)
        if kind == _SPACE:
            return True
        symbol = symbol or kind == _SYMBOL
    return symbol and _EMPHASIS.search(text) is not None


# Non-ASCII characters the parsers treat apart. Whitespace other than spaces and newlines
# (no-break and ideographic spaces; tabs and CR above): markdown-it-py strips them off a line's
# ends with Python's str.strip, markdown-it-pyrs keeps them. Symbols (``£``, ``€``, ``→``):
# markdown-it-py counts them as punctuation beside ``*``, ``_`` and ``~`` (as CommonMark 0.31
# does), markdown-it-pyrs does not, so they decide emphasis apart.
_PLAIN, _SPACE, _SYMBOL = 0, 1, 2
_KINDS: dict[str, int] = {}  # the characters seen so far, each with its kind


def _kind(char: str) -> int:
    if char.isspace():
        return _SPACE
    return _SYMBOL if category(char)[0] == "S" else _PLAIN


class _Declined(Exception):
    """The text holds something outside the subset the conversion is known to get right."""


def available() -> bool:
    """Whether markdown-it-pyrs is importable and not switched off (``STATUSGEN_MARKDOWN=py``)."""
    return _rs is not None and os.environ.get("STATUSGEN_MARKDOWN", "") != "py"


def tokens_of(text: str, validate_link: Callable[[str], bool]) -> list[Token] | None:
    """markdown-it-py's tokens for ``text``, built from markdown-it-pyrs's tree, or ``None``
    when the text is outside the subset (or the fast parser is not there)."""
    if _rs is None or _outside(text) or _MANY_MARKERS.search(text):
        return None
    tail = text.rfind("\n") + 1
    if tail < len(text) and not text[tail:].strip(" "):
        # markdown-it-py never sees a last line of only spaces (its line scan skips a line's
        # leading spaces before looking for its end); markdown-it-pyrs does
        text = text[:tail]
    try:
        source = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    if "`" in text and "[" in text and (_unpaired_backticks(text) or _side_by_side(text)):
        return None
    if "~~~" in text and _LONG_TILDES.search(text):
        return None
    try:
        tree = _rs.tree(text)
    except BaseException as error:
        if type(error).__name__ != "PanicException":
            raise
        return None  # markdown-it-pyrs gave up (its panic is already on stderr)
    try:
        return _Converter(source, validate_link).document(tree)
    except _Declined:
        return None


_BACKTICKS = re.compile(r"`+")


def _backticks_pair(content: str) -> bool:
    """Whether each run of backticks in an inline text, taken in order, finds a closing run of
    its length. When one does not, markdown-it-py remembers where it looked, and on the runs
    after it the two parsers' memories differ (```a``````\n`[``````\n`1```1`1```` parses
    apart)."""
    if "\\`" in content:
        return False  # an escaped backtick: the runs are not the ones counted here
    runs = [len(run) for run in _BACKTICKS.findall(content)]
    index = 0
    while index < len(runs):
        try:
            index = runs.index(runs[index], index + 1) + 1
        except ValueError:
            return False
    return True


# Three tildes or more inside a line: markdown-it-py takes such a run as text, markdown-it-pyrs
# may strike through with it. At a line's start (after quote and list markers) it is a fence.
_LONG_TILDES = re.compile(r"(?m)^(?!(?:[ >]|[-+*] |[0-9]{1,9}[.)] )*~~~)[^\n]*~~~")


def _unpaired_backticks(text: str) -> bool:
    """Whether a line (not a code fence's) holds a run of backticks that no later run of its
    length on the same line closes (or an escaped backtick). markdown-it-pyrs 0.4 panics on
    such a run inside a link's text (``[`a](/)``): texts with both are left to markdown-it-py
    before they reach it."""
    return not all(
        _backticks_pair(line)
        for line in text.split("\n")
        if "`" in line and not _FENCE_LINE.match(line)
    )


_BLANK_LINE = re.compile(r"\n[ ]*\n")


def _side_by_side(text: str) -> bool:
    """Whether a backtick and a ``[`` stand in one run of lines (between blank lines), where a
    link's text could hold the backtick: markdown-it-pyrs 0.4 can panic there, and its panic
    prints a Rust backtrace on the writer's terminal, even though the text then falls back.
    A link's text never crosses a blank line, so texts with the two apart are parsed fast."""
    return any("`" in part and "[" in part for part in _BLANK_LINE.split(text))


_FENCE_LINE = re.compile(r"(?:[ >]|[-+*] |[0-9]{1,9}[.)] )*```[^`]*$")


_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup",
           "info", "meta", "block", "hidden")  # fmt: skip
_new_token = Token.__new__


def _token(
    type_: str,
    tag: str,
    nesting: Literal[-1, 0, 1],
    level: int,
    map_: list[int] | None = None,
    markup: str = "",
    content: str = "",
    info: str = "",
    attrs: dict[str, Any] | None = None,
    children: list[Token] | None = None,
    hidden: bool = False,
    block: bool = True,
) -> Token:
    """A Token as markdown-it-py makes it, filled in directly: a third of the time its
    dataclass constructor takes, and tokens are most of the conversion's work."""
    token = _new_token(Token)
    token.type = type_
    token.tag = tag
    token.nesting = nesting
    token.attrs = {} if attrs is None else attrs
    token.map = map_
    token.level = level
    token.children = children
    token.content = content
    token.markup = markup
    token.info = info
    token.meta = {}
    token.block = block
    token.hidden = hidden
    return token


if tuple(field.name for field in dataclasses.fields(Token)) != _FIELDS:
    _rs = None  # a markdown-it-py whose tokens are not the ones filled in here


# markdown-it-py stops nesting at level 100 (its maxNesting) and takes the rest as it comes;
# texts nested anywhere near that deep are left to it, as are lines that open dozens of
# containers at once (``- - - - ...``) or are indented as deep, on which markdown-it-pyrs (or
# this conversion) takes seconds.
_DEEPEST = 50
_MANY_MARKERS = re.compile(r"(?m)^(?: {64}| *(?:(?:>|[-+*] |[0-9]{1,9}[.)] ) *){24})")


class _Container:
    """A block quote or list item around a paragraph: how each of its lines is prefixed."""

    __slots__ = ("indent", "quote")

    def __init__(self, quote: bool, indent: int) -> None:
        self.quote = quote
        self.indent = indent  # a list item: the column its content starts at


_MARKERS = frozenset(b"-+*")
_DIGITS = frozenset(b"0123456789")


class _Converter:
    """One text's conversion. Works on the UTF-8 bytes, as the tree's source maps count bytes."""

    def __init__(self, source: bytes, validate_link: Callable[[str], bool]) -> None:
        self.src = source
        self.validate_link = validate_link
        starts = [0]
        find = source.find
        at = find(b"\n")
        while at != -1:
            starts.append(at + 1)
            at = find(b"\n", at + 1)
        self.starts = starts
        self.tokens: list[Token] = []

    # Lines

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_end(self, line: int) -> int:
        starts = self.starts
        return starts[line + 1] - 1 if line + 1 < len(starts) else len(self.src)

    def span(self, node: Any) -> tuple[int, int]:
        """A block node's lines, ``[first, after last)`` as markdown-it-py's ``token.map``."""
        srcmap = node.srcmap
        if srcmap is None:
            raise _Declined
        return self.line_of(srcmap[0]), self.line_of(srcmap[1]) + 1

    def base(
        self, line: int, chain: Sequence[_Container], lazy_ok: bool = False
    ) -> tuple[int, int]:
        """Where a continuation line's content starts once its block quote markers are taken off,
        and the indent markdown-it-py then strips (as its ``getLines`` with ``blkIndent``)."""
        src = self.src
        pos = self.starts[line]
        end = self.line_end(line)
        indent = 0
        for container in chain:
            if container.quote:
                at = pos
                while at < end and src[at] == 0x20:
                    at += 1
                if at >= end or src[at] != 0x3E or at - pos < indent:
                    # A lazy line, without the marker: the parsers end a quote on different
                    # lines (markdown-it-py ends one before a lone "-", markdown-it-pyrs not)
                    if lazy_ok:
                        break
                    raise _Declined
                pos = at + 1
                if pos < end and src[pos] == 0x20:
                    pos += 1
                indent = 0
            else:
                indent = container.indent
        if chain and chain[-1].quote:
            indent = 0
        return pos, indent

    def lines_content(self, first: int, start: int, stop: int, chain: Sequence[_Container]) -> str:
        """The text of lines ``[start, stop)`` of a paragraph (or setext heading) as
        markdown-it-py gives it: from ``first`` on the first line, container markers and
        indents taken off the others, stripped at both ends."""
        src = self.src
        parts = [src[first : self.line_end(start)]]
        for line in range(start + 1, stop):
            pos, indent = self.base(line, chain)
            end = self.line_end(line)
            taken = 0
            while pos < end and taken < indent and src[pos] == 0x20:
                pos += 1
                taken += 1
            parts.append(src[pos:end])
        return b"\n".join(parts).decode("utf-8").strip()

    def blank(self, line: int, chain: Sequence[_Container]) -> bool:
        pos, _ = self.base(line, chain, lazy_ok=True)
        return not self.src[pos : self.line_end(line)].strip(b" ")

    def document(self, root: Any) -> list[Token]:
        self.tables: list[int] = []
        self.blocks(root.children, 0, ())
        if b"|" in self.src:
            # A line with a pipe over a line of dashes: markdown-it-py may make it a table
            # where markdown-it-pyrs does not (``1|`` over ``---`` is a heading there)
            for found in _TABLE_HEAD.finditer(self.src):
                if self.line_of(found.start()) not in self.tables:
                    raise _Declined
        return self.tokens

    def blocks(self, nodes: Sequence[Any], level: int, chain: tuple[_Container, ...]) -> None:
        if level > _DEEPEST:
            raise _Declined
        for node in nodes:
            name = node.name
            if name == "paragraph":
                first = node.srcmap[0] if node.srcmap else None
                self.paragraph(first, node.children, self.span(node), level, chain, False)
            elif name == "heading":
                self.heading(node, level)
            elif name == "lheading":
                self.setext_heading(node, level, chain)
            elif name in ("bullet_list", "ordered_list"):
                self.list_(node, level, chain)
            elif name == "blockquote":
                if not node.children:
                    raise _Declined  # markdown-it-py's map of an empty one takes a blank line
                start, stop = self.span(node)
                self.tokens.append(
                    _token("blockquote_open", "blockquote", 1, level, [start, stop], ">")
                )
                self.blocks(node.children, level + 1, (*chain, _Container(True, 0)))
                self.tokens.append(_token("blockquote_close", "blockquote", -1, level, None, ">"))
            elif name == "fence":
                meta = node.meta
                markup = meta["marker"] * meta["marker_len"]
                span = self.span(node)
                content = meta["content"]
                if span[1] == len(self.starts) and not self.src.endswith(b"\n"):
                    content = self.fence_at_end(content, markup)
                self.tokens.append(_token("fence", "code", 0, level, list(span), markup,
                                          info=meta["info"], content=content))  # fmt: skip
            elif name == "code_block":
                self.tokens.append(_token("code_block", "code", 0, level, list(self.span(node)), "",
                                          content=node.meta["content"]))  # fmt: skip
            elif name == "hr":
                meta = node.meta
                # markdown-it-py's markup has one marker more than the line (as markdown-it's)
                self.tokens.append(_token("hr", "hr", 0, level, list(self.span(node)),
                                          meta["marker"] * (meta["marker_len"] + 1)))  # fmt: skip
            elif name == "table" and not chain and level == 0:
                self.table(node)
            else:
                raise _Declined

    def fence_at_end(self, content: str, markup: str) -> str:
        """A fence's content when it runs to the end of a text without a last newline: left
        open there, markdown-it-py's has no newline after its last line, markdown-it-pyrs's
        has."""
        last = self.src[self.starts[-1] :].decode("utf-8")
        if markup not in last:
            return content[:-1] if content.endswith("\n") else content
        if re.fullmatch(f"[ >]*{re.escape(markup)}{re.escape(markup[0])}* *", last):
            return content  # closed by its last line
        raise _Declined

    def paragraph(
        self,
        first: int | None,
        children: Sequence[Any],
        span: tuple[int, int],
        level: int,
        chain: Sequence[_Container],
        hidden: bool,
    ) -> None:
        start, stop = span
        if first is None:  # the first non-space after the line's quote markers
            first, _ = self.base(start, chain)
            end = self.line_end(start)
            while first < end and self.src[first] == 0x20:
                first += 1
        content = self.lines_content(first, start, stop, chain)
        self.tokens.append(_token("paragraph_open", "p", 1, level, [start, stop], hidden=hidden))
        self.inline(children, content, [start, stop], level + 1)
        self.tokens.append(_token("paragraph_close", "p", -1, level, hidden=hidden))

    def heading(self, node: Any, level: int) -> None:
        depth = node.meta["level"]
        start, stop = self.span(node)
        if stop != start + 1:
            raise _Declined
        src = self.src
        pos = node.srcmap[0] + depth  # after the #s
        end = self.line_end(start)
        # markdown-it-py's own steps: spaces off the end, then a closing run of #s after a space
        while end > pos and src[end - 1] == 0x20:
            end -= 1
        back = end
        while back > pos and src[back - 1] == 0x23:
            back -= 1
        if back < end and back > pos and src[back - 1] == 0x20:
            end = back
        content = src[pos:end].decode("utf-8").strip()
        markup = "#" * depth
        self.tokens.append(_token("heading_open", f"h{depth}", 1, level, [start, stop], markup))
        self.inline(node.children, content, [start, stop], level + 1)
        self.tokens.append(_token("heading_close", f"h{depth}", -1, level, None, markup))

    def setext_heading(self, node: Any, level: int, chain: Sequence[_Container]) -> None:
        start, stop = self.span(node)
        if stop < start + 2:
            raise _Declined
        tag = f"h{node.meta['level']}"
        markup = node.meta["marker"]
        content = self.lines_content(node.srcmap[0], start, stop - 1, chain)
        self.tokens.append(_token("heading_open", tag, 1, level, [start, stop], markup))
        self.inline(node.children, content, [start, stop - 1], level + 1)
        self.tokens.append(_token("heading_close", tag, -1, level, None, markup))

    def list_(self, node: Any, level: int, chain: tuple[_Container, ...]) -> None:
        ordered = node.name == "ordered_list"
        kind = "ordered_list" if ordered else "bullet_list"
        tag = "ol" if ordered else "ul"
        marker = node.meta["marker"]
        attrs: dict[str, Any] = {}
        if ordered and node.meta["start"] != 1:
            attrs["start"] = node.meta["start"]
        self.tokens.append(
            _token(f"{kind}_open", tag, 1, level, list(self.span(node)), marker, attrs=attrs)
        )
        for item in node.children:
            if item.name != "list_item":
                raise _Declined
            self.list_item(item, level + 1, chain, marker)
        self.tokens.append(_token(f"{kind}_close", tag, -1, level, None, marker))

    def list_item(self, item: Any, level: int, chain: tuple[_Container, ...], marker: str) -> None:
        start, stop = self.span(item)
        src = self.src
        pos = item.srcmap[0]
        end = self.line_end(start)
        line_base = self.base(start, chain)[0]
        info = ""
        if src[pos] in _MARKERS:
            after = pos + 1
        else:
            after = pos
            while after < end and src[after] in _DIGITS:
                after += 1
            info = src[pos:after].decode("ascii")
            after += 1  # the . or )
        spaces = 0
        while after + spaces < end and src[after + spaces] == 0x20:
            spaces += 1
        empty_first = after + spaces >= end
        content_start = after + spaces  # markdown-it-py's first line starts there, when any
        if empty_first or spaces > 4:
            spaces = 1
        inner = (*chain, _Container(False, after - line_base + spaces))
        self.tokens.append(
            _token("list_item_open", "li", 1, level, [start, stop], marker, info=info)
        )
        children = item.children
        index = 0
        previous_end = start + 1 if empty_first else start
        while index < len(children):
            child = children[index]
            if child.name in _INLINE:
                # A tight list's paragraph: markdown-it-pyrs leaves out the node, markdown-it-py
                # keeps it hidden. It ends where the next block starts, or with the item's text.
                group_end = index
                while group_end < len(children) and children[group_end].name in _INLINE:
                    group_end += 1
                if group_end < len(children):
                    para_stop = self.span(children[group_end])[0]
                else:
                    para_stop = stop
                    while para_stop > previous_end and self.blank(para_stop - 1, inner):
                        para_stop -= 1
                if para_stop <= previous_end:
                    raise _Declined
                group = children[index:group_end]
                first = content_start if previous_end == start else None
                self.paragraph(first, group, (previous_end, para_stop), level + 1, inner, True)
                previous_end = para_stop
                index = group_end
            else:
                self.blocks([child], level + 1, inner)
                previous_end = self.span(child)[1]
                index += 1
        self.tokens.append(_token("list_item_close", "li", -1, level, None, marker))

    def table(self, node: Any) -> None:
        aligns = node.meta["alignments"]
        styles = [{} if a == "none" else {"style": f"text-align:{a}"} for a in aligns]
        start, stop = self.span(node)
        # markdown-it-py's conditions that markdown-it-pyrs does not share: a pipe in the head
        # line (in every line here), no line indented as code
        if b"|" not in self.src[self.starts[start] : self.line_end(start)]:
            raise _Declined
        for line in range(start, stop):
            text = self.src[self.starts[line] : self.line_end(line)]
            if text.startswith(b"    ") or b"|" not in text:
                raise _Declined
        # nor do they end a table alike: only a blank line (or the text's end) may end one here
        if stop < len(self.starts) and self.src[self.starts[stop] : self.line_end(stop)].strip():
            raise _Declined
        self.tables.append(start)
        self.tokens.append(_token("table_open", "table", 1, 0, [start, stop]))
        parts = node.children
        if not parts or parts[0].name != "thead" or len(parts) > 2:
            raise _Declined
        for part in parts:
            if part.name not in ("thead", "tbody"):
                raise _Declined
            head = part.name == "thead"
            cell_tag = "th" if head else "td"
            # markdown-it-py's head is its first line; the body runs to the table's end
            part_map = [start, start + 1] if head else [start + 2, stop]
            self.tokens.append(_token(f"{part.name}_open", part.name, 1, 1, part_map))
            for row in part.children:
                if row.name != "trow":
                    raise _Declined
                line = self.line_of(row.srcmap[0])
                cells = self.row_cells(line)
                if len(row.children) != len(aligns):
                    raise _Declined
                self.tokens.append(_token("tr_open", "tr", 1, 2, [line, line + 1]))
                for column, cell in enumerate(row.children):
                    if cell.name != "tcell":
                        raise _Declined
                    content = cells[column] if column < len(cells) else ""
                    self.tokens.append(
                        _token(f"{cell_tag}_open", cell_tag, 1, 3, attrs=dict(styles[column]))
                    )
                    self.inline(cell.children, content, [line, line + 1], 4)
                    self.tokens.append(_token(f"{cell_tag}_close", cell_tag, -1, 3))
                self.tokens.append(_token("tr_close", "tr", -1, 2))
            self.tokens.append(_token(f"{part.name}_close", part.name, -1, 1))
        self.tokens.append(_token("table_close", "table", -1, 0))

    def row_cells(self, line: int) -> list[str]:
        """A table row's cells as markdown-it-py splits them (its ``escapedSplit``: a ``\\|``
        is a pipe in the cell, not a border)."""
        text = self.src[self.starts[line] : self.line_end(line)].decode("utf-8").strip(" ")
        cells: list[str] = []
        current = ""
        last = 0
        escaped = False
        for pos, char in enumerate(text):
            if char == "|":
                if not escaped:
                    cells.append(current + text[last:pos])
                    current = ""
                    last = pos + 1
                else:
                    current += text[last : pos - 1]
                    last = pos
            escaped = char == "\\"
        cells.append(current + text[last:])
        if cells and cells[0] == "":
            cells.pop(0)
        if cells and cells[-1] == "":
            cells.pop()
        return [cell.strip(" ") for cell in cells]

    # Inline

    def inline(self, nodes: Sequence[Any], content: str, map_: list[int], level: int) -> None:
        if "`" in content and not _backticks_pair(content):
            raise _Declined
        if "*" in content and "_" in content:
            # Emphasis of both kinds in one text: the parsers' delimiter matching differs there
            # (``_\\ #*_*1*1``: markdown-it-py finds ``*1*``, markdown-it-pyrs not)
            raise _Declined
        children: list[Token] = []
        self.inline_children(nodes, 0, children)
        self.tokens.append(_token("inline", "", 0, level, map_, content=content, children=children))

    @staticmethod
    def text(out: list[Token], content: str, level: int, markup: str = "", info: str = "") -> None:
        if out and out[-1].type == "text":
            out[-1].content += content  # markdown-it-py joins a run of texts into its first
        else:
            out.append(
                _token("text", "", 0, level, None, markup, content, info, None, None, False, False)
            )

    def inline_children(self, nodes: Sequence[Any], level: int, out: list[Token]) -> None:
        if level > _DEEPEST:
            raise _Declined
        for node in nodes:
            name = node.name
            if name == "text":
                self.text(out, node.meta["content"], level)
            elif name == "text_special":
                meta = node.meta
                self.text(out, meta["content"], level, meta["markup"], meta["info"])
            elif name == "softbreak" or name == "hardbreak":
                out.append(_token(name, "br", 0, level, block=False))
            elif name in _PAIRS:
                tag = _PAIRS[name]
                strong = name == "strong"
                markup = "~~" if tag == "s" else node.meta["marker"] * (2 if strong else 1)
                if strong:
                    # markdown-it-py turns one of a strong's two marker characters into its tag
                    # and leaves the other as an empty text outside it
                    self.text(out, "", level)
                out.append(_token(f"{tag}_open", tag, 1, level, None, markup, block=False))
                self.inline_children(node.children, level + 1, out)
                out.append(_token(f"{tag}_close", tag, -1, level, None, markup, block=False))
                if strong:
                    self.text(out, "", level)
            elif name == "code_inline":
                texts = node.children
                if len(texts) > 1 or (texts and texts[0].name != "text"):
                    raise _Declined
                content = texts[0].meta["content"] if texts else ""
                length = node.meta["marker_len"]
                markup = node.meta["marker"] * length
                if not content.strip(" "):
                    # only spaces: markdown-it-pyrs takes one off each end even so
                    start, end = node.srcmap
                    inner = self.src[start + length : end - length]
                    if b"\n" in inner or inner.strip(b" "):
                        raise _Declined
                    content = inner.decode("ascii")
                out.append(
                    _token("code_inline", "code", 0, level, None, markup, content, block=False)
                )
            elif name == "link":
                url = node.meta["url"]
                if not self.validate_link(url) or not _plain_host(url):
                    raise _Declined
                start, end = node.srcmap
                if b"`" in self.src[start:end]:
                    raise _Declined  # a code span's backticks and a target's (see above)
                attrs: dict[str, Any] = {"href": url}
                title = node.meta.get("title")
                if title:  # markdown-it-py leaves out an empty one
                    attrs["title"] = title
                out.append(_token("link_open", "a", 1, level, attrs=attrs, block=False))
                self.inline_children(node.children, level + 1, out)
                out.append(_token("link_close", "a", -1, level, block=False))
            else:
                raise _Declined


def _plain_host(url: str) -> bool:
    """Whether a link's host came through as it was written: markdown-it-pyrs percent-encodes
    what markdown-it-py writes as punycode (``bücher.de``) or keeps (``[::1]``), and keeps an
    empty user part markdown-it-py drops (``https://@x``, ``mailto:@x``)."""
    if "@" in url and _EMPTY_USER.search(url):
        return False
    after = url.find("://")
    if after == -1:
        return True
    authority = _AUTHORITY_END.split(url[after + 3 :], 1)[0]
    return "%" not in authority


_AUTHORITY_END = re.compile(r"[/?#]")
_TABLE_HEAD = re.compile(rb"(?m)^[^\n]*\|[^\n]*\n[ >]*[-:|][-:| ]*$")
_EMPTY_USER = re.compile(r"(?:^|[/:])@")
_PAIRS = {"strong": "strong", "em": "em", "strikethrough": "s"}
_INLINE = frozenset(
    {"text", "text_special", "softbreak", "hardbreak", "strong", "em", "strikethrough",
     "code_inline", "link"}
)  # fmt: skip
