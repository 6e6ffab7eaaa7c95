"""The walk: deep but valid code is checked, not skipped (no recursion per nesting level)."""

from __future__ import annotations

from pathlib import Path

from .conftest import CliRunner, write_tree

MODULE = "cpv3/modules/users/"
EMPTY_MODULE = {
    "cpv3/__init__.py": "",
    "cpv3/modules/__init__.py": "",
    **{MODULE + name: "" for name in ("__init__.py", "models.py", "schemas.py", "router.py")},
    MODULE + "repository.py": "",
    MODULE + "service.py": "",
}

#: the finding of the HTTPException import when the walk reached the one raise of it
RAISED = "service.py imports HTTPException from fastapi (raised once)"


def check_deep(tmp_path: Path, cli: CliRunner, path: str, source: str) -> str:
    """Check a module whose ``path`` holds ``source``; the concise report."""
    write_tree(tmp_path, {**EMPTY_MODULE, MODULE + path: source})
    result = cli(
        ["check", "--no-cache", "--format", "concise", "--select", "CNF207", "."], tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "CNF901" not in result.stdout
    return result.stdout


def test_a_500_branch_elif_is_checked_to_its_last_branch(tmp_path: Path, cli: CliRunner) -> None:
    branches = "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, 500))
    source = (
        "from fastapi import HTTPException\n\n\n"
        f"def pick(x):\n    if x == 0:\n        return 0\n{branches}"
        "    else:\n        raise HTTPException(404)\n"
    )
    report = check_deep(tmp_path, cli, "service.py", source)
    # the raise sits in the innermost ``else``: the import's finding counts it
    assert f"{MODULE}service.py:1:21: CNF207 {RAISED}" in report


def test_a_300_call_where_chain_is_checked(tmp_path: Path, cli: CliRunner) -> None:
    chain = ".where(User.id == 1)" * 300
    source = (
        "from fastapi import HTTPException\nfrom sqlalchemy import select\n\n\n"
        f"async def find(session, User):\n    return await session.execute(select(User){chain})\n"
        "\n\ndef fail():\n    raise HTTPException(404)\n"
    )
    report = check_deep(tmp_path, cli, "repository.py", source)
    assert f"{MODULE}repository.py:1:21: CNF207 repository{RAISED[7:]}" in report


def test_a_500_term_concatenation_is_checked(tmp_path: Path, cli: CliRunner) -> None:
    terms = " + ".join(f"'s{i}'" for i in range(500))
    source = (
        f"from fastapi import HTTPException\n\nTEXT = {terms}\n\n\n"
        "def fail():\n    raise HTTPException(404)\n"
    )
    report = check_deep(tmp_path, cli, "service.py", source)
    assert f"{MODULE}service.py:1:21: CNF207 {RAISED}" in report


def test_a_500_attribute_chain_is_checked(tmp_path: Path, cli: CliRunner) -> None:
    chain = "".join(f".b{i}" for i in range(500))
    source = (
        f"import settings\nfrom fastapi import HTTPException\n\nVALUE = settings{chain}\n\n\n"
        "def fail():\n    raise HTTPException(404)\n"
    )
    report = check_deep(tmp_path, cli, "service.py", source)
    assert f"{MODULE}service.py:2:21: CNF207 {RAISED}" in report


def test_fix_goes_through_deep_files(tmp_path: Path, cli: CliRunner) -> None:
    branches = "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, 500))
    deep = (
        f"def pick(x):\n    if x == 0:\n        return 0\n{branches}    return -1  # noqa: CNF201\n"
    )
    write_tree(
        tmp_path,
        {
            **EMPTY_MODULE,
            MODULE + "service.py": deep,
            MODULE + "schemas.py": "LIMIT = 10  # noqa: CNF201\n",
        },
    )
    result = cli(["check", "--no-cache", "--select", "CNF201,CNF902", "--fix", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / MODULE / "schemas.py").read_text() == "LIMIT = 10\n"
    assert (tmp_path / MODULE / "service.py").read_text().endswith("    return -1\n")
