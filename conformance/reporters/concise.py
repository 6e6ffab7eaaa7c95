"""One line per finding, ``path:line:col: CODE message``: the shape editors, terminals and agents
recognise as a clickable location, so nothing else may be printed (no header, no summary)."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.diagnostics import FixSafety, Violation
from conformance.reporters import ReportContext


def location_prefix(violation: Violation) -> str:
    """``path:line:col``, shortened for findings about a whole file (no line) or a whole line (no
    column), so that the prefix never claims a position the checker does not know."""
    location = violation.location
    if location.line is None:
        return violation.path
    if location.column is None:
        return f"{violation.path}:{location.line}"
    return f"{violation.path}:{location.line}:{location.column}"


def single_line(text: str) -> str:
    """Fold a multi-line message onto one line: a consumer reading line by line would otherwise
    take the continuation for a separate, malformed finding."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def is_fix_applicable(violation: Violation, unsafe_fixes_enabled: bool) -> bool:
    """Whether ``--fix`` would fix this finding in the current run (ruff's ``[*]`` rule)."""
    if violation.fix is FixSafety.SAFE:
        return True
    return violation.fix is FixSafety.UNSAFE and unsafe_fixes_enabled


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    lines = [f"{location_prefix(v)}: {v.code} {single_line(v.message)}" for v in violations]
    return "".join(f"{line}\n" for line in lines)
