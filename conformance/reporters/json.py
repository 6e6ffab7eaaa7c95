"""Machine-readable report with a versioned schema (documented in ``docs/json-format.md``).

One shape whether or not there are findings, so ``jq`` pipelines never branch on success. Fields
are only ever added within a schema version; a removal or rename bumps :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from conformance.diagnostics import FixSafety, Violation
from conformance.edits import fix_message
from conformance.reporters import ReportContext

SCHEMA_VERSION = 1
TOOL_NAME = "module-conformance"


def finding(violation: Violation, context: ReportContext) -> dict[str, Any]:
    location = violation.location
    info = context.rules.get(violation.code)
    fix: dict[str, Any] | None = None
    if violation.fix is not None:
        fix = {"applicability": violation.fix.value}
        known = context.fixes.get(violation)
        fix["message"] = known.message if known is not None else fix_message(violation)
        fix["edits"] = None
        if known is not None:
            fix["edits"] = [
                {
                    "content": edit.content,
                    "location": {"row": edit.row, "column": edit.column},
                    "end_location": {"row": edit.end_row, "column": edit.end_column},
                }
                for edit in known.edits
            ]
    return {
        "path": violation.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
        "code": violation.code,
        "name": violation.name,
        "message": violation.message,
        "fix_hint": violation.fix_hint or None,
        "severity": violation.severity.value,
        "fix": fix,
        "url": info.url if info is not None and info.url else None,
    }


SCHEMA_FILE = "report.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of this format, shipped in the package (``conformance/schemas/``)."""
    from importlib.resources import files

    text = (
        files("conformance").joinpath("schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def render_statistics(violations: Sequence[Violation], context: ReportContext) -> str:
    """``--statistics --format json``: one entry per rule, most frequent first (ruff's shape)."""
    from conformance.reporters.text import statistics_rows

    rows = [
        {"code": code, "name": name, "count": int(count), "fixable": fix != "-"}
        for count, code, name, fix in statistics_rows(violations, context)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    findings: list[dict[str, Any]] = [finding(v, context) for v in violations]
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": context.tool_version},
        # The folder every finding's path is relative to (the working directory of the run).
        "base": context.base or None,
        "summary": {
            "findings": len(violations),
            "files_checked": context.files_checked,
            "fixable": sum(1 for v in violations if v.fix is FixSafety.SAFE),
            "unsafe_fixable": sum(1 for v in violations if v.fix is FixSafety.UNSAFE),
        },
        "findings": findings,
    }
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
