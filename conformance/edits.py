"""Text edits: the difference of two texts as ruff-style edits (1-based rows and columns), and
their application. Pure functions, shared by the JSON report, the language server and the tests.
"""

from __future__ import annotations

import bisect
import difflib
import re
from typing import List, Sequence, Tuple

from conformance.diagnostics import Edit, Violation

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> List[str]:
    """The lines of ``text`` with their endings (``\\n``, ``\\r\\n``, ``\\r``: Python's own line
    breaks, not ``str.splitlines``' form feeds and Unicode separators)."""
    return _LINE.findall(text)


class _Positions:
    """Offset <-> 1-based (row, column) in one text."""

    def __init__(self, text: str) -> None:
        lines = split_lines(text)
        self.starts = [0]
        for line in lines:
            self.starts.append(self.starts[-1] + len(line))
        # A last line without a line break has no next row: its end is on that line.
        self.open_end = bool(lines) and not lines[-1].endswith(("\n", "\r"))
        self.length = len(text)

    def position(self, offset: int) -> Tuple[int, int]:
        index = min(bisect.bisect_right(self.starts, offset), len(self.starts)) - 1
        if index == len(self.starts) - 1 and self.open_end:
            index -= 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, row: int, column: int) -> int:
        if row - 1 >= len(self.starts):
            return self.length
        return min(self.starts[row - 1] + column - 1, self.length)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _word_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _word(text[index])


def text_edits(before: str, after: str) -> Tuple[Edit, ...]:
    """Minimal edits (changed line blocks, trimmed to the changed characters) turning ``before``
    into ``after``, in order and not overlapping."""
    old_lines, new_lines = split_lines(before), split_lines(after)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    positions = _Positions(before)
    edits: List[Edit] = []
    line_starts = positions.starts
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = "".join(old_lines[i1:i2])
        new = "".join(new_lines[j1:j2])
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        # Whole words: `Column` -> `mapped_column` reads as that, not as `C` -> `mapped_c`.
        while (
            0 < prefix
            and _word(old[prefix - 1])
            and (_word_at(old, prefix) or _word_at(new, prefix))
        ):
            prefix -= 1
        suffix = 0
        while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        while (
            0 < suffix
            and _word(old[-suffix])
            and (_word_at(old, len(old) - suffix - 1) or _word_at(new, len(new) - suffix - 1))
        ):
            suffix -= 1
        start = line_starts[i1] + prefix
        end = line_starts[i1] + len(old) - suffix
        row, column = positions.position(start)
        end_row, end_column = positions.position(end)
        edits.append(Edit(new[prefix : len(new) - suffix], row, column, end_row, end_column))
    return tuple(edits)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` applied (the consumer's side, used by the tests and the LSP)."""
    positions = _Positions(text)
    spans = sorted(
        (positions.offset(e.row, e.column), positions.offset(e.end_row, e.end_column), e.content)
        for e in edits
    )
    out: List[str] = []
    cursor = 0
    for start, end, content in spans:
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def fix_message(violation: Violation) -> str:
    """What applying the fix does, for a menu entry or an agent: the finding's hint when it has
    one, else the rule's code."""
    if violation.fix_hint:
        return violation.fix_hint[:1].upper() + violation.fix_hint[1:]
    return f"Apply the fix for {violation.code}"
