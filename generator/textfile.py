"""Reading the files writers write (site.yaml, incident files): UTF-8 text of bounded size and
line length, so that any input, however large or strange, costs bounded work and ends in a
``file:line`` problem rather than a traceback or a build that never finishes.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_FILE_BYTES = 1_000_000  # 1 MB: hundreds of updates; far beyond any real incident
MAX_LINE_CHARS = 10_000
# Only \n, \r\n and \r end a line in the files statusgen reads (SPEC section 3).
_LINE_END = re.compile(r"\r\n|\r|\n")


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
    with path.open("rb") as handle:
        # At most one byte more than the limit: a huge or endless file (a device) costs nothing.
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TextFileError(
            0,
            f"this file is larger than {MAX_FILE_BYTES // 1_000_000} MB, more than any "
            "incident or site.yaml needs; split it, or remove what was pasted into it",
        )
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
    for number, line_text in enumerate(_LINE_END.split(text), start=1):
        if len(line_text) > MAX_LINE_CHARS:
            raise TextFileError(
                number,
                f"this line is {len(line_text):,} characters long, longer than the "
                f"{MAX_LINE_CHARS:,} a line may be; break it into shorter lines",
            )
    return text
