"""The CI formats through the real CLI, read back the way their consumers read them, on a tree whose
paths hold spaces, non-ASCII and the characters each format must escape (``%`` ``:`` ``,`` ``#``
``?`` ``[``), and one whose path holds a newline. The JSON report is the reference: every other
format must name the same findings at the same places.

Pure renderer tests (escaping tables, truncation, ordering) are in test_reporters.py.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from tests.conftest import REPO_ROOT, git_init, run_main, write_tree

SCHEMA = json.loads(
    (REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x", tags=["x"])\n'
SERVICE = 'from sqlalchemy import select\n\n\ndef \u00fcn\u00ef():\n    return select("\u00e4%b")\n'

WEIRD_MODULE = "cpv3/modules/50% off: \u00fcn\u00ef,x #1"
BROKEN = "cpv3/core/bad 50%,x:y [\u00fc].py"
STRAY = "cpv3/modules/stray \u00f6?.py"
#: (path, line, code) the weird tree must produce, in report order.
EXPECTED = [
    (BROKEN, 1, "CNF901"),
    (WEIRD_MODULE, None, "CNF106"),
    (f"{WEIRD_MODULE}/service.py", 5, "CNF113"),
    (STRAY, None, "CNF105"),
]

Key = Tuple[str, Optional[int], str]


def weird_tree(root: Path) -> Path:
    files: Dict[str, str] = {f"{WEIRD_MODULE}/{name}": "" for name in SIX}
    files[f"{WEIRD_MODULE}/router.py"] = ROUTER
    files[f"{WEIRD_MODULE}/service.py"] = SERVICE
    files[BROKEN] = "def broken(:\n"
    files[STRAY] = ""
    # a second module: a folder of one module and one file is a shared package, not a modules
    # folder with a stray file
    files.update({f"cpv3/modules/orders/{name}": "" for name in SIX})
    files["cpv3/modules/orders/router.py"] = ROUTER
    files["cpv3/__init__.py"] = ""
    files["cpv3/core/__init__.py"] = ""
    # Structure and checker rules only: other families' rules must not change these findings.
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    write_tree(root, files)
    git_init(root)
    return root


def report(root: Path, fmt: str, expect_findings: bool = True) -> str:
    result = run_main(["check", "--format", fmt], root)
    assert result.returncode == (1 if expect_findings else 0), result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def reference(root: Path) -> List[Dict[str, Any]]:
    findings: List[Dict[str, Any]] = json.loads(report(root, "json"))["findings"]
    return findings


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return weird_tree(tmp_path_factory.mktemp("weird"))


@pytest.fixture(scope="module")
def refs(tree: Path) -> List[Dict[str, Any]]:
    return reference(tree)


def test_json_keeps_paths_verbatim(refs: List[Dict[str, Any]]) -> None:
    assert [(f["path"], f["line"], f["code"]) for f in refs] == EXPECTED


def test_sarif_is_schema_valid_and_uris_round_trip(tree: Path, refs: List[Dict[str, Any]]) -> None:
    document = json.loads(report(tree, "sarif"))
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({code for _, _, code in EXPECTED})
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["helpUri"].endswith(f"{rule['id']}.md")
        assert rule["name"]
    found = []
    for result, ref in zip(run["results"], refs):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        # an RFC 3986 relative reference: nothing a URI parser would cut at
        assert not set(uri) & set(" #?[]%:,\u00fc\u00f6") - {"%"}
        assert all(ord(c) < 128 for c in uri)
        region = physical.get("region", {})
        assert region.get("startLine") == (ref["line"] or 1)  # whole-file findings: line 1
        assert region.get("startColumn") == ref["column"]
        assert result["message"]["text"].startswith(ref["message"])
        assert result["level"] == "error"
        found.append(
            (unquote(uri, encoding="utf-8", errors="strict"), ref["line"], result["ruleId"])
        )
    assert found == EXPECTED
    assert len(run["results"]) == len(EXPECTED)


def test_fingerprints_do_not_depend_on_line_numbers(tmp_path: Path) -> None:
    weird_tree(tmp_path)
    before_sarif = json.loads(report(tmp_path, "sarif"))["runs"][0]["results"]
    before_gitlab = json.loads(report(tmp_path, "gitlab"))
    service = tmp_path / WEIRD_MODULE / "service.py"
    service.write_text("# moved down\n" * 20 + SERVICE, encoding="utf-8")
    after_sarif = json.loads(report(tmp_path, "sarif"))["runs"][0]["results"]
    after_gitlab = json.loads(report(tmp_path, "gitlab"))

    def sarif_prints(results: List[Dict[str, Any]]) -> List[Tuple[str, str]]:
        return [
            (r["ruleId"], r["partialFingerprints"]["conformanceFingerprint/v1"]) for r in results
        ]

    assert sarif_prints(before_sarif) == sarif_prints(after_sarif)
    assert [i["fingerprint"] for i in before_gitlab] == [i["fingerprint"] for i in after_gitlab]
    lines = [i["location"]["lines"]["begin"] for i in after_gitlab if i["check_name"] == "CNF113"]
    assert lines == [25]


def _unescape(text: str) -> str:
    """What the Actions runner does with a workflow command's escapes (actions/runner)."""
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_github(output: str) -> List[Tuple[str, Dict[str, str], str]]:
    """Split workflow commands as the runner does: ``::`` ends the command name and properties, so
    a raw ``:`` pair or ``,`` in a property would corrupt them."""
    commands = []
    for line in output.splitlines():
        assert line.startswith("::"), line
        head, sep, message = line[2:].partition("::")
        assert sep, line
        command, _, props = head.partition(" ")
        properties = {}
        for item in props.split(","):
            key, eq, value = item.partition("=")
            assert eq, (item, line)
            properties[key] = _unescape(value)
        commands.append((command, properties, _unescape(message)))
    return commands


