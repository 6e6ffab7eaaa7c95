"""Suppressions through the real CLI: ``# noqa: CODE`` on the finding's line or its statement's
first line, rule names, blanket ``# noqa`` ignored, CNF902 for unused, repeated and unknown codes
(and the text of its fix), per-file-ignores for findings without a line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from conformance.config import validate
from conformance.engine import RunOptions, run
from conformance.suppressions import comment_edit, edit_line, remove_codes

from .conftest import dedent, git_init, run_main, write_tree

SIX = ("__init__.py", "models.py", "schemas.py", "repository.py", "service.py", "router.py")
ROUTER = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/users", tags=["users"])\n'
#: Only the structure and checker families, so new rules elsewhere do not change these findings.
SELECT = 'select = ["CNF1", "CNF9"]\n'
SERVICE = "cpv3/modules/users/service.py"

Found = Tuple[Optional[int], str, str]


def project(root: Path, service: str = "", config: str = "") -> Path:
    files: Dict[str, str] = {f"cpv3/modules/users/{name}": "" for name in SIX}
    files["cpv3/modules/users/router.py"] = ROUTER
    files[SERVICE] = dedent(service)
    files["pyproject.toml"] = f"[project]\nname = 'demo'\n\n[tool.conformance]\n{SELECT}{config}"
    write_tree(root, files)
    git_init(root)
    return root


def check(root: Path, *args: str) -> List[Found]:
    result = run_main(["check", "--format", "json", *args], root)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return [(f["line"], f["code"], f["message"]) for f in json.loads(result.stdout)["findings"]]


def test_codes_names_and_statement_first_lines_suppress(tmp_path: Path) -> None:
    project(
        tmp_path,
        """
        from sqlalchemy import select


        def by_code():
            return select("a")  # noqa: CNF113


        def by_name():
            return select("a")  # noqa: sql-outside-repository


        def several_codes_lower_case_and_a_reason():
            return select("a")  # NOQA:E501,cnf113 legacy query, moving in #123


        def on_the_first_line_of_the_statement():
            return (  # noqa: CNF113
                select("a")
            )


        def behind_a_type_ignore():
            return select("a")  # type: ignore[no-any-return]  # noqa: CNF113
        """,
    )
    assert check(tmp_path) == []


def test_blanket_noqa_and_misplaced_comments_do_not_suppress(tmp_path: Path) -> None:
    project(
        tmp_path,
        """
        from sqlalchemy import select


        def blanket():
            return select("a")  # noqa


        def blanket_of_another_tool():
            return select("a")  # noqa: E501


        def on_the_last_line_of_the_statement():
            return (
                select("a")
            )  # noqa: CNF113
        """,
    )
    message = "select() builds SQL in service.py"
    assert check(tmp_path) == [
        (5, "CNF113", message),
        (9, "CNF113", message),
        (14, "CNF113", message),
        # not silent: the misplaced comment suppresses nothing, and says so
        (15, "CNF902", "unused suppression of CNF113 in `# noqa: CNF113`"),
    ]


def test_unused_repeated_and_unknown_codes_are_cnf902(tmp_path: Path) -> None:
    project(
        tmp_path,
        """
        from sqlalchemy import select

        X = 1  # noqa: CNF113
        Y = select("a")  # noqa: CNF113, CNF111, CNF999, E501
        Z = select("b")  # noqa: CNF113 sql-outside-repository
        W = 2  # noqa: F401, ruff-codes-are-not-ours
        """,
    )
    assert check(tmp_path) == [
        (3, "CNF902", "unused suppression of CNF113 in `# noqa: CNF113`"),
        (
            4,
            "CNF902",
            "unused suppression of CNF111; unknown rule code CNF999 in"
            " `# noqa: CNF113, CNF111, CNF999, E501`",
        ),
        (
            5,
            "CNF902",
            "duplicate suppression of CNF113 in `# noqa: CNF113 sql-outside-repository`",
        ),
    ]
    # A code of a rule this run does not select cannot be judged unused (it may be needed).
    assert check(tmp_path, "--select", "CNF113,CNF902") == [
        (3, "CNF902", "unused suppression of CNF113 in `# noqa: CNF113`"),
        (4, "CNF902", "unknown rule code CNF999 in `# noqa: CNF113, CNF111, CNF999, E501`"),
        (
            5,
            "CNF902",
            "duplicate suppression of CNF113 in `# noqa: CNF113 sql-outside-repository`",
        ),
    ]
    # CNF902 is a rule like any other.
    assert check(tmp_path, "--ignore", "CNF902") == []


def test_the_cnf902_fix_text_leaves_a_clean_file(tmp_path: Path) -> None:
    """Apply :func:`comment_edit` / :func:`edit_line` to every CNF902 finding of a real run, then
    check again: no CNF902 left, and what was suppressed stays suppressed."""
    source = dedent(
        """
        from sqlalchemy import select

        X = 1  # noqa: CNF113
        Y = select("a")  # noqa: CNF113, CNF111, CNF999, E501
        Z = select("b")  # noqa: CNF113 sql-outside-repository  # pragma: no cover
        W = 3  # type: ignore  # noqa: CNF113 reason
        # noqa: CNF113
        V = 4
        """
    )
    project(tmp_path, source)
    config = validate({"select": ["CNF1", "CNF9"]}, root=str(tmp_path), source=None)
    violations = run(config, [str(tmp_path)], RunOptions(jobs=1)).violations
    lines = source.split("\n")
    for violation in sorted(violations, key=lambda v: -(v.location.line or 0)):
        edit = comment_edit(violation)
        assert edit is not None, violation
        new = edit_line(lines[edit.line - 1], edit)
        if new is None:
            del lines[edit.line - 1]
        else:
            lines[edit.line - 1] = new
    fixed = "\n".join(lines)
    assert fixed == dedent(
        """
        from sqlalchemy import select

        X = 1
        Y = select("a")  # noqa: CNF113, E501
        Z = select("b")  # noqa: CNF113  # pragma: no cover
        W = 3  # type: ignore
        V = 4
        """
    )
    (tmp_path / SERVICE).write_text(fixed, encoding="utf-8")
    assert check(tmp_path) == []


@pytest.mark.parametrize(
    ("comment", "codes", "expected"),
    [
        ("# noqa: CNF113", ["CNF113"], None),
        ("# noqa: CNF113, CNF101", ["CNF101"], "# noqa: CNF113"),
        ("# noqa: CNF101 CNF113", ["cnf101"], "# noqa: CNF113"),
        ("# noqa: E501, CNF113", ["CNF113"], "# noqa: E501"),
        ("# noqa: CNF113, sql-outside-repository", [], "# noqa: CNF113"),
        ("# noqa: sql-outside-repository", ["CNF113"], None),
        ("# NOQA:CNF113 CNF111 legacy endpoint", ["CNF111"], "# NOQA:CNF113 legacy endpoint"),
        ("# noqa: CNF113 legacy endpoint", ["CNF113"], None),
        ("# type: ignore  # noqa: CNF113", ["CNF113"], "# type: ignore"),
        ("# noqa: CNF113  # pragma: no cover", ["CNF113"], "# pragma: no cover"),
        ("# noqa: CNF113", ["CNF201"], "# noqa: CNF113"),
        ("# noqa", ["CNF113"], "# noqa"),
        ("# just a comment", ["CNF113"], "# just a comment"),
    ],
)
def test_remove_codes(comment: str, codes: List[str], expected: Optional[str]) -> None:
    names = {"sql-outside-repository": "CNF113", "router-binding": "CNF112"}
    assert remove_codes(comment, codes, names) == expected
    # the rule table is the default
    assert remove_codes(comment, codes) == expected


def test_findings_without_a_line_are_suppressed_by_per_file_ignores(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / SERVICE).unlink()
    (tmp_path / "cpv3/modules/users/utils.py").write_text("x = 1\n", encoding="utf-8")
    found = check(tmp_path)
    assert [(line, code) for line, code, _ in found] == [(None, "CNF101"), (None, "CNF102")]

    cases = {
        # by code, on the path the finding points at (the package's __init__.py)
        '"cpv3/modules/users/__init__.py" = ["CNF101"]': ["CNF102"],
        # by prefix, on a glob of the package's files
        '"cpv3/modules/users/*" = ["CNF10"]': [],
        # by rule name, on the package folder
        '"cpv3/modules/users" = ["missing-module-file"]': ["CNF102"],
        # another package: nothing
        '"cpv3/modules/billing/*" = ["ALL"]': ["CNF101", "CNF102"],
    }
    for table, expected in cases.items():
        config = f"[tool.conformance.per-file-ignores]\n{table}\n"
        (tmp_path / "pyproject.toml").write_text(
            f"[tool.conformance]\n{SELECT}\n{config}", encoding="utf-8"
        )
        assert [code for _, code, _ in check(tmp_path)] == expected, table


def test_noqa_in_a_string_is_not_a_comment(tmp_path: Path) -> None:
    project(
        tmp_path,
        '''
        from sqlalchemy import select

        Q = select("# noqa: CNF113")
        DOC = """
        # noqa: CNF113
        """
        ''',
    )
    assert [(line, code) for line, code, _ in check(tmp_path)] == [(3, "CNF113")]


def test_fix_removes_unused_codes_through_the_cli(tmp_path: Path) -> None:
    project(
        tmp_path,
        """
        from sqlalchemy import select

        X = 1  # noqa: CNF113
        Y = select("a")  # noqa: E501, CNF113, CNF999
        Z = 2  # type: ignore  # noqa: sql-outside-repository
        """,
    )
    result = run_main(["check", "--fix"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / SERVICE).read_text(encoding="utf-8") == dedent(
        """
        from sqlalchemy import select

        X = 1
        Y = select("a")  # noqa: E501, CNF113
        Z = 2  # type: ignore
        """
    )
    assert check(tmp_path) == []
