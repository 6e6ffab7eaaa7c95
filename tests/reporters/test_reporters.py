"""Output formats, tested as their consumers see them: a terminal, an editor parsing lines, jq, GitHub
code scanning (the SARIF schema), the Actions runner (its escaping), GitLab and JUnit parsers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from conformance.diagnostics import FixSafety, Location, Severity, Violation
from conformance.reporters import FORMATS, ReportContext, RuleInfo, render
from tests.conftest import PLACEHOLDER, REPO_ROOT, CliRunner, shared_words

SCHEMA_PATH = REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

RULES = {
    "CNF101": RuleInfo(
        code="CNF101",
        name="missing-module-file",
        summary="A module package lacks a required file",
        docs="## What it checks\nEvery module has `service.py`.",
        url="https://example.invalid/rules/CNF101",
    ),
    "CNF201": RuleInfo(
        code="CNF201",
        name="router-imports-repository",
        summary="Router imports the repository layer",
        docs="## What it checks\nRouters reach data only through a service.",
        url="https://example.invalid/rules/CNF201",
        fix="safe",
    ),
    "CNF402": RuleInfo(
        code="CNF402",
        name="pydantic-v1-validator",
        summary="Pydantic v1 validator",
        docs="Use `field_validator`.",
        url="https://example.invalid/rules/CNF402",
        fix="unsafe",
    ),
}


def violation(
    path: str = "cpv3/modules/billing/router.py",
    line: int | None = 3,
    column: int | None = 1,
    code: str = "CNF201",
    message: str = "router imports BillingRepository",
    *,
    end_line: int | None = None,
    end_column: int | None = None,
    fix_hint: str = "",
    severity: Severity = Severity.ERROR,
    fix: FixSafety | None = None,
    fingerprint_text: str = "from .repository import BillingRepository",
    tags: tuple[str, ...] = (),
) -> Violation:
    if line is not None:
        end_line = line if end_line is None else end_line
        end_column = (column or 1) + 10 if end_column is None else end_column
    name = RULES[code].name if code in RULES else code.lower()
    return Violation(
        path=path,
        location=Location(line, column if line is not None else None, end_line, end_column),
        code=code,
        name=name,
        message=message,
        fix_hint=fix_hint,
        severity=severity,
        fix=fix,
        fingerprint_text=fingerprint_text,
        tags=tags,
    )


TRICKY_MESSAGE = "50% of 3\r\nlines: a, b [red]x[/red] <&> \"q\" 'q'"

#: A realistic report: spaces and non-ASCII in paths, markup, XML specials, percent signs, commas
#: and colons in messages, a whole-folder finding without a line, safe and unsafe fixes.
SAMPLE = [
    violation(
        "cpv3/modules/billing",
        None,
        None,
        "CNF101",
        "module `billing` has no `service.py`",
        fix_hint="create service.py",
        fingerprint_text="",
    ),
    violation(
        "cpv3/modules/billing/router.py",
        3,
        1,
        "CNF201",
        "router imports [red]BillingRepository[/red]",
        end_column=42,
        fix_hint="use BillingService via Depends()",
        fix=FixSafety.SAFE,
        tags=("layering",),
    ),
    violation(
        "cpv3/modules/my module/módulos/ü.py",
        7,
        5,
        "CNF402",
        TRICKY_MESSAGE,
        severity=Severity.WARNING,
        fix=FixSafety.UNSAFE,
        fingerprint_text="@validator('x')",
        tags=("pydantic",),
    ),
]


def context(**overrides: Any) -> ReportContext:
    values: dict[str, Any] = {"tool_version": "0.1.0", "rules": RULES, "files_checked": 12}
    values.update(overrides)
    return ReportContext(**values)


# --- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_handles_an_empty_report(fmt: str) -> None:
    assert render(fmt, SAMPLE, context()) == render(fmt, SAMPLE, context())
    assert isinstance(render(fmt, [], context()), str)


def test_machine_formats_do_not_import_rich() -> None:
    """A JSON run in CI should not pay for rich, and must not depend on it being importable."""
    code = (
        "import sys\n"
        "from conformance.reporters import FORMATS, ReportContext, render\n"
        "for fmt in FORMATS:\n"
        "    if fmt != 'text':\n"
        "        render(fmt, [], ReportContext(tool_version='0'))\n"
        "print('rich' in sys.modules)\n"
    )
    root = REPO_ROOT
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError):
        render("xml", SAMPLE, context())


# --- concise ------------------------------------------------------------------------------------


def test_concise_is_one_exact_line_per_finding() -> None:
    assert render("concise", SAMPLE, context()).splitlines() == [
        "cpv3/modules/billing: CNF101 module `billing` has no `service.py`",
        "cpv3/modules/billing/router.py:3:1: CNF201 [*] router imports [red]BillingRepository[/red]",
        (
            "cpv3/modules/my module/módulos/ü.py:7:5: CNF402 50% of 3 "
            "lines: a, b [red]x[/red] <&> \"q\" 'q'"
        ),
    ]
    assert render("concise", SAMPLE, context()).endswith("\n")


def test_concise_prints_nothing_when_clean() -> None:
    assert render("concise", [], context()) == ""


# --- text ---------------------------------------------------------------------------------------


def test_text_without_colour_has_no_escape_codes_and_keeps_markup_literal() -> None:
    output = render("text", SAMPLE, context(color=False))
    assert "\x1b" not in output
    assert "router.py:3:1: CNF201 [*] router imports [red]BillingRepository[/red]" in output
    assert "[red]x[/red] <&>" in output


def test_text_without_colour_does_not_import_rich() -> None:
    """A report to a pipe, a file or a CI log is plain text: rich's import is a tenth of a warm
    run."""
    code = (
        "import sys\n"
        "from conformance.diagnostics import Location, Violation\n"
        "from conformance.reporters import ReportContext, render\n"
        "v = Violation('a.py', Location(1, 1, 1, 2), 'CNF201', 'n', 'message', 'hint')\n"
        "out = render('text', [v], ReportContext(tool_version='0', sources={'a.py': 'x = 1\\n'}))\n"
        "assert 'a.py:1:1: CNF201' in out, out\n"
        "print('rich' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "message",
    [
        "plain words",
        "a\ttab after 漢字\tand more",  # rich expands tabs by display cells
        "bell\x07 backspace\x08 form feed\x0c vertical tab\x0b",  # rich drops these
        "two\nlines",
    ],
)
def test_text_without_colour_is_what_rich_prints(message: str) -> None:
    """The plain report skips rich's renderer; it must print exactly what rich would."""
    import io

    from conformance.reporters import text

    found = violation("a.py", 1, 1, message=message)
    ctx = context(color=False, sources={"a.py": "x\t= 1  # 漢字\n"})
    lines = [text._finding_line(found, ctx), *text._frame(found, "x\t= 1  # 漢字\n")]
    buffer = io.StringIO()
    console = text._console(buffer, ctx)
    for line in lines:
        console.print(line.rich())
    assert text._printed(lines, ctx) == buffer.getvalue()


