"""GitLab Code Quality report: a JSON array GitLab shows in merge requests.

GitLab drops the whole report without ``check_name`` (ruff #16435) and collapses findings that share
a fingerprint (detekt-gitlab-report #10), so every item has both, and fingerprints are unique
within a report while staying independent of line numbers, so a finding that only moved is not
reported as fixed-and-new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from conformance.diagnostics import Severity, Violation
from conformance.reporters import ReportContext, unique_fingerprints


def _digest(violation: Violation, occurrence: int) -> str:
    text = violation.fingerprint_text or violation.message
    parts = [violation.path, violation.code, text]
    if occurrence:
        # Only repeats are salted, so the first finding's fingerprint does not depend on others.
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    items: list[dict[str, Any]] = []
    for violation, fingerprint in zip(violations, unique_fingerprints(violations, _digest)):
        items.append(
            {
                "description": f"{violation.code} {violation.message}",
                "check_name": violation.code,
                "fingerprint": fingerprint,
                "severity": "minor" if violation.severity is Severity.WARNING else "major",
                "location": {
                    "path": violation.path,
                    "lines": {"begin": violation.location.line or 1},
                },
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
