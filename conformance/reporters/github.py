"""GitHub Actions workflow commands (``::error file=...::message``), which the runner turns into
annotations on the pull request diff.

Escaping follows ``actions/toolkit`` (``packages/core/src/command.ts``) exactly, because the runner
decodes exactly those sequences: ``%`` first (or the later escapes would be double-encoded), then
CR and LF (a raw newline ends the command); in property values also ``:`` and ``,``, which would
otherwise end the property list or split ``file=`` in two.
"""

from __future__ import annotations

from collections.abc import Sequence

from conformance.diagnostics import Severity, Violation
from conformance.reporters import ANSI_SEQUENCE, ReportContext


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(violation: Violation) -> list[tuple[str, str]]:
    location = violation.location
    properties: list[tuple[str, str]] = [("file", violation.path)]
    if location.line is not None:
        properties.append(("line", str(location.line)))
        # GitHub misplaces col/endColumn on a multi-line span (ruff #22074), so columns are sent
        # only when the span starts and ends on the same line.
        single_line = location.end_line is None or location.end_line == location.line
        if single_line and location.column is not None:
            properties.append(("col", str(location.column)))
        if location.end_line is not None:
            properties.append(("endLine", str(location.end_line)))
        if single_line and location.column is not None and location.end_column is not None:
            properties.append(("endColumn", str(location.end_column)))
    properties.append(("title", f"{violation.code} {violation.name}"))
    return properties


def _command(violation: Violation) -> str:
    level = "warning" if violation.severity is Severity.WARNING else "error"
    properties = ",".join(
        f"{key}={escape_property(value)}" for key, value in _properties(violation)
    )
    message = violation.message
    if violation.fix_hint:
        message = f"{message}\nhelp: {violation.fix_hint}"
    # Annotations are shown as plain text: colour codes would appear as garbage.
    message = ANSI_SEQUENCE.sub("", message)
    return f"::{level} {properties}::{escape_data(message)}"


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    return "".join(f"{_command(v)}\n" for v in violations)
