"""YAML that remembers where each value was written, so problems can name the line.

Everything is read as plain data: timestamps stay strings (statusgen reads times itself, in the
site's zone), and only ``true``/``false`` are booleans, so an id such as ``no`` stays a string.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from generator import textfile
from generator.problems import quoted


class Located(dict[Any, Any]):
    """A mapping read from YAML, with the line of the mapping and of each key (1-based)."""

    line: int
    key_lines: dict[Any, int]


class LocatedList(list[Any]):
    """A sequence read from YAML, with its line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]


# libyaml's parser where available: several times faster on thousands of files.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Number:
    """Mixin of the numbers read from YAML: ``text`` is the scalar as written, so a field meant
    as text reads ``2.10``, ``1e3``, ``0x10`` or ``007`` as the writer typed it."""

    text: str


class Int(Number, int):
    pass


class Float(Number, float):
    pass


def as_text(value: Any) -> str:
    """A scalar read for a text field: numbers as written, everything else as ``str``."""
    return value.text if isinstance(value, Number) else str(value)


# Plain data only: any other tag (!!float on a word, !!binary, !!set, !!python/...) is refused.
_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
}


class _Loader(_Base):  # type: ignore[valid-type,misc]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time is an alias (*name) of an anchor (&name). Aliases are refused:
        # a few hundred bytes of nested aliases expand to gigabytes (the "billion laughs").
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasFound
        line = node.start_mark.line + 1
        if node.tag not in _TAGS:
            raise YamlError(
                line,
                f"the tag {quoted(node.tag.replace('tag:yaml.org,2002:', '!!'))} is not "
                "accepted here; write the value plainly (in quotes for text)",
            )
        if isinstance(node, yaml.ScalarNode):
            found = textfile.FORBIDDEN.search(node.value)
            if found:  # written as an escape ("\x1b") in a quoted string
                where = "(written as an escape) in this value"
                raise YamlError(line, textfile.forbidden_message(found.group(), where))
            if node.tag.endswith((":int", ":float")):
                return self._number(node, line)
        return super().construct_object(node, deep=deep)

    def _number(self, node: yaml.ScalarNode, line: int) -> Any:
        try:
            value = super().construct_object(node)
        except ValueError:  # "!!float x", or an integer of thousands of digits
            if not node.style and node.tag.endswith(":int"):
                return node.value  # a plain run of thousands of digits: kept as text
            raise YamlError(
                line,
                f"{quoted(node.value)} is not a number; write a number, or text in quotes",
            ) from None
        number: Number = Int(value) if isinstance(value, int) else Float(value)
        number.text = node.value
        return number


# Keep the resolvers for null, int and float; booleans only as true/false; no timestamps; and no
# YAML 1.1 base-60 numbers, which read a time of day such as 20:30 as the number 1230.
_DROPPED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlError(
                key_node.start_mark.line + 1,
                "merge keys (<<) are not accepted here; write each key out",
            )
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {quoted(key)} is written twice", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _AliasFound(Exception):
    """Raised while constructing, where the alias's own line is no longer known."""


def _first_alias_line(text: str) -> int:
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                return int(token.start_mark.line) + 1
    except yaml.YAMLError:
        pass
    return 1


# YAML 1.1 ends a line at these too; a file does not (only \n, \r\n and \r end one), so the
# YAML would be read differently from what the writer sees: "title: x<U+2028>maintenance: ...".
_YAML_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


class YamlError(ValueError):
    """YAML that cannot be read; ``line`` is 1-based within the text given."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def load(text: str) -> Any:
    """Parse one YAML document, raising :class:`YamlError` with the line of the problem."""
    found = textfile.find_forbidden(text)
    if found:
        raise YamlError(*found)
    breaks = _YAML_LINE_BREAKS.search(text)
    if breaks:
        line, column = textfile.locate(text, breaks.start())
        char = breaks.group()
        raise YamlError(
            line,
            f"the character {textfile.unicode_name(char)} at column {column} ends a line for "
            f"YAML, though not in the file; delete it (in a value in double quotes, write it "
            f"as \\u{ord(char):04x})",
        )
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _AliasFound:
        return _raise(
            _first_alias_line(text),
            "aliases (*name) are not accepted here: write each value out in full",
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "not valid YAML"
        if exc.context_mark and exc.context and "end of stream" in problem:
            # An unclosed quote or bracket: the mistake is where it opened.
            problem = f"{exc.context} that starts here, {problem}"
            line = exc.context_mark.line + 1
        return _raise(line, f"this is not valid YAML: {problem}{_hint(problem, text, line)}")
    except yaml.YAMLError as exc:
        return _raise(1, f"this is not valid YAML: {exc}")


def _hint(problem: str, text: str, line: int) -> str:
    """The usual cause of YAML's own message, and its fix, in plain words."""
    lines = textfile.split_lines(text)
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    if problem.startswith("the key"):
        return ""
    if "cannot start any token" in problem and "\t" in written:
        return " (a tab): YAML indents with spaces only; replace the tab with two spaces"
    if "mapping values are not allowed" in problem:
        key, _, value = written.partition(":")
        if value.strip() and ": " in value:
            quoted = json.dumps(value.strip(), ensure_ascii=False)  # valid YAML too
            return (
                f" (a ': ' inside the value): put the value in quotes, e.g. {key.strip()}: {quoted}"
            )
    return "; check the indentation, the quotes, and that each line reads 'key: value'"


def _raise(line: int, message: str) -> Any:
    raise YamlError(line, message)


def line_of(mapping: Any, key: Any, default: int) -> int:
    """The line of ``key`` in a mapping read by :func:`load`, else ``default``."""
    if isinstance(mapping, Located):
        return mapping.key_lines.get(key, default)
    return default
