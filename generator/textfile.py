"""Reading the files writers write (site.yaml, incident files): UTF-8 text of bounded size and
line length, so that any input, however large or strange, costs bounded work and ends in a
``file:line`` problem rather than a traceback or a build that never finishes.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from pathlib import Path

MAX_FILE_BYTES = 1_000_000  # 1 MB: hundreds of updates; far beyond any real incident
MAX_LINE_CHARS = 10_000
# Only \n, \r\n and \r end a line in the files statusgen reads (SPEC section 3).
_LINE_END = re.compile(r"\r\n|\r|\n")
# Characters that cannot be published (XML 1.0 refuses them) and that no writer means to type:
# C0 controls but tab and the line ends, DEL, U+FFFE/U+FFFF and lone surrogates (which YAML's
# "\ud800" escapes can make). Terminal colour codes (ESC [31m) pasted from logs are the usual.
# The C1 controls (but U+0085, a line end to some) too: YAML refuses them, so text refuses them
# alike, and they are only ever the remains of a wrong encoding.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
# unicodedata has no names for the C0 and C1 controls; these are the ones writers meet.
_CONTROL_NAMES = {
    "\t": "TAB",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x00": "NULL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\x0b": "VERTICAL TAB",
    "\x0c": "FORM FEED",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def unicode_name(char: str) -> str:
    """A character as a message names it: U+001B (ESCAPE)."""
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """The lines of ``text`` as statusgen counts them: only ``\n``, ``\r\n`` and ``\r`` end
    one. (``str.splitlines`` also ends lines at U+2028, U+0085, form feed and more, which would
    let a character inside an update's text start a forged update heading.)"""
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def locate(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index`` of ``text``."""
    line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return len(_LINE_END.findall(text, 0, line_start)) + 1, index - line_start + 1


def find_forbidden(text: str) -> tuple[int, str] | None:
    """The first character of :data:`FORBIDDEN` in ``text``: its 1-based line and a message
    naming it and its column; None when there is none."""
    found = FORBIDDEN.search(text)
    if not found:
        return None
    line, column = locate(text, found.start())
    return line, forbidden_message(found.group(), f"at column {column}")


def forbidden_message(char: str, where: str) -> str:
    hint = " (it starts a terminal colour code, as pasted from a log)" if char == "\x1b" else ""
    return (
        f"the control character {unicode_name(char)} {where} cannot be published; delete it{hint}"
    )


class TextFileError(ValueError):
    """A file that cannot be read as text; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def read_text(path: Path) -> str:
    """The text of ``path``, refusing one too large to be a writer's file, one that is not
    UTF-8 (naming the line of the first bad byte), and one with a line too long to be text.

    ``OSError`` (a missing or unreadable file) passes through to the caller.
    """
    return decode_text(read_bytes(path))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`."""
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would block or never end
        raise TextFileError(0, "this is not a regular file; an incident or site.yaml is a file")
    with path.open("rb") as handle:
        # At most one byte more than the limit: a huge or endless file (a device) costs nothing.
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TextFileError(
            0,
            f"this file is larger than {MAX_FILE_BYTES // 1_000_000} MB, more than any "
            "incident or site.yaml needs; split it, or remove what was pasted into it",
        )
    return data


def decode_text(data: bytes) -> str:
    """``data`` as text: UTF-8, with no character that cannot be published and no line too
    long to be text; else a :class:`TextFileError` at the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TextFileError(
            line,
            f"this is not UTF-8 text: the byte 0x{data[exc.start]:02x} at column {column} "
            "cannot be read; save the file as UTF-8",
        ) from None
    found = find_forbidden(text)
    if found:
        raise TextFileError(*found)
    for number, line_text in enumerate(_LINE_END.split(text), start=1):
        if len(line_text) > MAX_LINE_CHARS:
            raise TextFileError(
                number,
                f"this line is {len(line_text):,} characters long, longer than the "
                f"{MAX_LINE_CHARS:,} a line may be; break it into shorter lines",
            )
    return text