def test_github_annotations_escape_properties_and_data(
    tree: Path, refs: List[Dict[str, Any]]
) -> None:
    output = report(tree, "github")
    assert "\r" not in output
    commands = parse_github(output)
    assert len(commands) == len(refs) == len(output.splitlines())
    for (command, properties, message), ref in zip(commands, refs):
        assert command == "error"
        assert properties["file"] == ref["path"]
        assert properties.get("line") == (str(ref["line"]) if ref["line"] else None)
        assert properties.get("col") == (str(ref["column"]) if ref["column"] else None)
        assert properties["title"] == f"{ref['code']} {ref['name']}"
        assert message == f"{ref['message']}\nhelp: {ref['fix_hint']}"
    # the escapes themselves, as actions/toolkit writes them
    assert "file=cpv3/core/bad 50%25%2Cx%3Ay [\u00fc].py,line=1," in output
    assert "::module folder '50%25 off: \u00fcn\u00ef,x #1' is not" in output


def test_gitlab_code_quality(tree: Path, refs: List[Dict[str, Any]]) -> None:
    items = json.loads(report(tree, "gitlab"))
    assert len(items) == len(refs)
    assert len({i["fingerprint"] for i in items}) == len(items)
    for item, ref in zip(items, refs):
        assert set(item) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert item["check_name"] == ref["code"]
        assert item["description"] == f"{ref['code']} {ref['message']}"
        assert item["location"]["path"] == ref["path"]
        assert item["location"]["lines"]["begin"] == (ref["line"] or 1)
        assert item["severity"] in ("info", "minor", "major", "critical", "blocker")


def test_junit(tree: Path, refs: List[Dict[str, Any]]) -> None:
    root = ET.fromstring(report(tree, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("failures") == str(len(refs))
    cases = [(suite.get("name"), case) for suite in root for case in suite]
    assert len(cases) == len(refs)
    for (suite_name, case), ref in zip(cases, refs):
        assert suite_name == ref["path"] == case.get("classname")
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("type") == ref["code"]
        assert failure.get("message") == ref["message"]


def test_concise_and_text_print_one_line_per_finding(
    tree: Path, refs: List[Dict[str, Any]]
) -> None:
    concise = report(tree, "concise").splitlines()
    assert len(concise) == len(refs)
    for line, ref in zip(concise, refs):
        where = ":".join(str(p) for p in (ref["path"], ref["line"], ref["column"]) if p)
        marker = "[*] " if ref["fix"] and ref["fix"]["applicability"] == "safe" else ""
        assert line == f"{where}: {ref['code']} {marker}{ref['message']}"
    text = report(tree, "text")
    for ref in refs:
        assert ref["path"] in text and ref["message"] in text


def test_every_format_is_valid_with_zero_findings(tmp_path: Path) -> None:
    files = {f"cpv3/modules/users/{name}": "" for name in SIX}
    files["cpv3/modules/users/router.py"] = ROUTER
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    write_tree(tmp_path, files)
    git_init(tmp_path)
    assert json.loads(report(tmp_path, "json", False))["findings"] == []
    sarif = json.loads(report(tmp_path, "sarif", False))
    jsonschema.validate(sarif, SCHEMA)
    assert sarif["runs"][0]["results"] == []
    assert json.loads(report(tmp_path, "gitlab", False)) == []
    assert report(tmp_path, "github", False) == ""
    assert report(tmp_path, "concise", False) == ""
    junit = ET.fromstring(report(tmp_path, "junit", False).encode("utf-8"))
    assert junit.get("failures") == "0"
    assert [case.get("name") for suite in junit for case in suite] == ["no findings"]


# -- a newline in a path ---------------------------------------------------------------------

NEWLINE_MODULE = "cpv3/modules/new\nline"


@pytest.fixture(scope="module")
def newline_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("Windows file names cannot hold a newline")
    root = tmp_path_factory.mktemp("newline")
    files = {f"{NEWLINE_MODULE}/{name}": "" for name in SIX}
    files[f"{NEWLINE_MODULE}/router.py"] = ROUTER
    files["pyproject.toml"] = '[tool.conformance]\nselect = ["CNF1", "CNF9"]\n'
    write_tree(root, files)
    git_init(root)
    return root


def test_machine_formats_carry_a_newline_in_a_path(newline_tree: Path) -> None:
    refs = reference(newline_tree)
    assert [(f["path"], f["code"]) for f in refs] == [(NEWLINE_MODULE, "CNF106")]

    github = report(newline_tree, "github")
    assert len(github.splitlines()) == 1
    [(_, properties, message)] = parse_github(github)
    assert properties["file"] == NEWLINE_MODULE and "'new\nline'" in message

    sarif = json.loads(report(newline_tree, "sarif"))
    jsonschema.validate(sarif, SCHEMA)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "cpv3/modules/new%0Aline"

    gitlab = json.loads(report(newline_tree, "gitlab"))
    assert gitlab[0]["location"]["path"] == NEWLINE_MODULE

    junit = ET.fromstring(report(newline_tree, "junit").encode("utf-8"))
    assert [case.get("classname") for suite in junit for case in suite] == [NEWLINE_MODULE]


def test_concise_keeps_a_newline_path_on_one_line(newline_tree: Path) -> None:
    assert len(report(newline_tree, "concise").splitlines()) == 1
