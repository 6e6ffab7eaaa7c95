"""Value types every part of the checker shares: where a finding is, what it says, how to fix it.

These are plain frozen dataclasses so that they pickle cheaply (worker processes, the cache) and
compare and sort deterministically (reports).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple


class Severity(str, enum.Enum):
    """How a finding is presented. Every rule is an error unless it says otherwise."""

    ERROR = "error"
    WARNING = "warning"


class FixSafety(str, enum.Enum):
    """ruff's fix-safety model: safe fixes run under ``--fix``, unsafe ones need ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column range inside a file. ``line`` is None for a finding about a
    whole file or folder (a missing required file), which only per-file-ignores can suppress."""

    line: Optional[int] = None
    column: Optional[int] = None
    end_line: Optional[int] = None
    end_column: Optional[int] = None


@dataclass(frozen=True)
class Violation:
    """One finding. ``path`` is POSIX and relative to the project root.

    ``statement_line`` is the first line of the statement holding the finding: a ``# noqa`` comment
    there suppresses it too, so a multi-line call can be suppressed on its first line.
    ``fingerprint_text`` is what identifies the finding apart from its line number (baseline, SARIF
    partial fingerprints): by default the source text of the flagged node.
    """

    path: str
    location: Location
    code: str
    name: str
    message: str
    fix_hint: str = ""
    severity: Severity = Severity.ERROR
    fix: Optional[FixSafety] = None
    statement_line: Optional[int] = None
    fingerprint_text: str = ""
    tags: Tuple[str, ...] = field(default_factory=tuple)

    def sort_key(self) -> Tuple[str, int, int, str, str]:
        """Reports sort by path, line, column, code, message: deterministic whatever the order in
        which workers finished."""
        return (
            self.path,
            self.location.line or 0,
            self.location.column or 0,
            self.code,
            self.message,
        )


@dataclass(frozen=True)
class Edit:
    """Replace the text from (``row``, ``column``) up to (``end_row``, ``end_column``), exclusive,
    by ``content``. 1-based rows and columns (Unicode code points), as ruff's JSON edits; rows are
    separated by ``\\n``, ``\\r\\n`` or ``\\r``. An insertion has equal start and end."""

    content: str
    row: int
    column: int
    end_row: int
    end_column: int


@dataclass(frozen=True)
class FindingFix:
    """A finding's fix as text edits: applying ``edits`` to the file's text gives what ``--fix``
    writes for this finding alone."""

    message: str
    edits: Tuple[Edit, ...]
