"""One line per finding, ``path:line:col: CODE [*] message``: the shape editors, terminals and
agents recognise as a clickable location, so nothing else may be printed (no header, no summary).
``[*]`` marks a finding that ``--fix`` would fix in this run, as ruff's concise output does."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.diagnostics import FixSafety, Violation
from conformance.reporters import ReportContext


def location_prefix(violation: Violation) -> str:
    """``path:line:col``, shortened for findings about a whole file (no line) or a whole line (no
    column), so that the prefix never claims a position the checker does not know."""
    location = violation.location
    path = printable_path(violation.path)
    if location.line is None:
        return path
    if location.column is None:
        return f"{path}:{location.line}"
    return f"{path}:{location.line}:{location.column}"


def printable_path(path: str) -> str:
    """A path on one line: control characters (a newline in a file name) are escaped as Python
    would show them, so one finding stays one line for tools that read line by line."""
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)


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
    lines = [
        f"{location_prefix(v)}: {v.code} "
        + ("[*] " if is_fix_applicable(v, context.unsafe_fixes_enabled) else "")
        + single_line(v.message)
        for v in violations
    ]
    return "".join(f"{line}\n" for line in lines)
