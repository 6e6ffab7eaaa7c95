"""Output an agent can act on: JSON fix edits that reproduce --fix, the shipped JSON Schema, the
concise [*] marker, text code frames, --stdin-filename, --statistics in every format, explain
--format json and families."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from conformance.edits import apply_edits, text_edits
from conformance.reporters.json import schema

from .agent_tree import FILES, FINDINGS, agent_tree, edits_of
from .conftest import run_cli, run_main


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return agent_tree(tmp_path_factory.mktemp("agent"))


def check_json(root: Path, *args: str) -> Dict[str, Any]:
    result = run_main(["check", "--format", "json", *args], root)
    assert result.returncode in (0, 1), result.stderr
    document: Dict[str, Any] = json.loads(result.stdout)
    return document


# -- JSON ------------------------------------------------------------------------------------


def test_json_findings_carry_fix_messages_and_edits(tree: Path) -> None:
    document = check_json(tree)
    assert [(f["path"], f["line"], f["code"]) for f in document["findings"]] == FINDINGS
    for finding in document["findings"]:
        fix = finding["fix"]
        assert fix["applicability"] == "safe"
        assert fix["message"] and fix["edits"], finding
        for edit in fix["edits"]:
            assert set(edit) == {"content", "location", "end_location"}
            assert edit["location"]["row"] >= 1 and edit["location"]["column"] >= 1


def test_applying_a_findings_edits_gives_what_fix_writes_for_it(tree: Path, tmp_path: Path) -> None:
    document = check_json(tree)
    for number, finding in enumerate(document["findings"]):
        original = FILES[finding["path"]]
        applied = apply_edits(original, edits_of(finding))
        copy = tmp_path / f"copy{number}"
        shutil.copytree(tree, copy, ignore=shutil.ignore_patterns(".test-cache"))
        fixed = run_main(["check", "--fix", "--select", finding["code"], finding["path"]], copy)
        assert "Traceback" not in fixed.stderr
        written = (copy / finding["path"]).read_text(encoding="utf-8")
        assert written != original, finding["code"]
        assert applied == written, finding["code"]


def test_an_edit_that_adds_an_import_is_a_separate_insertion(tree: Path) -> None:
    validator = next(f for f in check_json(tree)["findings"] if f["code"] == "CNF410")
    first = validator["fix"]["edits"][0]
    assert first["location"] == first["end_location"] == {"row": 1, "column": 33}
    assert "field_validator" in first["content"]


def test_json_reports_validate_against_the_shipped_schema(tree: Path, tmp_path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(check_json(tree), schema())
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    jsonschema.validate(check_json(clean), schema())
    assert check_json(tree)["base"] == str(tree)
    broken = check_json(tree)
    broken["findings"][0]["fix"]["edits"][0]["location"]["row"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_a_warm_json_run_gives_the_same_edits(tree: Path) -> None:
    assert check_json(tree) == check_json(tree)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = Column(a)\n", "x = mapped_column(a)\n"),
        ("a\r\nb\r\n", "a\r\nc\r\nb\r\n"),
        ("no newline", "no newline at all"),
        ("", "import os\n"),
        ("one\ntwo\nthree\n", "three\n"),
    ],
)
def test_text_edits_round_trip(before: str, after: str) -> None:
    assert apply_edits(before, text_edits(before, after)) == after


def test_text_edits_replace_whole_words() -> None:
    (edit,) = text_edits("x = Column(a)\n", "x = mapped_column(a)\n")
    assert (edit.content, edit.row, edit.column, edit.end_column) == ("mapped_column", 1, 5, 11)


# -- concise and text ------------------------------------------------------------------------


def test_concise_marks_fixable_findings(tree: Path) -> None:
    lines = run_main(["check", "--format", "concise"], tree).stdout.splitlines()
    assert lines[0].startswith("cpv3/modules/users/models.py:13:12: CNF503 [*] ")
    assert len(lines) == len(FINDINGS) and all(" [*] " in line for line in lines)


def test_text_shows_a_code_frame_with_carets_under_the_range(tree: Path) -> None:
    out = run_main(["check"], tree).stdout
    assert "\x1b[" not in out  # not a terminal: no colour
    lines = out.splitlines()
    at = next(
        number
        for number, line in enumerate(lines)
        if line.startswith("cpv3/modules/users/models.py:13:12: CNF503 [*] ")
    )
    assert lines[at + 1 : at + 5] == [
        "   |",
        "13 |     name = Column(String(64), nullable=False)",
        "   |            ^^^^^^",
        "   |",
    ]
    assert lines[at + 5].startswith("  help: ")


def test_text_colours_only_when_asked(tree: Path) -> None:
    out = run_cli(["check"], tree, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in out


def test_help_line_only_when_it_adds_something() -> None:
    from conformance.reporters.text import adds_to

    assert not adds_to("", "anything")
    assert not adds_to("use `select()`.", "session.query(): use select()")
    assert adds_to("inject the service", "router imports the repository")


# -- --stdin-filename --------------------------------------------------------------------------


def test_stdin_text_is_checked_as_that_file(tree: Path) -> None:
    path = "cpv3/modules/users/models.py"
    fixed = FILES[path].replace("name = Column(String(64), nullable=False)", "name: Mapped[str]")
    result = run_cli(
        ["check", "--format", "concise", "--stdin-filename", path, "-"], tree, input_text=fixed
    )
    assert "models.py" not in result.stdout  # the unsaved text is clean
    assert "router.py:13:35: CNF301" in result.stdout  # the rest of its module package
    broken = FILES[path] + (
        "\n\nclass Group(Base):\n"
        '    __tablename__ = "groups"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    title = Column(String(8))\n"
    )
    result = run_cli(
        ["check", "--format", "concise", "--stdin-filename", path], tree, input_text=broken
    )
    assert result.returncode == 1
    assert result.stdout.count("models.py:") == 2 and "models.py:20:13: CNF503" in result.stdout
    assert (tree / path).read_text(encoding="utf-8") == FILES[path]  # nothing written


def test_stdin_json_edits_apply_to_the_unsaved_text(tree: Path) -> None:
    path = "cpv3/modules/users/schemas.py"
    text = "# unsaved\n" + FILES[path]
    result = run_cli(["check", "--format", "json", "--stdin-filename", path], tree, input_text=text)
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "CNF403")
    assert finding["line"] == 17
    assert "from_attributes = True" in apply_edits(text, edits_of(finding))


def test_stdin_fix_prints_the_fixed_text(tree: Path) -> None:
    path = "cpv3/modules/users/models.py"
    result = run_cli(["check", "--fix", "--stdin-filename", path], tree, input_text=FILES[path])
    assert "name = mapped_column(String(64), nullable=False)" in result.stdout
    assert (tree / path).read_text(encoding="utf-8") == FILES[path]


@pytest.mark.parametrize(
    "args",
    [
        ["--stdin-filename", "cpv3/modules/users/nope.py"],
        ["--stdin-filename", "cpv3/modules/users/models.py", "cpv3"],
        ["-"],
    ],
)
def test_stdin_mistakes_are_one_line_errors(tree: Path, args: List[str]) -> None:
    result = run_cli(["check", *args], tree, input_text="x = 1\n")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")


# -- --statistics --------------------------------------------------------------------------------


def test_statistics_alone_prints_only_the_table(tree: Path) -> None:
    result = run_main(["check", "--statistics"], tree)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Count", "Code", "Name", "Fix"]
    assert lines[1].split()[0] == "1" and lines[1].split()[-1] == "safe"
    assert len(lines) == 1 + len({code for _, _, code in FINDINGS})
    assert "Found" not in result.stdout and "models.py" not in result.stdout


def test_statistics_as_json(tree: Path) -> None:
    result = run_main(["check", "--statistics", "--format", "json"], tree)
    rows = json.loads(result.stdout)
    assert sorted(row["code"] for row in rows) == sorted(code for _, _, code in FINDINGS)
    assert all(
        row == {"code": row["code"], "name": row["name"], "count": 1, "fixable": True}
        for row in rows
    )


@pytest.mark.parametrize("fmt", ["concise", "sarif", "github", "gitlab", "junit"])
def test_statistics_work_with_every_format(tree: Path, fmt: str) -> None:
    result = run_main(["check", "--statistics", "--format", fmt], tree)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].split() == ["Count", "Code", "Name", "Fix"]


# -- explain ------------------------------------------------------------------------------------


def test_explain_as_json(tmp_path: Path) -> None:
    result = run_main(["explain", "CNF503", "--format", "json"], tmp_path)
    rule = json.loads(result.stdout)
    assert rule["code"] == "CNF503" and rule["name"] == "column-in-orm-class"
    assert rule["fix"] == "safe" and "## What it checks" in rule["docs"]
    assert rule["source"] == "conformance/rules/sqlalchemy/column_in_orm_class.py"


def test_explain_a_prefix_lists_the_family(tmp_path: Path) -> None:
    result = run_main(["explain", "CNF2"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("# CNF2: Layering")
    codes = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("CNF")]
    assert codes and all(code.startswith("CNF2") for code in codes)
    listed = json.loads(run_main(["explain", "cnf2", "--format", "json"], tmp_path).stdout)
    assert [rule["code"] for rule in listed] == codes
    unknown = run_main(["explain", "CNF8"], tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: unknown rule")
