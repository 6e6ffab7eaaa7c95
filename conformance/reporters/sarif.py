"""SARIF 2.1.0, as GitHub code scanning reads it (see STYLE-ANCHORS section 3).

Deterministic byte for byte: rules sorted by code, results in input order, no timestamps, and no
absolute paths of the machine that ran the check: artifact URIs are relative to ``%SRCROOT%``, which
is described but deliberately left without a ``uri`` (GitHub resolves relative URIs against the
repository root; a machine path would leak and differ between runs).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from conformance.diagnostics import Severity, Violation
from conformance.reporters import ReportContext

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "module-conformance"
INFORMATION_URI = "https://github.com/module-conformance/module-conformance"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "conformanceFingerprint/v1"
#: GitHub rejects descriptions longer than this.
_MAX_DESCRIPTION = 1024
_MAX_NAME = 255


def artifact_uri(path: str) -> str:
    """Percent-encode a POSIX relative path as an RFC 3986 relative reference.

    Everything but unreserved characters and ``/`` is encoded: that covers spaces, non-ASCII (as
    UTF-8), ``%``, ``#`` and ``?``, and a ``:`` in the first segment that would read as a scheme.
    """
    return quote(path, safe="/", encoding="utf-8", errors="strict")


def fingerprint(violation: Violation) -> str:
    """What identifies a finding apart from where it sits: path, code and the flagged text. The
    line is left out so that an edit above a finding does not make it look new."""
    text = violation.fingerprint_text or violation.message
    identity = f"{violation.path}\x00{violation.code}\x00{text}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _level(severity: Severity) -> str:
    return "warning" if severity is Severity.WARNING else "error"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _rule(code: str, found: Sequence[Violation], context: ReportContext) -> dict[str, Any]:
    first = found[0]
    info = context.rules.get(code)
    name = info.name if info is not None and info.name else first.name
    summary = info.summary if info is not None and info.summary else (name or code)
    docs = info.docs if info is not None and info.docs else summary
    tags: list[str] = []
    for violation in found:
        tags.extend(tag for tag in violation.tags if tag not in tags)
    rule: dict[str, Any] = {
        "id": code,
        "name": _truncate(name or code, _MAX_NAME),
        "shortDescription": {"text": _truncate(summary, _MAX_DESCRIPTION)},
        "fullDescription": {"text": _truncate(docs, _MAX_DESCRIPTION)},
        "help": {"text": docs, "markdown": docs},
    }
    if info is not None and info.url:
        rule["helpUri"] = info.url
    rule["defaultConfiguration"] = {"level": _level(first.severity)}
    rule["properties"] = {"tags": tags}
    return rule


def _region(violation: Violation) -> dict[str, int]:
    location = violation.location
    region: dict[str, int] = {}
    if location.line is None:
        # GitHub code scanning requires a start line; a finding about a whole file or folder (a
        # missing or extra module file) is shown at the top of it.
        return {"startLine": 1}
    region["startLine"] = location.line
    if location.column is not None:
        region["startColumn"] = location.column
    if location.end_line is not None:
        region["endLine"] = location.end_line
    if location.end_column is not None:
        region["endColumn"] = location.end_column
    return region


def _result(violation: Violation, rule_index: int) -> dict[str, Any]:
    text = violation.message
    if violation.fix_hint:
        text = f"{text}\nhelp: {violation.fix_hint}"
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(violation.path), "uriBaseId": SRCROOT}
    }
    region = _region(violation)
    if region:
        physical["region"] = region
    return {
        "ruleId": violation.code,
        "ruleIndex": rule_index,
        "level": _level(violation.severity),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(violation)},
    }


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    by_code: dict[str, list[Violation]] = {}
    for violation in violations:
        by_code.setdefault(violation.code, []).append(violation)
    codes = sorted(by_code)
    index = {code: position for position, code in enumerate(codes)}
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": context.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(code, by_code[code], context) for code in codes],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the checked project; artifact URIs are relative to it."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(v, index[v.code]) for v in violations],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
