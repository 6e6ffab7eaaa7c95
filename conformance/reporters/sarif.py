"""SARIF 2.1.0, as GitHub code scanning reads it (see STYLE-ANCHORS section 3).

Deterministic byte for byte: rules sorted by code, results in input order, no timestamps. Artifact
URIs are relative to ``%SRCROOT%``, the repository root (the git top level, else the project
root); the command line sets its ``file:`` URI so that any SARIF consumer can resolve them, and
GitHub maps the relative URIs onto the repository. Configuration warnings of the run are
``invocations[0].toolExecutionNotifications``.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from conformance.diagnostics import Severity, Violation
from conformance.reporters import ReportContext, unique_fingerprints

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


def fingerprint(violation: Violation, occurrence: int = 0) -> str:
    """What identifies a finding apart from where it sits: path, code and the flagged text. The
    line is left out so that an edit above a finding does not make it look new; ``occurrence``
    tells repeats of the same text in one file apart (GitHub merges alerts that share one)."""
    text = violation.fingerprint_text or violation.message
    identity = f"{violation.path}\x00{violation.code}\x00{text}"
    if occurrence:
        identity += f"\x00{occurrence}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def base_uri(folder: str) -> str:
    """The ``file:`` URI of an absolute folder, with the trailing slash SARIF requires of a base."""
    uri = pathlib.Path(folder).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _notification(text: str) -> str:
    return text[len("warning: ") :] if text.startswith("warning: ") else text


def _level(severity: Severity) -> str:
    return "warning" if severity is Severity.WARNING else "error"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _rule(code: str, found: Sequence[Violation], context: ReportContext) -> dict[str, Any]:
    first = found[0]
    info = context.rules.get(code)
    name = info.name if info is not None and info.name else first.name
    summary = info.summary if info is not None and info.summary else (name or code)
    docs = (info.full_docs() if info is not None else "") or summary
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


def _result(violation: Violation, rule_index: int, print_: str) -> dict[str, Any]:
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
        "partialFingerprints": {FINGERPRINT_KEY: print_},
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
    srcroot: dict[str, Any] = {
        "description": {"text": "The root of the repository; artifact URIs are relative to it."}
    }
    if context.base:
        srcroot["uri"] = base_uri(context.base)
    prints = unique_fingerprints(violations, fingerprint)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": _notification(text)}}
                    for text in context.warnings
                ],
            }
        ],
        "originalUriBaseIds": {SRCROOT: srcroot},
        "columnKind": "unicodeCodePoints",
        "results": [_result(v, index[v.code], p) for v, p in zip(violations, prints)],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
