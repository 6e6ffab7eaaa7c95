"""JUnit XML for CI test widgets (Jenkins, GitLab, Azure): one test suite per file with findings,
one failing test case per finding.

A clean run still contains one passing test case, because Jenkins rejects a report with no test
cases at all (ruff #4502) and a green entry is what a reviewer wants to see.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from conformance.diagnostics import Violation
from conformance.reporters import ReportContext
from conformance.reporters.concise import location_prefix

TOOL_NAME = "module-conformance"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them raw and
#: produce a document no parser accepts.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _suite(name: str, tests: int, failures: int) -> ET.Element:
    return ET.Element(
        "testsuite",
        {
            "name": _clean(name),
            "tests": str(tests),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
        },
    )


def render(violations: Sequence[Violation], context: ReportContext) -> str:
    root = ET.Element(
        "testsuites",
        {
            "name": TOOL_NAME,
            "tests": str(max(len(violations), 1)),
            "failures": str(len(violations)),
            "errors": "0",
        },
    )
    if not violations:
        suite = _suite(TOOL_NAME, 1, 0)
        ET.SubElement(suite, "testcase", {"name": "no findings", "classname": TOOL_NAME})
        root.append(suite)
    by_file: dict[str, list[Violation]] = {}
    for violation in violations:
        by_file.setdefault(violation.path, []).append(violation)
    for path, found in by_file.items():
        suite = _suite(path, len(found), len(found))
        for violation in found:
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "name": _clean(f"{violation.code} {location_prefix(violation)}"),
                    "classname": _clean(path),
                },
            )
            body = violation.message
            if violation.fix_hint:
                body = f"{body}\nhelp: {violation.fix_hint}"
            failure = ET.SubElement(
                case, "failure", {"message": _clean(violation.message), "type": violation.code}
            )
            failure.text = _clean(body)
        root.append(suite)
    ET.indent(root, space="  ")
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