def test_text_with_colour_has_escape_codes() -> None:
    output = render("text", SAMPLE, context(color=True))
    assert "\x1b[" in output
    assert "[red]BillingRepository[/red]" in output  # still literal, not turned into colour


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1", "TERM": "dumb"}, {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}]
)
def test_text_colour_is_decided_by_the_context_not_the_environment(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLUMNS", "20")
    assert "\x1b[" in render("text", SAMPLE, context(color=True))
    plain = render("text", SAMPLE, context(color=False))
    assert "\x1b" not in plain
    assert "cpv3/modules/billing/router.py:3:1: CNF201 [*] router imports" in plain  # no wrapping


def test_text_groups_by_file_with_help_lines_and_summary() -> None:
    lines = render("text", SAMPLE, context()).splitlines()
    assert lines[:3] == [
        "cpv3/modules/billing",
        "cpv3/modules/billing: CNF101 module `billing` has no `service.py`",
        "  help: create service.py",
    ]
    assert "cpv3/modules/billing/router.py" in lines  # file header
    assert "  help: use BillingService via Depends()" in lines
    assert "Found 3 findings in 3 files." in lines
    assert "[*] 1 fixable with --fix." in lines
    assert "1 more fixable with --unsafe-fixes." in lines


def test_text_unsafe_fixes_enabled_counts_them_as_fixable() -> None:
    output = render("text", SAMPLE, context(unsafe_fixes_enabled=True))
    assert "--unsafe-fixes." not in output.replace("--fix --unsafe-fixes.", "")
    assert "[*] 2 fixable with --fix --unsafe-fixes." in output
    assert "ü.py:7:5: CNF402 [*] 50%" in output


def test_text_clean_run_fix_count_statistics_and_notes() -> None:
    clean = render("text", [], context(fix_applied=2, notes=("warning: [tool.x] ignored",)))
    assert clean.splitlines() == [
        "Fixed 2 findings.",
        "All checks passed!",
        "warning: [tool.x] ignored",
    ]
    extra = violation(line=9, fix=FixSafety.SAFE)
    stats = render("text", [*SAMPLE, extra], context(show_statistics=True)).splitlines()
    rows = [line.split() for line in stats if re.match(r"^\s*\d+\s+CNF\d{3}\s", line)]
    assert rows == [
        ["2", "CNF201", "router-imports-repository", "safe"],
        ["1", "CNF101", "missing-module-file", "-"],
        ["1", "CNF402", "pydantic-v1-validator", "unsafe"],
    ]


def test_text_singular_summary() -> None:
    output = render("text", SAMPLE[1:2], context())
    assert "Found 1 finding in 1 file." in output


# --- json ---------------------------------------------------------------------------------------


def test_json_has_every_documented_field_with_its_type() -> None:
    output = render("json", SAMPLE, context())
    assert output.endswith("}\n")
    assert "ü.py" in output  # ensure_ascii=False
    document = json.loads(output)
    assert list(document) == ["version", "tool", "base", "summary", "findings"]
    assert document["base"] is None  # no base outside the command line
    assert document["version"] == 1
    assert document["tool"] == {"name": "module-conformance", "version": "0.1.0"}
    assert document["summary"] == {
        "findings": 3,
        "files_checked": 12,
        "fixable": 1,
        "unsafe_fixable": 1,
    }
    types = {
        "path": (str,),
        "line": (int, type(None)),
        "column": (int, type(None)),
        "end_line": (int, type(None)),
        "end_column": (int, type(None)),
        "code": (str,),
        "name": (str,),
        "message": (str,),
        "fix_hint": (str, type(None)),
        "severity": (str,),
        "fix": (dict, type(None)),
        "url": (str, type(None)),
    }
    for finding in document["findings"]:
        assert list(finding) == list(types)
        for key, allowed in types.items():
            assert isinstance(finding[key], allowed), key
        assert finding["severity"] in ("error", "warning")
    folder, router, module = document["findings"]
    assert folder["line"] is None and folder["fix"] is None
    # Without known edits (the renderer alone): the message, and null edits.
    assert router["fix"] == {
        "applicability": "safe",
        "message": "Use BillingService via Depends()",
        "edits": None,
    }
    assert router["url"] == "https://example.invalid/rules/CNF201"
    assert (router["line"], router["column"], router["end_line"], router["end_column"]) == (
        3,
        1,
        3,
        42,
    )
    assert module["fix"] == {
        "applicability": "unsafe",
        "message": "Apply the fix for CNF402",
        "edits": None,
    }
    assert module["fix_hint"] is None
    assert module["message"] == TRICKY_MESSAGE


def test_json_clean_run_has_the_same_shape() -> None:
    document = json.loads(render("json", [], context()))
    assert document["findings"] == []
    assert document["summary"]["findings"] == 0


def test_json_schema_document_lists_every_field() -> None:
    doc = (REPO_ROOT / "docs" / "json-format.md").read_text("utf-8")
    document = json.loads(render("json", SAMPLE, context()))
    fields = {*document, *document["tool"], *document["summary"], *document["findings"][0]}
    for name in fields:
        assert f"`{name}`" in doc, name


# --- sarif --------------------------------------------------------------------------------------


def sarif(violations: list[Violation]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(render("sarif", violations, context()))
    return result


def test_sarif_validates_against_the_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    for violations in (SAMPLE, []):
        jsonschema.Draft4Validator(schema).validate(sarif(violations))


def test_sarif_rules_and_results() -> None:
    run = sarif(SAMPLE)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["CNF101", "CNF201", "CNF402"]
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    router_rule = rules[1]
    assert router_rule["shortDescription"]["text"] == "Router imports the repository layer"
    assert router_rule["helpUri"] == "https://example.invalid/rules/CNF201"
    assert router_rule["properties"]["tags"] == ["layering"]
    assert rules[2]["defaultConfiguration"]["level"] == "warning"
    folder, router, module = run["results"]
    # GitHub requires a start line: a finding about a folder is shown at its top
    assert folder["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert router["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 1,
        "endLine": 3,
        "endColumn": 42,
    }
    assert router["message"]["text"].startswith("router imports [red]BillingRepository[/red]")
    assert "use BillingService via Depends()" in router["message"]["text"]
    assert module["level"] == "warning"


def test_sarif_uris_are_relative_and_percent_encoded() -> None:
    output = render("sarif", SAMPLE, context())
    assert "file://" not in output
    assert str(Path.cwd()) not in output
    run = json.loads(output)["runs"][0]
    assert "uri" not in run.get("originalUriBaseIds", {}).get("%SRCROOT%", {})
    uris = [
        result["locations"][0]["physicalLocation"]["artifactLocation"] for result in run["results"]
    ]
    assert uris[2] == {
        "uri": "cpv3/modules/my%20module/m%C3%B3dulos/%C3%BC.py",
        "uriBaseId": "%SRCROOT%",
    }
    for location, finding in zip(uris, SAMPLE):
        assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", location["uri"])
        assert not location["uri"].startswith("/")
        assert unquote(location["uri"]) == finding.path


def test_sarif_uri_encodes_reserved_characters() -> None:
    tricky = violation("a:b/c#d?e%f.py")
    uri = sarif([tricky])["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert uri["artifactLocation"]["uri"] == "a%3Ab/c%23d%3Fe%25f.py"


def fingerprint(document: dict[str, Any], index: int = 0) -> str:
    value: str = document["runs"][0]["results"][index]["partialFingerprints"][
        "conformanceFingerprint/v1"
    ]
    return value


def test_sarif_fingerprints_survive_line_shifts_and_tell_findings_apart() -> None:
    before = fingerprint(sarif([violation(line=3)]))
    after = fingerprint(sarif([violation(line=30, column=5)]))
    assert before == after
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    other_code = fingerprint(sarif([violation(code="CNF402")]))
    other_path = fingerprint(sarif([violation(path="cpv3/modules/users/router.py")]))
    other_text = fingerprint(sarif([violation(fingerprint_text="import x")]))
    assert len({before, other_code, other_path, other_text}) == 4


def test_sarif_fingerprint_falls_back_to_the_message() -> None:
    one = fingerprint(sarif([violation(fingerprint_text="", message="a")]))
    two = fingerprint(sarif([violation(fingerprint_text="", message="b")]))
    assert one != two


# --- github -------------------------------------------------------------------------------------


def test_github_escapes_data_and_properties_exactly() -> None:
    finding = violation(
        "cpv3/we,ird:name.py",
        3,
        1,
        "CNF201",
        "50% of 3\r\nlines: a, b",
        end_column=42,
        fix_hint="see: docs, 100%",
    )
    assert render("github", [finding], context()) == (
        "::error file=cpv3/we%2Cird%3Aname.py,line=3,col=1,endLine=3,endColumn=42,"
        "title=CNF201 router-imports-repository"
        "::50%25 of 3%0D%0Alines: a, b%0Ahelp: see: docs, 100%25\n"
    )


def test_github_levels_and_missing_positions() -> None:
    lines = render("github", SAMPLE, context()).splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "::error file=cpv3/modules/billing,title=CNF101 missing-module-file"
        "::module `billing` has no `service.py`%0Ahelp: create service.py"
    )
    assert lines[2].startswith(
        "::warning file=cpv3/modules/my module/módulos/ü.py,line=7,col=5,endLine=7,endColumn=15,"
    )


def test_github_multi_line_span_sends_lines_only() -> None:
    finding = violation(line=3, column=5, end_line=6, end_column=2)
    command = render("github", [finding], context())
    assert "line=3,endLine=6,title=" in command
    assert "col=" not in command and "endColumn=" not in command


def test_github_strips_colour_codes() -> None:
    finding = violation(message="\x1b[31mred\x1b[0m text")
    assert render("github", [finding], context()).endswith("::red text\n")


def test_github_clean_run_prints_nothing() -> None:
    assert render("github", [], context()) == ""


# --- gitlab -------------------------------------------------------------------------------------


def gitlab(violations: list[Violation]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(render("gitlab", violations, context()))
    return items


def test_gitlab_items() -> None:
    folder, router, module = gitlab(SAMPLE)
    assert router == {
        "description": "CNF201 router imports [red]BillingRepository[/red]",
        "check_name": "CNF201",
        "fingerprint": router["fingerprint"],
        "severity": "major",
        "location": {"path": "cpv3/modules/billing/router.py", "lines": {"begin": 3}},
    }
    assert folder["location"]["lines"] == {"begin": 1}
    assert module["severity"] == "minor"
    assert module["location"]["path"] == "cpv3/modules/my module/módulos/ü.py"


def test_gitlab_fingerprints_are_unique_and_stable() -> None:
    twins = [violation(line=3), violation(line=8)]  # same path, code and text
    first = [item["fingerprint"] for item in gitlab(twins)]
    assert len(set(first)) == 2
    shifted = [item["fingerprint"] for item in gitlab([violation(line=5), violation(line=10)])]
    assert shifted == first
    alone = gitlab([violation(line=40)])[0]["fingerprint"]
    assert alone == first[0]
    everything = [item["fingerprint"] for item in gitlab([*SAMPLE, *twins])]
    assert len(set(everything)) == len(everything)


def test_gitlab_clean_run_is_an_empty_array() -> None:
    assert json.loads(render("gitlab", [], context())) == []


# --- junit --------------------------------------------------------------------------------------


def test_junit_one_suite_per_file_one_failing_case_per_finding() -> None:
    output = render("junit", SAMPLE, context())
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(output.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("name"), root.get("tests"), root.get("failures")) == (
        "module-conformance",
        "3",
        "3",
    )
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [v.path for v in SAMPLE]
    case = suites[2].find("testcase")
    assert case is not None
    assert case.get("name") == "CNF402 cpv3/modules/my module/módulos/ü.py:7:5"
    assert case.get("classname") == "cpv3/modules/my module/módulos/ü.py"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "CNF402"
    assert failure.get("message") == TRICKY_MESSAGE
    router_failure = suites[1].find("testcase/failure")
    assert router_failure is not None and router_failure.text is not None
    assert "help: use BillingService via Depends()" in router_failure.text
    folder_case = suites[0].find("testcase")
    assert folder_case is not None
    assert folder_case.get("name") == "CNF101 cpv3/modules/billing"


def test_junit_clean_run_has_one_passing_case() -> None:
    root = ET.fromstring(render("junit", [], context()).encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1
    assert cases[0].get("name") == "no findings"
    assert cases[0].find("failure") is None


def test_junit_stays_well_formed_with_control_characters() -> None:
    finding = violation(message="bell \x07 and escape \x1b[0m")
    root = ET.fromstring(render("junit", [finding], context()).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message", "").startswith("bell ")


_FINDING_LINE = re.compile(r"^\S.*?: CNF\d{3} ")


def test_shop_example_says_each_help_once_and_never_what_the_message_says(
    cli: CliRunner,
) -> None:
    """The README's command on the bundled example: every help line tells how to fix, in words
    its finding's message does not use, and no help line is printed twice."""
    result = cli(["check", "--no-cache", "."], REPO_ROOT / "examples" / "shop")
    assert result.returncode == 1, result.stderr
    finding = ""
    helps = []
    for line in result.stdout.splitlines():
        if _FINDING_LINE.match(line):
            finding = line
        elif line.startswith("  help: "):
            hint = line[len("  help: ") :]
            helps.append(hint)
            assert shared_words(finding, hint) is None, (finding, hint)
            assert not PLACEHOLDER.search(hint), hint
    assert len(helps) >= 10
    assert sorted(set(helps)) == sorted(helps), [h for h in helps if helps.count(h) > 1]
